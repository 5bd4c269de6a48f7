"""Numbers as written in news text: digits, words, magnitudes, fractions.

Pure functions and pattern strings only; the spaCy component compiles the patterns once.
Why a hand-written parser: the forms are few and closed (`2,700`, `1.5`, `eight`, `twenty-five`,
`a dozen`, `44bn`, `500 crore`), and we need the *precision* the writer used, which general
number parsers throw away.
"""

from __future__ import annotations

import re

UNITS: dict[str, int] = {
    "zero": 0,
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
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
#: Multipliers written after a number. `m`/`bn`/`k` only count when glued to digits or a
#: currency figure (the pattern enforces that), so `3 m` (metres) is not a million.
MAGNITUDES: dict[str, float] = {
    "hundred": 1e2,
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "trn": 1e12,
    "lakh": 1e5,
    "crore": 1e7,
}
#: Fractions written as words; kind "ratio", unit "fraction".
FRACTIONS: dict[str, float] = {
    "half": 1 / 2,
    "one-half": 1 / 2,
    "one-third": 1 / 3,
    "a third": 1 / 3,
    "two-thirds": 2 / 3,
    "one-quarter": 1 / 4,
    "a quarter": 1 / 4,
    "three-quarters": 3 / 4,
    "one-fifth": 1 / 5,
    "two-fifths": 2 / 5,
    "three-fifths": 3 / 5,
    "four-fifths": 4 / 5,
    "one-tenth": 1 / 10,
    "a half": 1 / 2,
    "one-fourth": 1 / 4,
    "three-fourths": 3 / 4,
}
#: Fractions that are figures only after a qualifier (`more than half`, `under a third`):
#: alone, `half` and `a quarter` are too often not claims (`half the team`, `a quarter past`).
BARE_FRACTIONS = frozenset({"half", "a half", "a third", "a quarter"})


def fraction_value(words: str) -> float | None:
    """`two thirds`, `two-thirds`, `one quarter` -> value; None when not a known fraction."""
    key = "-".join(words.lower().split())
    if key.startswith("a-"):
        key = "a " + key[2:]
    return FRACTIONS.get(key)


#: Vague magnitudes: "tens of thousands" -> [10_000, 99_999].
VAGUE: dict[str, tuple[float, float]] = {
    "dozens": (24, 99),
    "scores": (40, 99),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "tens of thousands": (10_000, 99_999),
    "hundreds of thousands": (100_000, 999_999),
    "millions": (2e6, 9_999_999),
    "tens of millions": (1e7, 99_999_999),
    "hundreds of millions": (1e8, 999_999_999),
    "billions": (2e9, 9_999_999_999),
}

_UNIT_WORDS = "|".join(sorted(UNITS, key=len, reverse=True))
_TEN_WORDS = "|".join(TENS)
_DIGIT_WORDS = "one|two|three|four|five|six|seven|eight|nine"
#: 1..99 in words: `seven`, `twenty-five`, `thirty five`.
_W_SMALL = rf"(?:(?:{_TEN_WORDS})(?:[- ](?:{_DIGIT_WORDS}))?|{_UNIT_WORDS})"
#: `one hundred and seventy`, `a hundred`, `nine hundred sixty-five`.
_W_HUNDRED = rf"(?:(?:{_W_SMALL}|a)[\s-]hundred(?:\s(?:and\s)?{_W_SMALL}(?![\w-]))?)"
_W_BELOW_K = rf"(?:{_W_HUNDRED}|{_W_SMALL})"
#: `three thousand nine hundred and sixty five`, `one thousand and five hundred`: a multiplier
#: followed by a smaller number. Without a tail (`two million`) the multiplier stays a
#: magnitude, which carries the writer's rounding.
_W_COMPOUND = (
    rf"(?:(?:{_W_BELOW_K}|a)\s(?:thousand|million|billion)"
    rf"(?:,?\s(?:and\s)?(?:{_W_HUNDRED}|{_W_SMALL})(?![\w-])(?!\s(?:thousand|million|billion|hundred)\b)))"
)
#: Fractions that scale a magnitude word: `half million`, `a quarter million`, `three quarters billion`.
_W_FRACTION = r"(?:(?:a\s|one\s|three\s)?(?:half|quarters?))(?=\s(?:million|billion|trillion)\b)"
#: `two and a half`, `one and a quarter`, `six and three quarters` (`two and a half hours`).
_W_AND_PART = rf"(?:{_W_SMALL}\sand\s(?:a\s(?:half|quarter)|three\squarters)(?![\w-]))"
WORD_NUMBER = rf"(?:{_W_AND_PART}|{_W_COMPOUND}|{_W_HUNDRED}|{_W_FRACTION}|{_W_SMALL}|a dozen|dozen|a thousand)"
#: Fractions written with a slash or a vulgar-fraction sign, with their values. Only the fractions
#: measures use (halves to eighths, numerator below denominator): `24/7`, `9/11` are no fractions.
SLASH_FRACTIONS: dict[str, float] = {
    f"{a}/{b}": a / b for b in (2, 3, 4, 8) for a in range(1, b) if (a, b) not in ((2, 4), (2, 8), (4, 8), (6, 8))
}
VULGAR_FRACTIONS: dict[str, float] = {"½": 1 / 2, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 1 / 4, "¾": 3 / 4, "⅛": 1 / 8}
_SLASH = "(?:" + "|".join(re.escape(f) for f in sorted(SLASH_FRACTIONS, key=len, reverse=True)) + r")(?![\d/])"
_VULGAR = "[" + "".join(VULGAR_FRACTIONS) + "]"
#: `2 1/2`, `7½`, `½`, `3/4` (a fraction alone: the finder keeps it only before a unit),
#: `2 and a half`. Tried before plain digits, which would stop at the whole part.
MIXED_NUMBER = (
    rf"(?:\d{{1,3}}(?:\s|-)?{_VULGAR}|{_VULGAR}|\d{{1,3}}[\s-]{_SLASH}|{_SLASH}"
    r"|\d{1,3}\sand\s(?:a\s(?:half|quarter)|three\squarters)(?![\w-]))"
)
#: `347 815` (thousands grouped with a space, as French, Swiss and UN tables write them) is one
#: number; the group must end the number (`10 052 migrants`, never `10 0521`). At most four groups
#: after the first: a longer run is a list of numbers, and reading it whole cost its length squared.
DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3}){1,4}(?![\d,.]|\s\d)|\d+(?:\.\d+)?|\.\d+)"
NUMBER = rf"(?:{MIXED_NUMBER}|{DIGITS}|(?i:{WORD_NUMBER}))"
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
        return float(re.sub(r"[,\s]", "", s))
    split = _fraction_part(s)
    if split is not None:
        whole, frac = split
        return (parse_number(whole) if whole else 0.0) + frac
    if s in ("a dozen", "dozen"):
        return 12.0
    parts = [p for p in re.split(r"[-\s,]+", s) if p and p != "and"]
    if parts and parts[-1] in ("half", "quarter", "quarters"):
        # `half`, `a quarter`, `three quarters` (before a magnitude word)
        count = 1.0
        if len(parts) == 2 and parts[0] not in ("a", "one"):
            if parts[0] not in UNITS:
                raise ValueError(f"not a number: {text!r}")
            count = float(UNITS[parts[0]])
        elif len(parts) > 2:
            raise ValueError(f"not a number: {text!r}")
        return count * (0.5 if parts[-1] == "half" else 0.25)
    total = 0.0
    current = 0.0
    seen = False
    for part in parts:
        if part in UNITS:
            current += UNITS[part]
        elif part in TENS:
            current += TENS[part]
        elif part == "a" and not seen:
            current = 1
        elif part == "hundred":
            current = (current or 1) * 100
        elif part in ("thousand", "million", "billion", "trillion"):
            total += (current or 1) * MAGNITUDES[part]
            current = 0
        else:
            raise ValueError(f"not a number: {text!r}")
        seen = True
    if not seen:
        raise ValueError(f"not a number: {text!r}")
    return float(total + current)


_AND_PART = {"and a half": 0.5, "and a quarter": 0.25, "and three quarters": 0.75}


def _fraction_part(s: str) -> tuple[str, float] | None:
    """`2 1/2` -> ("2", 0.5), `7½` -> ("7", 0.5), `two and a half` -> ("two", 0.5); else None."""
    for words, value in _AND_PART.items():
        if s.endswith(" " + words):
            return s[: -len(words) - 1].strip(), value
    if s and s[-1] in VULGAR_FRACTIONS:
        return s[:-1].strip(" -"), VULGAR_FRACTIONS[s[-1]]
    m = re.fullmatch(r"(?:(\d{1,3})[\s-])?(\d/\d)", s)
    if m and m.group(2) in SLASH_FRACTIONS:
        return m.group(1) or "", SLASH_FRACTIONS[m.group(2)]
    return None


def is_fraction_number(text: str) -> bool:
    """True for a figure with a written fraction part (`3/4`, `2 1/2`, `½`, `two and a half`)."""
    return _fraction_part(text.strip().lower()) is not None


def is_word_number(text: str) -> bool:
    """No digit in it: a number written in words (`eight`, `two and a half`)."""
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
    for [1.45e6, 1.55e6]; `2½ million` for [2.25e6, 2.75e6]. Figures written out in full (`2,700`,
    `188`) and written-out words (`eight`) are taken as exact: the writer could have rounded but gave us no signal.
    """
    if magnitude == 1.0:
        return 0.0
    split = _fraction_part(number_text.strip().lower())
    if split is not None:  # `2½ million`, `two and a half billion`: rounded to the half
        den = next((d for d in (2, 3, 4, 8) if abs(split[1] * d - round(split[1] * d)) < 1e-9), 8)
        return magnitude / den / 2
    if is_word_number(number_text):
        return magnitude / 2
    s = number_text.replace(",", "")
    decimals = len(s.split(".", 1)[1]) if "." in s else 0
    return magnitude * (10.0**-decimals) / 2


#: Units that make a figure a duration (kind "duration", unit singular).
DURATION_UNITS: dict[str, str] = {
    "year": "year",
    "years": "year",
    "month": "month",
    "months": "month",
    "week": "week",
    "weeks": "week",
    "day": "day",
    "days": "day",
    "hour": "hour",
    "hours": "hour",
    "decade": "decade",
    "decades": "decade",
    "century": "century",
    "centuries": "century",
    "minute": "minute",
    "minutes": "minute",
    "second": "second",
    "seconds": "second",
}
#: Units of measure (kind "quantity"); the value is kept in the unit written.
MEASURE_UNITS: dict[str, str] = {
    "km": "kilometre",
    "kilometres": "kilometre",
    "kilometers": "kilometre",
    "kilometre": "kilometre",
    "kilometer": "kilometre",
    "miles": "mile",
    "mile": "mile",
    "metres": "metre",
    "meters": "metre",
    "tonnes": "tonne",
    "tonne": "tonne",
    "tons": "tonne",
    "ton": "tonne",
    "barrels": "barrel",
    "barrel": "barrel",
    "bcm": "cubic metre (billion)",
    "mw": "megawatt",
    "gw": "gigawatt",
    "megawatts": "megawatt",
    "gigawatts": "gigawatt",
    "kwh": "kilowatt hour",
    "twh": "terawatt hour",
    "hectares": "hectare",
    "hectare": "hectare",
    "acres": "acre",
    "kg": "kilogram",
    "kilograms": "kilogram",
    "litres": "litre",
    "liters": "litre",
    "sq km": "square kilometre",
    "square kilometres": "square kilometre",
    "square kilometers": "square kilometre",
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


def trie_pattern(words: list[str]) -> str:
    """One regex alternation for many literal phrases, factored by shared prefixes.

    Python's `re` tries the branches of `a|b|c` one by one at every position; a prefix tree
    (`more\\s(?:than|or\\sequal)...`) fails after one character on most positions, which keeps
    patterns with long phrase lists (qualifiers, currency names) fast.
    """
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        end = "" in node
        branches = [(re.escape(ch) if ch != " " else r"\s") + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?" if len(branches) == 1 else body + "?"
        return body

    return "(?:" + emit(trie) + ")"
