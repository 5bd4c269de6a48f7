"""Run the outside Recognizers-Text test suite (MIT) through `claims.extract`.

`peer_report()` runs the selected English specs (tests/peer/recognizers-text) through
`extract_many` and reports a pass rate per file, with every skipped case counted under a
documented reason (`SKIP_REASONS`). `python -m tools.eval --peer` prints it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from claims.settings import PROJECT_ROOT
from tools.eval.gold import close, locate, overlaps, ratio

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

    from spacy.language import Language

    from claims.models import Claim, Extraction

DEFAULT_PEER_DIR = PROJECT_ROOT / "tests" / "peer" / "recognizers-text"


PEER_FILES: tuple[str, ...] = (
    "CurrencyModel.json",
    "NumberRangeModel.json",
    "PercentModel.json",
    "DateParser.json",
    "DatePeriodParser.json",
    "NumberModel.json",
    "DimensionModel.json",
    "AgeModel.json",
    "DurationParser.json",
)

SKIP_REASONS: dict[str, str] = {
    "not-supported": "marked NotSupportedByDesign, or NotSupported by the reference .NET "
    "implementation itself (markers naming only the javascript/python/java ports are ignored: "
    "they say which port fails, not that the expectation is wrong)",
    "no-amount": "a currency, percent or unit word without an amount (`dollar`, `a small percent`, "
    "`mcg`): nothing to normalise",
    "non-iso-currency": "no ISO 4217 code (Bitcoin, Satoshi, Sen), so no `unit` to compare",
    "spoken-amount": "spoken compound amounts (`3 dollars 50 cents`, `one dollar and one`, "
    "`15 dollars 50`): news prose writes $3.50",
    "math-notation": "comparison symbols and math notation (`x>10`, `< = 100`, `20~100`): not prose",
    "ordinal": "ranges of ordinal ranks (`between the tenth and the fifteenth`): positions, not quantities",
    "percent-of": "inverted forms (`percent of 10`, `per cent of twenty-two`): not English news usage",
    "bare-number": "a number with no unit, currency, percent or bound is not a claim (NumberModel: "
    "the extractor's counts need a counted noun; bounds and ranges are covered by NumberRangeModel)",
    "day-only": "a day of the month with no month (`on 15`, `the 27th`): ambiguous in news text",
    "relative": "deictic or weekday expressions (`today`, `on Friday`, `two days ago`, `next "
    "year`, `rest of the week`): relative to the speaker's now; out of scope for claim dates",
    "numeric-date": "numeric-only dates (`02/22/2016`, `2015.3`, `11/2016`): day/month order is "
    "ambiguous and news prose spells the month",
    "spelled-number": "dates with numbers spelled out (`May twenty-first`, `nineteen seventy "
    "eight`): speech, not news writing",
    "no-iso-precision": "weeks, weekends, quarters, halves, seasons, centuries: no partial ISO "
    "date at that precision in the project's format (YYYY, YYYY-MM, YYYY-MM-DD, 1950s)",
    "date-range": "periods between two dates (`from 4 to 22 January, 1995`): reported as a "
    "figure's time scope (`period`), not as a claim of their own",
    "design-differs": "the spec expects nothing where the project's design requires a claim "
    "(`The number is from 200 to 300 in 2008` is a range)",
    "invalid-date": "the expected resolution is an impossible date (`Feb 30`, `fifth Sunday`)",
    "bare-unit-symbol": "a bare `m` or `t` after a number (`1.8m`, `1 m x 1 m`, `100t`): in news "
    "copy `3m` is three million, so the extractor never reads these as metres or tonnes",
    "not-news-unit": "units no news story states a figure in: cooking measures, picometres, drams, "
    "bits as a word size (`16-bit`), angles, per-millisecond speeds, units in brackets "
    '(`20 (kg)`), inch marks (`10 "`), lakh-scaled units',
    "ambiguous-unit": "the word `pound(s)` (`25 pounds`): sterling as often as weight; the "
    "extractor reads a bare `pounds` as money (`lb`/`lbs` are run)",
    "compound-measure": "one measure in two units (`5 feet 2 inches`, `12 ft 2 in`): the spec "
    "sums them into one value; the extractor reports each figure with its own unit",
    "identifier": "number-letter codes (`24703m2`, `scp-173m`): identifiers, not measurements",
    "no-age": "no age in the input: nothing whose reading as a count could be checked",
    "no-number": "a duration with no written number (`all day`, `an hour`, `another week`, "
    "`half year`, `a fortnight`, `a couple of days`): the selection is numeric durations",
    "shorthand-unit": "time units abbreviated or glued to the number (`3h`, `3 hrs`, `3 min`, "
    "`123.45 sec`, `3day`, `3-min`): chat shorthand; news copy spells units of time out",
    "seconds": "durations in seconds written in shorthand (`123.45 sec`); `3.5 seconds` is run",
    "compound-duration": "number parts joined in ways news copy does not write (`twenty and four "
    "hours`, `an hour and half`, `2 days 1 month`); `an hour and a half`, `two and a half hours` "
    "and descending compounds (`1 year 1 month 21 days`, judged in days) are run",
}

_UNIT_ISO: dict[str, tuple[str, ...]] = {
    "Dollar": ("USD",),
    "United States dollar": ("USD",),
    "Canadian dollar": ("CAD",),
    "Hong Kong dollar": ("HKD",),
    "Australian dollar": ("AUD",),
    "New Zealand dollar": ("NZD",),
    "Mexican peso": ("MXN",),
    "Euro": ("EUR",),
    "Pound": ("GBP",),
    "British pound": ("GBP",),
    "Japanese yen": ("JPY",),
    "Chinese yuan": ("CNY",),
    "Swiss franc": ("CHF",),
    "Franc": ("FRF", "CHF", "BEF", "LUF", "XOF", "XAF"),
    "Finnish markka": ("FIM",),
    "Peseta": ("ESP",),
    "Netherlands guilder": ("NLG",),
    "Rupee": ("INR", "PKR", "LKR", "NPR"),
    "Sri Lankan rupee": ("LKR",),
    "Turkish lira": ("TRY",),
    "Costa Rican colón": ("CRC",),
    "Georgian lari": ("GEL",),
    "Lao kip": ("LAK",),
}
"""Recognizers unit name -> acceptable ISO 4217 codes (withdrawn codes for pre-euro currencies)."""

_SUBUNITS: dict[str, tuple[tuple[str, ...], float]] = {
    "Cent": (("USD",), 0.01),
    "Pence": (("GBP",), 0.01),
    "Penny": (("GBP",), 0.01),
}
"""Sub-units: `50 cents` is USD 0.50 in the project's normalisation."""

_NON_ISO = {"Bitcoin", "Satoshi", "Sen"}

_MONTH = (
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    r"july|august|september|october|november|december)\b"
)
_WEEKDAY = r"\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day|nesday|sday|rsday|urday)?\b"
_NUMWORD = (
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|hundred|thousand|first|second|third|"
    r"fourth|fifth|sixth|seventh|eighth|ninth|tenth|twelfth|twentieth|thirtieth)\b"
)
_RELATIVE = (
    r"\b(today|tomorrow|tmrw|yesterday|now|ago|later|hence|next|last|this|coming|current|past|"
    r"previous|rest|upcoming|within|day|days|my)\b"
)


class PeerExpect(msgspec.Struct, frozen=True, kw_only=True):
    """One expected result of a peer case, reduced to what a claim carries."""

    text: str
    start: int
    end: int
    value: float | None = None
    low: float | None = None
    high: float | None = None
    qualifier: str | None = None
    units: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()


class PeerCase(msgspec.Struct, frozen=True, kw_only=True):
    """A selected case: run it. `expects == []` means: no claim of `kind` may appear."""

    file: str
    index: int
    input: str
    published: str | None
    kind: str
    expects: list[PeerExpect]


class PeerOutcome(msgspec.Struct, frozen=True, kw_only=True):
    file: str
    index: int
    input: str
    passed: bool
    detail: str = ""


class PeerFileResult(msgspec.Struct, frozen=True, kw_only=True):
    file: str
    total: int
    run: int
    passed: int
    rate: float
    skipped: dict[str, int]
    failures: list[PeerOutcome]


class PeerReport(msgspec.Struct, frozen=True, kw_only=True):
    files: list[PeerFileResult]

    def rate(self, file: str) -> float:
        return next(f.rate for f in self.files if f.file == file)


def _span(case_input: str, res: Mapping[str, Any], *, end_inclusive: bool) -> tuple[int, int]:
    """Start/end of a result in the input; falls back to searching when the offsets disagree."""
    text = str(res["Text"])
    start = int(res["Start"])
    if "Length" in res:
        end = start + int(res["Length"])
    else:
        end = int(res["End"]) + (1 if end_inclusive else 0)
    if case_input[start:end].lower() == text.lower():
        return start, end
    found = [m.start() for m in re.finditer(re.escape(text), case_input, re.IGNORECASE)]
    if found:
        s = min(found, key=lambda i: abs(i - start))
        return s, s + len(text)
    return start, min(end, len(case_input))


def _unsupported(case: Mapping[str, Any]) -> bool:
    if case.get("NotSupportedByDesign"):
        return True
    return "dotnet" in str(case.get("NotSupported") or "").lower()


def _published(case: Mapping[str, Any]) -> str | None:
    ref = (case.get("Context") or {}).get("ReferenceDateTime")
    return str(ref)[:10] if ref else None


_Selected = tuple[PeerCase | None, str | None]


def _spoken(text: str) -> bool:
    """`3 dollars 50 cents`, `one dollar and one`, `17 usd 25`, `c $ 100 and fifty`."""
    t = text.lower()
    return bool(
        re.search(r"(dollars?|\$|usd)\s.*\bcents?\b", t)
        or re.search(r"\S\s*\b(dollars?|usd|kuai)\s+(and\s+)?(?!million\b|billion\b|trillion\b)[\w-]+", t)
        or re.search(r"\$\s*[\d.,]+\s+and\b", t)
    )


def _select_currency(i: int, case: Mapping[str, Any]) -> _Selected:
    inp = str(case["Input"])
    results = list(case["Results"])
    if not results:
        return PeerCase(file="CurrencyModel.json", index=i, input=inp, published=None, kind="money", expects=[]), None
    expects: list[PeerExpect] = []
    reasons: list[str] = []
    for r in results:
        res = r["Resolution"]
        unit = str(res.get("unit"))
        if res.get("value") in (None, "null"):
            continue  # `dollar` alone: not an amount, ignored within the case
        if unit in _NON_ISO:
            reasons.append("non-iso-currency")
            continue
        if _spoken(str(r["Text"])):
            reasons.append("spoken-amount")
            continue
        value = float(res["value"])
        if unit in _SUBUNITS:
            units, factor = _SUBUNITS[unit]
            value *= factor
        elif res.get("isoCurrency"):
            units = (str(res["isoCurrency"]),)
        elif unit in _UNIT_ISO:
            units = _UNIT_ISO[unit]
        else:
            reasons.append("non-iso-currency")
            continue
        s, e = _span(inp, r, end_inclusive=True)
        expects.append(PeerExpect(text=str(r["Text"]), start=s, end=e, value=value, units=units))
    if reasons:
        return None, reasons[0]
    if not expects:
        return None, "no-amount"
    return PeerCase(file="CurrencyModel.json", index=i, input=inp, published=None, kind="money", expects=expects), None


_INTERVAL = re.compile(r"^([\[(])\s*([^,]*?)\s*,\s*([^\])]*?)\s*([\])])$")


def _select_range(i: int, case: Mapping[str, Any]) -> _Selected:
    inp = str(case["Input"])
    results = list(case["Results"])
    if not results:
        if re.search(r"\bfrom \d+ to \d+", inp):
            return None, "design-differs"
        return PeerCase(
            file="NumberRangeModel.json", index=i, input=inp, published=None, kind="range", expects=[]
        ), None
    expects: list[PeerExpect] = []
    for r in results:
        text = str(r["Text"])
        if re.search(r"[<>=~]", text):
            return None, "math-notation"
        if re.search(r"\b(tenth|fifteenth)\b", text):
            return None, "ordinal"
        m = _INTERVAL.match(str(r["Resolution"]["value"]))
        if not m:
            raise ValueError(f"NumberRangeModel case {i}: unreadable interval {r['Resolution']!r}")
        lb, lo_s, hi_s, rb = m.groups()
        lo = float(lo_s) if lo_s else None
        hi = float(hi_s) if hi_s else None
        if lo is not None and hi is not None:
            qual = "exact" if lo == hi else "range"
        elif lo is not None:
            qual = "at_least" if lb == "[" else "more_than"
        else:
            qual = "at_most" if rb == "]" else "less_than"
        s, e = _span(inp, r, end_inclusive=True)
        expects.append(
            PeerExpect(
                text=text,
                start=s,
                end=e,
                value=lo if qual == "exact" else None,
                low=lo,
                high=hi,
                qualifier=qual,
            )
        )
    return PeerCase(
        file="NumberRangeModel.json", index=i, input=inp, published=None, kind="range", expects=expects
    ), None


def _select_percent(i: int, case: Mapping[str, Any]) -> _Selected:
    inp = str(case["Input"])
    results = list(case["Results"])
    if not results:
        return PeerCase(file="PercentModel.json", index=i, input=inp, published=None, kind="percent", expects=[]), None
    expects: list[PeerExpect] = []
    for r in results:
        value = str(r["Resolution"].get("value"))
        if value in ("None", "null"):
            return None, "no-amount"
        if re.match(r"^\s*(percents?|per cent)\s+of\b", str(r["Text"]), re.IGNORECASE):
            return None, "percent-of"
        s, e = _span(inp, r, end_inclusive=True)
        expects.append(PeerExpect(text=str(r["Text"]), start=s, end=e, value=float(value.rstrip("%"))))
    return PeerCase(file="PercentModel.json", index=i, input=inp, published=None, kind="percent", expects=expects), None


def _date_expect(text: str, value: Mapping[str, Any]) -> tuple[tuple[str, ...] | None, str | None]:
    """The accepted ISO partial dates for one date result, or a skip category."""
    timex = str(value.get("Timex", ""))
    fut = value.get("FutureResolution") or {}
    past = value.get("PastResolution") or {}
    fut_d = str(fut.get("date") or fut.get("startDate") or "")
    past_d = str(past.get("date") or past.get("startDate") or "")
    low = text.lower()
    if "0001-01-01" in (fut_d, past_d):
        return None, "invalid-date"
    decade = re.match(r"^\((\d{3}|XX\d)0-01-01,(\d{3}|XX\d)0-01-01,P10Y\)$", timex)
    if decade:
        if re.search(r"\b(next|last|this|past|coming|current)\b", low):
            return None, "relative"
        if re.search(_NUMWORD, low):
            return None, "spelled-number"
        year = (past_d or fut_d)[:4]
        return ((year[:3] + "0s",) if year else None), (None if year else "no-iso-precision")
    if timex.startswith("("):
        if re.search(r"P\d+(M|Y)\)$", timex) and re.search(r"quarter|\bq\d|\bh\d|century|decade", low):
            return None, "no-iso-precision"
        if re.search(r"\d+\s*(day|week|month|year)s?|decade", low) or re.search(_RELATIVE, low):
            return None, "relative"
        return None, "date-range"
    if re.search(r"W|SU|SP|FA|WI", timex) or re.search(r"\bweek|weekend|w/c|month of\b", low):
        if re.search(_WEEKDAY, low) or re.search(_RELATIVE, low):
            return None, "relative"
        return None, "no-iso-precision"
    if re.search(_NUMWORD, low):
        return None, "spelled-number"
    has_month = re.search(_MONTH, low) is not None
    if timex.startswith("XXXX-XX-"):
        return None, "day-only"
    if not has_month:
        if re.fullmatch(r"\d{4}", timex) and re.search(r"\b\d{4}\b", low) and not re.search(_RELATIVE, low):
            return (timex,), None
        if re.search(r"\d", low) and not re.search(_RELATIVE, low):
            return None, "numeric-date"
        return None, "relative"
    if re.search(r"\b(today|tomorrow|yesterday|ago|later)\b", low):
        return None, "relative"
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", timex):
        return (timex,), None
    m = re.fullmatch(r"XXXX-(\d{2})(-\d{2})?", timex)
    if m:
        n = 10 if m.group(2) else 7
        return tuple(dict.fromkeys(d[:n] for d in (past_d, fut_d) if d)), None
    return None, "relative"


def _select_date(file: str) -> Callable[[int, Mapping[str, Any]], _Selected]:
    def select(i: int, case: Mapping[str, Any]) -> _Selected:
        inp = str(case["Input"])
        published = _published(case)
        results = list(case["Results"])
        if not results:
            return PeerCase(file=file, index=i, input=inp, published=published, kind="date", expects=[]), None
        expects: list[PeerExpect] = []
        for r in results:
            dates, skip = _date_expect(str(r["Text"]), r.get("Value") or {})
            if skip is not None or not dates:
                return None, skip or "relative"
            s, e = _span(inp, r, end_inclusive=False)
            expects.append(PeerExpect(text=str(r["Text"]), start=s, end=e, dates=dates))
        return PeerCase(file=file, index=i, input=inp, published=published, kind="date", expects=expects), None

    return select


def _select_number(i: int, case: Mapping[str, Any]) -> _Selected:
    return None, "bare-number"


_DIMENSION_FORMS: dict[str, str] = {
    "Pound": "lb",
    "Ounce": "oz",
    "Ton": "tonnes",
    "Metric ton": "tonnes",
    "Kilogram": "kg",
    "Microgram": "μg",
    "Milliliter": "ml",
    "Gallon": "gallons",
    "Barrel": "barrels",
    "Cubic foot": "cubic feet",
    "Inch": "inches",
    "Foot": "feet",
    "Mile": "miles",
    "Meter": "metres",
    "Kilometer": "km",
    "Millimeter": "mm",
    "Decimeter": "dm",
    "Acre": "acres",
    "Square meter": "square metres",
    "Square kilometer": "km²",
    "Mile per hour": "mph",
    "Kilometer per hour": "km/h",
    "Megabit": "Mb",
    "Megabyte": "MB",
}
"""Recognizers unit name -> a form `claims.text.units.to_canonical` reads. `Ton` is read as the metric
tonne, as the extractor reads `tons` (the specs' `Ton` is the unit's name, not a short ton)."""


def _dimension_skip(inp: str, text: str, unit: str) -> str | None:
    low = inp.lower()
    if re.search(r"\d\s*(m|t)\b(?!/)", text) and unit in ("Meter", "Ton"):
        return "bare-unit-symbol"
    if re.search(r"\d\s*(ft|feet|foot)\s+(and\s+)?\d+\s*(in|inch|inches)\b", text, re.IGNORECASE):
        return "compound-measure"
    if unit == "Pound" and re.search(r"\bpounds?\b", text, re.IGNORECASE):
        return "ambiguous-unit"
    if re.search(r"[(\[{<\"]", text) or "lakh" in text.lower() or unit not in _DIMENSION_FORMS:
        return "not-news-unit"
    if re.search(r"\d[a-z]+\d|\w-\d+\s?m\b|^\d+m\d", low):
        return "identifier"
    return None


def _select_dimension(i: int, case: Mapping[str, Any]) -> _Selected:
    from claims.text.units import to_canonical

    inp = str(case["Input"])
    results = list(case["Results"])
    if not results:
        if re.search(r"\d[a-z]|[a-z]\d", inp.lower()) and not re.search(r"\s", inp.strip()):
            return None, "identifier"
        return PeerCase(
            file="DimensionModel.json", index=i, input=inp, published=None, kind="quantity", expects=[]
        ), None
    expects: list[PeerExpect] = []
    for r in results:
        res = r["Resolution"]
        unit = str(res.get("unit"))
        if res.get("value") in (None, "null"):
            continue  # `metric ton` alone: a unit named, no amount
        skip = _dimension_skip(inp, str(r["Text"]), unit)
        if skip is not None:
            return None, skip
        value = float(res["value"])
        canon = to_canonical((value,), _DIMENSION_FORMS[unit])
        if canon is None or canon[0] is None:
            raise ValueError(f"DimensionModel case {i}: unit {unit!r} not readable")
        s, e = _span(inp, r, end_inclusive=True)
        expects.append(PeerExpect(text=str(r["Text"]), start=s, end=e, value=canon[0], units=(unit,)))
    if not expects:
        return None, "no-amount"
    return PeerCase(
        file="DimensionModel.json", index=i, input=inp, published=None, kind="quantity", expects=expects
    ), None


def _select_age(i: int, case: Mapping[str, Any]) -> _Selected:
    inp = str(case["Input"])
    results = list(case["Results"])
    if not results:
        return None, "no-age"
    expects = []
    for r in results:
        s, e = _span(inp, r, end_inclusive=True)
        expects.append(PeerExpect(text=str(r["Text"]), start=s, end=e))
    return PeerCase(file="AgeModel.json", index=i, input=inp, published=None, kind="age", expects=expects), None


_TIMEX_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day"}
_TIMEX_TIME_UNITS = {"H": "hour", "M": "minute", "S": "second"}
_FULL_TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century", "centurie"}
_DIGITS_OR_WORDS = re.compile(r"\d|" + _NUMWORD)


_TIMEX_DAYS = {"Y": 365.25, "M": 30.44, "W": 7.0, "D": 1.0}


def _compound_days(timex: str) -> float | None:
    """`P1Y1M21D` -> its length in days."""
    parts = re.findall(r"([\d.]+)([YMWD])", timex)
    if not re.fullmatch(r"P(?:[\d.]+[YMWD])+", timex) or len(parts) < 2:
        return None
    return sum(float(n) * _TIMEX_DAYS[u] for n, u in parts)


def _descending(text: str) -> bool:
    """The units of a compound are written largest first (`1 year 1 month`, not `2 days 1 month`)."""
    ranks = [_RANK[w.removesuffix("s")] for w in re.findall(r"[a-z]+", text) if w.removesuffix("s") in _RANK]
    return len(ranks) > 1 and ranks == sorted(ranks)


_RANK = {"year": 0, "month": 1, "week": 2, "day": 3}


def _select_duration(i: int, case: Mapping[str, Any]) -> _Selected:
    inp = str(case["Input"])
    published = _published(case)
    results = list(case["Results"])
    if not results:
        return PeerCase(
            file="DurationParser.json", index=i, input=inp, published=published, kind="duration", expects=[]
        ), None
    expects: list[PeerExpect] = []
    for r in results:
        text = str(r["Text"])
        timex = str((r.get("Value") or {}).get("Timex", ""))
        low = text.lower()
        m = re.fullmatch(r"P(T?)([\d.]+)([YMWDHS])", timex)
        if m is None:
            days = _compound_days(timex) if re.fullmatch(r"[\w\s]+", low) and _descending(low) else None
            if days is None or not _DIGITS_OR_WORDS.search(low):
                return None, "compound-duration" if re.fullmatch(r"PT?([\d.]+[A-Z])+", timex) else "no-number"
            s, e = _span(inp, r, end_inclusive=False)
            expects.append(PeerExpect(text=text, start=s, end=e, value=days, units=("day",)))
            continue
        # `an hour and a half`, `two and a half hours`, `half an hour`: halves news copy writes
        halves = re.fullmatch(
            r"an? (?:hour|day|week|month|year) and a half|\w+ and a half \w+|half (?:an hour|a \w+)", low
        )
        if re.search(r"\band\b", low) and not halves:
            return None, "compound-duration"
        if (not _DIGITS_OR_WORDS.search(low) or re.search(r"\bhalf\b", low)) and not halves:
            return None, "no-number"
        unit = (_TIMEX_TIME_UNITS if m.group(1) else _TIMEX_UNITS)[m.group(3)]
        written = re.search(r"([a-z]+)\s*$", low.removesuffix(" and a half"))
        if written is None or written.group(1).removesuffix("s") not in _FULL_TIME_UNITS:
            return None, "shorthand-unit"
        if re.search(r"\d[a-z]|\d-[a-z]+$", text.lower()) and written.group(1) not in ("minutes", "hours"):
            return None, "shorthand-unit"
        if unit == "second" and not low.endswith(("second", "seconds")):
            return None, "seconds"
        s, e = _span(inp, r, end_inclusive=False)
        expects.append(PeerExpect(text=text, start=s, end=e, value=float(m.group(2)), units=(unit,)))
    return PeerCase(
        file="DurationParser.json", index=i, input=inp, published=published, kind="duration", expects=expects
    ), None


_SELECTORS: dict[str, Callable[[int, Mapping[str, Any]], _Selected]] = {
    "CurrencyModel.json": _select_currency,
    "NumberRangeModel.json": _select_range,
    "PercentModel.json": _select_percent,
    "DateParser.json": _select_date("DateParser.json"),
    "DatePeriodParser.json": _select_date("DatePeriodParser.json"),
    "NumberModel.json": _select_number,
    "DimensionModel.json": _select_dimension,
    "AgeModel.json": _select_age,
    "DurationParser.json": _select_duration,
}


def select_peer_cases(file: str, cases: Sequence[Mapping[str, Any]]) -> tuple[list[PeerCase], Counter[str]]:
    """Split one spec file into cases to run and a count of skipped cases per reason."""
    selector = _SELECTORS[file]
    selected: list[PeerCase] = []
    skipped: Counter[str] = Counter()
    for i, case in enumerate(cases):
        if _unsupported(case):
            skipped["not-supported"] += 1
            continue
        picked, reason = selector(i, case)
        if picked is None:
            skipped[reason or "unknown"] += 1
        else:
            selected.append(picked)
    return selected, skipped


def _claim_matches(case: PeerCase, exp: PeerExpect, c: Claim) -> str | None:
    """None when claim `c` satisfies `exp`, else why not."""
    if case.kind == "money":
        if (c.unit or "").upper() not in exp.units:
            return f"unit {c.unit!r} not in {exp.units}"
        if not close(c.value, exp.value):
            return f"value {c.value} != {exp.value}"
        return None
    if case.kind == "percent":
        if c.kind != "percent":
            return f"kind {c.kind}"
        return None if close(c.value, exp.value) else f"value {c.value} != {exp.value}"
    if case.kind == "date":
        return None if c.date in exp.dates else f"date {c.date!r} not in {exp.dates}"
    if case.kind == "quantity":
        if c.kind != "quantity":
            return f"kind {c.kind}"
        if c.value is None and c.low is not None and c.high is not None and exp.value is not None:
            # `eight to 10 feet`, `75-300mm`: the spec reads the endpoint that carries the unit
            inside = c.low * (1 - QUANTITY_TOLERANCE) <= exp.value <= c.high * (1 + QUANTITY_TOLERANCE)
            return None if inside else f"[{c.low}, {c.high}] {c.unit} does not hold {exp.value}"
        return None if close(c.value, exp.value, QUANTITY_TOLERANCE) else f"value {c.value} {c.unit} != {exp.value}"
    if case.kind == "duration":
        return _duration_matches(exp, c)
    # ranges and bounds
    q = exp.qualifier
    if q == "exact":
        ok = close(c.value, exp.value) or (close(c.low, exp.low) and close(c.high, exp.high))
        return None if ok else f"value {c.value} != {exp.value}"
    if q == "range":
        ok = close(c.low, exp.low) and close(c.high, exp.high)
        return None if ok else f"[{c.low}, {c.high}] != [{exp.low}, {exp.high}]"
    if c.qualifier != q:
        return f"qualifier {c.qualifier} != {q}"
    if q in ("more_than", "at_least"):
        got = c.low if c.low is not None else c.value
        return None if close(got, exp.low) else f"low {got} != {exp.low}"
    got = c.high if c.high is not None else c.value
    return None if close(got, exp.high) else f"high {got} != {exp.high}"


QUANTITY_TOLERANCE = 0.005
"""DimensionModel: the claim's canonical value within 0.5 % of the spec's, converted the same way."""

AGE_CONFUSIONS = ("count", "money", "percent")
"""AgeModel: an age is not a claim of these kinds (the product compares counts of people, amounts
and shares; `29 years old` is none of them), so none may overlap an age span."""


def _duration_matches(exp: PeerExpect, c: Claim) -> str | None:
    """The same value in the same unit, or the same number of days (`two decades` = 20 years)."""
    from claims.text.synonyms import lexicon

    if c.kind != "duration":
        return f"kind {c.kind}"
    want_unit = exp.units[0]
    if (c.unit or "").removesuffix("s") == want_unit and close(c.value, exp.value):
        return None
    per_got, per_want = lexicon().days_per(c.unit), lexicon().days_per(want_unit)
    if c.value is not None and exp.value is not None and per_got and per_want:
        if close(c.value * per_got, exp.value * per_want, QUANTITY_TOLERANCE):
            return None
    return f"{c.value} {c.unit} != {exp.value} {want_unit}"


def _judge_age(case: PeerCase, extraction: Extraction) -> PeerOutcome:
    problems: list[str] = []
    for exp in case.expects:
        pos = locate(case.input, exp.start, exp.end, extraction.text)
        if pos is None:
            problems.append(f"{exp.text!r}: lost in cleaning")
            continue
        bad = [c for c in extraction.claims if c.kind in AGE_CONFUSIONS and overlaps(c.start, c.end, pos[0], pos[1])]
        problems += [f"{exp.text!r}: read as {c.kind} {c.text!r}" for c in bad]
    return PeerOutcome(
        file=case.file, index=case.index, input=case.input, passed=not problems, detail="; ".join(problems)
    )


_BOUND_QUALIFIERS = {"range", "more_than", "less_than", "at_least", "at_most"}


def judge_case(case: PeerCase, extraction: Extraction) -> PeerOutcome:
    """Pass when every expected result is matched by an overlapping claim with the right value."""
    if case.kind == "age":
        return _judge_age(case, extraction)
    claims = list(extraction.claims)
    if not case.expects:
        if case.kind == "range":
            bad = [c for c in claims if c.qualifier in _BOUND_QUALIFIERS]
        else:
            bad = [c for c in claims if c.kind == case.kind]
        detail = "; ".join(f"unexpected {c.kind} {c.text!r}" for c in bad)
        return PeerOutcome(file=case.file, index=case.index, input=case.input, passed=not bad, detail=detail)
    problems: list[str] = []
    for exp in case.expects:
        pos = locate(case.input, exp.start, exp.end, extraction.text)
        if pos is None:
            problems.append(f"{exp.text!r}: lost in cleaning")
            continue
        hits = [c for c in claims if overlaps(c.start, c.end, pos[0], pos[1])]
        if not hits:
            problems.append(f"{exp.text!r}: no claim")
            continue
        reasons = [_claim_matches(case, exp, c) for c in hits]
        if all(r is not None for r in reasons):
            got = ", ".join(f"{c.kind} {c.text!r}: {r}" for c, r in zip(hits, reasons, strict=True))
            problems.append(f"{exp.text!r}: {got}")
    return PeerOutcome(
        file=case.file, index=case.index, input=case.input, passed=not problems, detail="; ".join(problems)
    )


def _clean(text: str) -> str:
    from claims.text.clean import clean_text

    return clean_text(text)


def run_peer_cases(cases: Sequence[PeerCase], nlp: Language, *, batch_size: int = 64) -> Iterator[PeerOutcome]:
    """Extract all cases in one `extract_many` pass and judge each."""
    from claims.extraction import extract_many

    items = [(_clean(c.input), c.published) for c in cases]
    for case, extraction in zip(cases, extract_many(nlp, items, batch_size=batch_size), strict=True):
        yield judge_case(case, extraction)


def peer_report(
    nlp: Language | None = None,
    peer_dir: str | Path = DEFAULT_PEER_DIR,
    files: Sequence[str] = PEER_FILES,
) -> PeerReport:
    """Run the selected Recognizers-Text cases of `files` and collect pass rates per file."""
    if nlp is None:
        from claims.settings import Settings
        from claims.text.nlp import get_nlp

        nlp = get_nlp(Settings().spacy_model)
    selected: dict[str, tuple[list[PeerCase], Counter[str], int]] = {}
    everything: list[PeerCase] = []
    for file in files:
        cases = json.loads((Path(peer_dir) / file).read_text(encoding="utf-8"))
        run, skipped = select_peer_cases(file, cases)
        selected[file] = (run, skipped, len(cases))
        everything.extend(run)
    outcomes: dict[str, list[PeerOutcome]] = {f: [] for f in files}
    for outcome in run_peer_cases(everything, nlp):
        outcomes[outcome.file].append(outcome)
    results: list[PeerFileResult] = []
    for file in files:
        run, skipped, total = selected[file]
        done = outcomes[file]
        passed = sum(o.passed for o in done)
        results.append(
            PeerFileResult(
                file=file,
                total=total,
                run=len(run),
                passed=passed,
                rate=ratio(passed, len(run)),
                skipped=dict(sorted(skipped.items())),
                failures=[o for o in done if not o.passed],
            )
        )
    return PeerReport(files=results)


def format_peer_report(report: PeerReport, verbose: bool = False) -> str:
    """A Markdown table (one row per spec file), then failures when `verbose`."""
    lines = [
        "| file | cases | run | passed | rate | skipped (reason: count) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for f in report.files:
        skipped = ", ".join(f"{k}: {v}" for k, v in f.skipped.items()) or "-"
        rate = f"{f.rate:.2f}" if f.run else "-"
        lines.append(f"| {f.file} | {f.total} | {f.run} | {f.passed} | {rate} | {skipped} |")
    if verbose:
        for f in report.files:
            if f.failures:
                lines.append("")
                lines.append(f"Failures in {f.file} ({len(f.failures)}):")
                for o in f.failures:
                    lines.append(f"  #{o.index} {o.input[:90]!r}: {o.detail}")
    return "\n".join(lines)


def skip_reason_table() -> str:
    lines = ["| skip reason | why |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in SKIP_REASONS.items()]
    return "\n".join(lines)
