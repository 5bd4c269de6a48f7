"""Durations the amount pattern cannot read alone: halves (`an hour and a half`, `half a day`) and
compounds (`two hours and forty minutes`, `three years and six months`).

A compound is one duration in its smaller unit (`two hours and forty minutes` = 160 minutes), as a
reader compares it: two spans would each be a wrong figure for the same elapsed time.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from claims.text.components.common import SPAN_KEY, overlaps_any
from claims.text.normalise import QUALIFIER_PATTERN, interval, qualifier_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from claims.models import Qualifier
    from claims.text.components.quantities import QuantityFinder

_UNITS = ("century", "decade", "year", "month", "week", "day", "hour", "minute", "second")
_UNIT = "(?:" + "|".join(_UNITS) + ")"

#: `an hour and a half`, `a year and a half`, `half an hour`, `half a century`, `a quarter of an hour`.
HALVES = re.compile(
    rf"(?<![\w-])(?P<qual>{QUALIFIER_PATTERN}\s)?"
    rf"(?:(?i:an?|one)\s(?P<u1>{_UNIT})\sand\s(?P<f1>a\shalf|a\squarter)"
    rf"|(?i:half)\s(?:an?\s)(?P<u2>{_UNIT})"
    rf"|(?i:a\s)?(?i:quarter)\sof\san?\s(?P<u3>hour|century))(?![\w-])"
)

#: How many of the smaller unit make the larger: the pairs a compound duration is written in.
PAIR_FACTORS: dict[tuple[str, str], float] = {
    ("century", "year"): 100,
    ("decade", "year"): 10,
    ("year", "month"): 12,
    ("year", "week"): 52,
    ("month", "week"): 52 / 12,
    ("month", "day"): 30.44,
    ("week", "day"): 7,
    ("day", "hour"): 24,
    ("hour", "minute"): 60,
    ("minute", "second"): 60,
}
_JOIN = re.compile(r",?\s(?:and\s)?")


def halves(finder: QuantityFinder, doc: Doc, text: str, used: list[tuple[int, int]]) -> None:
    """`an hour and a half` -> 1.5 hour; `half a day` -> 0.5 day; `a quarter of an hour` -> 0.25."""
    for m in HALVES.finditer(text):
        if overlaps_any(m.start(), m.end(), used):
            continue
        if m.group("u1"):
            unit, value = m.group("u1"), 1.5 if m.group("f1") == "a half" else 1.25
        elif m.group("u2"):
            unit, value = m.group("u2"), 0.5
        else:
            unit, value = m.group("u3"), 0.25
        q = qualifier_of(m.group("qual"))
        v, low, high = interval(value, q)
        finder.add(doc, m.start(), m.end(), used, "duration", v, low, high, q, unit.lower())


def merge_compounds(doc: Doc, text: str) -> None:
    """`two hours and forty minutes`: two adjacent durations in a larger and a smaller unit are one."""
    if SPAN_KEY not in doc.spans or len(doc.spans[SPAN_KEY]) < 2:
        return
    spans = sorted(doc.spans[SPAN_KEY], key=lambda s: s.start_char)
    out: list[Span] = []
    merged = False
    for span in spans:
        if out and (joined := _compound(doc, text, out[-1], span)) is not None:
            out[-1] = joined
            merged = True
            continue
        out.append(span)
    if merged:
        doc.spans[SPAN_KEY] = out


def _compound(doc: Doc, text: str, a: Span, b: Span) -> Span | None:
    if a._.claims_kind != "duration" or b._.claims_kind != "duration":
        return None
    factor = PAIR_FACTORS.get((a._.claims_unit, b._.claims_unit))
    if factor is None or a._.claims_value is None or b._.claims_value is None:
        return None
    if b._.claims_qualifier != "exact":
        return None
    a0, a1 = a._.claims_chars or (a.start_char, a.end_char)
    b0, b1 = b._.claims_chars or (b.start_char, b.end_char)
    if not _JOIN.fullmatch(text[a1:b0]):
        return None
    span = doc.char_span(a0, b1, alignment_mode="expand")
    if span is None:
        return None
    qualifier: Qualifier = a._.claims_qualifier or "exact"
    total = round(a._.claims_value * factor + b._.claims_value, 6)
    value, low, high = interval(total, qualifier)
    for name, v in (
        ("claims_kind", "duration"),
        ("claims_value", value),
        ("claims_low", low),
        ("claims_high", high),
        ("claims_qualifier", qualifier),
        ("claims_unit", b._.claims_unit),
        ("claims_chars", (a0, b1)),
    ):
        setattr(span._, name, v)
    return span
