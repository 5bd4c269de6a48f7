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

from claims.components.common import (
    NAME_LABELS,
    SPAN_KEY,
    add_span,
    at_sentence_start,
    ensure_extensions,
    overlaps_any,
    taken,
)
from claims.currencies import ambiguous_family, country_mentions, resolve_family
from claims.normalise import (
    QUALIFIER_PATTERN,
    ambiguous_codes,
    currency_code,
    currency_prefixes,
    currency_scale,
    currency_words,
    interval,
    iso_codes,
    minor_unit,
    postfix_symbols,
    qualifier_of,
)
from claims.numbers import (
    BARE_FRACTIONS,
    DURATION_UNITS,
    FRACTIONS,
    MAGNITUDE,
    MEASURE_UNITS,
    NUMBER,
    VAGUE,
    WORD_NUMBER,
    fraction_value,
    is_word_number,
    magnitude_of,
    parse_number,
    rounding_step,
    singular,
    trie_pattern,
)
from claims.units import GLUED_ONLY, GLUED_PATTERN, UNIT_PATTERN, canonical_name, convert, unit_of, written_step

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

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
    r"^(?:\s?(?:a\.m\.|p\.m\.|am|pm)(?![\w])|:\d|/\d|\s(?:plus|minus)\b|-(?:plus|minus)-"
    r"|\s?(?:GMT|UTC|BST|EST|EDT|PST|PDT|CET|CEST|IST|JST|o['’]clock|hours?\s(?:GMT|local))\b|\s?°"
    r"|\s(?:most|least)\b"
    r"|-(?!fold\b|(?:year|month|week|day|hour|decade|minute)s?\b)\w)",
    re.IGNORECASE,
)
#: Before a number: an age (`aged 34`, `younger than 5`, `under the age of 18`).
_AGE_BEFORE = re.compile(
    r"\b(?:aged?|ages|younger\sthan|older\sthan|under\sthe\sage\sof|over\sthe\sage\sof|the\sage\sof)\s$",
    re.IGNORECASE,
)
#: A name, then the number between commas: `John Smith, 50, was arrested` (an age).
_APPOSED_AGE = re.compile(r"[A-Z][\w'’.-]+,\s$")
#: A result: `won 3-1`, `a 2-0 defeat`, `drew 1-1 with`.
_SCORE_BEFORE = re.compile(
    r"\b(?:won|win|wins|winning|lost|lose|loses|losing|beat|beats|beating|drew|draw|draws|defeated|defeat|"
    r"trailed|trailing|led|leading|victory|score|scored|scoreline|an?|the)\s$",
    re.IGNORECASE,
)
_SCORE_AFTER = re.compile(
    r"^\s(?:win|victory|defeat|loss|draw|lead|home|away|scoreline|result|against|over|to|at|in\s(?:the|their|a))\b"
    r"|^[,.;)]|^$",
    re.IGNORECASE,
)
_PAIR_BEFORE = re.compile(r"\b(?:the|these|those|The|These|Those)\s$")
_PLUS_BEFORE = re.compile(r"\b(?:plus|minus)\s$", re.IGNORECASE)
#: A verb of change right before a figure (`fell`, `widened by`, `was revised up from`, `up`).
_CHANGE_BEFORE = re.compile(
    r"\b(?:(?:ris(?:e|es|en|ing)|rose|f(?:a|e)ll(?:s|en|ing)?|(?:in|de)creas(?:e|es|ed|ing)|climb(?:s|ed|ing)?"
    r"|jump(?:s|ed|ing)?|drop(?:s|ped|ping)?|declin(?:e|es|ed|ing)|gr(?:ow|ows|ew|own|owing)|gain(?:s|ed|ing)?"
    r"|los(?:e|es|ing)|lost|slip(?:s|ped|ping)?|slid(?:e|es|ing)?|plung(?:e|es|ed|ing)|soar(?:s|ed|ing)?"
    r"|surg(?:e|es|ed|ing)|tumbl(?:e|es|ed|ing)|s(?:ink|inks|ank|unk)|shr(?:ink|inks|ank|unk)"
    r"|widen(?:s|ed|ing)?|narrow(?:s|ed|ing)?|cut(?:s|ting)?|rais(?:e|es|ed|ing)|lower(?:s|ed|ing)?"
    r"|reduc(?:e|es|ed|ing)|boost(?:s|ed|ing)?|lift(?:s|ed|ing)?|edg(?:e|es|ed|ing)|expand(?:s|ed|ing)?"
    r"|contract(?:s|ed|ing)?|swell(?:s|ed|ing)?|rebound(?:s|ed|ing)?|slump(?:s|ed|ing)?|trim(?:s|med|ming)?"
    r"|hik(?:e|es|ed|ing)|revis(?:e|es|ed|ing)|dip(?:s|ped|ping)?|eas(?:e|es|ed|ing)|advanc(?:e|es|ed|ing)"
    r"|retreat(?:s|ed|ing)?|shed(?:s|ding)?|doubl(?:e|es|ed|ing)|tripl(?:e|es|ed|ing)|halv(?:e|es|ed|ing)"
    r"|went|go(?:es|ne)?|moved?)(?:\s(?:up|down|upward|downward|back|higher|lower))?|up|down)"
    r"\s(?:(?:by|from)\s)?(?:(?:an?|another|a\sfurther|some)\s)?$",
    re.IGNORECASE,
)
#: What may join a lower and an upper bound into one range (`above 10 and below 20`).
_BOUND_JOIN = re.compile(r",?\s(?:and|but)\s|,\s")
#: Currencies trade copy writes in millions with an `M` glued to the code (`30 MUSD`).
_M_CODES = ("USD", "EUR", "GBP", "AUD", "CAD", "CHF", "JPY", "CNY", "HKD", "NZD", "SEK", "NOK")
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
        codes = list(iso_codes())
        ambiguous = "|".join(c for c in ambiguous_codes() if c.isalpha())
        code_alt = trie_pattern(codes)
        # millions of a currency, as trade copy writes them: `30 MUSD`, `MAUD 60`
        mcodes = "M(?:" + "|".join(_M_CODES) + ")"
        dollar_prefixes, other_prefixes = [], []
        for p in currency_prefixes():
            if len(p) > 1 and p.endswith("$"):
                dollar_prefixes.append(p[:-1])
            else:
                other_prefixes.append(p)
        # `C$`, `c $`, `hk $`, `u.s $` (tokenised, lower-cased copy), `usd$ 15`. Single letters
        # need their capital (`company's $5bn` is not Singapore dollars, `a $5 fee` not
        # Australian), except `c $`, which is no English word.
        multi = sorted({d.lower().replace(".", "") for d in dollar_prefixes if len(d.replace(".", "")) > 1})
        letters = trie_pattern(multi)
        letters = re.sub(r"([us])(?=[^\\]|$)", lambda m: m.group(1) + r"\.?", letters)
        singles = "".join(sorted({d for d in dollar_prefixes if len(d) == 1}))
        prefix = (
            rf"(?:(?i:{letters}|{code_alt})|[{singles}]|c)\s?\$\s?"
            rf"|(?:{trie_pattern(other_prefixes)})\s?"
            rf"|(?:{mcodes}|{code_alt})\s?"
            # codes that are also English words (`SAR`, `TRY`, `ALL`) only before an amount in
            # millions or more: `SAR 100 million`, never `ALL 5 solutions`
            rf"|(?:{ambiguous})\s?(?=\d[\d,.]*\s?(?:thousand|million|billion|trillion|bn|mn|m)\b)"
        )
        words = trie_pattern(
            sorted({f for w in currency_words() for f in (w, w + "s")} | {"cent", "cents", "pence", "penny"})
        )
        symbols = "|".join(re.escape(x) for x in postfix_symbols())
        word_number = rf"(?i:{WORD_NUMBER})"
        not_a_number_next = rf"(?!(?:\s(?:or|equal|than|to))*\s(?:[\d$€£¥]|{word_number}(?![\w-])))"
        amount = (
            rf"(?P<negI>(?i:negative|minus)\s)?(?P<curI>(?:{prefix}))?(?P<nI>{NUMBER})"
            r"(?:(?P<mI>" + MAGNITUDE + rf")|(?!(?!元|(?:{mcodes}|{code_alt})(?!\w)|(?:pc|pct|bps|p)(?![\w]))\w))"
        )
        self.pattern = re.compile(
            r"(?<![\w$€£¥.,/=&#:+%?-])"
            rf"(?P<qual>{QUALIFIER_PATTERN}\s)?"
            r"(?P<between>(?i:between|from)\s)?"
            + amount.replace("I>", "1>")
            + r"(?P<pct1>\s?%|\s(?i:percent|per\s?cent)(?![\w]))?"
            + r"(?:\s?(?P<conn>(?(between)(?:and|to|-|–)|(?:to|through|-|–)))\s?"
            + amount.replace("I>", "2>")
            + r")?"
            + r"(?:(?P<post>\s?%|\s(?i:percentage\spoints?|percentage|percents?|per\s?cent|basis\spoints?)(?![\w])"
            + r"|\s?(?:pc|pct|bps)(?![\w]))"
            + r"|(?P<pence>p)(?![\w])"
            + rf"|\s(?P<curw>(?i:{words}))(?![\w])"
            + r"(?:\s(?P<m3>(?i:thousand|million|billion|trillion))(?![\w]))?"
            + r"|-(?P<curh>(?i:cents?|yen|euros?|dollars?|pence|penny))(?![\w])"
            + rf"|\s?(?P<curc>{mcodes}|{code_alt})(?![\w])"
            + r"(?:\s(?P<m4>(?i:thousand|million|billion|trillion))(?![\w]))?"
            + rf"|\s?(?P<curs>{symbols})(?!\s?\d(?![\d.,]*\s?(?:{symbols})))"
            + r")?"
            + r"(?:(?P<orq>\s(?:or|and)\s(?:more|greater|above|higher|over|less|fewer|lower|below|under)\b"
            + not_a_number_next
            + r")"
            + r"|(?P<oreq>\s(?i:or\sequal)(?:\sto)?(?:\sit)?\b"
            + not_a_number_next
            + r"))?"
        )
        vague = "|".join(sorted((v.replace(" ", r"\s") for v in VAGUE), key=len, reverse=True))
        self.vague = re.compile(rf"(?<![\w-])(?P<qual>{QUALIFIER_PATTERN}\s)?(?P<v>(?i:{vague}))(?=\sof\b)")
        fractions = trie_pattern(sorted(f.replace("-", " ") for f in FRACTIONS)).replace(r"\s", r"[\s-]")
        # `half a million`, `a quarter century`, `three quarters billion`: not fractions of a whole
        scaled = "|".join(["thousand", "million", "billion", "trillion", "hundred", "dozen", *DURATION_UNITS])
        self.fraction = re.compile(
            rf"(?<![\w-])(?P<qual>{QUALIFIER_PATTERN}\s)?(?P<f>(?i:{fractions}))(?![\w-])"
            rf"(?!\s(?:(?:a|an|of\sa|of\san)\s)?(?i:{scaled})\b)"
        )
        # `one in five Ukrainians`, `2 in 5 or more`, `more than 1/2 of`: shares as ratios
        small = r"(?:\d{1,4}|(?i:" + WORD_NUMBER + r"))"
        self.share = re.compile(
            rf"(?<![\w$€£¥.,/-])(?P<qual>{QUALIFIER_PATTERN}\s)?"
            rf"(?:(?P<a>{small})\sin\s(?P<b>{small})(?![\w-])"
            rf"(?!\s(?i:{'|'.join(DURATION_UNITS)}|seconds?|minutes?|years?|cases|games|matches|attempts|tries)\b)"
            r"|(?P<sa>\d)/(?P<sb>\d{1,2})(?![\w/.,])(?=\s(?:of|the)\b))"
            r"(?P<orq>\s(?:or|and)\s(?:more|greater|higher|less|fewer|lower)\b(?!\s(?:than|to)\b))?"
        )
        # physical quantities: `1,200 km²`, `70mph`, `512GB`, `15 to 20 feet`, `46.1C`, `7.8-magnitude`
        mag_word = r"(?:\s(?i:thousand|million|billion|trillion|lakh|crore)|(?:bn|mn|m|k|tn)(?=\s))"
        dim_number = rf"(?:{NUMBER}|\d{{1,3}}(?:[ \u00a0\u202f]\d{{3}}){{1,4}}(?![\d,.]))"
        self.dimension = re.compile(
            r"(?<![\w$€£¥.,/=&#:+%?-])"
            rf"(?P<qual>{QUALIFIER_PATTERN}\s)?"
            r"(?P<between>(?i:between)\s)?"
            r"(?P<neg>(?i:minus|negative)\s|[-−](?=\d))?"
            rf"(?P<n1>{dim_number})(?P<m1>{mag_word})?"
            rf"(?:\s?(?P<conn>(?(between)and|(?:to|-|–)))\s?(?P<n2>{dim_number})(?P<m2>{mag_word})?)?"
            rf"(?:(?P<sep>[\s-]?){UNIT_PATTERN}(?![\w²³])|{GLUED_PATTERN}(?![\w²³])"
            r"|(?P<um>m)(?=\s(?:tall|high|higher|lower|long|longer|deep|deeper|wide|above|below|depth|height)\b"
            r"|[),;]|\.(?!\d)|$))"
        )
        self.quake = re.compile(r"(?<![\w-])(?:(?i:magnitude)[\s-](?:of\s)?|M\s?)(?P<n>\d(?:\.\d{1,2})?)(?![\w]|\.\d)")
        ensure_extensions()

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        used = taken(doc)
        self._pending: dict[tuple[int, int], tuple[str, str]] = {}
        self._token = ""
        self._dimensions(doc, text, used)
        self._fractions(doc, text, used)
        self._shares(doc, text, used)
        for m in self.pattern.finditer(text):
            self._figure(doc, text, m, used)
        for m in self.vague.finditer(text):
            if not m.group("qual") and " " not in m.group("v").strip():
                # `thousands of people`, `billions of dollars`: an impression of size no one can
                # check; `tens of thousands`, `hundreds of thousands` and qualified ones stay
                used.append((m.start(), m.end()))
                continue
            if not overlaps_any(m.start(), m.end(), used):
                low, high = VAGUE[" ".join(m.group("v").lower().split())]
                unit = self._counted(doc, text, m.end())
                if add_span(
                    doc,
                    m.start(),
                    m.end(),
                    claims_kind="count",
                    claims_value=None,
                    claims_low=low,
                    claims_high=high,
                    claims_qualifier="range",
                    claims_unit=unit,
                ):
                    used.append((m.start(), m.end()))
        self._merge_bounds(doc, text)
        self._drop_anaphora(doc, text)
        if self._pending and SPAN_KEY in doc.spans:
            self._resolve_currencies(doc)
        return doc

    @staticmethod
    def _drop_anaphora(doc: Doc, text: str) -> None:
        """`the $9.9 billion takes in ...`: a figure the text already stated, named again with
        `the`, is the same claim, not a new one (its first statement is kept)."""
        if SPAN_KEY not in doc.spans or len(doc.spans[SPAN_KEY]) < 2:
            return
        seen: set[tuple[str, float | None, str | None]] = set()
        keep: list[Span] = []
        dropped = False
        for span in sorted(doc.spans[SPAN_KEY], key=lambda s: s.start_char):
            key = (span._.claims_kind, span._.claims_value, span._.claims_unit)
            start = (span._.claims_chars or (span.start_char, span.end_char))[0]
            if (
                span._.claims_kind in ("money", "count", "quantity")
                and span._.claims_value is not None
                and key in seen
                and re.search(r"\b(?:[Tt]he|[Tt]hat|[Tt]his)\s$", text[max(0, start - 5) : start])
                and span._.claims_qualifier == "exact"
            ):
                dropped = True
                continue
            seen.add(key)
            keep.append(span)
        if dropped:
            doc.spans[SPAN_KEY] = keep

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

    def _dimensions(self, doc: Doc, text: str, used: list[tuple[int, int]]) -> None:
        """Physical quantities, converted to their dimension's canonical unit (`claims.units`)."""
        for m in self.quake.finditer(text):
            if overlaps_any(m.start(), m.end(), used):
                continue
            number = float(m.group("n"))
            step = written_step(m.group("n"))
            self._add(
                doc, m.start(), m.end(), used, "quantity", number, number - step, number + step, "exact", "magnitude"
            )
        for m in self.dimension.finditer(text):
            g = m.groupdict()
            if overlaps_any(m.start(), m.end(), used):
                continue
            if g["um"]:
                # `8,848.86m`, `1.8m tall`: metres where a million is implausible (`3m residents`)
                if "," not in (g["n1"] or "") and not re.match(
                    r"\s(?:tall|high|higher|lower|long|longer|deep|"
                    r"deeper|wide|above|below|depth|height)\b",
                    text[m.end() : m.end() + 10],
                ):
                    continue
                form = "metres"
            else:
                form = g["usym"] or g["uword"] or g["uglued"] or ""
            unit = unit_of(form) if form != "metres" else unit_of("metres")
            if form in GLUED_ONLY and g["uglued"] and (g["m1"] or g["n2"]):
                continue
            if unit is None:
                continue
            if unit.dimension == "magnitude" and (
                g["n2"] or float((g["n1"] or "0").replace(",", "") or 0) > 10 if (g["n1"] or "")[:1].isdigit() else True
            ):
                continue
            try:
                n1 = parse_number(_ungroup(g["n1"] or ""))
                n2 = parse_number(_ungroup(g["n2"])) if g["n2"] else None
            except ValueError:
                continue
            if (
                is_word_number(g["n1"] or "")
                and (g["n1"] or "")[:1].isupper()
                and not at_sentence_start(text, m.start("n1"))
            ):
                continue
            if g["neg"]:
                n1 = -n1
            mag1, mag2 = magnitude_of(g["m1"]), magnitude_of(g["m2"])
            end_unit = m.end()
            start = m.start() if g["qual"] or not g["between"] else m.start("n1") - (len(g["neg"] or ""))
            value: float | None
            low: float | None
            high: float | None
            if n2 is not None:
                if g["m1"] is None:
                    mag1 = mag2
                lo, hi = sorted((n1 * mag1, n2 * mag2))
                if lo == hi:
                    continue
                value, low, high, qualifier = None, lo, hi, "range"
            else:
                qualifier = qualifier_of(g["qual"])
                step = rounding_step(g["n1"] or "", mag1) if mag1 != 1.0 else written_step(g["n1"] or "")
                if unit.dimension == "magnitude" or is_word_number(g["n1"] or ""):
                    step = 0.0 if is_word_number(g["n1"] or "") else step
                value, low, high = interval(n1 * mag1, qualifier, step)
            converted = convert((value, low, high), unit)
            self._add(
                doc,
                start,
                end_unit,
                used,
                "quantity",
                converted[0],
                converted[1],
                converted[2],
                qualifier,
                canonical_name(unit.dimension),
            )

    def _fractions(self, doc: Doc, text: str, used: list[tuple[int, int]]) -> None:
        """`two-thirds`, `one quarter`; `half` and `a third` only after a qualifier (`more than half`)."""
        for m in self.fraction.finditer(text):
            words = " ".join(m.group("f").lower().replace("-", " ").split())
            if words in BARE_FRACTIONS and not m.group("qual"):
                continue
            value = fraction_value(words)
            if value is None or overlaps_any(m.start(), m.end(), used):
                continue
            q = qualifier_of(m.group("qual"))
            _, low, high = interval(value, q)
            if add_span(
                doc,
                m.start(),
                m.end(),
                claims_kind="ratio",
                claims_value=round(value, 4),
                claims_low=low,
                claims_high=high,
                claims_qualifier=q,
                claims_unit="fraction",
            ):
                used.append((m.start(), m.end()))

    def _shares(self, doc: Doc, text: str, used: list[tuple[int, int]]) -> None:
        """`one in five`, `2 in 5 or more` -> ratio 0.2 / [0.4, inf); `more than 1/2 of` -> 0.5.

        A slash fraction needs `of`/`the` after it (`9/11`, `24/7` and dates are not shares), and
        `N in M` neither a time unit (`in 10 years`) nor a denominator above 1,000 (`5 in 2022`).
        """
        for m in self.share.finditer(text):
            if overlaps_any(m.start(), m.end(), used):
                continue
            try:
                a = parse_number(m.group("a") or m.group("sa"))
                b = parse_number(m.group("b") or m.group("sb"))
            except ValueError:
                continue
            if not 0 < a < b <= 1000 or (m.group("a") and not float(a).is_integer()):
                continue
            if (
                m.group("a")
                and is_word_number(m.group("a"))
                and m.group("a")[:1].isupper()
                and not at_sentence_start(text, m.start("a"))
            ):
                continue
            q = qualifier_of(m.group("qual"))
            if m.group("orq"):
                more = m.group("orq").split()[-1] in ("more", "greater", "higher")
                q = "at_least" if more else "at_most"
            value = a / b
            _, low, high = interval(value, q)
            if add_span(
                doc,
                m.start(),
                m.end(),
                claims_kind="ratio",
                claims_value=round(value, 4),
                claims_low=low,
                claims_high=high,
                claims_qualifier=q,
                claims_unit="fraction",
            ):
                used.append((m.start(), m.end()))

    def _merge_bounds(self, doc: Doc, text: str) -> None:
        """A lower and an upper bound joined by `and` or a comma are one range.

        `above 1000 and below 1500`, `at most 100 and at least 20`, `greater than 30 and less
        than or equal to 40` -> [low, high]. Bounds that cannot hold together (`more than 40 and
        less than 10`) or that measure different things (kinds, units) stay separate claims.
        """
        if SPAN_KEY not in doc.spans or len(doc.spans[SPAN_KEY]) < 2:
            return
        spans = sorted(doc.spans[SPAN_KEY], key=lambda s: s.start_char)
        out: list[Span] = []
        merged = False
        i = 0
        while i < len(spans):
            a = spans[i]
            if i + 1 < len(spans) and (joined := self._bound_pair(doc, text, a, spans[i + 1])) is not None:
                out.append(joined)
                merged = True
                i += 2
                continue
            out.append(a)
            i += 1
        if merged:
            doc.spans[SPAN_KEY] = out

    @staticmethod
    def _bound_pair(doc: Doc, text: str, a: Span, b: Span) -> Span | None:
        qa, qb = a._.claims_qualifier, b._.claims_qualifier
        lower, upper = ("more_than", "at_least"), ("less_than", "at_most")
        if qa in lower and qb in upper:
            lo, hi = a, b
        elif qa in upper and qb in lower:
            lo, hi = b, a
        else:
            return None
        if a._.claims_kind != b._.claims_kind or a._.claims_kind == "date":
            return None
        ua, ub = a._.claims_unit, b._.claims_unit
        if ua is not None and ub is not None and ua != ub:
            return None
        a0, a1 = a._.claims_chars or (a.start_char, a.end_char)
        b0, b1 = b._.claims_chars or (b.start_char, b.end_char)
        if not _BOUND_JOIN.fullmatch(text[a1:b0]):
            return None
        low, high = lo._.claims_value, hi._.claims_value
        if low is None or high is None or not low < high:
            return None
        span = doc.char_span(a0, b1, alignment_mode="expand")
        if span is None:
            return None
        for name, value in (
            ("claims_kind", a._.claims_kind),
            ("claims_value", None),
            ("claims_low", low),
            ("claims_high", high),
            ("claims_qualifier", "range"),
            ("claims_unit", ub if ub is not None else ua),
            ("claims_chars", (a0, b1)),
        ):
            setattr(span._, name, value)
        return span

    # -- one match of the main pattern -------------------------------------------------------
    def _figure(self, doc: Doc, text: str, m: re.Match[str], used: list[tuple[int, int]]) -> None:
        g = m.groupdict()
        start, end = m.start(), m.end()
        n1, n2 = g["n1"], g["n2"]
        if n2 is not None and g["conn"] in ("-", "–") and g["between"] is None:
            # `1904-05`, `2014-2020`: year spans belong to the date finder
            if _looks_like_year(n1) or _looks_like_year(n2):
                n2 = None
        from_ = (g["between"] or "").strip().lower() == "from"
        own_unit = bool(g["pct1"] or g["cur1"] or g["m1"])  # `climbed 3 to 4 percent` is a range
        own_unit = own_unit or bool(re.search(r"\bby\s$", text[max(0, m.start() - 4) : m.start()]))
        if (
            n2 is not None
            and (from_ or own_unit)
            and g["conn"] in ("to", "-", "–")
            and _CHANGE_BEFORE.search(
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
            rest = self.pattern.search(text, m.start("cur2") if g["cur2"] else m.start("n2"))
            if rest is not None:
                self._figure(doc, text, rest, used)
            return
        if n2 is not None and g["pct1"] and (g["cur2"] or g["curw"] or g["curs"] or g["curc"] or g["curh"]):
            # `rose 2 % to $ 1.45 billion`: a percent and an amount, not a range
            self._single(doc, text, m, start, m.end("pct1"), used, tail_post=False)
            rest = self.pattern.search(text, m.start("cur2") if g["cur2"] else m.start("n2"))
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
        if currency:
            step = rounding_step(n_text, mag)
            value, low, high = interval(number * mag, qualifier, step)
            self._add(doc, start, end, used, "money", value, low, high, qualifier, currency)
            if family is not None:
                self._pending[(start, end)] = family
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
            if d.group("old") and (after.startswith("-") or not g["qual"]):
                # an attributive age (`a 78-year-old man`) describes someone, it states nothing;
                # a bounded one (`the dam is more than 60 years old`) is a claim about its age
                return
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
            if d := _DURATION_AFTER.match(after):
                if d.group("old"):
                    return
                kind, unit = "duration", DURATION_UNITS[d.group("u").lower()]
                end += d.end("u")
            elif g["conn"] in ("-", "–") and _is_score(text, start, end, g):
                return
            elif not self._plausible_number(doc, text, start, m.start("n1"), end, g, g["m1"] or g["m2"]):
                return
            else:
                kind, unit = "count", self._counted(doc, text, end)
        self._add(doc, start, end, used, kind, None, low, high, "range", unit)
        if kind == "money" and family is not None:
            self._pending[(start, end)] = family

    def _add(
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
        if qualifier == "approx" and value is not None and self.approx_tolerance != 0.1:
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

    # -- vetoes ---------------------------------------------------------------------------------
    def _plausible_number(
        self, doc: Doc, text: str, start: int, n_start: int, end: int, g: dict[str, str | None], mag_text: str | None
    ) -> bool:
        """False for numbers that are part of names, formats, times of day or anaphora."""
        n_text = g["n1"] or ""
        if _NAME_NUMBER_BEFORE.search(text[max(0, n_start - 8) : n_start]):
            return False
        if _NOT_A_COUNT_AFTER.match(text[end : end + 12]):
            return False
        if _AGE_BEFORE.search(text[max(0, start - 24) : start]):
            return False  # an age, not a count
        if (
            not g["qual"]
            and _APPOSED_AGE.search(text[max(0, start - 30) : start])
            and re.match(r"^,", text[end : end + 1])
            and (g["n1"] or "").isdigit()
            and int(g["n1"] or 0) < 120
        ):
            return False
        if doc.has_annotation("TAG"):
            nxt = doc.char_span(end, min(len(text), end + 40), alignment_mode="expand")
            if nxt is not None and len(nxt) and (nxt[0].tag_ == "JJS" or nxt[0].lower_ in ("most", "least")):
                return False  # `the three deadliest hurricanes`: a rank, not a count
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


def _is_score(text: str, start: int, end: int, g: dict[str, str | None]) -> bool:
    """`won 3-1`, `a 2-0 defeat`: a result, not a range (small whole numbers, a match word)."""
    a, b = g["n1"] or "", g["n2"] or ""
    if not (a.isdigit() and b.isdigit() and int(a) < 30 and int(b) < 30) or g["m1"] or g["m2"] or g["qual"]:
        return False
    return bool(_SCORE_BEFORE.search(text[max(0, start - 12) : start]) or _SCORE_AFTER.match(text[end : end + 16]))


def _ungroup(n_text: str) -> str:
    """`347 815` (thousands grouped with spaces) -> `347,815`."""
    return re.sub(r"(?<=\d)[ \u00a0\u202f](?=\d{3})", ",", n_text)


def _looks_like_year(n_text: str) -> bool:
    return n_text.isdigit() and len(n_text) == 4 and 1500 <= int(n_text) <= 2099


_PARTITIVE_AMOUNTS = frozenset("dozens scores hundreds thousands millions billions".split())


def _counted_from_parse(span: Span) -> str | None:
    """What a number counts: the last noun of the noun run right after it, else its head noun.

    The run (`Hokkaido islands`, `southernmost Kuril Islands`, `Japanese private-sector
    projects`) is more robust than the parse's head, which small models often get wrong.
    """
    doc = span.doc
    last: Token | None = None
    first = span.end
    if first < len(doc) and doc[first].lower_ == "of" and span[-1].lower_ in _PARTITIVE_AMOUNTS:
        first += 1  # `tens of thousands of people`, `hundreds of refugees`: the noun follows `of`
    for t in doc[first : min(len(doc), first + 6)]:
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
