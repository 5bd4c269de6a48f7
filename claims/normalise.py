"""Turn a parsed figure plus its qualifier into the interval the text supports.

Tolerances (documented for the matcher and the lead):
- exact figures: [v - step, v + step], where `step` is half the unit of the last written digit
  when a magnitude word scales the figure (`11 billion` -> ±0.5e9, `1.5m` -> ±0.05e6); figures
  written in full (`2,700`, `188`) or as words (`eight`) are exact.
- approx (`around`, `about`, `nearly`, `some`, ...): ±10% of the value (or the rounding step if
  that is wider).
- more_than / at_least -> [X, None]; less_than / at_most -> [0, X]. Open vs closed ends are
  carried by the qualifier, since an interval of floats cannot say it.
- ranges -> value None, [low, high].
"""

from __future__ import annotations

import functools
import json
from importlib import resources

from iso4217 import Currency

from claims.models import Qualifier

APPROX_TOLERANCE = 0.10

QUALIFIER_WORDS: dict[str, Qualifier] = {
    "more than": "more_than", "over": "more_than", "above": "more_than", "in excess of": "more_than",
    "upwards of": "more_than", "greater than": "more_than", "exceeding": "more_than",
    "just over": "more_than", "well over": "more_than", "just more than": "more_than",
    "well above": "more_than", "slightly more than": "more_than", "well more than": "more_than",
    "at least": "at_least", "no less than": "at_least", "no fewer than": "at_least",
    "a minimum of": "at_least",
    "less than": "less_than", "fewer than": "less_than", "under": "less_than", "below": "less_than",
    "just under": "less_than", "just below": "less_than", "well under": "less_than",
    "well below": "less_than", "slightly less than": "less_than", "just less than": "less_than",
    "up to": "at_most", "at most": "at_most", "no more than": "at_most", "a maximum of": "at_most",
    "as many as": "at_most", "as much as": "at_most",
    "around": "approx", "about": "approx", "nearly": "approx", "almost": "approx",
    "roughly": "approx", "some": "approx", "approximately": "approx", "an estimated": "approx",
    "estimated": "approx", "close to": "approx", "circa": "approx", "about some": "approx",
    "an approximate": "approx", "approx.": "approx", "~": "approx", "some estimated": "approx",
}
QUALIFIER_PATTERN = (
    r"(?i:"
    + "|".join(
        sorted((w.replace(".", r"\.").replace(" ", r"\s") for w in QUALIFIER_WORDS), key=len, reverse=True)
    )
    + r")"
)


def qualifier_of(words: str | None) -> Qualifier:
    if not words:
        return "exact"
    return QUALIFIER_WORDS.get(" ".join(words.lower().split()), "exact")


def interval(
    value: float, qualifier: Qualifier, step: float = 0.0
) -> tuple[float | None, float | None, float | None]:
    """(value, low, high) for a single figure under a qualifier; see the module docstring."""
    if qualifier == "exact":
        return value, value - step, value + step
    if qualifier == "approx":
        tol = max(abs(value) * APPROX_TOLERANCE, step)
        return value, value - tol, value + tol
    if qualifier in ("more_than", "at_least"):
        return value, value, None
    if qualifier in ("less_than", "at_most"):
        return value, 0.0, value
    raise ValueError(f"not a single-figure qualifier: {qualifier}")


@functools.cache
def _currency_tables() -> tuple[dict[str, str], dict[str, str]]:
    raw = json.loads(resources.files("claims").joinpath("data", "currencies.json").read_text("utf-8"))
    for code in (*raw["prefix"].values(), *raw["suffix"].values()):
        Currency(code)  # fail loudly at load if the data file names a code ISO 4217 lacks
    return raw["prefix"], raw["suffix"]


def currency_prefixes() -> list[str]:
    return sorted(_currency_tables()[0], key=len, reverse=True)


def currency_words() -> list[str]:
    return sorted(_currency_tables()[1], key=len, reverse=True)


@functools.cache
def _minor_units() -> dict[str, tuple[str, float]]:
    raw = json.loads(resources.files("claims").joinpath("data", "currencies.json").read_text("utf-8"))
    return {k: (v[0], float(v[1])) for k, v in raw.get("minor", {}).items()}


@functools.cache
def postfix_symbols() -> list[str]:
    raw = json.loads(resources.files("claims").joinpath("data", "currencies.json").read_text("utf-8"))
    return list(raw.get("postfix_symbols", []))


def minor_unit(word: str) -> tuple[str, float] | None:
    """`cents` -> ("USD", 0.01), `pence` -> ("GBP", 0.01)."""
    return _minor_units().get(word.lower())


def currency_code(symbol_or_word: str) -> str | None:
    """`$` -> USD, `euros` -> EUR, `EUR` -> EUR (any ISO 4217 code passes), unknown -> None."""
    s = " ".join(symbol_or_word.split())
    prefix, suffix = _currency_tables()
    if s.replace(" ", "") in prefix:  # `US $` as written in tokenised text
        return prefix[s.replace(" ", "")]
    if s in prefix:
        return prefix[s]
    low = s.lower()
    if low in suffix:
        return suffix[low]
    if low.endswith("s") and low[:-1] in suffix:
        return suffix[low[:-1]]
    if len(s) == 3 and s.isupper():
        try:
            return Currency(s).code
        except ValueError:
            return None
    return None
