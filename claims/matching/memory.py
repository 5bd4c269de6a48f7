"""Matching as ingest does it, without a database: for evaluation, tests and benchmarks.

`MemoryIndex` is the `claim_keys` table and `claims.ingest.match_new` in memory: each new article's
claims are filed under their keys, each key's newest `window` claims are fetched, and the new
claims are judged against them (themselves included), so results equal a real ingest's.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from claims.matching.keys import BLOCK_WINDOW, block_keys
from claims.matching.retrieval import match_claims

if TYPE_CHECKING:
    from collections.abc import Sequence

    from claims.models import ClaimRef, MatchResult


class MemoryIndex:
    """Stored claims by key, in id order, and the matching step of one ingest."""

    def __init__(self, window: int = BLOCK_WINDOW) -> None:
        self.window = window
        self.by_key: dict[str, list[ClaimRef]] = defaultdict(list)
        self.fetched = 0
        """Candidates read by the last `add` (what the database would have returned)."""

    def add(self, new: Sequence[ClaimRef]) -> list[MatchResult]:
        """Store one article's claims and match them as ingest would; ids must grow."""
        claim_keys = [block_keys(ref.claim) for ref in new]
        for ref, keys in zip(new, claim_keys, strict=True):
            for key in keys:
                self.by_key[key].append(ref)
        members: dict[int, ClaimRef] = {}
        for key in sorted({k for keys in claim_keys for k in keys}):
            for ref in self.by_key[key][-self.window :]:
                members[ref.id] = ref
        refs = [members[i] for i in sorted(members)]
        self.fetched = len(refs)
        new_ids = {ref.id for ref, keys in zip(new, claim_keys, strict=True) if keys}
        return match_claims([r for r in refs if r.id in new_ids], refs)
