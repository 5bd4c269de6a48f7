"""Currency names and the country an ambiguous sign stands for, from CLDR (through `babel`).

`claims/data/currencies.json` keeps the signs and everyday words news copy uses (`$`, `US$`, `Rs`,
`bn`-friendly codes); CLDR adds every current currency's English name, singular and plural
(`Nigerian naira`, `Kenyan shillings`), and which territories use which currency.

Ambiguous signs and words (`$`, `Rs`, `kr`, `¥`, `dollars`, `rupees`, `shillings`, ...) are read by
the article's country: among the countries using a currency of that family, the one the article
names most (GPE entities), if it is named at least twice or is the article's most-named country;
else the family's default (`$` is USD, `Rs` INR, `kr` SEK, `¥` JPY).
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

#: ambiguous sign or word -> (family word in CLDR names, default ISO code)
AMBIGUOUS: dict[str, tuple[str, str]] = {
    "$": ("dollar", "USD"),
    "dollar": ("dollar", "USD"),
    "rs": ("rupee", "INR"),
    "rs.": ("rupee", "INR"),
    "₨": ("rupee", "INR"),
    "rupee": ("rupee", "INR"),
    "kr": ("krona|krone", "SEK"),
    "kr.": ("krona|krone", "SEK"),
    "¥": ("yen|yuan", "JPY"),
    "shilling": ("shilling", "KES"),
    "dinar": ("dinar", "KWD"),
    "riyal": ("riyal|rial", "SAR"),
    "peso": ("peso", "MXN"),
    "franc": ("franc", "CHF"),
    "pound": ("pound", "GBP"),
}
#: Territory names news copy uses besides CLDR's English names.
_ALIASES: dict[str, str] = {
    "us": "US",
    "u.s.": "US",
    "u.s": "US",
    "usa": "US",
    "america": "US",
    "united states of america": "US",
    "uk": "GB",
    "u.k.": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "hong kong": "HK",
    "taiwan": "TW",
    "south korea": "KR",
    "korea": "KR",
    "the united states": "US",
    "the uk": "GB",
    "the u.s.": "US",
}
#: Currency words that are English words in their own right: never read as a currency alone.
_COMMON_WORDS = frozenset({"real", "won", "rand", "mark", "lev", "leu", "kip", "som", "vatu", "tala", "pula"})


@functools.cache
def _cldr() -> tuple[dict[str, str], dict[str, frozenset[str]], dict[str, str]]:
    """(currency name -> code, code -> territories using it, territory name -> territory code)."""
    from babel import Locale
    from babel.numbers import get_currency_name, get_territory_currencies

    en = Locale("en")
    names: dict[str, str] = {}
    territories: dict[str, set[str]] = {}
    country_names: dict[str, str] = {}
    for code, name in en.territories.items():
        if not code.isalpha() or len(code) != 2:
            continue
        country_names[name.lower()] = code
        try:
            for cur in get_territory_currencies(code):
                territories.setdefault(cur, set()).add(code)
        except Exception:  # a territory CLDR lists without currency data
            continue
    for code in map(str, en.currencies):
        if code not in territories:
            continue  # historic or special codes (XAU, ...): the data file keeps the ones news uses
        for form in (en.currencies[code], get_currency_name(code, count=2, locale="en")):
            names.setdefault(form.lower(), code)
    country_names.update({k: v for k, v in _ALIASES.items()})
    return names, {k: frozenset(v) for k, v in territories.items()}, country_names


def cldr_currency_names() -> dict[str, str]:
    """`nigerian naira` / `nigerian nairas` -> NGN, and a bare last word where only one currency
    has it (`naira`, `nairas`, `hryvnia`), for every currency some territory uses today."""
    names = dict(_cldr()[0])
    last: dict[str, set[str]] = {}
    for name, code in list(names.items()):
        last.setdefault(name.split()[-1], set()).add(code)
    for word, codes in last.items():
        if len(codes) == 1 and word not in _COMMON_WORDS and len(word) > 3:
            names.setdefault(word, next(iter(codes)))
    return names


@functools.cache
def family_codes(family: str) -> tuple[str, ...]:
    """Currency codes whose CLDR name ends with one of the family words (`rupee` -> INR, PKR, ...)."""
    words = tuple(family.split("|"))
    codes = {code for name, code in _cldr()[0].items() if name.split()[-1].rstrip("s") in words}
    return tuple(sorted(codes))


def territory_of(name: str) -> str | None:
    """`Pakistan` -> PK, `U.S.` -> US, `the United Kingdom` -> GB."""
    n = " ".join(name.lower().split())
    countries = _cldr()[2]
    return countries.get(n) or countries.get(n.removeprefix("the "))


def ambiguous_family(token: str) -> tuple[str, str] | None:
    """(family, default) when the sign or word leaves the currency to the article's country."""
    t = " ".join(token.lower().split())
    return AMBIGUOUS.get(t) or AMBIGUOUS.get(t.rstrip("s")) if t else None


def resolve_family(family: str, default: str, country_mentions: Counter[str]) -> str:
    """The currency of the family used by the article's country (see the module docstring)."""
    territories = _cldr()[1]
    best: tuple[int, str] | None = None
    for code in family_codes(family):
        n = max((country_mentions.get(t, 0) for t in territories.get(code, ())), default=0)
        if n and (best is None or n > best[0] or (n == best[0] and code == default)):
            best = (n, code)
    if best is None or best[1] == default:
        return default
    default_n = max((country_mentions.get(t, 0) for t in territories.get(default, ())), default=0)
    top = max(country_mentions.values(), default=0)
    if best[0] <= default_n or not (best[0] >= 2 or best[0] == top):
        return default
    return best[1]


def country_mentions(names: Iterable[str]) -> Counter[str]:
    """Territory code -> how often the names (GPE entity texts) name it."""
    counts: Counter[str] = Counter()
    for name in names:
        code = territory_of(name.removesuffix("'s").removesuffix("’s"))
        if code:
            counts[code] += 1
    return counts
