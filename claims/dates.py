"""Dates as written in news text, parsed at the precision the writer gave, then resolved.

Why not dateparser: it returns a datetime (precision lost: `April 2013` becomes 2013-04-01 unless
asked in a separate call), resolves year-less dates against *today* rather than the article's
publication date, and costs about a millisecond per call. The forms news text uses are few, so a
small parser keeps precision, is deterministic and fast enough for the bulk-ingest hot loop.

A `DateRef` is msgpack-friendly (a dict of primitives) so docs survive `nlp.pipe(n_process>1)`.
"""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date, timedelta
from typing import TypedDict

from claims.partialdate import bounds, precision, reference_day

MONTHS: dict[str, int] = {
    name.lower(): i for i, name in enumerate(calendar.month_name) if name
} | {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS: dict[str, int] = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)(?![\w])"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\w])"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)(?![\w])"
_MOD = (
    r"(?:(?i:early|late|mid)[-\s]|(?i:the\s)?(?i:end|beginning|start|middle|first\shalf|second\shalf)\sof\s"
    r"|(?i:earlier|later)\sin\s)"
)

#: One alternation, tried left to right at each position: longest, most specific forms first.
DATE_PATTERN = (
    # Sunday, February 27, 2022 | Feb. 7, 2025 | February 7th | mid-February 24
    rf"(?P<a>(?:(?P<a_wd>{_WEEKDAY}),?\s)?(?P<a_mod>{_MOD})?(?P<a_mon>{_MONTH})\s(?P<a_day>{_DAY})"
    rf"(?:,?\s(?P<a_year>{_YEAR}))?)"
    # 23 March 2022 | the 24th of February
    rf"|(?P<b>(?:(?P<b_wd>{_WEEKDAY}),?\s)?(?:the\s)?(?P<b_day>{_DAY})(?:\sof)?\s(?P<b_mon>{_MONTH})"
    rf"(?:,?\s(?P<b_year>{_YEAR}))?)"
    # April 2013 | late February 2022 | the end of March 2020
    rf"|(?P<c>(?P<c_mod>{_MOD})?(?P<c_mon>{_MONTH})(?:\sof)?,?\s(?P<c_year>{_YEAR}))"
    # the 1950s | the early 2000s
    rf"|(?P<e>(?:the\s)?(?:(?i:early|mid|late)[-\s])?(?P<e_dec>(?:1[5-9]|20)\d0)s(?![\w]))"
    # mid-April | earlier in February | (in) March   -- a bare month needs a cue before it
    rf"|(?P<d>(?P<d_mod>{_MOD})(?P<d_mon>{_MONTH}))"
    rf"|(?P<d2_cue>\b(?:in|In|since|Since|until|till|by|By|from|From|through|to|of|during|last|next|this|on|On)\s)"
    rf"(?P<d2_mon>{_MONTH})(?!\.?,?\s\d)"
    # 2014 | 1904-05 | 2014-2020 (the component filters years that are not dates)
    rf"|(?P<f>(?P<f_year>{_YEAR})(?:[-–](?P<f_year2>\d{{4}}|\d\d)(?![\w]))?)"
    # relative dates that date an event
    rf"|(?P<r>(?i:this|last|next|earlier\sthis|later\sthis)\s(?P<r_unit>(?i:morning|afternoon|evening|night|week|month|year))"
    rf"|(?P<r_word>(?i:yesterday|tonight))"
    rf"|(?P<r_cue>\b(?:on|On)\s)?(?:(?P<r_wdmod>(?i:last|this|next))\s)?(?P<r_wd>{_WEEKDAY})(?![\w]))"
)


def span_of(m: re.Match[str]) -> tuple[int, int]:
    """Character span of the date itself: cue words (`in`, `on`) are context, not the date."""
    start = m.start()
    for cue in ("d2_cue", "r_cue"):
        if m.group(cue):
            start = m.end(cue)
    return start, m.end()


class DateRef(TypedDict, total=False):
    """What the text says, unresolved. Keys absent when not stated."""

    year: int
    month: int
    day: int
    decade: int
    rel: str  # "yesterday", "this_week", "weekday:2", "last_year", ...


def ref_from_match(m: re.Match[str]) -> DateRef | None:
    """Build a DateRef from a DATE_PATTERN match (None when the match is not a real date)."""
    g = m.groupdict()
    ref: DateRef = {}
    for key in ("a", "b", "c"):
        if g[key]:
            ref["month"] = MONTHS[g[f"{key}_mon"].rstrip(".").lower()]
            if key in ("a", "b"):
                ref["day"] = int(re.sub(r"\D", "", g[f"{key}_day"]))
            if g.get(f"{key}_year"):
                ref["year"] = int(g[f"{key}_year"])
            if "day" in ref:
                last = calendar.monthrange(ref.get("year", 2000), ref["month"])[1]
                if ref["day"] > last:
                    return None
            mod = g.get(f"{key}_mod")
            if mod and "day" not in ref:
                pass  # early/mid/late <month> keeps month precision
            return ref
    if g["e"]:
        ref["decade"] = int(g["e_dec"])
        return ref
    if g["d"] or g["d2_mon"]:
        ref["month"] = MONTHS[(g["d_mon"] or g["d2_mon"]).rstrip(".").lower()]
        return ref
    if g["f"]:
        ref["year"] = int(g["f_year"])
        return ref
    if g["r"]:
        if g["r_word"]:
            word = g["r_word"].lower()
            ref["rel"] = "yesterday" if word == "yesterday" else "today"
        elif g["r_unit"]:
            which = m.group("r").lower().split()[0]
            which = {"earlier": "this", "later": "this"}.get(which, which)
            unit = g["r_unit"].lower()
            if unit in ("morning", "afternoon", "evening", "night"):
                ref["rel"] = "yesterday" if which == "last" else "today"
            else:
                ref["rel"] = f"{which}_{unit}"
        else:
            which = (g["r_wdmod"] or "on").lower()
            ref["rel"] = f"weekday:{WEEKDAYS[g['r_wd'].lower()]}:{which}"
        return ref
    return None


def _iso(year: int, month: int | None = None, day: int | None = None) -> str:
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


#: A year-less date may point this far past the publication date ("scheduled for mid-April").
FUTURE_MARGIN = timedelta(days=92)


@functools.lru_cache(maxsize=4096)
def _resolve(
    year: int | None, month: int | None, day: int | None, decade: int | None, rel: str | None,
    published: str | None, hint_year: int | None,
) -> str | None:
    if decade is not None:
        return f"{decade}s"
    if rel is not None:
        return _resolve_relative(rel, published)
    if year is not None:
        return _iso(year, month, day)
    if month is None:
        return None
    if hint_year is not None:
        return _iso(hint_year, month, day)
    ref = reference_day(published)
    if ref is None:
        return None
    limit = ref + FUTURE_MARGIN
    for y in (ref.year + 1, ref.year, ref.year - 1):
        try:
            start = date(y, month, day or 1)
        except ValueError:  # 29 February in a common year
            continue
        if start <= limit:
            return _iso(y, month, day)
    return None


def _at_precision(day: date, published: str, want: str) -> str:
    """Render a resolved day no finer than the publication date allows."""
    order = {"year": 0, "month": 1, "day": 2}
    p = precision(published)
    got = want if order.get(p, 0) >= order[want] else p
    if got == "day":
        return day.isoformat()
    if got == "month":
        return _iso(day.year, day.month)
    return _iso(day.year)


def _resolve_relative(rel: str, published: str | None) -> str | None:
    if not published:
        return None
    ref = reference_day(published)
    assert ref is not None
    if rel == "today":
        return _at_precision(ref, published, "day")
    if rel == "yesterday":
        return _at_precision(ref - timedelta(days=1), published, "day")
    if rel.startswith("weekday:"):
        _, wd, which = rel.split(":")
        back = (ref.weekday() - int(wd)) % 7
        if which == "last" and back == 0:
            back = 7
        if which == "next":
            return _at_precision(ref + timedelta(days=(int(wd) - ref.weekday()) % 7 or 7), published, "day")
        return _at_precision(ref - timedelta(days=back), published, "day")
    which, unit = rel.split("_")
    if unit == "week":  # ISO partial dates have no weeks: the month the week falls in
        shift = {"this": 0, "last": -7, "next": 7}[which]
        return _at_precision(ref + timedelta(days=shift), published, "month")
    if unit == "month":
        y, m = ref.year, ref.month + {"this": 0, "last": -1, "next": 1}[which]
        y, m = (y - 1, 12) if m == 0 else (y + 1, 1) if m == 13 else (y, m)
        return _at_precision(date(y, m, 1), published, "month")
    return _iso(ref.year + {"this": 0, "last": -1, "next": 1}[which])


def resolve(ref: DateRef, published: str | None, hint_year: int | None = None) -> str | None:
    """ISO date at the text's precision; year-less dates use `hint_year`, else the publication date.

    Without a hint, a year-less date is the latest one not after publication + FUTURE_MARGIN.
    """
    return _resolve(
        ref.get("year"), ref.get("month"), ref.get("day"), ref.get("decade"), ref.get("rel"),
        published, hint_year,
    )


def is_valid(iso: str) -> bool:
    try:
        bounds(iso)
    except Exception:
        return False
    return True
