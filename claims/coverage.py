"""Coverage: the words that narrow what a figure counts (the scope side of `claims.compare`).

Military vs humanitarian aid, direct vs all deaths, loans vs aid, delivered vs pledged, one year vs
several, a tranche vs the whole, civilians vs everyone, registered refugees, the places named: two
figures that differ on one of these measure different things, whatever their values.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claims.models import Claim, ClaimRef


_AID_WORD = r"(?:aid|assistance|support|relief|package|funding|help|donations?)"

# axis -> (value an unmarked claim takes, or None when unmarked is compatible with every value;
# value -> pattern). "aid", "humanitarian aid", "emergency aid" and "assistance" are one thing: an
# unmarked aid figure is humanitarian; military, financial or reconstruction aid narrows it.
_AXES: dict[str, tuple[str | None, dict[str, str]]] = {
    "aid type": (
        "humanitarian",
        {
            "humanitarian": r"\b(?:humanitarian|emergency|relief|life-?saving)\b",
            "military": r"\b(?:military|defen[cs]e|weapons?|arms|lethal|security assistance)\b",
            "financial": r"\b(?:financial|economic|budget(?:ary)? support|macro-?financial|fiscal(?! year))\b",
            "reconstruction": r"\b(?:reconstruction|rebuilding|recovery)\b",
            "energy": r"\benergy\b",
        },
    ),
    "form": ("any", {"loan": r"\b(?:loans?|lending|credit lines?|credits)\b", "grant": r"\bgrants?\b"}),
    "stage": (
        "pledged",
        {
            "pledged": r"\b(?:pledged?|promised|committed|commitments?|earmarked|announced)\b",
            "delivered": (
                r"\b(?:delivered|disbursed|paid out|handed over|spent|(?:has|have|had) (?:given|provided))\b"
            ),
        },
    ),
    "part": ("whole", {"tranche": r"\b(?:additional|another|further|extra|fresh|tranche|instal?ments?)\b"}),
    "directness": ("all", {"direct": r"\bdirect(?:ly)?\b", "indirect": r"\bindirect(?:ly)?\b"}),
    "who": (
        "all",
        {
            "civilians": r"\bcivilians?\b",
            "children": r"\b(?:children|child|minors?)\b",
            "soldiers": r"\b(?:soldiers|troops|servicemen|combatants|military personnel)\b",
        },
    ),
    "registration": ("all", {"registered": r"\bregistered\b"}),
    "losses": ("all", {"insured": r"\binsured\b"}),  # insured losses are a part of all losses
    # buildings or homes "damaged or destroyed" vs only "destroyed" (burned, flattened): an unmarked
    # count of structures is compatible with either
    "harm": (
        None,
        {
            "damaged": r"\bdamaged\b",
            "destroyed": r"\b(?:destroyed|burn(?:ed|t)|razed|flattened|levelled|leveled|collapsed|washed away)\b",
            "exposed": r"\b(?:exposed|affected|inside the (?:\w+ )?perimeter)\b",
        },
    ),
    # people displaced inside their country vs everyone uprooted (refugees abroad included)
    "displacement": (
        "all",
        {
            "internal": (
                r"\b(?:internally|IDPs?|inside the country|within the country|within (?:its|their|the) "
                r"(?:own )?borders)\b|^\s*Within [A-Z]"
            ),
        },
    ),
    "span": (
        None,
        {
            "one year": r"\b(?:annual(?:ly)?|a year|per year|each year|yearly|per annum|this year|last year)\b",
            "several years": (
                r"\b(?:multi-?year|over (?:the )?(?:next |past |last )?(?:\w+ )?years|cumulative(?:ly)?)\b"
            ),
            "one month": r"\b(?:monthly|a month|per month|each month)\b",
            "one day": r"\b(?:daily|a day|per day|each day)\b",
        },
    ),
}

_AXIS_RES = {axis: {v: re.compile(p, re.I) for v, p in values.items()} for axis, (_, values) in _AXES.items()}

_AID_RE = re.compile(rf"\b{_AID_WORD}\b", re.I)
_DISPLACED_RE = re.compile(r"\b(?:displac\w*|uproot\w*|IDPs?|fled|flee\w*|evacuat\w*)", re.I)
_BUILT_RE = re.compile(
    r"\b(?:structures?|buildings?|homes?|houses?|dwellings?|properties|property|schools?|hospitals?|"
    r"bridges?|shops?|businesses|apartments?|units?|premises)\b",
    re.I,
)

_NOT_PLACES = frozenset(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday The A An".split()
)

_PLACE_RE = re.compile(
    r"\b(?:in|across|throughout|inside|within)\s+(?:the\s+)?"
    r"((?:[A-Z][\w'-]+)(?:[ ][A-Z][\w'-]+)*(?:\s*(?:,|and|&)\s+(?:the\s+)?[A-Z][\w'-]+(?:[ ][A-Z][\w'-]+)*)*)"
)

_FIGURE_RE = re.compile(r"\d[\d,.]*+(?!\s*(?:years?|months?|weeks?|days?)\b)")

_CUT_RE = re.compile(r"[;:()\u2014]|\s\u2013\s|,?\s+but\s|,\s+(?:while|whereas|although|which)\s")  # clause ends


_COMPOSITION_RE = re.compile(
    r"\b(?:most|majority|half|many|some|all|two-thirds|a third) of (?:the |them |these |those )?$", re.I
)


def _before(claim: Claim) -> str:
    """The figure's clause up to the figure."""
    region = _region(claim)
    at = region.find(claim.text) if claim.text else -1
    return region[:at] if at >= 0 else ""


def _region(claim: Claim) -> str:
    """The figure's clause in its sentence: from the previous figure or clause cut to the next."""
    sentence, figure = claim.sentence or "", claim.text or ""
    at = sentence.find(figure) if figure else -1
    if at < 0:
        return sentence
    f0, f1 = at, at + len(figure)
    left = 0
    for m in _FIGURE_RE.finditer(sentence, 0, f0):
        left = m.end()
    for m in _CUT_RE.finditer(sentence, left, f0):
        left = m.end()
    right = len(sentence)
    nxt = _FIGURE_RE.search(sentence, f1)
    if nxt:
        right = nxt.start()
    cut = _CUT_RE.search(sentence, f1, right)
    if cut:
        right = cut.start()
    return sentence[left:right]


@functools.lru_cache(maxsize=50_000)
def coverage_of(claim: Claim) -> frozenset[str]:
    """The narrowing words of a claim as `axis:value` marks (`aid type:military`, `form:loan`,
    `place:Syria`), read from the figure's clause in its sentence and from `about`.

    Only words that change what is counted count: a type of aid other than humanitarian, loans or
    grants, delivered vs pledged, a tranche vs the whole, direct or indirect, civilians, children or
    soldiers, registered, damaged vs destroyed buildings, one year vs several, the places a figure is
    given for. Adjectives that do
    not (emergency, humanitarian, total, new, latest) are not marks.
    """
    text = " ".join(x for x in (_region(claim), claim.about or "") if x)
    marks: set[str] = set()
    aid = bool(_AID_RE.search(text))
    for axis, values in _AXIS_RES.items():
        if axis == "aid type" and not aid:
            continue  # "economic losses" are not economic aid
        if axis == "stage" and not (aid or claim.kind == "money"):
            continue
        own = text
        if axis == "displacement" and not _DISPLACED_RE.search(text):
            continue
        if axis == "who" and _COMPOSITION_RE.search(_before(claim)):
            continue  # "Women and children made up most of the 710 survivors": all 710 of them
        if axis == "harm":
            own = _region(claim)  # `about` may be the measure's phrase ("buildings damaged or destroyed")
            if not _BUILT_RE.search(own):
                continue  # "killed when the dam collapsed" says how, not which deaths
        for value, rx in values.items():
            if rx.search(own):
                marks.add(f"{axis}:{value}")
    if {"directness:direct", "directness:indirect"} <= marks:
        marks -= {"directness:direct", "directness:indirect"}  # "direct and indirect deaths": all of them
    for m in _PLACE_RE.finditer(text):
        for name in re.split(r"\s*(?:,|\band\b|&)\s*", m.group(1)):
            name = re.sub(r"^the\s+", "", name.strip(), flags=re.I).removesuffix("'s")
            if name and name.split()[0] not in _NOT_PLACES:
                marks.add(f"place:{name}")
    return frozenset(marks)


def coverage_difference(a: ClaimRef, b: ClaimRef) -> str:
    """The narrowing words that differ between two claims ('military vs humanitarian'), or ''."""
    ma, mb = coverage_of(a.claim), coverage_of(b.claim)
    parts: list[str] = []
    for axis, (default, _values) in (*_AXES.items(), ("place", (None, {}))):
        va = {m.split(":", 1)[1] for m in ma if m.startswith(axis + ":")}
        vb = {m.split(":", 1)[1] for m in mb if m.startswith(axis + ":")}
        if axis in ("aid type", "stage") and a.claim.kind != "money" and not (va or vb):
            continue
        if default is None:
            if not va or not vb or va == vb:
                continue
        else:
            va, vb = va or {default}, vb or {default}
            if va == vb:
                continue
        first, second = sorted((", ".join(sorted(va)) or "-", ", ".join(sorted(vb)) or "-"))
        parts.append(f"{axis}: {first} vs {second}")
    return "; ".join(parts)
