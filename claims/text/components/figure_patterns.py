"""The regular expressions of `claims_quantities`, compiled once per component.

One character pattern per figure shape: amounts (money, percents, counts, ranges), vague amounts
(`tens of thousands of`), fractions, shares (`one in five`), physical quantities and earthquake
magnitudes. Built from the currency, unit and number tables, so they are made when the component
is made, not at import.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from claims.text.normalise import (
    QUALIFIER_PATTERN,
    ambiguous_codes,
    currency_prefixes,
    currency_words,
    iso_codes,
    postfix_symbols,
)
from claims.text.numbers import (
    DURATION_UNITS,
    FRACTIONS,
    MAGNITUDE,
    MEASURE_UNITS,
    NUMBER,
    VAGUE,
    WORD_NUMBER,
    trie_pattern,
)
from claims.text.units import GLUED_PATTERN, UNIT_PATTERN

#: Currencies trade copy writes in millions with an `M` glued to the code (`30 MUSD`).
M_CODES = ("USD", "EUR", "GBP", "AUD", "CAD", "CHF", "JPY", "CNY", "HKD", "NZD", "SEK", "NOK")

RATIO_AFTER = re.compile(
    r"^(?P<u>\s(?:times)|-fold)(?=\s(?:as|more|larger|bigger|higher|greater|smaller|lower|less|"
    r"the|that|than|over|faster|cheaper|costlier|longer)\b)",
    re.IGNORECASE,
)
FOLD_AFTER = re.compile(r"^-fold\b", re.IGNORECASE)
DURATION_AFTER = re.compile(
    r"^[\s-](?P<u>" + "|".join(sorted(DURATION_UNITS, key=len, reverse=True)) + r")\b(?P<old>[\s-]old)?",
    re.IGNORECASE,
)
MEASURE_AFTER = re.compile(
    r"^\s?(?P<u>" + "|".join(re.escape(u) for u in sorted(MEASURE_UNITS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
#: A verb of change right before a figure (`fell`, `widened by`, `was revised up from`, `up`).
CHANGE_BEFORE = re.compile(
    r"\b(?:(?:ris(?:e|es|en|ing)|rose|f(?:a|e)ll(?:s|en|ing)?|(?:in|de)creas(?:e|es|ed|ing)|climb(?:s|ed|ing)?"
    r"|jump(?:s|ed|ing)?|drop(?:s|ped|ping)?|declin(?:e|es|ed|ing)|gr(?:ow|ows|ew|own|owing)|gain(?:s|ed|ing)?"
    r"|los(?:e|es|ing)|lost|slip(?:s|ped|ping)?|slid(?:e|es|ing)?|plung(?:e|es|ed|ing)|soar(?:s|ed|ing)?"
    r"|surg(?:e|es|ed|ing)|tumbl(?:e|es|ed|ing)|s(?:ink|inks|ank|unk)|shr(?:ink|inks|ank|unk)"
    r"|widen(?:s|ed|ing)?|narrow(?:s|ed|ing)?|cut(?:s|ting)?|rais(?:e|es|ed|ing)|lower(?:s|ed|ing)?"
    r"|reduc(?:e|es|ed|ing)|boost(?:s|ed|ing)?|lift(?:s|ed|ing)?|edg(?:e|es|ed|ing)|expand(?:s|ed|ing)?"
    r"|contract(?:s|ed|ing)?|swell(?:s|ed|ing)?|rebound(?:s|ed|ing)?|slump(?:s|ed|ing)?|trim(?:s|med|ming)?"
    r"|hik(?:e|es|ed|ing)|revis(?:e|es|ed|ing)|dip(?:s|ped|ping)?|eas(?:e|es|ed|ing)|advanc(?:e|es|ed|ing)"
    r"|retreat(?:s|ed|ing)?|shed(?:s|ding)?|doubl(?:e|es|ed|ing)|tripl(?:e|es|ed|ing)|halv(?:e|es|ed|ing)"
    r"|went|go(?:es|ne)?|moved?)(?:\s(?:up|down|upward|downward|back|higher|lower))?|up|down)"
    r"\s(?:(?:by|from)\s)?(?:(?:an?|another|a\sfurther|some)\s)?$",
    re.IGNORECASE,
)


class FigurePatterns(NamedTuple):
    """The compiled patterns, one per figure shape."""

    pattern: re.Pattern[str]
    vague: re.Pattern[str]
    fraction: re.Pattern[str]
    share: re.Pattern[str]
    dimension: re.Pattern[str]
    quake: re.Pattern[str]


def build_patterns() -> FigurePatterns:
    """Compile every pattern from the currency, unit and number tables."""
    codes = list(iso_codes())
    ambiguous = "|".join(c for c in ambiguous_codes() if c.isalpha())
    code_alt = trie_pattern(codes)
    # millions of a currency, as trade copy writes them: `30 MUSD`, `MAUD 60`
    mcodes = "M(?:" + "|".join(M_CODES) + ")"
    dollar_prefixes, other_prefixes = [], []
    for p in currency_prefixes():
        if len(p) > 1 and p.endswith("$"):
            dollar_prefixes.append(p[:-1])
        else:
            other_prefixes.append(p)
    # `C$`, `c $`, `hk $`, `u.s $` (tokenised, lower-cased copy), `usd$ 15`. Single letters
    # need their capital (`company's $5bn` is not Singapore dollars, `a $5 fee` not
    # Australian), except `c $`, which is no English word.
    multi = sorted({d.lower().replace(".", "") for d in dollar_prefixes if len(d.replace(".", "")) > 1})
    letters = trie_pattern(multi)
    letters = re.sub(r"([us])(?=[^\\]|$)", lambda m: m.group(1) + r"\.?", letters)
    singles = "".join(sorted({d for d in dollar_prefixes if len(d) == 1}))
    prefix = (
        rf"(?:(?i:{letters}|{code_alt})|[{singles}]|c)\s?\$\s?"
        rf"|(?:{trie_pattern(other_prefixes)})\s?"
        rf"|(?:{mcodes}|{code_alt})\s?"
        # codes that are also English words (`SAR`, `TRY`, `ALL`) only before an amount in
        # millions or more: `SAR 100 million`, never `ALL 5 solutions`
        rf"|(?:{ambiguous})\s?(?=\d[\d,.]*\s?(?:thousand|million|billion|trillion|bn|mn|m)\b)"
    )
    words = trie_pattern(
        sorted({f for w in currency_words() for f in (w, w + "s")} | {"cent", "cents", "pence", "penny"})
    )
    symbols = "|".join(re.escape(x) for x in postfix_symbols())
    word_number = rf"(?i:{WORD_NUMBER})"
    not_a_number_next = rf"(?!(?:\s(?:or|equal|than|to))*\s(?:[\d$€£¥]|{word_number}(?![\w-])))"
    amount = (
        rf"(?P<negI>(?i:negative|minus)\s)?(?P<curI>(?:{prefix}))?(?P<nI>{NUMBER})"
        r"(?:(?P<mI>" + MAGNITUDE + rf")|(?!(?!元|(?:{mcodes}|{code_alt})(?!\w)|(?:pc|pct|bps|p)(?![\w]))\w))"
    )
    pattern = re.compile(
        r"(?<![\w$€£¥.,/=&#:+%?-])"
        rf"(?P<qual>{QUALIFIER_PATTERN}\s)?"
        r"(?P<between>(?i:between|from)\s)?"
        + amount.replace("I>", "1>")
        + r"(?P<pct1>\s?%|\s(?i:percent|per\s?cent)(?![\w]))?"
        + r"(?:\s?(?P<conn>(?(between)(?:and|to|-|–)|(?:to|through|-|–)))\s?"
        + amount.replace("I>", "2>")
        + r")?"
        + r"(?:(?P<post>\s?%|\s(?i:percentage\spoints?|percentage|percents?|per\s?cent|basis\spoints?)(?![\w])"
        + r"|\s?(?:pc|pct|bps)(?![\w]))"
        + r"|(?P<pence>p)(?![\w])"
        + rf"|\s(?P<curw>(?i:{words}))(?![\w])"
        + r"(?:\s(?P<m3>(?i:thousand|million|billion|trillion))(?![\w]))?"
        + r"|-(?P<curh>(?i:cents?|yen|euros?|dollars?|pence|penny))(?![\w])"
        + rf"|\s?(?P<curc>{mcodes}|{code_alt})(?![\w])"
        + r"(?:\s(?P<m4>(?i:thousand|million|billion|trillion))(?![\w]))?"
        + rf"|\s?(?P<curs>{symbols})(?!\s?\d(?![\d.,]*\s?(?:{symbols})))"
        + r")?"
        + r"(?:(?P<orq>\s(?:or|and)\s(?:more|greater|above|higher|over|less|fewer|lower|below|under)\b"
        + not_a_number_next
        + r")"
        + r"|(?P<oreq>\s(?i:or\sequal)(?:\sto)?(?:\sit)?\b"
        + not_a_number_next
        + r"))?"
    )
    vague_words = "|".join(sorted((v.replace(" ", r"\s") for v in VAGUE), key=len, reverse=True))
    vague = re.compile(rf"(?<![\w-])(?P<qual>{QUALIFIER_PATTERN}\s)?(?P<v>(?i:{vague_words}))(?=\sof\b)")
    fractions = trie_pattern(sorted(f.replace("-", " ") for f in FRACTIONS)).replace(r"\s", r"[\s-]")
    # `half a million`, `a quarter century`, `three quarters billion`: not fractions of a whole
    scaled = "|".join(["thousand", "million", "billion", "trillion", "hundred", "dozen", *DURATION_UNITS])
    fraction = re.compile(
        rf"(?<![\w-])(?P<qual>{QUALIFIER_PATTERN}\s)?(?P<f>(?i:{fractions}))(?![\w-])"
        rf"(?!\s(?:(?:a|an|of\sa|of\san)\s)?(?i:{scaled})\b)"
    )
    # `one in five Ukrainians`, `2 in 5 or more`, `more than 1/2 of`: shares as ratios
    small = r"(?:\d{1,4}|(?i:" + WORD_NUMBER + r"))"
    share = re.compile(
        rf"(?<![\w$€£¥.,/-])(?P<qual>{QUALIFIER_PATTERN}\s)?"
        rf"(?:(?P<a>{small})\sin\s(?P<b>{small})(?![\w-])"
        rf"(?!\s(?i:{'|'.join(DURATION_UNITS)}|seconds?|minutes?|years?|cases|games|matches|attempts|tries)\b)"
        r"|(?P<sa>\d)/(?P<sb>\d{1,2})(?![\w/.,])(?=\s(?:of|the)\b))"
        r"(?P<orq>\s(?:or|and)\s(?:more|greater|higher|less|fewer|lower)\b(?!\s(?:than|to)\b))?"
    )
    # physical quantities: `1,200 km²`, `70mph`, `512GB`, `15 to 20 feet`, `46.1C`, `7.8-magnitude`
    mag_word = r"(?:\s(?i:thousand|million|billion|trillion|lakh|crore)|(?:bn|mn|m|k|tn)(?=\s))"
    dim_number = rf"(?:{NUMBER}|\d{{1,3}}(?:[ \u00a0\u202f]\d{{3}}){{1,4}}(?![\d,.]))"
    dimension = re.compile(
        r"(?<![\w$€£¥.,/=&#:+%?-])"
        rf"(?P<qual>{QUALIFIER_PATTERN}\s)?"
        r"(?P<between>(?i:between)\s)?"
        r"(?P<neg>(?i:minus|negative)\s|[-−](?=\d))?"
        rf"(?P<n1>{dim_number})(?P<m1>{mag_word})?"
        rf"(?:\s?(?P<conn>(?(between)and|(?:to|-|–)))\s?(?P<n2>{dim_number})(?P<m2>{mag_word})?)?"
        rf"(?:(?P<sep>[\s-]?){UNIT_PATTERN}(?![\w²³])|{GLUED_PATTERN}(?![\w²³])"
        r"|(?P<um>m)(?![\w²³]))"
    )
    quake = re.compile(r"(?<![\w-])(?:(?i:magnitude)[\s-](?:of\s)?|M\s?)(?P<n>\d(?:\.\d{1,2})?)(?![\w]|\.\d)")
    return FigurePatterns(pattern, vague, fraction, share, dimension, quake)
