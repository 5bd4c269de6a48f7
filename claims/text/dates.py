"""Dates as written in news text, parsed at the precision the writer gave, then resolved.

Why not dateparser: it returns a datetime (precision lost: `April 2013` becomes 2013-04-01 unless
asked in a separate call), resolves year-less dates against *today* rather than the article's
publication date, and costs about a millisecond per call. The forms news text uses are few, so a
small parser keeps precision, is deterministic and fast enough for the bulk-ingest hot loop.

A `DateRef` is msgpack-friendly (a dict of primitives) so docs survive `nlp.pipe(n_process>1)`.
"""

from __future__ import annotations

import calendar
import re
from typing import TypedDict

MONTHS: dict[str, int] = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
#: Counts written as words in relative dates (`two weeks ago`).
WORD_COUNTS: dict[str, int] = {
    w: i + 1 for i, w in enumerate("one two three four five six seven eight nine ten eleven twelve".split())
}
WEEKDAYS: dict[str, int] = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_MONTH_NAMES = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)(?![\w])"
)
#: Month names in any case (`june 2016`, `2019-sep-1` in lower-cased copy), except the lower-case
#: words that are common English (`may`, `march`, `mar`).
_MONTH = rf"(?!(?:may|march|mar)\b)(?i:{_MONTH_NAMES})"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\w])"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)(?![\w])"
#: With a day and a month a four-digit number is surely a year, however old (`5 December 1391`).
_FULL_YEAR = r"(?:1\d\d\d|20\d\d)(?![\w])"
_MOD = (
    r"(?:(?i:early|late|mid)[-\s]|(?i:the\s)?(?i:end|beginning|start|middle|first\shalf|second\shalf)\sof\s"
    r"|(?i:earlier|later)\sin\s)"
)
#: Decades in words: `the seventies`, `the noughties`.
DECADE_WORDS: dict[str, int] = {
    "twenties": 1920,
    "thirties": 1930,
    "forties": 1940,
    "fifties": 1950,
    "sixties": 1960,
    "seventies": 1970,
    "eighties": 1980,
    "nineties": 1990,
    "noughties": 2000,
}
#: A bare capitalised month with no cue word (`out February`): not the months that are also
#: given names (`April`, `May`, `June`, `August`), and only full names.
_BARE_MONTH = r"(?:January|February|March|July|September|October|November|December)(?![\w])"
_POSSESSIVE = r"(?<!\b[Tt]heir\s)(?<!\b[Hh]is\s)(?<!\b[Hh]er\s)(?<!\b[Mm]y\s)(?<!\b[Oo]ur\s)(?<!\b[Yy]our\s)"

#: One alternation, tried left to right at each position: longest, most specific forms first.
#: Every form starts a word, so the alternation is only tried where no word character precedes:
#: a quarter of the positions, and the same matches (`(?<!\w)`; years inside longer digit
#: strings, which the component dropped anyway, are no longer matched). Four times faster.
DATE_PATTERN = (
    r"(?<!\w)(?:"
    # 10-11 September 2023 | August 25-31, 2005 | March-December 2018: one period
    rf"(?P<p>(?P<p_day1>{_DAY})\s?[-–]\s?(?P<p_day2>{_DAY})\s(?P<p_mon>{_MONTH})(?:,?\s(?P<p_year>{_FULL_YEAR}))?)"
    rf"|(?P<p2>(?:(?<=\b[Ff]rom\s)|(?<=\b[Bb]etween\s))(?P<p2_day1>{_DAY})\s(?:to|and|until|through)\s"
    rf"(?P<p2_day2>{_DAY})\s(?P<p2_mon>{_MONTH})(?:,?\s(?P<p2_year>{_FULL_YEAR}))?)"
    rf"|(?P<q>(?P<q_mon>{_MONTH})\s(?P<q_day1>{_DAY})\s?[-–]\s?(?P<q_day2>{_DAY})(?:,?\s(?P<q_year>{_FULL_YEAR}))?)"
    rf"|(?P<k>(?P<k_mon1>{_MONTH})\s?[-–]\s?(?P<k_mon2>{_MONTH})\s(?P<k_year>{_YEAR}))"
    # Sunday, February 27, 2022 | Feb. 7, 2025 | February 7th | mid-February 24 | Oct-2 | Oct/2
    rf"|(?P<a>(?:(?P<a_wd>(?i:{_WEEKDAY})),?\s)?(?P<a_mod>{_MOD})?(?P<a_mon>{_MONTH})(?:\s|[-/](?=\d))(?P<a_day>{_DAY})"
    rf"(?:,?\s(?P<a_year>{_FULL_YEAR}))?)"
    # 23 March 2022 | the 24th of February | 16. Nov. 2016
    rf"|(?P<b>(?:(?P<b_wd>(?i:{_WEEKDAY})),?\s)?(?:the\s)?(?<![\d.,])(?P<b_day>{_DAY})"
    rf"(?:\.(?=\s{_MONTH}\.?,?\s{_FULL_YEAR}))?(?:\sof)?\s(?P<b_mon>{_MONTH})"
    rf"(?:,?\s(?P<b_year>{_FULL_YEAR}))?)"
    # April 2013 | late February 2022 | the end of March 2020 | November , 2016
    rf"|(?P<c>(?P<c_mod>{_MOD})?(?P<c_mon>{_MONTH})(?:\sof)?\s?,?\s(?P<c_year>{_YEAR}))"
    # June next year | March of last year
    rf"|(?P<h>(?P<h_mon>{_MONTH})\s(?:of\s)?(?P<h_rel>(?i:next|last|this))\syear\b)"
    # the 1950s | the early 2000s | the 1970's | the '40s | the 70s | 70's | the seventies
    # (two-digit decades are the 1930s to the 1990s: `the 20s` may be either century)
    rf"|(?P<e>(?:the\s)?(?:(?i:early|mid|late)[-\s])?(?P<e_dec>(?:1[5-9]|20)\d0)['’]?s(?![\w])"
    rf"|the\s(?:(?i:early|mid|late)[-\s])?['’]?(?P<e_dec2>[3-9]0)['’]?s(?![\w])"
    rf"|(?<![\w.,$'’-])['’](?P<e_dec3>[3-9]0)s(?![\w])"
    rf"|{_POSSESSIVE}(?<![\w.,$'’-])(?P<e_dec4>[3-9]0)['’]s(?![\w])"
    rf"|the\s(?:(?i:early|mid|late)[-\s])?(?P<e_word>(?i:{'|'.join(DECADE_WORDS)}))(?![\w]))"
    # mid-April | earlier in February | (in) March   -- a bare month needs a cue before it
    rf"|(?P<d>(?P<d_mod>{_MOD})(?P<d_mon>{_MONTH}))"
    rf"|(?P<d2_cue>\b(?:in|In|since|Since|until|till|by|By|from|From|through|to|of|during|last|next|this|Last|Next|This|on|On)\s)"
    rf"(?P<d2_mon>{_MONTH})(?!\.?,?\s\d)(?!\sof\s\d)"
    # 2019-sep-1 | 2019/sep/01 | 2016 November | 2016, nov
    rf"|(?P<g>(?P<g_year>{_YEAR})(?:[-/](?P<g_mon>{_MONTH})[-/](?P<g_day>{_DAY})"
    rf"|\s?,?\s(?!May\b|Jan\b)(?P<g_mon2>{_MONTH})(?!\.?,?\s\d)))"
    # mid-2023 | late 2022 | the first quarter of 2024 | Q1 2024 | H2 2023 | fiscal 2023 | FY2019
    rf"|(?P<y>(?P<y_part>(?i:early|mid|late)[-\s]|(?i:the\s)?(?i:end|beginning|start|middle)\sof\s"
    r"|(?i:the\s)?(?P<y_ord>(?i:first|second|third|fourth|final|last|1st|2nd|3rd|4th))[-\s](?P<y_unit>(?i:quarter|half))"
    r"\s(?:of\s)?|(?P<y_q>[QH])(?P<y_n>[1-4])\s?(?:of\s)?|(?P<y_fy>(?i:fiscal|financial)\s(?:(?i:years?)\s)?|FY\s?))"
    rf"(?P<y_year>{_YEAR})(?:(?<=\d)[-–/](?P<y_year2>\d\d(?![\w])|{_YEAR}))?)"
    # FY24 | FY 2023-24 is above | fiscal '24
    r"|(?P<fy>(?:FY\s?|(?i:fiscal)\s['’])(?P<fy_yy>\d\d)(?![\w/-]))"
    # the third quarter of last year | the first half of the year | Q3 (a year-less part of a year)
    r"|(?P<z>(?:(?i:the\s)?(?P<z_ord>(?i:first|second|third|fourth|final|last|1st|2nd|3rd|4th))[-\s]"
    r"(?P<z_unit>(?i:quarter|half))\sof\s(?P<z_rel>(?i:the\syear|this\syear|last\syear|the\sprevious\syear"
    r"|the\scurrent\syear))|(?P<z_q>Q)(?P<z_n>[1-4])(?![\w]))(?![\w])(?!\s(?:of\s)?\d))"
    # 2023-02-06 (ISO, as data copy and timestamps write it)
    rf"|(?P<i>(?P<i_year>{_FULL_YEAR})-(?P<i_mon>0[1-9]|1[0-2])-(?P<i_day>0[1-9]|[12]\d|3[01]))(?![\d-])"
    # 2014 | 1904-05 | 2014-2020 (the component filters years that are not dates)
    rf"|(?P<f>(?P<f_year>{_YEAR})(?:[-–](?P<f_year2>\d{{4}}|\d\d)(?![\w]))?)"
    # February (a full month name with no cue, capitalised)
    rf"|(?<![\w-])(?P<m_mon>{_BARE_MONTH})(?!\.?,?\s\d)(?!\s[A-Z])"
    # relative dates that date an event
    rf"|(?P<r>(?i:this|last|next|earlier\sthis|later\sthis)\s(?P<r_unit>(?i:morning|afternoon|evening|night|week|month|year))"
    rf"|(?P<r_word>(?i:yesterday|tonight))"
    rf"|(?P<r_n>(?i:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)|\d{{1,2}})\s"
    rf"(?P<r_ago>(?i:day|week|month|year))s?\s(?i:ago)\b"
    rf"|(?P<r_cue>\b(?:on|On)\s)?(?:(?P<r_wdmod>(?i:last|this|next))\s)?(?P<r_wd>{_WEEKDAY})(?![\w]))"
    r")"
)


def span_of(m: re.Match[str]) -> tuple[int, int]:
    """Character span of the date itself: cue words (`in`, `on`) are context, not the date.

    `last`/`next`/`this` stay in the span (`last September`): they change which date is meant.
    """
    start = m.start()
    for cue in ("d2_cue", "r_cue"):
        if m.group(cue) and m.group(cue).strip().lower() not in ("last", "next", "this"):
            start = m.end(cue)
    return start, m.end()


class DateRef(TypedDict, total=False):
    """What the text says, unresolved. Keys absent when not stated."""

    year: int
    month: int
    day: int
    decade: int
    rel: str  # "yesterday", "this_week", "weekday:2", "last_year", "ago_2_week", "part:q3:last_year", ...
    part: str  # of a year: "early" | "mid" | "late" | "q1".."q4" | "h1" | "h2"
    end: DateRef  # a stated period's last part (`10-11 September 2023`, `March-December 2018`)


def ref_from_match(m: re.Match[str]) -> DateRef | None:
    """Build a DateRef from a DATE_PATTERN match (None when the match is not a real date)."""
    g = m.groupdict()
    ref: DateRef = {}
    if g["p"] or g["p2"] or g["q"] or g["k"]:
        return _range_ref(g)
    if g["y"]:
        ref["year"] = int(g["y_year"])
        part = _year_part(g)
        if part:
            ref["part"] = part
        if g["y_year2"]:  # `fiscal 2023-24`, `FY2023/24`: a fiscal year across two calendar years
            y2 = g["y_year2"]
            end_year = int(y2) if len(y2) == 4 else ref["year"] // 100 * 100 + int(y2)
            if end_year == ref["year"] + 1:
                ref["end"] = {"year": end_year}
        return ref
    if g["fy"]:  # `FY24`: the fiscal year that ends in 2024
        ref["year"] = 2000 + int(g["fy_yy"])
        return ref
    if g["z"]:
        if g["z_q"]:
            part, which = f"q{g['z_n']}", "latest"
        else:
            o, unit = (g["z_ord"] or "").lower(), (g["z_unit"] or "").lower()
            n = _ORDINALS.get(o, 4 if unit == "quarter" else 2)
            part = f"q{n}" if unit == "quarter" else f"h{min(n, 2)}"
            which = "last" if re.search(r"(?i)last|previous", g["z_rel"] or "") else "this"
        ref["rel"] = f"part:{part}:{which}_year"
        ref["end"] = {"month": PARTS[part][1]}
        return ref
    for key in ("a", "b", "c", "g"):
        if g[key]:
            mon = g.get(f"{key}_mon") or g.get(f"{key}_mon2")
            if mon is None:
                continue
            ref["month"] = MONTHS[mon.rstrip(".").lower()]
            if g.get(f"{key}_day"):
                ref["day"] = int(re.sub(r"\D", "", g[f"{key}_day"]))
            if g.get(f"{key}_year"):
                ref["year"] = int(g[f"{key}_year"])
            if "day" in ref:
                last = calendar.monthrange(ref.get("year", 2000), ref["month"])[1]
                if ref["day"] > last:
                    return None
            return ref
    if g["h"]:
        ref["month"] = MONTHS[g["h_mon"].rstrip(".").lower()]
        ref["rel"] = f"month:{ref['month']}:{g['h_rel'].lower()}_year"
        return ref
    if g["e"]:
        if g["e_word"]:
            ref["decade"] = DECADE_WORDS[g["e_word"].lower()]
        elif g["e_dec"]:
            ref["decade"] = int(g["e_dec"])
        else:
            ref["decade"] = 1900 + int(g["e_dec2"] or g["e_dec3"] or g["e_dec4"])
        return ref
    if g["d"] or g["d2_mon"] or g["m_mon"]:
        ref["month"] = MONTHS[(g["d_mon"] or g["d2_mon"] or g["m_mon"]).rstrip(".").lower()]
        cue = (g["d2_cue"] or "").strip().lower()
        if cue in ("last", "next"):
            ref["rel"] = f"month:{ref['month']}:{cue}"
        return ref
    if g["f"]:
        ref["year"] = int(g["f_year"])
        if g["f_year2"]:  # `2014-2020`, `1904-05`
            y2 = g["f_year2"]
            end_year = int(y2) if len(y2) == 4 else ref["year"] // 100 * 100 + int(y2)
            if end_year > ref["year"]:
                ref["end"] = {"year": end_year}
        return ref
    if g["i"]:
        ref["year"], ref["month"], ref["day"] = int(g["i_year"]), int(g["i_mon"]), int(g["i_day"])
        return ref if ref["day"] <= calendar.monthrange(ref["year"], ref["month"])[1] else None
    if g["r"]:
        if g["r_ago"]:
            n_word = g["r_n"].lower()
            count = {"a": 1, "an": 1}.get(n_word) or (int(n_word) if n_word.isdigit() else WORD_COUNTS[n_word])
            ref["rel"] = f"ago_{count}_{g['r_ago'].lower()}"
            return ref
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


_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}


def _year_part(g: dict[str, str | None]) -> str | None:
    """`early` / `mid` / `late`, `q1`..`q4`, `h1`/`h2`, or None (fiscal years: the year itself)."""
    if g["y_q"]:
        return f"{(g['y_q'] or '').lower()}{g['y_n']}"
    if g["y_ord"]:
        o = (g["y_ord"] or "").lower()
        unit = (g["y_unit"] or "").lower()
        n = _ORDINALS.get(o, 4 if unit == "quarter" else 2)  # final/last
        return f"q{n}" if unit == "quarter" else f"h{min(n, 2)}"
    if g["y_fy"]:
        return None
    words = (g["y_part"] or "").lower()
    for key, part in (
        ("early", "early"),
        ("beginning", "early"),
        ("start", "early"),
        ("mid", "mid"),
        ("middle", "mid"),
        ("late", "late"),
        ("end", "late"),
    ):
        if key in words:
            return part
    return None


def _range_ref(g: dict[str, str | None]) -> DateRef | None:
    """`10-11 September 2023`: the first day, with the last one under `end`."""
    ref: DateRef = {}
    end: DateRef = {}
    if g["p"] or g["p2"] or g["q"]:
        k = "p" if g["p"] else "p2" if g["p2"] else "q"
        month = MONTHS[(g[f"{k}_mon"] or "").rstrip(".").lower()]
        d1, d2 = (int(re.sub(r"\D", "", g[f"{k}_day{i}"] or "")) for i in (1, 2))
        if not d1 < d2 or d2 > calendar.monthrange(int(g[f"{k}_year"] or 2000), month)[1]:
            return None
        ref["month"], ref["day"] = month, d1
        end["month"], end["day"] = month, d2
        if g[f"{k}_year"]:
            ref["year"] = end["year"] = int(g[f"{k}_year"] or 0)
    else:
        m1 = MONTHS[(g["k_mon1"] or "").rstrip(".").lower()]
        m2 = MONTHS[(g["k_mon2"] or "").rstrip(".").lower()]
        year = int(g["k_year"] or 0)
        ref["year"], ref["month"] = (year if m1 <= m2 else year - 1), m1
        end["year"], end["month"] = year, m2
    ref["end"] = end
    return ref


#: `early 2022`: January to April; `mid-2022`: May to August; `late 2022`: September to December.
PARTS: dict[str, tuple[int, int]] = {
    "early": (1, 4),
    "mid": (5, 8),
    "late": (9, 12),
    "q1": (1, 3),
    "q2": (4, 6),
    "q3": (7, 9),
    "q4": (10, 12),
    "h1": (1, 6),
    "h2": (7, 12),
}


def part_period(ref: DateRef) -> tuple[str, str] | None:
    """The months a part of a year covers: `mid-2023` -> (2023-05, 2023-08), Q1 -> (01, 03)."""
    part = ref.get("part")
    if not part or "year" not in ref or part not in PARTS:
        return None
    a, b = PARTS[part]
    return iso_date(ref["year"], a), iso_date(ref["year"], b)


def iso_date(year: int, month: int | None = None, day: int | None = None) -> str:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`: a partial date at the precision given."""
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"
