"""`claims_quantities`: money, percents, counts, ratios, durations and measures as spans.

Why regular expressions over `doc.text` rather than token Matcher patterns: figures are split
differently by the tokenizer depending on their form (`$44bn` -> `$`,`44bn`; `US$1.2` ->
`US$`,`1.2`; `2-3` stays one token), while one character pattern covers them all and behaves the
same in the blank and the statistical pipelines. The patterns compile once, in `__init__`; the
parse (when present) is used only to find what is counted and to veto numbers inside names.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING

from spacy.language import Language

from claims.text.components.common import (
    SPAN_KEY,
    add_span,
    ensure_extensions,
    overlaps_any,
    taken,
)
from claims.text.components.durations import halves, merge_compounds
from claims.text.components.figure_patterns import (
    CHANGE_BEFORE,
    DURATION_AFTER,
    FOLD_AFTER,
    MEASURE_AFTER,
    RATIO_AFTER,
    build_patterns,
)
from claims.text.components.shapes import dimensions, drop_anaphora, fractions, merge_bounds, shares, vague_amounts
from claims.text.components.vetoes import (
    counted,
    is_score,
    looks_like_year,
    plausible_number,
    pounds_are_weight,
    time_window,
)
from claims.text.currencies import ambiguous_family, country_mentions, resolve_family
from claims.text.normalise import (
    currency_code,
    currency_scale,
    interval,
    minor_unit,
    qualifier_of,
)
from claims.text.numbers import (
    DURATION_UNITS,
    MEASURE_UNITS,
    WORD_NUMBER,
    is_fraction_number,
    magnitude_of,
    parse_number,
    rounding_step,
)
from claims.text.units import canonical_name, convert, unit_of, written_step
from claims.tolerance import APPROX

if TYPE_CHECKING:
    from spacy.tokens import Doc


@Language.factory(
    "claims_quantities",
    default_config={"approx_tolerance": APPROX},
    requires=["doc.text"],
    assigns=["doc.spans"],
)
def make_quantity_finder(nlp: Language, name: str, approx_tolerance: float) -> QuantityFinder:
    """spaCy factory of the figure component, so a pipeline config can name it."""
    return QuantityFinder(approx_tolerance=approx_tolerance)


class QuantityFinder:
    """Adds figure spans: `Span._.claims_kind` in money|percent|count|ratio|duration|quantity."""

    def __init__(self, *, approx_tolerance: float = APPROX) -> None:
        if not 0 <= approx_tolerance < 1:
            raise ValueError(f"claims_quantities: approx_tolerance must be in [0, 1), got {approx_tolerance}")
        self.approx_tolerance = approx_tolerance
        self.patterns = build_patterns()
        ensure_extensions()

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        used = taken(doc)
        self._pending: dict[tuple[int, int], tuple[str, str]] = {}
        self._token = ""
        dimensions(self, doc, text, used)
        fractions(self, doc, text, used)
        shares(self, doc, text, used)
        halves(self, doc, text, used)
        for m in self.patterns.pattern.finditer(text):
            self._figure(doc, text, m, used)
        vague_amounts(self, doc, text, used)
        merge_compounds(doc, text)
        merge_bounds(doc, text)
        drop_anaphora(doc, text)
        if self._pending and SPAN_KEY in doc.spans:
            self._resolve_currencies(doc)
        return doc

    def _resolve_currencies(self, doc: Doc) -> None:
        """`$`, `Rs`, `kr`, `dollars`, `rupees`: the currency of the article's country."""
        mentions = (
            country_mentions(e.text for e in doc.ents if e.label_ == "GPE")
            if doc.has_annotation("ENT_IOB")
            else Counter()
        )
        for span in doc.spans[SPAN_KEY]:
            key = span._.claims_chars
            if key in self._pending:
                family, default = self._pending[key]
                span._.claims_unit = resolve_family(family, default, mentions)

    # -- one match of the main pattern -------------------------------------------------------
    def _figure(self, doc: Doc, text: str, m: re.Match[str], used: list[tuple[int, int]]) -> None:
        g = m.groupdict()
        start, end = m.start(), m.end()
        n1, n2 = g["n1"], g["n2"]
        if n2 is not None and g["conn"] in ("-", "–") and g["between"] is None:
            # `1904-05`, `2014-2020`: year spans belong to the date finder
            if looks_like_year(n1) or looks_like_year(n2):
                n2 = None
        from_ = (g["between"] or "").strip().lower() == "from"
        own_unit = bool(g["pct1"] or g["cur1"] or g["m1"])  # `climbed 3 to 4 percent` is a range
        own_unit = own_unit or bool(re.search(r"\bby\s$", text[max(0, m.start() - 4) : m.start()]))
        if (
            n2 is not None
            and (from_ or own_unit)
            and g["conn"] in ("to", "-", "–")
            and CHANGE_BEFORE.search(
                text[max(0, m.start() - 60) : m.start() + len(g["qual"] or "") + len(g["between"] or "")]
            )
        ):
            # `fell 0.4 per cent to 4,120`, `widened by $12 billion to $95 billion`: a change and
            # the level it led to; `rose from 5.2 million to 6.5 million`: two levels at two times.
            # Never one range.
            end1 = m.end("pct1") if g["pct1"] else (m.end("m1") if g["m1"] else m.end("n1"))
            change = not from_
            before = len(doc.spans[SPAN_KEY]) if SPAN_KEY in doc.spans else 0
            self._single(doc, text, m, start, end1, used, tail_post=False)
            if change and SPAN_KEY in doc.spans and len(doc.spans[SPAN_KEY]) > before:
                doc.spans[SPAN_KEY][-1]._.claims_change = True
            rest = self.patterns.pattern.search(text, m.start("cur2") if g["cur2"] else m.start("n2"))
            if rest is not None:
                self._figure(doc, text, rest, used)
            return
        if n2 is not None and g["pct1"] and (g["cur2"] or g["curw"] or g["curs"] or g["curc"] or g["curh"]):
            # `rose 2 % to $ 1.45 billion`: a percent and an amount, not a range
            self._single(doc, text, m, start, m.end("pct1"), used, tail_post=False)
            rest = self.patterns.pattern.search(text, m.start("cur2") if g["cur2"] else m.start("n2"))
            if rest is not None:
                self._figure(doc, text, rest, used)
            return
        if n2 is None and g["n2"] is not None:
            end = m.end("n1") if g["m1"] is None else m.end("m1")
            return self._single(doc, text, m, start, end, used, tail_post=False)
        if overlaps_any(start, end, used):
            # a date took part of it: fall back to the first amount only, if that is free
            end1 = m.end("m1") if g["m1"] else m.end("n1")
            if g["n2"] is not None and not overlaps_any(start, end1, used):
                return self._single(doc, text, m, start, end1, used, tail_post=False)
            return
        if n2 is None:
            return self._single(doc, text, m, start, end, used, tail_post=True)
        self._range(doc, text, m, start, end, used)

    def _currency(self, g: dict[str, str | None]) -> tuple[str | None, float]:
        """ISO code of the figure's currency and the factor its token carries (`MUSD`: 1e6)."""
        for key in ("cur1", "cur2", "curw", "curh", "curc", "curs"):
            if g.get(key):
                token = (g[key] or "").strip()
                code = currency_code(token)
                if code:
                    scale = currency_scale(token) * magnitude_of(g.get("m3") or g.get("m4"))
                    self._token = token
                    return code, scale
        return None, 1.0

    def _single(
        self,
        doc: Doc,
        text: str,
        m: re.Match[str],
        start: int,
        end: int,
        used: list[tuple[int, int]],
        *,
        tail_post: bool,
    ) -> None:
        g = m.groupdict()
        if not tail_post:
            g = {
                **g,
                "post": None,
                "curw": None,
                "cur2": None,
                "curs": None,
                "orq": None,
                "curc": None,
                "curh": None,
                "m3": None,
                "m4": None,
                "oreq": None,
                "pence": None,
            }
        if g["between"] and not g["qual"]:
            start = m.start("between") + len(g["between"] or "")
        n_text, mag_text = g["n1"] or "", g["m1"]
        qualifier = qualifier_of(g["qual"])
        if g["orq"]:  # `200 or more`, `5% or less`
            more = g["orq"].split()[-1] in ("more", "greater", "above", "higher", "over")
            qualifier = "at_least" if more else "at_most"
        elif g["oreq"]:  # `more than 5000 or equal to it`
            qualifier = "at_least" if qualifier == "more_than" else "at_most" if qualifier == "less_than" else qualifier
        pct_text = (g["pct1"] or "") or (g["post"] or "")
        is_pct = (bool(pct_text) and "point" not in pct_text.lower() and "bps" not in pct_text) or bool(g["pct1"])
        self._token = ""
        currency, scale = self._currency(g)
        try:
            number = parse_number(n_text) * self._sign(text, m, "neg1")
        except ValueError:
            return
        if "basis" in pct_text.lower() or "bps" in pct_text:  # 25 basis points = 0.25 percentage point
            number /= 100
        if g["neg1"] and number > 0:  # `10 minus 5`: arithmetic, the sign word is not ours
            start = m.start("neg1") + len(g["neg1"] or "")
        mag = magnitude_of(mag_text) * scale
        if overlaps_any(start, end, used):
            return
        after = text[end : end + 40]
        cur_word = g["curw"] or g["curh"] or (g["pence"] and "pence")
        minor = minor_unit(cur_word) if cur_word else None
        family = ambiguous_family(self._token) if currency else None
        if minor:  # `50 cents` -> USD 0.50 (the article's dollar), `50p` -> GBP 0.50
            currency, mag = minor[0], mag * minor[1]
            family = ("dollar", "USD") if minor[0] == "USD" else None
        if currency == "GBP" and (cur_word or "").lower().startswith("pound"):
            if pounds_are_weight(text, start, end, mag):
                lb = unit_of("lbs")
                assert lb is not None
                v = interval(number * mag, qualifier, rounding_step(n_text, mag) or written_step(n_text))
                value, low, high = convert(v, lb)
                self.add(doc, start, end, used, "quantity", value, low, high, qualifier, canonical_name(lb.dimension))
                return
        if currency:
            step = rounding_step(n_text, mag)
            value, low, high = interval(number * mag, qualifier, step)
            self.add(doc, start, end, used, "money", value, low, high, qualifier, currency)
            if family is not None:
                self._pending[(start, end)] = family
            return
        if pct_text:
            value, low, high = interval(number, qualifier)
            unit = "percent" if is_pct else "percentage point"
            self.add(doc, start, end, used, "percent", value, low, high, qualifier, unit)
            return
        if not plausible_number(doc, text, start, m.start("n1"), end, g, mag_text):
            return
        if (r := RATIO_AFTER.match(after)) or (r := FOLD_AFTER.match(after)):
            r_end = end + r.end()
            value, low, high = interval(number * mag, qualifier)
            self.add(doc, start, r_end, used, "ratio", value, low, high, qualifier, "times")
            return
        if (d := DURATION_AFTER.match(after)) and mag == 1.0:
            if d.group("old") and (after.startswith("-") or not g["qual"]):
                # an attributive age (`a 78-year-old man`) describes someone, it states nothing;
                # a bounded one (`the dam is more than 60 years old`) is a claim about its age
                return
            if time_window(text, start, end + d.end("u")):
                used.append((start, end + d.end("u")))
                return
            unit = DURATION_UNITS[d.group("u").lower()]
            value, low, high = interval(number, qualifier)
            self.add(doc, start, end + d.end("u"), used, "duration", value, low, high, qualifier, unit)
            return
        if q := MEASURE_AFTER.match(after):
            unit = MEASURE_UNITS[q.group("u").lower()]
            value, low, high = interval(number * mag, qualifier, rounding_step(n_text, mag))
            self.add(doc, start, end + q.end("u"), used, "quantity", value, low, high, qualifier, unit)
            return
        if mag == 1.0 and parse_number(n_text) < 1 and is_fraction_number(n_text):
            return  # `3/4`, `½` with no unit after them: a share, a date or a score, not a count
        if mag == 1.0 and not g["qual"] and looks_like_year(n_text):
            return  # a bare year the date finder chose not to take: not a count either
        step = rounding_step(n_text, mag)
        value, low, high = interval(number * mag, qualifier, step)
        self.add(doc, start, end, used, "count", value, low, high, qualifier, counted(doc, text, end))

    @staticmethod
    def _sign(text: str, m: re.Match[str], group: str) -> float:
        """-1 for `negative ten`, `minus five percent`; +1 for `10 minus 5` (arithmetic)."""
        word = m.group(group)
        if not word:
            return 1.0
        if word.lower().startswith("minus") and re.search(
            r"(?:\d|\b(?i:" + WORD_NUMBER + r"))\s$", text[max(0, m.start(group) - 45) : m.start(group)]
        ):
            return 1.0
        return -1.0

    def _range(self, doc: Doc, text: str, m: re.Match[str], start: int, end: int, used: list[tuple[int, int]]) -> None:
        g = m.groupdict()
        try:
            a = parse_number(g["n1"] or "") * self._sign(text, m, "neg1")
            b = parse_number(g["n2"] or "") * self._sign(text, m, "neg2")
        except ValueError:
            return
        self._token = ""
        currency, scale = self._currency(g)
        family = ambiguous_family(self._token) if currency else None
        m1, m2 = magnitude_of(g["m1"]) * scale, magnitude_of(g["m2"]) * scale
        if g["m1"] is None:
            m1 = m2  # `2-3 million`: the magnitude covers both ends
        low, high = sorted((a * m1, b * m2))
        if low == high:
            return
        post = (g["pct1"] or "") + (g["post"] or "")
        unit: str | None
        if currency:
            kind, unit = "money", currency
        elif post:
            kind, unit = "percent", "percent" if "point" not in post.lower() else "percentage point"
        else:
            after = text[end : end + 40]
            if d := DURATION_AFTER.match(after):
                if d.group("old"):
                    return
                kind, unit = "duration", DURATION_UNITS[d.group("u").lower()]
                end += d.end("u")
            elif g["conn"] in ("-", "–") and is_score(text, start, end, g):
                return
            elif not plausible_number(doc, text, start, m.start("n1"), end, g, g["m1"] or g["m2"]):
                return
            else:
                kind, unit = "count", counted(doc, text, end)
        self.add(doc, start, end, used, kind, None, low, high, "range", unit)
        if kind == "money" and family is not None:
            self._pending[(start, end)] = family

    def add(
        self,
        doc: Doc,
        start: int,
        end: int,
        used: list[tuple[int, int]],
        kind: str,
        value: float | None,
        low: float | None,
        high: float | None,
        qualifier: str,
        unit: str | None,
    ) -> None:
        if qualifier == "approx" and value is not None and self.approx_tolerance != APPROX:
            tol = abs(value) * self.approx_tolerance
            low, high = min(low or value, value - tol), max(high or value, value + tol)
        if not all(x is None or math.isfinite(x) for x in (value, low, high)):
            # Past the float range (`1` and 309 zeros, `9`*300 + ` billion`, a range's far end,
            # `around 1.7e308` whose tolerance overflows): float() gives inf, an approximate
            # figure's interval then NaN. No usable figure, so no claim: a claim with value, low
            # and high all None would read as unbounded on both sides. The characters stay taken
            # so the vague finder does not reread `billions of` inside them as a claim.
            used.append((start, end))
            return
        span = add_span(
            doc,
            start,
            end,
            claims_kind=kind,
            claims_value=value,
            claims_low=low,
            claims_high=high,
            claims_qualifier=qualifier,
            claims_unit=unit,
        )
        if span is not None:
            used.append((start, end))
