"""Block keys: which stored claims a new claim is compared with (retrieval by who it is about).

A claim's keys are `kind|dimension|entity` for the entities of its article's topic, its subject and
the places of its clause (`count|count|derna`, `money|money|katrina`). Keys live in an indexed
table, and each key's newest `BLOCK_WINDOW` claims are the candidates, so matching one article
costs the same however large the archive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from claims.frame.names import entity_key
from claims.matching import cues

if TYPE_CHECKING:
    from claims.models import Claim


MAX_KEYS = 7

_GENERIC_COUNT_UNITS = frozenset({"year", "time", "occasion", "anniversary", "rank", "percent", "fraction"})

BLOCK_WINDOW = 2000
"""How many of a key's most recent claims a new claim is compared with. A hot key (every dollar
figure about the United States) would otherwise grow with the archive; the newest claims are the
ones an editor is reconciling, so matching cost stays flat and recall on years-old claims in a hot
key is what is given up."""


def block_keys(claim: Claim) -> list[str]:
    """`kind|dimension|entity` keys of a claim, or none when it should never be matched."""
    frame = claim.frame
    if frame is None:  # extracted before rules-4 (or built by hand): the event-cue judge's state block
        legacy = cues.block_key(claim)
        return [legacy] if legacy else []
    if frame.change:
        return []
    if claim.kind == "date":
        if not claim.date or len(claim.date) < 7:
            return []  # a bare year situates a sentence; it is not the date of an event
    elif claim.value is None and claim.low is None and claim.high is None:
        return []
    elif claim.kind == "money" and not claim.unit:
        return []
    elif claim.kind == "count" and (claim.unit or "") in _GENERIC_COUNT_UNITS:
        return []
    base = f"{claim.kind}|{frame.dimension}"
    names = dict.fromkeys([*frame.topic[:4], entity_key(claim.subject), *frame.places[:2]])
    return [f"{base}|{name}" for name in names if name][:MAX_KEYS]


def block_key(claim: Claim) -> str | None:
    """The first of `block_keys` (stored on the claim row for display and statistics)."""
    keys = block_keys(claim)
    return keys[0] if keys else None
