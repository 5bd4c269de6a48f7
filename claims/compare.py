"""Decide how two claims about the same measured thing relate: agree, conflict or different_scope.

Pure functions of the two claims (no database, no NLP pipeline). The rules, in order:
- different kinds are not compared;
- dates of one event: agree when they overlap at their precision (2022-02 holds 2022-02-24),
  else conflict;
- each figure stands for the interval the tolerance policy gives it (`claims/tolerance.py`: capped
  rounding, ±10 % for `about`, bounds and ranges as stated); money in two currencies is converted at
  the ECB reference rate of the converted claim's as-of date (`claims/rates.py`); a currency the
  ECB series lacks is compared only with the same currency; durations are compared in days;
- coverage: when a word that really narrows what is counted differs (`coverage_of`: military vs
  humanitarian aid, direct vs all deaths, loans vs aid, delivered vs pledged, one year vs several,
  a tranche vs the whole, civilians vs everyone, registered refugees, the places named), the pair
  is `different_scope` whatever the values, and the reason names the words;
- overlapping intervals agree, whatever their time scope: a figure restated later corroborates;
- disjoint intervals conflict when the time scope is the same (as-of dates overlap, or the same
  period, or both figures carry only their articles' publication dates and those are at most
  `REPORTING_WINDOW_DAYS` apart);
- a count that can only grow (`is_monotone`: deaths in one event, people who have fled, cases to
  date, aid delivered so far) given lower at a later date is a correction: conflict;
- otherwise (different time scope) `different_scope`, shown to editors but never counted as a
  conflict (precision first: a false conflict costs an editor's trust).

Every verdict is the same whichever claim comes first, severity included.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from claims import rates
from claims.coverage import coverage_difference, coverage_of
from claims.errors import InvalidInput
from claims.scope import (
    REPORTING_WINDOW_DAYS,
    _correction,
    _grew,
    _point,
    _when,
    is_monotone,
    same_scope,
    undated_later,
)
from claims.text.partialdate import bounds, days_between
from claims.text.synonyms import lexicon
from claims.tolerance import Span, date_severity, overlap, span, value_severity

if TYPE_CHECKING:
    from claims.models import Claim, ClaimRef, Label

__all__ = [
    "REPORTING_WINDOW_DAYS",
    "compare",
    "coverage_difference",
    "coverage_of",
    "interval",
    "is_monotone",
    "same_scope",
]


_EPS = 1e-9

Interval = tuple[float | None, float | None]


def compare(
    a: ClaimRef, b: ClaimRef, *, coverage: tuple[frozenset[str], frozenset[str]] | None = None
) -> tuple[Label, str, float | None]:
    """(label, reason, severity) for two claims already judged to measure the same thing.

    Severity is set for conflicts only, on one scale for every kind (`claims/tolerance.py`):
    x / (1 + x) where x is the gap in clear-discrepancy units, a 25 % relative gap between the
    stated figures or four steps of the dates' precision; 0.5 is "as far apart as 2 million and
    1.5 million". `coverage` is accepted for callers that computed their own and ignored: coverage
    is read by `coverage_of`, the same way for both claims, so the verdict cannot depend on order.
    """
    del coverage
    ca, cb = a.claim, b.claim
    if ca.kind != cb.kind:
        return "different_scope", f"not comparable: {ca.kind} vs {cb.kind}", None
    if ca.kind == "date":
        return _compare_dates(ca, cb)
    common = _common_spans(a, b)
    if isinstance(common, str):
        return "different_scope", f"not compared: {common}", None
    sa, sb, note_a, note_b = common
    what = _what(ca, cb)
    digits = _digits(ca, cb)
    shown_a, shown_b = _show(ca, sa, note_a, digits), _show(cb, sb, note_b, digits)

    narrower = coverage_difference(a, b)
    if narrower:
        return "different_scope", f"{what}: {shown_a} vs {shown_b}; different coverage ({narrower})", None
    if overlap((sa.lo, sa.hi), (sb.lo, sb.hi)):
        if (_grew(a, b, sa, sb) and not same_scope(a, b)[0]) or undated_later(a, b, sa, sb, overlapping=True):
            grew = f"{what}: {shown_a} and {shown_b}: a running count that grew between two dates"
            return "different_scope", grew, None
        return "agree", f"{what}: {shown_a} and {shown_b} are compatible", None
    severity = value_severity((sa.stated_lo, sa.stated_hi), (sb.stated_lo, sb.stated_hi))
    correction = _correction(a, b, sa, sb)
    if correction:
        return "conflict", f"{what}: correction: {correction} ({shown_a} vs {shown_b})", severity
    same, scope_why = same_scope(a, b)
    rising = _correction(a, b, sa, sb, rising=True) or undated_later(a, b, sa, sb)
    if same and not rising:
        return "conflict", f"{what}: {shown_a} vs {shown_b} ({scope_why})", severity
    if rising:
        grew = f"{what}: {shown_a} then {shown_b}: a running count that grew, not a contradiction"
        return "different_scope", grew, None
    return "different_scope", f"{what}: {shown_a} vs {shown_b}; {scope_why}, not a contradiction", None


def interval(claim: Claim) -> Interval | None:
    """The interval the claim stands for under the tolerance policy (None: no figure)."""
    s = span(claim)
    return None if s is None else (s.lo, s.hi)


def _scale(s: Span, factor: float) -> Span:
    def f(x: float | None) -> float | None:
        return None if x is None else x * factor

    return Span(f(s.lo), f(s.hi), f(s.stated_lo), f(s.stated_hi), s.rule)


def _common_spans(a: ClaimRef, b: ClaimRef) -> tuple[Span, Span, str, str] | str:
    """Both spans in one unit and a note on any conversion for each side; or why not comparable."""
    ca, cb = a.claim, b.claim
    sa, sb = span(ca), span(cb)
    if sa is None or sb is None:
        return "a claim has no value"
    if ca.kind == "money":
        ua, ub = (ca.unit or "").upper(), (cb.unit or "").upper()
        if not ua or not ub:
            return "currency unknown"
        if ua == ub:
            return sa, sb, "", ""
        for ccy in (ua, ub):
            if not rates.has_rate(ccy):
                return f"no ECB reference rate for {ccy}; compared only with figures in {ccy}"
        # The target currency depends on the currencies, not on the order: USD, else EUR, else
        # the first alphabetically. The other side converts at its own claim's date.
        target = next((c for c in ("USD", "EUR") if c in (ua, ub)), min(ua, ub))
        src_is_a = ub == target
        src, dst_ref = (a, b) if src_is_a else (b, a)
        when = _when(src) or _when(dst_ref)
        if when is None:
            return f"no date to pick an ECB reference rate for {src.claim.unit}"
        conv = rates.conversion(src.claim.unit or "", target, when)
        if conv is None:
            return f"no ECB reference rate for {src.claim.unit.upper() if src.claim.unit else '?'} at {when}"
        src_span = sa if src_is_a else sb
        converted = _scale(src_span, conv.rate)
        note = f"≈ {_money(target, _point(converted), 3)} at {rates.describe(conv)}"
        if src_is_a:
            return converted, sb, note, ""
        return sa, converted, "", note
    if ca.kind == "duration":
        if (ca.unit or "") == (cb.unit or ""):
            return sa, sb, "", ""
        lex = lexicon()
        da, db = lex.days_per(ca.unit), lex.days_per(cb.unit)
        if da is None or db is None:
            return f"units {ca.unit} and {cb.unit} do not convert"
        return _scale(sa, da), _scale(sb, db), "in days", "in days"
    return sa, sb, "", ""


def _compare_dates(ca: Claim, cb: Claim) -> tuple[Label, str, float | None]:
    what = _what(ca, cb)
    if not ca.date or not cb.date:
        return "different_scope", f"{what}: a claim has no date to compare", None
    try:
        a0, a1 = bounds(ca.date)
        b0, b1 = bounds(cb.date)
    except InvalidInput as exc:
        return "different_scope", f"{what}: not compared ({exc})", None
    first, second = sorted((ca.date, cb.date))
    if a0 <= b1 and b0 <= a1:
        if ca.date == cb.date:
            return "agree", f"{what}: both {ca.date}", None
        return "agree", f"{what}: {first} and {second} overlap at their precision", None
    gap = days_between((a0, a1), (b0, b1))
    # Severity counts steps of the coarser precision between the two dates' middles: 2019 vs 2020
    # is one year-step apart, 6 vs 8 February two day-steps.
    precision = max((a1 - a0).days + 1, (b1 - b0).days + 1)
    middles = abs(((a0 - b0) + (a1 - b1)).days) // 2
    severity = date_severity(middles, precision)
    unit = "day" if gap == 1 else "days"
    return "conflict", f"{what}: {ca.date} vs {cb.date} ({gap} {unit} apart)", severity


def _what(ca: Claim, cb: Claim) -> str:
    for c in sorted((ca, cb), key=lambda c: (c.about is None, c.about or "")):
        if c.about:
            return c.about
    return f"{ca.subject}: {ca.kind}" if ca.subject else ca.kind


def _digits(ca: Claim, cb: Claim) -> int:
    """Significant digits that show each stated figure as written, so two different figures never
    display alike (1.234m vs 1.236m, not 1.23m vs 1.24m); at least 3."""
    pts = [x for c in (ca, cb) for x in ((c.value,) if c.value is not None else (c.low, c.high)) if x]
    return max([3, *(len(f"{abs(x):.10e}".split("e")[0].replace(".", "").rstrip("0")) for x in pts)])


def _show(claim: Claim, s: Span, note: str, digits: int) -> str:
    """`“2 million” (2m, taken as 1.9m-2.1m: rounded, capped at ±5%) as of 2022-06-15`.

    A converted money figure shows its own amount, the conversion (`note`) and the interval used
    in the other currency.
    """
    unit = ""
    if claim.kind == "money":
        unit = _converted_ccy(note) or (claim.unit or "")

    def fmt(x: float | None, d: int) -> str:
        if x is None:
            return "…"
        if claim.kind == "money":
            return _money(unit, x, d)
        return f"{_number(x, d)}{'%' if claim.kind == 'percent' else ''}"

    lo, hi = s.stated_lo, s.stated_hi
    if lo is not None and hi is not None and abs(hi - lo) <= _EPS * max(1.0, abs(hi)):
        stated = fmt(lo, digits)
    elif lo is None and hi is not None:
        stated = f"≤{fmt(hi, digits)}"
    elif hi is None and lo is not None:
        stated = f"≥{fmt(lo, digits)}"
    elif lo is not None and hi is not None:
        stated = f"{fmt(lo, digits)}\u2013{fmt(hi, digits)}"
    else:
        stated = "any value"
    if note and claim.kind == "money":
        own = claim.value if claim.value is not None else claim.low
        stated = f"{_money(claim.unit or '', own, digits)} {note}" if own is not None else note
    elif note:
        stated = f"{stated} {note}"
    if (s.lo, s.hi) != (s.stated_lo, s.stated_hi):
        meaning = f"{stated}, taken as {fmt(s.lo, digits + 1)}\u2013{fmt(s.hi, digits + 1)}: {s.rule}"
    else:
        meaning = f"{stated}: {s.rule}"
    scope = f" as of {claim.as_of}" if claim.as_of else ""
    return f"“{claim.text}” ({meaning}){scope}"


def _converted_ccy(note: str) -> str:
    m = re.match(r"≈ ([A-Z]{3}) ", note)
    return m.group(1) if m else ""


def _number(x: float, digits: int = 3) -> str:
    if abs(x) >= 1e6:
        return _magnitude(x, digits)
    if float(x).is_integer():
        return f"{x:,.0f}"
    whole = len(str(int(abs(x)))) if abs(x) >= 1 else 0
    decimals = max(2, digits - whole)
    return f"{x:,.{decimals}f}".rstrip("0").rstrip(".")


def _magnitude(x: float, digits: int = 3) -> str:
    for div, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(x) >= div:
            return f"{x / div:.{digits}g}{suffix}"
    return _number(x, digits)


def _money(ccy: str, x: float, digits: int = 3) -> str:
    return f"{ccy.upper()} {_magnitude(x, digits)}"
