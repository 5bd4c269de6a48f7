"""Partial ISO dates: `1950s`, `2013`, `2013-04`, `2022-02-24`.

A date keeps the precision the text gave it, so `February 2022` is a month, not 2022-02-01.
Comparison works on the closed interval of days a partial date covers.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime
from typing import Literal

from claims.errors import InvalidInput

Precision = Literal["decade", "year", "month", "day"]

_PARTIAL = re.compile(r"^(?:(\d{3})0s|(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?)$", re.ASCII)


def precision(iso: str) -> Precision:
    """How much of a date is known: a decade, year, month or day."""
    if iso.endswith("s"):
        return "decade"
    return ("year", "month", "day")[iso.count("-")]


def bounds(iso: str) -> tuple[date, date]:
    """First and last day covered by a partial date; raises InvalidInput on impossible ones."""
    m = _PARTIAL.match(iso)
    if not m:
        raise InvalidInput(f"not a partial ISO date: {iso!r}")
    decade, year, month, day = m.groups()
    try:
        if decade:
            y = int(decade) * 10
            return date(y, 1, 1), date(y + 9, 12, 31)
        y = int(year)
        if month is None:
            return date(y, 1, 1), date(y, 12, 31)
        mo = int(month)
        if day is None:
            return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
        d = date(y, mo, int(day))
        return d, d
    except ValueError as exc:
        raise InvalidInput(f"impossible date {iso!r}: {exc}") from None


def days_between(a: tuple[date, date], b: tuple[date, date]) -> int:
    """Days between two date intervals: 0 when they meet, else from the end of one to the start of
    the other (`2019` and `2021-03` are 425 days apart)."""
    if a[0] <= b[1] and b[0] <= a[1]:
        return 0
    return (b[0] - a[1]).days if a[1] < b[0] else (a[0] - b[1]).days


def days_apart(a: str, b: str) -> int | None:
    """`days_between` two partial dates; None when either is not a date."""
    try:
        return days_between(bounds(a), bounds(b))
    except InvalidInput:
        return None


def overlaps(a: str, b: str) -> bool:
    """Whether two partial dates can be the same day (their intervals meet)."""
    a0, a1 = bounds(a)
    b0, b1 = bounds(b)
    return a0 <= b1 and b0 <= a1


def checked(iso: str | None) -> str | None:
    """`iso` when it is a partial date whose every day exists in `datetime.date`'s range (years
    1 to 9999), else None. The one gate for dates computed from others (`dates.resolve`): "next
    year" from 9999 or "yesterday" from 0001-01-01 resolve to no date, never to "10000" or an error."""
    if iso is None:
        return None
    try:
        bounds(iso)
    except InvalidInput:
        return None
    return iso


def _ascii_digits(value: str) -> str:
    """Decimal digits of any script (Arabic-Indic, fullwidth...) as ASCII ones."""
    if value.isascii():
        return value
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in value)


def normalise_published(value: str) -> str:
    """Accept YYYY, YYYY-MM, YYYY-MM-DD or a full ISO timestamp; return ISO at that precision,
    in ASCII digits (digits of other scripts are read as the same numbers)."""
    value = _ascii_digits(value.strip())
    if not value.isascii():
        raise InvalidInput(f"published must be YYYY, YYYY-MM, YYYY-MM-DD or an ISO timestamp, got {value[:100]!r}")
    if _PARTIAL.match(value) and not value.endswith("s"):
        bounds(value)  # validates month/day ranges
        return value
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"published must be YYYY, YYYY-MM, YYYY-MM-DD or an ISO timestamp, got {value!r}") from None
    return stamp.date().isoformat()


def reference_day(published: str | None) -> date | None:
    """The day relative dates resolve against: the last day a partial publication date covers."""
    if not published:
        return None
    return bounds(published)[1] if precision(published) != "day" else bounds(published)[0]


def same_precision(iso: str, day: date) -> str:
    """Render `day` at the precision of `iso` (used to echo as-of dates)."""
    p = precision(iso)
    if p == "day":
        return day.isoformat()
    if p == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if p == "year":
        return f"{day.year:04d}"
    return f"{day.year // 10 * 10}s"
