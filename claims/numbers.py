"""Numbers as written in news text: digits, words, magnitudes, fractions.

Pure functions and pattern strings only; the spaCy component compiles the patterns once.
Why a hand-written parser: the forms are few and closed (`2,700`, `1.5`, `eight`, `twenty-five`,
`a dozen`, `44bn`, `500 crore`), and we need the *precision* the writer used, which general
number parsers throw away.
"""

from __future__ import annotations

import re

UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
#: Multipliers written after a number. `m`/`bn`/`k` only count when glued to digits or a
#: currency figure (the pattern enforces that), so `3 m` (metres) is not a million.
MAGNITUDES: dict[str, float] = {
    "hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12,
    "lakh": 1e5, "crore": 1e7,
}
#: Fractions written as words; kind "ratio", unit "fraction".
FRACTIONS: dict[str, float] = {
    "half": 1 / 2, "one-half": 1 / 2, "one-third": 1 / 3, "a third": 1 / 3, "two-thirds": 2 / 3,
    "one-quarter": 1 / 4, "a quarter": 1 / 4, "three-quarters": 3 / 4, "one-fifth": 1 / 5,
    "two-fifths": 2 / 5, "three-fifths": 3 / 5, "four-fifths": 4 / 5, "one-tenth": 1 / 10,
}
#: Vague magnitudes: "tens of thousands" -> [10_000, 99_999].
VAGUE: dict[str, tuple[float, float]] = {
    "dozens": (24, 99), "scores": (40, 99), "hundreds": (200, 999), "thousands": (2_000, 9_999),
    "tens of thousands": (10_000, 99_999), "hundreds of thousands": (100_000, 999_999),
    "millions": (2e6, 9_999_999), "tens of millions": (1e7, 99_999_999),
    "hundreds of millions": (1e8, 999_999_999), "billions": (2e9, 9_999_999_999),
}

_UNIT_WORDS = "|".join(sorted(UNITS, key=len, reverse=True))
_TEN_WORDS = "|".join(TENS)
WORD_NUMBER = (
    rf"(?:(?:{_TEN_WORDS})(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    rf"|{_UNIT_WORDS}|a dozen|dozen|a hundred|a thousand)"
)
DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
NUMBER = rf"(?:{DIGITS}|(?i:{WORD_NUMBER}))"
#: Magnitude words may follow after a space; abbreviations must be glued (`44bn`, `3m`, `2k`).
MAGNITUDE = (
    r"(?:\s?(?i:(?:hundred\s)?(?:thousand|million|billion|trillion|crore|lakh)s?)"
    r"|(?:bn|mn|mln|m|k|tn|trn|b|BN|M|K|B))(?![\w])"
)

_NUM_RE = re.compile(DIGITS)


def parse_number(text: str) -> float:
    """`2,700` -> 2700.0, `eight` -> 8.0, `twenty-five` -> 25.0, `a dozen` -> 12.0."""
    s = text.strip().lower()
    if _NUM_RE.fullmatch(s):
        return float(s.replace(",", ""))
    if s in ("a dozen", "dozen"):
        return 12.0
    if s in ("a hundred", "one hundred"):
        return 100.0
    if s in ("a thousand", "one thousand"):
        return 1000.0
    total = 0
    for part in re.split(r"[- ]", s):
        if part in UNITS:
            total += UNITS[part]
        elif part in TENS:
            total += TENS[part]
        else:
            raise ValueError(f"not a number: {text!r}")
    return float(total)


def is_word_number(text: str) -> bool:
    return not any(c.isdigit() for c in text)


def magnitude_of(text: str | None) -> float:
    """`bn` -> 1e9, ` hundred million` -> 1e8, None -> 1."""
    if not text:
        return 1.0
    words = text.strip().lower().split()
    mult = 1.0
    for w in words:
        w = w.rstrip("s") if w not in ("s",) and w.endswith("s") and w[:-1] in MAGNITUDES else w
        mult *= MAGNITUDES[w]
    return mult


def rounding_step(number_text: str, magnitude: float) -> float:
    """Half the unit of the last written digit, when the figure is scaled by a magnitude word.

    `11 billion` was rounded to the billion, so it stands for [10.5e9, 11.5e9]; `1.5 million`
    for [1.45e6, 1.55e6]. Figures written out in full (`2,700`, `188`) and written-out words
    (`eight`) are taken as exact: the writer could have rounded but gave us no signal.
    """
    if magnitude == 1.0 or is_word_number(number_text):
        return 0.0 if magnitude == 1.0 else magnitude / 2
    s = number_text.replace(",", "")
    decimals = len(s.split(".", 1)[1]) if "." in s else 0
    return magnitude * (10.0 ** -decimals) / 2

#: Units that make a figure a duration (kind "duration", unit singular).
DURATION_UNITS: dict[str, str] = {
    "year": "year", "years": "year", "month": "month", "months": "month", "week": "week",
    "weeks": "week", "day": "day", "days": "day", "hour": "hour", "hours": "hour",
    "decade": "decade", "decades": "decade", "century": "century", "centuries": "century",
    "minute": "minute", "minutes": "minute",
}
#: Units of measure (kind "quantity"); the value is kept in the unit written.
MEASURE_UNITS: dict[str, str] = {
    "km": "kilometre", "kilometres": "kilometre", "kilometers": "kilometre", "kilometre": "kilometre",
    "kilometer": "kilometre", "miles": "mile", "mile": "mile", "metres": "metre", "meters": "metre",
    "tonnes": "tonne", "tonne": "tonne", "tons": "tonne", "ton": "tonne", "barrels": "barrel",
    "barrel": "barrel", "bcm": "cubic metre (billion)", "mw": "megawatt", "gw": "gigawatt",
    "megawatts": "megawatt", "gigawatts": "gigawatt", "kwh": "kilowatt hour", "twh": "terawatt hour",
    "hectares": "hectare", "hectare": "hectare", "acres": "acre", "kg": "kilogram",
    "kilograms": "kilogram", "litres": "litre", "liters": "litre", "sq km": "square kilometre",
    "square kilometres": "square kilometre", "square kilometers": "square kilometre",
}


def singular(word: str) -> str:
    """Cheap English singular for counted nouns when no lemmatizer is loaded."""
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w
