"""Resolution of the dates `claims.text.dates` parses: year-less and relative dates against the
publication date, at no finer precision than the text and the publication date give.

Split from the parser so each module keeps one job: `dates` reads what the text says (`DateRef`),
this module says which calendar date that is.
"""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta

from claims.text.dates import DATE_PATTERN, PARTS, DateRef, iso_date, part_period, ref_from_match
from claims.text.partialdate import checked, precision, reference_day

#: A year-less date may point this far past the publication date ("scheduled for mid-April").
FUTURE_MARGIN = timedelta(days=92)


@functools.lru_cache(maxsize=4096)
def _resolve(
    year: int | None,
    month: int | None,
    day: int | None,
    decade: int | None,
    rel: str | None,
    published: str | None,
    hint_year: int | None,
) -> str | None:
    """`_compute`, kept inside `datetime.date`'s range (years 1-9999): a resolution past either
    end ("yesterday" from 0001-01-01, "next year" from 9999) is no date, never an error."""
    try:
        iso = _compute(year, month, day, decade, rel, published, hint_year)
    except (OverflowError, ValueError):  # date arithmetic past date.min / date.max
        return None
    return checked(iso)


def _compute(
    year: int | None,
    month: int | None,
    day: int | None,
    decade: int | None,
    rel: str | None,
    published: str | None,
    hint_year: int | None,
) -> str | None:
    if decade is not None:
        return f"{decade}s"
    if rel is not None:
        return _resolve_relative(rel, published)
    if year is not None:
        return iso_date(year, month, day)
    if month is None:
        return None
    if hint_year is not None:
        return iso_date(hint_year, month, day)
    ref = reference_day(published)
    if ref is None:
        return None
    limit = ref + FUTURE_MARGIN if ref <= date.max - FUTURE_MARGIN else date.max
    for y in (ref.year + 1, ref.year, ref.year - 1):
        try:
            start = date(y, month, day or 1)
        except ValueError:  # 29 February in a common year
            continue
        if start <= limit:
            return iso_date(y, month, day)
    return None


def _at_precision(day: date, published: str, want: str) -> str:
    """Render a resolved day no finer than the publication date allows."""
    order = {"year": 0, "month": 1, "day": 2}
    p = precision(published)
    got = want if order.get(p, 0) >= order[want] else p
    if got == "day":
        return day.isoformat()
    if got == "month":
        return iso_date(day.year, day.month)
    return iso_date(day.year)


def _resolve_relative(rel: str, published: str | None) -> str | None:
    if not published:
        return None
    ref = reference_day(published)
    assert ref is not None
    if rel == "today":
        return _at_precision(ref, published, "day")
    if rel == "yesterday":
        return _at_precision(ref - timedelta(days=1), published, "day")
    if rel.startswith("month:"):
        # `next June`: the first June after the reference month; `last June` the last before it;
        # `June next year`: June of the following year
        _, mon, which = rel.split(":")
        month = int(mon)
        if which.endswith("_year"):
            year = ref.year + {"next_year": 1, "last_year": -1, "this_year": 0}[which]
        elif which == "next":
            year = ref.year if month > ref.month else ref.year + 1
        else:
            year = ref.year if month < ref.month else ref.year - 1
        return iso_date(year, month)
    if rel.startswith("weekday:"):
        _, wd, which = rel.split(":")
        back = (ref.weekday() - int(wd)) % 7
        if which == "last" and back == 0:
            back = 7
        if which == "next":
            return _at_precision(ref + timedelta(days=(int(wd) - ref.weekday()) % 7 or 7), published, "day")
        return _at_precision(ref - timedelta(days=back), published, "day")
    if rel.startswith("part:"):  # `the third quarter of last year`, `Q3`: its first month
        _, part, which = rel.split(":")
        first, _last = PARTS[part]
        year = ref.year - 1 if which == "last_year" else ref.year
        if which == "latest_year" and date(ref.year, first, 1) > ref:
            year -= 1  # `Q4` read in June: the last one that has begun
        return iso_date(year, first)
    if rel.startswith("ago_"):  # `two weeks ago`
        _, n, unit = rel.split("_")
        return shift_back(ref, published, int(n), unit)
    which, unit = rel.split("_")
    if unit == "week":  # ISO partial dates have no weeks: the month the week falls in
        shift = {"this": 0, "last": -7, "next": 7}[which]
        return _at_precision(ref + timedelta(days=shift), published, "month")
    if unit == "month":
        y, m = ref.year, ref.month + {"this": 0, "last": -1, "next": 1}[which]
        y, m = (y - 1, 12) if m == 0 else (y + 1, 1) if m == 13 else (y, m)
        return _at_precision(date(y, m, 1), published, "month")
    return iso_date(ref.year + {"this": 0, "last": -1, "next": 1}[which])


def resolve(ref: DateRef, published: str | None, hint_year: int | None = None) -> str | None:
    """ISO date at the text's precision; year-less dates use `hint_year`, else the publication date.

    Without a hint, a year-less date is the latest one not after publication + FUTURE_MARGIN.
    """
    return _resolve(
        ref.get("year"),
        ref.get("month"),
        ref.get("day"),
        ref.get("decade"),
        ref.get("rel"),
        published,
        hint_year,
    )


_COUNT_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}
#: Right after a figure: the earlier time it was true at (`5.2 million a month earlier`, `last year`).
EARLIER_TIME = re.compile(
    r"^(?:\s[a-z][\w-]*){0,3}?,?\s(?:(?P<n>an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|\d{1,2})"
    r"\s(?P<u>day|week|month|year)s?\s(?:earlier|before|ago|previously)"
    r"|(?:the\s)?(?:previous|prior|preceding)\s(?P<u2>day|week|month|year)"
    r"|(?:a\s)?(?P<u3>year|month|week)\s(?:earlier|before|ago)"
    r"|last\s(?P<u4>week|month|year)"
    r"|(?:in\s)?the\ssame\s(?:period|quarter|month|week|half)\s(?:of\s)?(?:a\s|the\sprevious\s|last\s)(?P<u5>year))\b"
)
#: Right after a figure: a date stated for it (`412 in an estimate on 15 January`, `1,200 cases on
#: Tuesday`, `3.1 million in 2019`, `87 as of Tuesday`). Up to two lower-case words (the counted
#: noun) may come between, then a cue, optionally a document the figure comes from, then the date.
STATED_CUE = re.compile(
    r"^(?:\s[a-z][\w-]*){0,2}?,?\s(?=(?:in|on|as\sof|as\sat|by|during)\s)"
    r"(?P<cue>(?:in|on|as\sof|as\sat|by|during)\s)"
    r"(?:(?:an?|the|its|their|his|her)\s(?:[a-z][\w-]*\s){0,2}?"
    r"(?:estimate|report|count|tally|update|survey|census|statement|briefing|assessment|bulletin|figures?|data"
    r"|release|poll)\s(?P<cue2>on|in|of|from|dated|for)\s"
    r"|the\s(?:year|twelve\smonths|12\smonths|quarter|three\smonths|month|week|period)\s(?P<cue3>to|ending|ended|through)\s"
    r"|(?P<the>the)\s(?=\d{4}\s[a-z]))?"
)
_DATE_AT = re.compile(DATE_PATTERN)


def earlier_time(after: str, published: str | None) -> str | None:
    """The as-of date of a figure followed by `a month earlier`, `two years ago`, `last year`
    (relative to the publication date, at the unit's precision: a month -> YYYY-MM), or by a date
    stated for it (`stated_time`)."""
    m = EARLIER_TIME.match(after)
    ref = reference_day(published)
    if m is None:
        return stated_time(after, published)
    if ref is None or published is None:
        return None
    unit = m.group("u") or m.group("u2") or m.group("u3") or m.group("u4") or m.group("u5")
    n_text = (m.group("n") or "a").lower()
    n = _COUNT_WORDS.get(n_text) or (int(n_text) if n_text.isdigit() else 1)
    return shift_back(ref, published, n, unit)


def shift_back(ref: date, published: str, n: int, unit: str) -> str | None:
    """`n` units before the reference day, at the unit's precision (no finer than `published`)."""
    try:
        if unit == "year":
            return iso_date(ref.year - n)
        if unit == "month":
            total = ref.year * 12 + ref.month - 1 - n
            return _at_precision(date(total // 12, total % 12 + 1, 1), published, "month")
        days = n * (7 if unit == "week" else 1)
        return _at_precision(ref - timedelta(days=days), published, "day")
    except (ValueError, OverflowError):
        return None


def stated_time(after: str, published: str | None) -> str | None:
    """The date stated right after a figure: `412 in an estimate on 15 January` -> that day,
    `3.1 million in 2019` -> 2019, `$12 billion in the first quarter of 2024` -> 2024-03 (a period's
    end: the figure holds at the end of the period it covers), `3% in the year to March` -> March,
    `67 per cent in the 2019 election` -> 2019. None when no date follows the cue."""
    m = STATED_CUE.match(after)
    if m is None:
        return None
    cue = next((g for g in ("cue2", "cue3", "the") if m.group(g)), "cue")
    rest = after[m.start(cue) :]
    for at in (rest, after[m.end(cue) :].lstrip()):
        d = _DATE_AT.match(at)
        if d is None or (d.group("d2_cue") is None and d.start() != 0):
            continue
        ref = ref_from_match(d)
        if ref is None or "decade" in ref:
            return None
        months = part_period(ref)
        if months is not None:
            return months[1]
        if "end" in ref:
            end = dict(ref["end"])
            end.setdefault("year", ref.get("year", 0))
            return resolve(end, published)  # type: ignore[arg-type]
        return resolve(ref, published)
    return None


#: After a date that opens its sentence: the clause it dates follows (`Last year, the plan ...`,
#: `A week ago the ministry ...`), not a verb it is the subject of (`2023 was the hottest year`).
_OPENER_AFTER = re.compile(
    r"^(?:,\s|\s(?:(?:the|a|an|its|their|his|her|it|they|he|she|we|some|about|more|over|nearly|almost)\b|[A-Z]|\d))"
)


def opens_sentence(text: str, sent_start: int, start: int, end: int) -> bool:
    """A date that opens its sentence and dates the clause after it: `Last year the JRP appealed
    for $4.2 billion`, `A week ago, 950 cases had been reported`, `In 2019,` is cued already. Its
    figures then hold at that date (the sentence's as-of), unless one of them states its own. A
    clause after `;` opens the same way (`...; this year it seeks $3.9 billion`)."""
    lead = text[sent_start:start]
    lead = lead[max(lead.rfind(";"), lead.rfind(":")) + 1 :]
    if lead.strip(" \t\n\"'“‘(") != "":
        return False
    return bool(_OPENER_AFTER.match(text[end : end + 12]))
