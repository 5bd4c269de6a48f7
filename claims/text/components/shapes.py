"""The figure shapes of `claims_quantities` other than plain amounts: physical quantities,
fractions, shares; and the passes over the found spans (bounds joined into ranges, anaphora).

Functions over the finder (its patterns and its `add`), kept apart so `quantities` stays the
reader of one amount.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from claims.text.components.common import SPAN_KEY, add_span, at_sentence_start, overlaps_any
from claims.text.components.vetoes import counted, ungroup
from claims.text.normalise import interval, qualifier_of
from claims.text.numbers import (
    BARE_FRACTIONS,
    VAGUE,
    fraction_value,
    is_word_number,
    magnitude_of,
    parse_number,
    rounding_step,
)
from claims.text.units import GLUED_ONLY, canonical_name, convert, unit_of, written_step

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from claims.text.components.quantities import QuantityFinder

#: What may join a lower and an upper bound into one range (`above 10 and below 20`).
_BOUND_JOIN = re.compile(r",?\s(?:and|but)\s|,\s")


#: After a glued `m`: metres, not millions (`1.8m tall`, `a 100m.`, `(8m)`).
_METRES_AFTER = re.compile(
    r"\s(?:tall|high|higher|lower|long|longer|deep|deeper|wide|above|below|depth|height)\b|[),;]|\.(?!\d)|$"
)
#: After `a 5m`: amounts in millions, not lengths (`a 5m deal`, `the 3m people`).
_MILLION_NOUNS = frozenset(
    "deal contract fine budget loan fund funding package transfer bid bonus investment grant payout "
    "settlement sale takeover profit loss debt bill fee price revenue turnover valuation people children "
    "men women euro pound dollar".split()
)


def _attributive_metres(text: str, start: int, end: int) -> bool:
    """`a 300m tower`, `the 100m final`: a glued `m` before a singular noun, after an article, is metres."""
    if not re.search(r"\b(?:[Aa]n?|[Tt]he)\s$", text[max(0, start - 5) : start]):
        return False
    nxt = re.match(r"[\s-]([a-z]+)\b", text[end : end + 24])
    return nxt is not None and not nxt.group(1).endswith("s") and nxt.group(1) not in _MILLION_NOUNS


_CURRENCY_BEFORE = re.compile(r"(?:Rs\.?|[A-Z]{2,3}|[€£$¥₹₨])\s?$")


def dimensions(finder: QuantityFinder, doc: Doc, text: str, used: list[tuple[int, int]]) -> None:
    """Physical quantities, converted to their dimension's canonical unit (`claims.text.units`)."""
    for m in finder.patterns.quake.finditer(text):
        if overlaps_any(m.start(), m.end(), used):
            continue
        number = float(m.group("n"))
        step = written_step(m.group("n"))
        finder.add(
            doc, m.start(), m.end(), used, "quantity", number, number - step, number + step, "exact", "magnitude"
        )
    for m in finder.patterns.dimension.finditer(text):
        g = m.groupdict()
        if overlaps_any(m.start(), m.end(), used):
            continue
        if g["um"]:
            # `8,848.86m`, `1.8m tall`: metres where a million is implausible (`3m residents`)
            # (a thousands comma: nobody writes `8,848.86m` for 8.8 billion without a currency)
            grouped = "," in (g["n1"] or "") and not _CURRENCY_BEFORE.search(text[max(0, m.start() - 5) : m.start()])
            attributive = _attributive_metres(text, m.start(), m.end())
            if not grouped and not attributive and not _METRES_AFTER.match(text[m.end() : m.end() + 10]):
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
            n1 = parse_number(ungroup(g["n1"] or ""))
            n2 = parse_number(ungroup(g["n2"])) if g["n2"] else None
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
        finder.add(
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


def fractions(finder: QuantityFinder, doc: Doc, text: str, used: list[tuple[int, int]]) -> None:
    """`two-thirds`, `one quarter`; `half` and `a third` only after a qualifier (`more than half`)."""
    for m in finder.patterns.fraction.finditer(text):
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


def shares(finder: QuantityFinder, doc: Doc, text: str, used: list[tuple[int, int]]) -> None:
    """`one in five`, `2 in 5 or more` -> ratio 0.2 / [0.4, inf); `more than 1/2 of` -> 0.5.

    A slash fraction needs `of`/`the` after it (`9/11`, `24/7` and dates are not shares), and
    `N in M` neither a time unit (`in 10 years`) nor a denominator above 1,000 (`5 in 2022`).
    """
    for m in finder.patterns.share.finditer(text):
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


def merge_bounds(doc: Doc, text: str) -> None:
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
        if i + 1 < len(spans) and (joined := _bound_pair(doc, text, a, spans[i + 1])) is not None:
            out.append(joined)
            merged = True
            i += 2
            continue
        out.append(a)
        i += 1
    if merged:
        doc.spans[SPAN_KEY] = out


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


def drop_anaphora(doc: Doc, text: str) -> None:
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


def vague_amounts(finder: QuantityFinder, doc: Doc, text: str, used: list[tuple[int, int]]) -> None:
    """`tens of thousands of`, `hundreds of`: a range of counts; a bare `thousands of` is no claim."""
    for m in finder.patterns.vague.finditer(text):
        if not m.group("qual") and " " not in m.group("v").strip():
            # `thousands of people`, `billions of dollars`: an impression of size no one can
            # check; `tens of thousands`, `hundreds of thousands` and qualified ones stay
            used.append((m.start(), m.end()))
            continue
        if not overlaps_any(m.start(), m.end(), used):
            low, high = VAGUE[" ".join(m.group("v").lower().split())]
            unit = counted(doc, text, m.end())
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
