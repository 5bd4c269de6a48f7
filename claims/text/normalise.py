"""Turn a parsed figure plus its qualifier into the interval the text supports.

What is stored is what the text says; the tolerance a comparison allows is NOT decided here but
in `claims/tolerance.py` at compare time (so a policy change reaches stored archives with
`claims rematch`). The stored bounds:
- exact figures: [v - step, v + step], where `step` is half the unit of the last written digit
  when a magnitude word scales the figure (`11 billion` -> ±0.5e9, `1.5m` -> ±0.05e6): the literal
  rounding of the written digits, which marks the figure as rounded for the policy (which caps it
  at ±5 %); figures written in full (`2,700`, `188`) or as words (`eight`) are exact.
- approx (`around`, `about`, `nearly`, `some`, ...): ±`tolerance.APPROX` (10 %) of the value (or
  the rounding step if that is wider).
- more_than / at_least -> [X, None]; less_than / at_most -> [0, X]. Open vs closed ends are
  carried by the qualifier, since an interval of floats cannot say it.
- ranges -> value None, [low, high].
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from iso4217 import Currency

from claims import datafiles
from claims.text.numbers import trie_pattern
from claims.tolerance import APPROX

if TYPE_CHECKING:
    from claims.models import Qualifier

APPROX_TOLERANCE = APPROX  # one number, defined with the rest of the policy in claims/tolerance.py

QUALIFIER_WORDS: dict[str, Qualifier] = {
    "more than": "more_than",
    "over": "more_than",
    "above": "more_than",
    "in excess of": "more_than",
    "upwards of": "more_than",
    "greater than": "more_than",
    "exceeding": "more_than",
    "just over": "more_than",
    "well over": "more_than",
    "just more than": "more_than",
    "well above": "more_than",
    "slightly more than": "more_than",
    "well more than": "more_than",
    "at least": "at_least",
    "no less than": "at_least",
    "no fewer than": "at_least",
    "a minimum of": "at_least",
    "less than": "less_than",
    "fewer than": "less_than",
    "under": "less_than",
    "below": "less_than",
    "just under": "less_than",
    "just below": "less_than",
    "well under": "less_than",
    "well below": "less_than",
    "slightly less than": "less_than",
    "just less than": "less_than",
    "up to": "at_most",
    "at most": "at_most",
    "no more than": "at_most",
    "a maximum of": "at_most",
    "as many as": "at_most",
    "as much as": "at_most",
    "around": "approx",
    "about": "approx",
    "nearly": "approx",
    "almost": "approx",
    "roughly": "approx",
    "some": "approx",
    "approximately": "approx",
    "an estimated": "approx",
    "estimated": "approx",
    "close to": "approx",
    "circa": "approx",
    "about some": "approx",
    "an approximate": "approx",
    "approx.": "approx",
    "~": "approx",
    "some estimated": "approx",
}
_MORE = ("more", "greater", "larger", "bigger", "higher")
_LESS = ("less", "fewer", "smaller", "lower")


def _comparisons() -> dict[str, Qualifier]:
    """`larger than`, `bigger or equal than`, `less than or equal to`, `equal to or more than`."""
    out: dict[str, Qualifier] = {}
    for words, strict, inclusive in ((_MORE, "more_than", "at_least"), (_LESS, "less_than", "at_most")):
        for w in words:
            out[f"{w} than"] = strict  # type: ignore[assignment]
            for form in (
                f"{w} than or equal to",
                f"{w} or equal than",
                f"{w} or equal to",
                f"{w} than or equal",
                f"equal to or {w} than",
                f"equal or {w} than",
            ):
                out[form] = inclusive  # type: ignore[assignment]
    return out


QUALIFIER_WORDS.update(_comparisons())
QUALIFIER_WORDS.update(
    {
        "exceed": "more_than",
        "exceeds": "more_than",
        "exceeded": "more_than",
        "exceeding": "more_than",
        "surpass": "more_than",
        "surpasses": "more_than",
        "surpassed": "more_than",
        "surpassing": "more_than",
        "in excess of": "more_than",
        "not less than": "at_least",
        "at least or equal to": "at_least",
        "not more than": "at_most",
        "at most or equal to": "at_most",
        "a little over": "more_than",
        "a little under": "less_than",
    }
)
#: Phrases after a figure that turn a strict bound inclusive (`more than 5000 or equal to it`)
#: or make it a bound (`200 or more`); see `claims_quantities`.
QUALIFIER_PATTERN = "(?i:" + trie_pattern(sorted(QUALIFIER_WORDS, key=len, reverse=True)).replace(r"\~", "~") + ")"


def qualifier_of(words: str | None) -> Qualifier:
    """The qualifier a hedge word gives a figure (`about` -> approx); anything else is exact."""
    if not words:
        return "exact"
    return QUALIFIER_WORDS.get(" ".join(words.lower().split()), "exact")


def interval(value: float, qualifier: Qualifier, step: float = 0.0) -> tuple[float | None, float | None, float | None]:
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
def _raw_currencies() -> dict:
    return datafiles.read("currencies.json")  # type: ignore[no-any-return]


@functools.cache
def _currency_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(prefix sign -> code, currency word -> code): the data file's everyday forms, then every
    current currency's CLDR English name (`nigerian naira`, `kenyan shillings`, `naira`)."""
    from claims.text.currencies import cldr_currency_names

    raw = _raw_currencies()
    for code in (*raw["prefix"].values(), *raw["suffix"].values()):
        if code not in raw.get("historic", {}):
            Currency(code)  # fail loudly at load if the data file names a code ISO 4217 lacks
    suffix = dict(raw["suffix"])
    for name, code in cldr_currency_names().items():
        if is_valid_code(code) and name.removesuffix("s") not in suffix and not name.endswith("ss"):
            suffix.setdefault(name, code)
    return raw["prefix"], suffix


@functools.cache
def iso_codes() -> tuple[str, ...]:
    """Codes usable bare next to a figure (`USD 200`, `115USD`): ISO 4217 minus English words."""
    raw = _raw_currencies()
    ambiguous = set(raw.get("ambiguous_codes", []))
    return tuple(sorted({c.code for c in Currency} - ambiguous))


def ambiguous_codes() -> tuple[str, ...]:
    """ISO codes that are also English words (`ALL`, `TRY`, `SAR`): currencies only in context."""
    return tuple(_raw_currencies().get("ambiguous_codes", []))


def is_valid_code(code: str) -> bool:
    """An ISO 4217 code CLDR knows, or a historic one the data file keeps (old figures use them)."""
    if code in _raw_currencies().get("historic", {}):
        return True
    try:
        Currency(code)
    except ValueError:
        return False
    return True


def currency_prefixes() -> list[str]:
    """Currency signs and codes that stand before a figure, longest first (so `US$` wins over `$`)."""
    return sorted(_currency_tables()[0], key=len, reverse=True)


def currency_words() -> list[str]:
    """Currency names that follow a figure, longest first (`Hong Kong dollars` before `dollars`)."""
    return sorted(_currency_tables()[1], key=len, reverse=True)


@functools.cache
def _minor_units() -> dict[str, tuple[str, float]]:
    return {k: (v[0], float(v[1])) for k, v in _raw_currencies().get("minor", {}).items()}


@functools.cache
def postfix_symbols() -> list[str]:
    """Signs written after the figure in some languages' style (`100 €`)."""
    return list(_raw_currencies().get("postfix_symbols", []))


def minor_unit(word: str) -> tuple[str, float] | None:
    """`cents` -> ("USD", 0.01), `pence` -> ("GBP", 0.01)."""
    return _minor_units().get(word.lower())


def currency_code(symbol_or_word: str) -> str | None:
    """`$` -> USD, `euros` -> EUR, `EUR` -> EUR (any ISO 4217 code passes), unknown -> None.

    Also `c $` / `hk $` (tokenised, lower-cased copy), `usd$` / `Mex$` (code or name glued to
    the dollar sign) and `MUSD` (millions of USD: use `currency_scale` for the factor).
    """
    s = " ".join(symbol_or_word.split())
    prefix, suffix = _currency_tables()
    squeezed = s.replace(" ", "")
    if squeezed in prefix:  # `US $` as written in tokenised text
        return prefix[squeezed]
    if s in prefix:
        return prefix[s]
    folded = {k.lower().replace(".", ""): v for k, v in prefix.items() if k.endswith("$") and len(k) > 1}
    key = squeezed.lower().replace(".", "")
    if key in folded and squeezed != "a$":  # `a $5 fee` is not Australian
        return folded[key]
    low = s.lower()
    if low in suffix:
        return suffix[low]
    if low.endswith("s") and low[:-1] in suffix:
        return suffix[low[:-1]]
    if len(squeezed) == 4 and squeezed.endswith("$") and is_valid_code(squeezed[:3].upper()):
        return squeezed[:3].upper()  # `usd$ 15`, `nzd$15`
    if len(s) == 4 and s[0] == "M" and s[1:].isupper() and is_valid_code(s[1:]):
        return s[1:]  # `30 MUSD`, `MAUD 60`
    if len(s) == 3 and s.isupper():
        return s if is_valid_code(s) else None
    return None


def currency_scale(symbol_or_word: str) -> float:
    """The factor a currency token carries: `MUSD` is millions of USD, everything else 1."""
    s = symbol_or_word.strip()
    if len(s) == 4 and s[0] == "M" and s[1:].isupper() and is_valid_code(s[1:]):
        return 1e6
    return 1.0
