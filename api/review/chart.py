"""The timeline of one measured thing: its claims placed by as-of date and value, and the chart.

The chart is plain SVG geometry computed here and drawn by a Jinja template (autoescaped). A
plotting library was weighed and not used: matplotlib is a large dependency for one scatter plot,
and pygal (well kept) emits SVG that loads its tooltip script from a CDN by default and is harder
to make accessible; a 20-point scatter with two axes is about a hundred lines, has no
dependency and gives full control of the text alternative (the page also shows the data as a table).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import TYPE_CHECKING

import msgspec

from claims import rates
from claims.errors import InvalidInput
from claims.text import partialdate

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from claims.store import ClaimRow

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Point(msgspec.Struct, frozen=True, kw_only=True):
    claim_id: int
    source: str
    at: str | None
    """The claim's as-of date (partial ISO), else its article's publication date."""
    day: date | None
    """Middle of `at`, where the point is drawn."""
    value: float | None
    low: float | None
    high: float | None


class Mark(msgspec.Struct, frozen=True, kw_only=True):
    claim_id: int
    cx: float
    cy: float
    y_low: float
    y_high: float
    series: int
    label: str


class Tick(msgspec.Struct, frozen=True, kw_only=True):
    at: float
    label: str


class Chart(msgspec.Struct, frozen=True, kw_only=True):
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    marks: list[Mark]
    trend: str
    """SVG points of a line through the marks in date order."""
    sources: list[str]
    """Legend: series i is sources[i]."""


def _middle(iso: str | None) -> date | None:
    if not iso:
        return None
    try:
        lo, hi = partialdate.bounds(iso)
    except InvalidInput:
        return None
    return lo + timedelta(days=(hi - lo).days // 2)


def points(rows: Sequence[ClaimRow]) -> list[Point]:
    """Each claim as a point, sorted by date (undated last), then value."""
    out = [
        Point(
            claim_id=r.id,
            source=r.source,
            at=r.as_of or r.published,
            day=_middle(r.as_of or r.published),
            value=r.value,
            low=r.low,
            high=r.high,
        )
        for r in rows
    ]
    return sorted(out, key=lambda p: (p.day or date.max, p.value if p.value is not None else math.inf, p.claim_id))


def number(x: float | None) -> str:
    """A figure as a person writes it: 2,700; 11 bn; 0.45."""
    if x is None:
        return "–"
    ax = abs(x)
    for size, word in ((1e12, " tn"), (1e9, " bn"), (1e6, " m")):
        if ax >= size:
            return f"{x / size:,.3g}{word}"
    if float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.3g}"


MAX_Y_TICKS = 12
"""At most this many value ticks (plus the one at the bottom), whatever the figures."""
AXIS_LIMIT = 1e300
"""The value axis spans at most +-this: figures beyond it (the float range ends near 1.8e308) are
drawn at the edge, so every difference and step of the geometry stays a finite float."""
FIRST_DAY, LAST_DAY = date.min.toordinal(), date.max.toordinal()


def _nice_step(span: float, target: int) -> float:
    raw = span / max(1, target)
    magnitude = 10.0 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


def _clamp(v: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, v))


def value_axis(values: Sequence[float]) -> tuple[float, float, float, int]:
    """(bottom, top, step, number of steps) of the value axis for finite `values` (not empty).

    Safe for any finite floats: the range is clamped to +-AXIS_LIMIT, a range narrower than a
    millionth of its magnitude (two figures a few ulps apart, or one figure) is widened to reach
    zero, so the step is always many ulps wide; the ticks are then counted, never accumulated
    (`bottom + i * step`), and there are at most MAX_Y_TICKS of them.
    """
    v0 = _clamp(min(0.0, min(values)), -AXIS_LIMIT, AXIS_LIMIT)
    v1 = _clamp(max(values), v0, AXIS_LIMIT)
    scale = max(abs(v0), abs(v1), 1.0)
    if v1 - v0 < scale * 1e-6:
        v1 = v0 + max(1.0, abs(v0))
    step = _nice_step(v1 - v0, 5)
    steps = max(1, math.ceil((v1 - v0) / step - 1e-9))
    while steps > MAX_Y_TICKS:  # only when rounding made the step too small: widen it
        step *= 2
        steps = max(1, math.ceil((v1 - v0) / step - 1e-9))
    return v0, v0 + steps * step, step, steps


def chart(pts: Sequence[Point], *, width: int = 720, height: int = 320) -> Chart | None:
    """Geometry of the scatter plot, or None when fewer than one point has a date and a finite value."""
    plotted = [p for p in pts if p.day is not None and p.value is not None and math.isfinite(p.value)]
    if not plotted:
        return None
    left, right, top, bottom = 80, width - 24, 20, height - 48
    days = [p.day.toordinal() for p in plotted if p.day]
    values = [v for p in plotted for v in (p.value, p.low, p.high) if v is not None and math.isfinite(v)]
    d0, d1 = float(min(days)), float(max(days))
    if d1 - d0 < 60:  # one date (or close ones): show a few months around it
        d0, d1 = d0 - 45, d1 + 45
    pad = (d1 - d0) * 0.05
    d0, d1 = max(FIRST_DAY, d0 - pad), min(LAST_DAY, d1 + pad)  # date.min and date.max bound the axis
    v0, v1, step, steps = value_axis(values)

    def x(day: float) -> float:
        return round(left + (_clamp(day, d0, d1) - d0) / (d1 - d0) * (right - left), 1)

    def y(v: float) -> float:
        return round(bottom - (_clamp(v, v0, v1) - v0) / (v1 - v0) * (bottom - top), 1)

    y_ticks = []
    for i in range(steps + 1):
        tick = v1 if i == steps else v0 + i * step
        if abs(tick) < step * 1e-6:  # zero, not what is left of two large figures subtracted
            tick = 0.0
        y_ticks.append(Tick(at=y(tick), label=number(tick)))
    x_ticks = _date_ticks(d0, d1, x)
    sources = sorted({p.source for p in plotted})
    marks = []
    for p in plotted:
        assert p.day is not None and p.value is not None
        lo = p.low if p.low is not None and math.isfinite(p.low) else p.value
        hi = p.high if p.high is not None and math.isfinite(p.high) else v1
        marks.append(
            Mark(
                claim_id=p.claim_id,
                cx=x(p.day.toordinal()),
                cy=y(p.value),
                y_low=y(max(lo, v0)),
                y_high=y(min(hi, v1)),
                series=sources.index(p.source),
                label=f"{p.source}: {number(p.value)} as of {p.at}",
            )
        )
    trend = " ".join(f"{m.cx},{m.cy}" for m in marks)
    return Chart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        marks=marks,
        trend=trend,
        sources=sources,
    )


def _date_ticks(d0: float, d1: float, x: Callable[[float], float]) -> list[Tick]:
    """Ticks on years when the span is long, else on months."""
    first, last = date.fromordinal(math.ceil(d0)), date.fromordinal(math.floor(d1))
    years = last.year - first.year
    ticks: list[Tick] = []
    if years >= 2:
        every = max(1, math.ceil(years / 8))
        for year in range(first.year + 1, last.year + 1, every):
            ticks.append(Tick(at=x(date(year, 1, 1).toordinal()), label=str(year)))
        return ticks
    months = (last.year - first.year) * 12 + last.month - first.month
    every = max(1, math.ceil(months / 8))
    year, month = first.year, first.month + 1
    i = 0
    while (year, month) <= (last.year, last.month):
        if month > 12:
            year, month = year + 1, 1
            continue
        if i % every == 0:
            day = date(year, month, 1)
            ticks.append(Tick(at=x(day.toordinal()), label=f"{MONTHS[month - 1]} {year}"))
        i += 1
        month += 1
    return ticks


class Converted(msgspec.Struct, frozen=True, kw_only=True):
    """The points on one currency axis, and what was done to each figure not already in it."""

    points: list[Point]
    currency: str
    notes: dict[int, str]
    """Claim id -> how its figure was converted (the rate and its date), or why it was left off."""


def one_currency(pts: Sequence[Point], units: dict[int, str | None], target: str) -> Converted:
    """Money figures in other currencies converted into `target` at the ECB reference rate of
    each point's own date (never one rate for every year), so a $130m figure is not drawn on a
    euro axis as 130m euros. A figure with no rate for its currency or date keeps its place in
    the table but gets no value on the chart, and its note says why."""
    target = target.upper()
    out: list[Point] = []
    notes: dict[int, str] = {}
    for p in pts:
        unit = (units.get(p.claim_id) or "").upper()
        if not unit or unit == target or p.value is None:
            out.append(p)
            continue
        conv = rates.conversion(unit, target, p.at) if p.at else None
        if conv is None:
            why = f"no ECB reference rate for {unit} to {target}" + (f" at {p.at}" if p.at else " (no date)")
            notes[p.claim_id] = f"not converted: {why}; left off the chart"
            out.append(msgspec.structs.replace(p, value=None, low=None, high=None))
            continue

        factor = conv.rate

        def f(x: float | None, r: float = factor) -> float | None:
            return None if x is None else x * r

        notes[p.claim_id] = f"{number(p.value)} {unit} = {number(f(p.value))} {target} at {rates.describe(conv)}"
        out.append(msgspec.structs.replace(p, value=f(p.value), low=f(p.low), high=f(p.high)))
    return Converted(points=out, currency=target, notes=notes)
