"""`claims_quantities`: money, percents, counts, ratios, durations and measures as spans.

Why regular expressions over `doc.text` rather than token Matcher patterns: figures are split
differently by the tokenizer depending on their form (`$44bn` -> `$`,`44bn`; `US$1.2` ->
`US$`,`1.2`; `2-3` stays one token), while one character pattern covers them all and behaves the
same in the blank and the statistical pipelines. The patterns compile once, in `__init__`; the
parse (when present) is used only to find what is counted and to veto numbers inside names.
"""

from __future__ import annotations

import re

from iso4217 import Currency
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from claims.components.common import (
    NAME_LABELS,
    add_span,
    at_sentence_start,
    ensure_extensions,
    overlaps_any,
    taken,
)
from claims.normalise import (
    QUALIFIER_PATTERN,
    currency_code,
    currency_prefixes,
    currency_words,
    interval,
    minor_unit,
    postfix_symbols,
    qualifier_of,
)
from claims.numbers import (
    DURATION_UNITS,
    FRACTIONS,
    MAGNITUDE,
    MEASURE_UNITS,
    NUMBER,
    VAGUE,
    is_word_number,
    magnitude_of,
    parse_number,
    rounding_step,
    singular,
)

_RATIO_AFTER = re.compile(
    r"^(?P<u>\s(?:times)|-fold)(?=\s(?:as|more|larger|bigger|higher|greater|smaller|lower|less|"
    r"the|that|than|over|faster|cheaper|costlier|longer)\b)",
    re.IGNORECASE,
)
_FOLD_AFTER = re.compile(r"^-fold\b", re.IGNORECASE)
_DURATION_AFTER = re.compile(
    r"^[\s-](?P<u>" + "|".join(sorted(DURATION_UNITS, key=len, reverse=True)) + r")\b(?P<old>[\s-]old)?",
    re.IGNORECASE,
)
_MEASURE_AFTER = re.compile(
    r"^\s?(?P<u>" + "|".join(re.escape(u) for u in sorted(MEASURE_UNITS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_NAME_NUMBER_BEFORE = re.compile(r"(?:\b(?:No|Nos|no|nos|Number|Art|Vol|Ch|Fig|p|pp)\.?\s?|#)$")
_NOT_A_COUNT_AFTER = re.compile(
    r"^(?:\s?(?:a\.m\.|p\.m\.|am|pm)\b|:\d|\s(?:plus|minus)\b|-(?:plus|minus)-"
    r"|-(?!fold\b|(?:year|month|week|day|hour|decade|minute)s?\b)\w)",
    re.IGNORECASE
)
_PAIR_BEFORE = re.compile(r"\b(?:the|these|those|The|These|Those)\s$")
_PLUS_BEFORE = re.compile(r"\b(?:plus|minus)\s$", re.IGNORECASE)
#: After a number, words that tell us it is not a count of things.
_STOP_AFTER = frozenset("of to in on at for and or but with by from as than per".split())


@Language.factory(
    "claims_quantities",
    default_config={"approx_tolerance": 0.1},
    requires=["doc.text"],
    assigns=["doc.spans"],
)
def make_quantity_finder(nlp: Language, name: str, approx_tolerance: float) -> QuantityFinder:
    return QuantityFinder(approx_tolerance=approx_tolerance)


class QuantityFinder:
    """Adds figure spans: `Span._.claims_kind` in money|percent|count|ratio|duration|quantity."""

    def __init__(self, *, approx_tolerance: float = 0.1) -> None:
        if not 0 <= approx_tolerance < 1:
            raise ValueError(f"claims_quantities: approx_tolerance must be in [0, 1), got {approx_tolerance}")
        self.approx_tolerance = approx_tolerance
        codes = sorted(c.code for c in Currency)
        # a symbol may be followed by a space (`$ 75 million` in tokenised copy), and `US $` split
        prefix = "|".join(
            [re.escape(p[:-1]) + r"\s?\$\s?" if len(p) > 1 and p.endswith("$") else re.escape(p) + r"\s?"
             for p in currency_prefixes()]
            + [rf"{c}\s?" for c in codes]
        )
        words = "|".join(
            [re.escape(w).replace(r"\ ", r"\s") + "s?" for w in currency_words()]
            + ["cents?", "pence", "penny", *codes]
        )
        symbols = "|".join(re.escape(x) for x in postfix_symbols())
        amount = (
            rf"(?P<curI>(?:{prefix}))?(?P<nI>{NUMBER})(?:(?P<mI>{MAGNITUDE})|(?![\w]))"
        )
        self.pattern = re.compile(
            r"(?<![\w$€£¥.,/=&#:+-])"
            rf"(?P<qual>{QUALIFIER_PATTERN}\s)?"
            r"(?P<between>(?i:between|from)\s)?"
            + amount.replace("I>", "1>")
            + r"(?P<pct1>\s?%|\s(?i:percent|per\s?cent)(?![\w]))?"
            + r"(?:\s?(?P<conn>(?(between)(?:and|to|-|–)|(?:to|through|-|–)))\s?"
            + amount.replace("I>", "2>")
            + r")?"
            + r"(?P<post>\s?%|\s(?i:percent|per\s?cent|percentage\spoints?)(?![\w])"
            + rf"|\s(?P<curw>(?i:{words}))(?![\w])|\s?(?P<curs>{symbols})(?!\s?\d))?"
            + r"(?P<orq>\s(?:or|and)\s(?:more|greater|above|higher|over|less|fewer|lower|below|under)\b)?"
        )
        vague = "|".join(sorted((v.replace(" ", r"\s") for v in VAGUE), key=len, reverse=True))
        self.vague = re.compile(rf"(?<![\w-])(?P<qual>{QUALIFIER_PATTERN}\s)?(?P<v>(?i:{vague}))(?=\sof\b)")
        fractions = "|".join(sorted((f.replace(" ", r"\s") for f in FRACTIONS if "-" in f), key=len, reverse=True))
        self.fraction = re.compile(rf"(?<![\w-])(?P<qual>{QUALIFIER_PATTERN}\s)?(?P<f>(?i:{fractions}))(?![\w-])")
        ensure_extensions()

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        used = taken(doc)
        for m in self.pattern.finditer(text):
            self._figure(doc, text, m, used)
        for m in self.vague.finditer(text):
            if not overlaps_any(m.start(), m.end(), used):
                low, high = VAGUE[" ".join(m.group("v").lower().split())]
                unit = self._counted(doc, text, m.end())
                if add_span(doc, m.start(), m.end(), claims_kind="count", claims_value=None,
                            claims_low=low, claims_high=high, claims_qualifier="range", claims_unit=unit):
                    used.append((m.start(), m.end()))
        for m in self.fraction.finditer(text):
            if not overlaps_any(m.start(), m.end(), used):
                value = FRACTIONS[m.group("f").lower()]
                q = qualifier_of(m.group("qual"))
                value_, low, high = interval(value, q)
                if add_span(doc, m.start(), m.end(), claims_kind="ratio", claims_value=round(value, 4),
                            claims_low=low, claims_high=high, claims_qualifier=q, claims_unit="fraction"):
                    used.append((m.start(), m.end()))
        return doc

    # -- one match of the main pattern -------------------------------------------------------
    def _figure(self, doc: Doc, text: str, m: re.Match[str], used: list[tuple[int, int]]) -> None:
        g = m.groupdict()
        start, end = m.start(), m.end()
        n1, n2 = g["n1"], g["n2"]
        if n2 is not None and g["conn"] in ("-", "–") and g["between"] is None:
            # `1904-05`, `2014-2020`: year spans belong to the date finder
            if _looks_like_year(n1) or _looks_like_year(n2):
                n2 = None
        if n2 is not None and g["pct1"] and (g["cur2"] or g["curw"] or g["curs"]):
            # `rose 2 % to $ 1.45 billion`: a percent and an amount, not a range
            return self._single(doc, text, m, start, m.end("pct1"), used, tail_post=False)
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

    def _currency(self, g: dict[str, str | None]) -> str | None:
        for key in ("cur1", "cur2", "curw", "curs"):
            if g.get(key):
                code = currency_code(g[key] or "")
                if code:
                    return code
        return None

    def _single(
        self, doc: Doc, text: str, m: re.Match[str], start: int, end: int,
        used: list[tuple[int, int]], *, tail_post: bool,
    ) -> None:
        g = m.groupdict()
        if not tail_post:
            g = {**g, "post": None, "curw": None, "cur2": None, "curs": None, "orq": None}
        if g["between"] and not g["qual"]:
            start = m.start("between") + len(g["between"] or "")
        n_text, mag_text = g["n1"] or "", g["m1"]
        qualifier = qualifier_of(g["qual"])
        if g["orq"]:  # `200 or more`, `5% or less`
            more = g["orq"].split()[-1] in ("more", "greater", "above", "higher", "over")
            qualifier = "at_least" if more else "at_most"
        pct_text = (g["pct1"] or "") or (g["post"] or "")
        is_pct = bool(pct_text) and "point" not in pct_text.lower() or bool(g["pct1"])
        currency = self._currency(g)
        try:
            number = parse_number(n_text)
        except ValueError:
            return
        mag = magnitude_of(mag_text)
        if overlaps_any(start, end, used):
            return
        after = text[end : end + 40]
        minor = minor_unit(g["curw"] or "") if g["curw"] else None
        if minor:  # `50 cents` -> USD 0.50
            currency, mag = minor[0], mag * minor[1]
        if currency:
            step = rounding_step(n_text, mag)
            value, low, high = interval(number * mag, qualifier, step)
            self._add(doc, start, end, used, "money", value, low, high, qualifier, currency)
            return
        if pct_text:
            value, low, high = interval(number, qualifier)
            unit = "percent" if is_pct else "percentage point"
            self._add(doc, start, end, used, "percent", value, low, high, qualifier, unit)
            return
        if not self._plausible_number(doc, text, start, m.start("n1"), end, g, mag_text):
            return
        if (r := _RATIO_AFTER.match(after)) or (r := _FOLD_AFTER.match(after)):
            r_end = end + r.end()
            value, low, high = interval(number * mag, qualifier)
            self._add(doc, start, r_end, used, "ratio", value, low, high, qualifier, "times")
            return
        if (d := _DURATION_AFTER.match(after)) and mag == 1.0:
            if d.group("old"):
                return  # an age (`78-year-old`): not a claim we track
            unit = DURATION_UNITS[d.group("u").lower()]
            value, low, high = interval(number, qualifier)
            self._add(doc, start, end + d.end("u"), used, "duration", value, low, high, qualifier, unit)
            return
        if q := _MEASURE_AFTER.match(after):
            unit = MEASURE_UNITS[q.group("u").lower()]
            value, low, high = interval(number * mag, qualifier, rounding_step(n_text, mag))
            self._add(doc, start, end + q.end("u"), used, "quantity", value, low, high, qualifier, unit)
            return
        if mag == 1.0 and not g["qual"] and _looks_like_year(n_text):
            return  # a bare year the date finder chose not to take: not a count either
        step = rounding_step(n_text, mag)
        value, low, high = interval(number * mag, qualifier, step)
        self._add(doc, start, end, used, "count", value, low, high, qualifier, self._counted(doc, text, end))

    def _range(self, doc: Doc, text: str, m: re.Match[str], start: int, end: int,
               used: list[tuple[int, int]]) -> None:
        g = m.groupdict()
        try:
            a, b = parse_number(g["n1"] or ""), parse_number(g["n2"] or "")
        except ValueError:
            return
        m1, m2 = magnitude_of(g["m1"]), magnitude_of(g["m2"])
        if g["m1"] is None:
            m1 = m2  # `2-3 million`: the magnitude covers both ends
        low, high = sorted((a * m1, b * m2))
        if low == high:
            return
        currency = self._currency(g)
        post = (g["pct1"] or "") + (g["post"] or "")
        if currency:
            kind, unit = "money", currency
        elif post:
            kind, unit = "percent", "percent" if "point" not in post.lower() else "percentage point"
        else:
            after = text[end : end + 40]
            if d := _DURATION_AFTER.match(after):
                if d.group("old"):
                    return
                kind, unit = "duration", DURATION_UNITS[d.group("u").lower()]
                end += d.end("u")
            elif not self._plausible_number(doc, text, start, m.start("n1"), end, g, g["m1"] or g["m2"]):
                return
            else:
                kind, unit = "count", self._counted(doc, text, end)
        self._add(doc, start, end, used, kind, None, low, high, "range", unit)

    def _add(self, doc: Doc, start: int, end: int, used: list[tuple[int, int]], kind: str,
             value: float | None, low: float | None, high: float | None, qualifier: str,
             unit: str | None) -> None:
        if qualifier == "approx" and value is not None and self.approx_tolerance != 0.1:
            tol = abs(value) * self.approx_tolerance
            low, high = min(low or value, value - tol), max(high or value, value + tol)
        span = add_span(doc, start, end, claims_kind=kind, claims_value=value, claims_low=low,
                        claims_high=high, claims_qualifier=qualifier, claims_unit=unit)
        if span is not None:
            used.append((start, end))

    # -- vetoes ---------------------------------------------------------------------------------
    def _plausible_number(self, doc: Doc, text: str, start: int, n_start: int, end: int,
                          g: dict[str, str | None], mag_text: str | None) -> bool:
        """False for numbers that are part of names, formats, times of day or anaphora."""
        n_text = g["n1"] or ""
        if _NAME_NUMBER_BEFORE.search(text[max(0, n_start - 8) : n_start]):
            return False
        if _NOT_A_COUNT_AFTER.match(text[end : end + 12]):
            return False
        if _PLUS_BEFORE.search(text[max(0, start - 8) : start]):
            return False
        if is_word_number(n_text):
            if n_text[:1].isupper() and not at_sentence_start(text, n_start):
                return False  # `Group of Seven`
            if n_text.lower() == "one" and not (g["qual"] or mag_text):
                return False  # `one day`, `one of`: too often not a figure
            if n_text.lower() == "two" and not g["qual"] and _PAIR_BEFORE.search(text[max(0, start - 7) : start]):
                return False  # `the two countries`: the pair already named
        elif not g["qual"] and not mag_text:
            prev = re.search(r"([A-Za-z][\w'’.-]*)\s$", text[max(0, n_start - 25) : n_start])
            if prev and prev.group(1)[:1].isupper() and not prev.group(1).endswith(("'s", "’s")):
                word_start = n_start - len(prev.group(0))
                if not at_sentence_start(text, word_start) and prev.group(1).lower() not in _CUE_WORDS:
                    return False  # `Article 5`, `Boeing 747`
        if doc.has_annotation("ENT_IOB"):
            span = doc.char_span(n_start, end, alignment_mode="expand")
            if span is not None and any(t.ent_type_ in NAME_LABELS for t in span):
                return False
        return True

    def _counted(self, doc: Doc, text: str, end: int) -> str | None:
        """Singular lemma of what is counted: the parse's head noun, else the next plural noun."""
        if doc.has_annotation("DEP"):
            span = doc.char_span(max(0, end - 1), end, alignment_mode="expand")
            if span is not None:
                return _counted_from_parse(span)
            return None
        words = re.findall(r"[A-Za-z][\w'-]*|[^\w\s]", text[end : end + 60])[:4]
        for w in words:
            if not w[0].isalpha() or w.lower() in _STOP_AFTER:
                break
            if w.islower() and w.endswith("s") and len(w) > 3:
                return singular(w)
        return None


_CUE_WORDS = frozenset("in on at by of to from since until than about around over under and or".split())


def _looks_like_year(n_text: str) -> bool:
    return n_text.isdigit() and len(n_text) == 4 and 1500 <= int(n_text) <= 2099


def _counted_from_parse(span: Span) -> str | None:
    """What a number counts: the last noun of the noun run right after it, else its head noun.

    The run (`Hokkaido islands`, `southernmost Kuril Islands`, `Japanese private-sector
    projects`) is more robust than the parse's head, which small models often get wrong.
    """
    doc = span.doc
    last: Token | None = None
    for t in doc[span.end : min(len(doc), span.end + 6)]:
        if t.pos_ in ("NOUN", "PROPN"):
            last = t
            continue
        if last is not None or t.pos_ not in ("ADJ", "NUM", "ADV", "PUNCT") or t.text in (",", ";", "(", ")"):
            break
        if t.pos_ == "PUNCT" and t.text != "-":
            break
    if last is None:
        tok = span[-1]
        if tok.dep_ in ("nummod", "quantmod") and tok.head.pos_ == "NOUN" and tok.head.i > tok.i:
            last = tok.head
    if last is None:
        return None
    if last.pos_ == "PROPN" or not last.lemma_:
        return singular(last.text)
    return last.lemma_.lower()
