"""The tolerance policy: which values a stated figure stands for when two claims are compared, and
how far apart two figures are on the one severity scale every kind shares.

This is the one place the numbers live. Extraction stores what the text says (`claims/normalise.py`:
the value, the qualifier and the literal rounding of the written digits in low/high); `compare`
applies this policy to the stored claims, so a change here reaches an archive with `claims rematch`.

Intervals a figure stands for
- exact, written in full (`1,496`, `188`, `190`, `2,000`, `8,848.86`, `7.8`, `eight`): the value
  itself. The writer gave no sign of rounding, and a running count (188 by 24 March, 190 by 26
  March) must not be read as one rounded figure.
- exact, scaled by a magnitude word (`11 billion`, `$44bn`, `1.234m`, `¥500 billion`): half a unit
  of its last non-zero digit either side (`11 billion` -> ±0.5e9, `1.234 million` -> ±500,
  `¥500 billion` -> ±50e9), but at most `ROUNDING_CAP` = ±5 % of the value: a one-digit figure is not
  ±25 %, so `2 million` stands for [1.9m, 2.1m] (agrees with `2.1 million`, conflicts with
  `1.5 million`), `¥500 billion` for [¥475bn, ¥525bn], `11 billion` for [10.5bn, 11.5bn] (4.5 %,
  under the cap). Rounding intervals are half-open (1.45m rounds to 1.5m, not 1.4m), so
  neighbouring rounded figures (`1.4m` and `1.5m`) do not touch.
- a whole-number share (`68 per cent`, `31%`): half a point either side, capped like the above
  (`31%` -> [30.5, 31.5], `3%` -> [2.85, 3.15]): reports round shares to whole points.
- approximate (`about`, `around`, `nearly`, `almost`, `some`, `roughly`, `an estimated`,
  `approximately`, `close to`, ...): ±`APPROX` = ±10 % of the value (`about 8,849` -> [7,964, 9,734];
  `around 2,000` -> [1,800, 2,200]).
- bounds (`more than 11,000`, `at least 3 %`, `under 1 %`, `up to 50`): as stated, with no rounding
  added (the writer chose the threshold); `more than 11,000` agrees with `11,300`.
- ranges (`150 to 200 percent`, `between 2 and 3 million`): as stated (low, high).
Touching closed ends agree (`at least 3 %` and `3 %`).

Severity, one scale for every kind: `severity = x / (1 + x)`, where x is the gap in units of a
clear discrepancy: a relative gap of `SEVERITY_REL` = 25 % between the facing stated figures, or
`SEVERITY_STEPS` = 4 steps of the coarser precision between two dates (4 days for day-precise
dates, 4 months for months, 4 years for years). So 0.5 means "as far apart as 2 million and
1.5 million, or as two dates four days apart"; 1,496 vs 1,517 deaths is 0.05, 7.8 vs 7.7 is 0.05,
two days between day-precise dates 0.33, a 25 % money gap 0.5, 188 vs more than 2,700 0.79.
Severity is rounded to 3 decimals and is the same whichever claim comes first.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from claims.models import Claim

ROUNDING_CAP = 0.05  # relative: the most a rounded figure's implied precision may widen it
APPROX = 0.10  # relative: `about`, `around`, `nearly`, `some`, `roughly`, `an estimated`
SEVERITY_REL = 0.25  # relative gap between figures that counts as one clear discrepancy (x = 1)
SEVERITY_STEPS = 4.0  # steps of the dates' precision that count as one clear discrepancy
# Rounding intervals are half-open: shrink them by this much so neighbours (7.7, 7.8) do not touch.
_HALF_OPEN = 1e-6
_EPS = 1e-9


class Span(NamedTuple):
    """The interval a claim stands for under the policy, the stated ends it came from, and the rule."""

    lo: float | None
    hi: float | None
    stated_lo: float | None
    stated_hi: float | None
    rule: str  # "rounded ±5% (cap)", "about: ±10%", "as stated", ...


def last_digit_unit(value: float) -> float:
    """The unit of the last non-zero digit of a figure: 11e9 -> 1e9, 1.234e6 -> 1e3, 7.8 -> 0.1."""
    if value == 0 or not math.isfinite(value):
        return 0.0
    mantissa, exp = f"{abs(value):.12e}".split("e")
    digits = mantissa.replace(".", "").rstrip("0")
    return 10.0 ** (int(exp) - (len(digits) - 1))


_DECIMAL_ZERO = re.compile(r"\d\.\d*0(?!\d)")


def rounding_of(claim: Claim) -> float:
    """Half-width a figure's rounding implies (module doc): none for a figure written in full, else
    half its last non-zero digit's unit, capped at `ROUNDING_CAP`. Extraction marks a rounded figure
    by storing the rounding of its written digits in low/high (`claims/normalise.py`)."""
    v, lo, hi = claim.value, claim.low, claim.high
    if claim.kind == "percent" and v is not None and lo == hi == v and float(v).is_integer() and v != 0:
        return min(0.5 * (1 - _HALF_OPEN), ROUNDING_CAP * abs(v))  # "68 per cent" is 68.2% rounded
    if v is None or lo is None or hi is None or not lo <= v <= hi or lo == hi:
        return 0.0
    half = last_digit_unit(v) / 2
    if _DECIMAL_ZERO.search(claim.text or ""):
        half = min(half, (hi - lo) / 2)  # "7.0" is [6.95, 7.05]: a zero after the point is a digit
    half *= 1 - _HALF_OPEN
    return min(half, ROUNDING_CAP * abs(v))


def span(claim: Claim) -> Span | None:
    """The interval `claim` stands for when compared; None when it states no figure."""
    q, v, lo, hi = claim.qualifier, claim.value, claim.low, claim.high
    if q in ("exact", "approx") and v is not None:
        if q == "approx":
            tol = APPROX * abs(v)
            return Span(v - tol, v + tol, v, v, f"about: ±{APPROX:.0%}")
        r = rounding_of(claim)
        if r <= 0:
            return Span(v, v, v, v, "exact")
        capped = r >= ROUNDING_CAP * abs(v) * (1 - _EPS)
        rule = f"rounded, capped at ±{ROUNDING_CAP:.0%}" if capped else "rounded to its last digit"
        return Span(v - r, v + r, v, v, rule)
    if q in ("more_than", "at_least"):
        b = lo if lo is not None else v
        return None if b is None else Span(b, None, b, None, "bound as stated")
    if q in ("less_than", "at_most"):
        b = hi if hi is not None else v
        return None if b is None else Span(lo, b, lo, b, "bound as stated")
    if lo is None and hi is None:
        return None if v is None else Span(v, v, v, v, "exact")
    return Span(lo, hi, lo, hi, "range as stated")


def overlap(a: tuple[float | None, float | None], b: tuple[float | None, float | None]) -> bool:
    """Closed-interval overlap (touching ends agree: precision first); None is unbounded."""
    a_lo, a_hi = a
    b_lo, b_hi = b
    if a_lo is not None and b_hi is not None and a_lo > b_hi + _EPS * max(1.0, abs(b_hi)):
        return False
    return not (b_lo is not None and a_hi is not None and b_lo > a_hi + _EPS * max(1.0, abs(a_hi)))


def relative_gap(a: tuple[float | None, float | None], b: tuple[float | None, float | None]) -> float:
    """Gap between two disjoint stated intervals over the larger facing end (0..1), order-free."""
    if a[1] is not None and b[0] is not None and a[1] < b[0]:
        below, above = a[1], b[0]
    elif b[1] is not None and a[0] is not None and b[1] < a[0]:
        below, above = b[1], a[0]
    else:
        return 0.0
    scale = max(abs(below), abs(above))
    return min(1.0, (above - below) / scale) if scale else 1.0


def severity_from(x: float) -> float:
    """Map a gap measured in clear-discrepancy units onto 0..1 (x = 1 -> 0.5)."""
    if x <= 0 or math.isnan(x):
        return 0.0
    return round(x / (1.0 + x), 3)


def value_severity(a: tuple[float | None, float | None], b: tuple[float | None, float | None]) -> float:
    """Severity of two disjoint figures: their relative gap in units of `SEVERITY_REL`."""
    return severity_from(relative_gap(a, b) / SEVERITY_REL)


def date_severity(gap_days: int, precision_days: int) -> float:
    """Severity of two disjoint dates: the gap in units of `SEVERITY_STEPS` precision steps."""
    return severity_from(gap_days / (SEVERITY_STEPS * max(1, precision_days)))
