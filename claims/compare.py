"""Decide how two claims about the same measured thing relate: agree, conflict or different_scope.

Pure functions of the two claims (no database, no NLP pipeline). The rules, in order:
- dates of one event: agree when they overlap at their precision (2022-02 holds 2022-02-24),
  else conflict;
- values are intervals (the extractor already widened them by the precision the text implies);
  money is converted with the reference rate table (`claims/rates.py`), durations to days;
- overlapping intervals agree, whatever their time scope: a figure restated later corroborates;
- disjoint intervals conflict only when the time scope is the same (as-of dates overlap, or the
  same period, or both figures carry only their articles' publication dates and those are at most
  `REPORTING_WINDOW_DAYS` apart) and nothing narrows one figure's coverage (a humanitarian
  tranche vs a total); otherwise they are `different_scope`, shown to editors but never counted as a conflict
  (precision first: a false conflict costs an editor's trust).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from claims import rates
from claims.errors import InvalidInput
from claims.partialdate import bounds, overlaps
from claims.synonyms import lexicon

if TYPE_CHECKING:
    from datetime import date

    from claims.models import Claim, ClaimRef, Label

APPROX_TOLERANCE = 0.10  # for a claim that carries only a value: mirrors claims/normalise.py
DATE_SEVERITY_DAYS = 7.0
# Two figures that state no as-of date of their own, published this close together, speak of the
# same moment (the news cycle): disjoint values then conflict. A stated as-of date ("by March 24")
# is taken at its word and gets no window.
REPORTING_WINDOW_DAYS = 3  # date conflicts: severity = gap / (gap + 7 days), a week apart = 0.5
_EPS = 1e-9

Interval = tuple[float | None, float | None]


def compare(
    a: ClaimRef, b: ClaimRef, *, coverage: tuple[frozenset[str], frozenset[str]] | None = None
) -> tuple[Label, str, float | None]:
    """(label, reason, severity) for two claims already judged to measure the same thing.

    Severity is set for conflicts only: the relative gap between the intervals (0..1).
    `coverage` is each claim's narrowing modifiers when the caller already knows them (the matcher
    locates the figure in its sentence precisely); otherwise they are read from the sentences.
    """
    ca, cb = a.claim, b.claim
    if ca.kind != cb.kind:
        return "different_scope", f"not comparable: {ca.kind} vs {cb.kind}", None
    if ca.kind == "date":
        return _compare_dates(ca, cb)
    converted = _common_intervals(ca, cb)
    if isinstance(converted, str):
        return "different_scope", f"not compared: {converted}", None
    ia, ib, shown_a, shown_b, note = converted
    what = _what(ca, cb)
    if _overlap(ia, ib):
        return "agree", f"{what}: {shown_a} and {shown_b} are compatible{note}", None

    same, scope_why = same_scope(a, b)
    if same:
        narrower = _coverage_difference(ca, cb, coverage)
        if narrower:
            return (
                "different_scope",
                f"{what}: {shown_a} vs {shown_b}{note}; different coverage ({narrower})",
                None,
            )
        severity = _relative_gap(ia, ib)
        return "conflict", f"{what}: {shown_a} vs {shown_b}{note} ({scope_why})", severity
    return "different_scope", f"{what}: {shown_a} vs {shown_b}{note}; {scope_why}, not a contradiction", None


# -- intervals ---------------------------------------------------------------------------------


def interval(claim: Claim) -> Interval | None:
    """The claim's interval; derived from value and qualifier when the extractor gave no bounds."""
    lo, hi, v, q = claim.low, claim.high, claim.value, claim.qualifier
    if q in ("more_than", "at_least") and lo is None:
        lo = v
    if q in ("less_than", "at_most") and hi is None:
        hi = v
    if lo is None and hi is None:
        if v is None:
            return None
        if q == "approx":
            lo, hi = sorted((v * (1 - APPROX_TOLERANCE), v * (1 + APPROX_TOLERANCE)))
            return lo, hi
        if q in ("more_than", "at_least", "less_than", "at_most"):
            return None
        return v, v
    return lo, hi


def _overlap(a: Interval, b: Interval) -> bool:
    """Closed-interval overlap (touching ends agree: precision first)."""
    a_lo, a_hi = a
    b_lo, b_hi = b
    if a_lo is not None and b_hi is not None and a_lo > b_hi + _EPS * max(1.0, abs(b_hi)):
        return False
    if b_lo is not None and a_hi is not None and b_lo > a_hi + _EPS * max(1.0, abs(a_hi)):
        return False
    return True


def _relative_gap(a: Interval, b: Interval) -> float:
    """Gap between disjoint intervals over the larger of the two facing ends (0..1)."""
    lower, upper = (a, b) if a[1] is not None and b[0] is not None and a[1] < b[0] else (b, a)
    l_hi, u_lo = lower[1], upper[0]
    if l_hi is None or u_lo is None:
        return 1.0
    scale = max(abs(l_hi), abs(u_lo))
    return round(min(1.0, max(0.0, (u_lo - l_hi) / scale)), 3) if scale else 1.0


def _scale(iv: Interval, factor: float, widen: float = 0.0) -> Interval:
    lo, hi = iv
    return (
        None if lo is None else lo * factor * (1 - widen),
        None if hi is None else hi * factor * (1 + widen),
    )


def _common_intervals(ca: Claim, cb: Claim) -> tuple[Interval, Interval, str, str, str] | str:
    """Both intervals in one unit, how to show each, and a note on any conversion; or why not."""
    ia, ib = interval(ca), interval(cb)
    if ia is None or ib is None:
        return "a claim has no value"
    shown_a, shown_b = _show(ca, ia), _show(cb, ib)
    if ca.kind == "money":
        ua, ub = (ca.unit or "").upper(), (cb.unit or "").upper()
        if not ua or not ub:
            return "currency unknown"
        if ua == ub:
            return ia, ib, shown_a, shown_b, ""
        # Convert the non-USD side (or b) into the other currency, and say at which rate.
        flip = ua == "USD"
        src_claim, src_iv, dst = (cb, ib, ua) if flip else (ca, ia, ub)
        conv = rates.conversion(src_claim.unit or "", dst)
        if conv is None:
            return f"no reference rate for {ua}/{ub} in claims/data/rates.json"
        converted = _scale(src_iv, conv.rate, rates.FX_TOLERANCE)
        point = src_claim.value if src_claim.value is not None else _mid(src_iv)
        shown = f"{_money(src_claim.unit or '', point)} ≈ {_money(dst, point * conv.rate)}"
        note = f" ({shown} at {rates.describe(conv)})"
        if flip:
            return ia, converted, shown_a, shown_b, note
        return converted, ib, shown_a, shown_b, note
    if ca.kind == "duration":
        lex = lexicon()
        da, db = lex.days_per(ca.unit), lex.days_per(cb.unit)
        if (ca.unit or "") == (cb.unit or ""):
            return ia, ib, shown_a, shown_b, ""
        if da is None or db is None:
            return f"units {ca.unit} and {cb.unit} do not convert"
        return _scale(ia, da), _scale(ib, db), shown_a, shown_b, " (in days)"
    return ia, ib, shown_a, shown_b, ""


def _mid(iv: Interval) -> float:
    lo, hi = iv
    if lo is None:
        return hi or 0.0
    if hi is None:
        return lo
    return (lo + hi) / 2


# -- time scope ----------------------------------------------------------------------------------


def same_scope(a: ClaimRef, b: ClaimRef) -> tuple[bool, str]:
    """Whether two figures are true at the same time, and a phrase saying why (or why not)."""
    ca, cb = a.claim, b.claim
    pa = ca.period if ca.period and (ca.period.start or ca.period.end) else None
    pb = cb.period if cb.period and (cb.period.start or cb.period.end) else None
    as_of_a, as_of_b = ca.as_of or a.published, cb.as_of or b.published
    if pa and pb:
        end_a, end_b = pa.end or as_of_a, pb.end or as_of_b
        starts = pa.start is None or pb.start is None or _overlaps(pa.start, pb.start)
        ends = end_a is not None and end_b is not None and _overlaps(end_a, end_b)
        span_a, span_b = _span(pa.start, end_a), _span(pb.start, end_b)
        if starts and ends:
            return True, f"same period {span_a}"
        return False, f"different periods ({span_a} vs {span_b})"
    if pa or pb:
        period, point = (pa, as_of_b) if pa else (pb, as_of_a)
        assert period is not None
        span = _span(period.start, period.end or (as_of_a if pa else as_of_b))
        return False, f"a total over {span} vs a figure as of {point or 'an unknown date'}"
    if as_of_a is None or as_of_b is None:
        return False, "time scope unknown"
    if _overlaps(as_of_a, as_of_b):
        return True, f"both as of {as_of_a}" if as_of_a == as_of_b else f"as of {as_of_a} and {as_of_b}"
    if _implied(a) and _implied(b) and _days_apart(as_of_a, as_of_b) <= REPORTING_WINDOW_DAYS:
        return True, f"reported {as_of_a} and {as_of_b}, no as-of date stated"
    return False, f"as of different dates ({as_of_a} vs {as_of_b}): a running figure changes over time"


def _implied(ref: ClaimRef) -> bool:
    """The claim states no as-of date of its own: its time is only when the article appeared."""
    return ref.claim.as_of is None or ref.claim.as_of == ref.published


def _days_apart(x: str, y: str) -> int:
    try:
        x0, x1 = bounds(x)
        y0, y1 = bounds(y)
    except InvalidInput:
        return 1 << 30
    if x0 <= y1 and y0 <= x1:
        return 0
    return (y0 - x1).days if x1 < y0 else (x0 - y1).days


def _span(start: str | None, end: str | None) -> str:
    return f"{start or '…'}..{end or '…'}"


def _overlaps(x: str, y: str) -> bool:
    try:
        return overlaps(x, y)
    except InvalidInput:
        return False


def _coverage_difference(ca: Claim, cb: Claim, coverage: tuple[frozenset[str], frozenset[str]] | None = None) -> str:
    """Modifiers (humanitarian, loan, total ...) one figure's clause has and the other's lacks."""
    lex = lexicon()
    if coverage is not None:
        cov_a, cov_b = coverage
    else:
        cov_a = lex.cues(ca.sentence, ca.text, prefer="measure").coverage | lex.coverage_of(ca.about)
        cov_b = lex.cues(cb.sentence, cb.text, prefer="measure").coverage | lex.coverage_of(cb.about)
    if cov_a == cov_b:
        return ""
    only_a, only_b = sorted(cov_a - cov_b), sorted(cov_b - cov_a)
    parts = [", ".join(only_a) or "-", ", ".join(only_b) or "-"]
    return f"{parts[0]} vs {parts[1]}"


# -- dates -------------------------------------------------------------------------------------


def _compare_dates(ca: Claim, cb: Claim) -> tuple[Label, str, float | None]:
    what = _what(ca, cb)
    if not ca.date or not cb.date:
        return "different_scope", f"{what}: a claim has no date to compare", None
    try:
        a0, a1 = bounds(ca.date)
        b0, b1 = bounds(cb.date)
    except InvalidInput as exc:
        return "different_scope", f"{what}: not compared ({exc})", None
    if a0 <= b1 and b0 <= a1:
        if ca.date == cb.date:
            return "agree", f"{what}: both {ca.date}", None
        return "agree", f"{what}: {ca.date} and {cb.date} overlap at their precision", None
    gap = _gap_days((a0, a1), (b0, b1))
    severity = round(gap / (gap + DATE_SEVERITY_DAYS), 3)
    unit = "day" if gap == 1 else "days"
    return "conflict", f"{what}: {ca.date} vs {cb.date} ({gap} {unit} apart)", severity


def _gap_days(a: tuple[date, date], b: tuple[date, date]) -> int:
    return (b[0] - a[1]).days if a[1] < b[0] else (a[0] - b[1]).days


# -- wording -------------------------------------------------------------------------------------


def _what(ca: Claim, cb: Claim) -> str:
    return ca.about or cb.about or (f"{ca.subject}: {ca.kind}" if ca.subject else ca.kind)


def _show(claim: Claim, iv: Interval) -> str:
    """`"more than 2,700" (>2,700) as of 2025-02-21` style: the words, then what they mean."""
    lo, hi = iv
    if claim.kind == "money":
        fmt = lambda x: _money(claim.unit or "", x)  # noqa: E731
    else:
        suffix = "%" if claim.kind == "percent" else ""
        fmt = lambda x: f"{_number(x)}{suffix}"  # noqa: E731
    if lo is not None and hi is not None and abs(hi - lo) <= _EPS * max(1.0, abs(hi)):
        meaning = fmt(lo)
    elif lo is None and hi is not None:
        meaning = f"≤{fmt(hi)}"
    elif hi is None and lo is not None:
        meaning = f"≥{fmt(lo)}"
    elif lo is not None and hi is not None:
        meaning = f"{fmt(lo)}\u2013{fmt(hi)}"  # en dash
    else:
        meaning = "any value"
    scope = f" as of {claim.as_of}" if claim.as_of else ""
    return f"“{claim.text}” ({meaning}){scope}"


def _number(x: float) -> str:
    if abs(x) >= 1e6:
        return _magnitude(x)
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def _magnitude(x: float) -> str:
    for div, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(x) >= div:
            return f"{x / div:.3g}{suffix}"
    return f"{x:,.0f}"


def _money(ccy: str, x: float) -> str:
    return f"{ccy.upper()} {_magnitude(x)}"
