"""Recompute every block key and match after a change to the matching rules."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from claims import store
from claims.matching import block_key, block_keys, match_claims

if TYPE_CHECKING:
    from psycopg import AsyncConnection

    from claims.models import ClaimRef, MatchResult

log = logging.getLogger(__name__)


def rematch_blocks(refs: list[ClaimRef], keys: dict[int, list[str]]) -> list[MatchResult]:
    """All matches among claims sharing a key, each unordered pair once (in id order, as ingest)."""
    by_key: dict[str, list[ClaimRef]] = defaultdict(list)
    for ref in refs:
        for key in keys[ref.id]:
            by_key[key].append(ref)
    results: list[MatchResult] = []
    seen: set[tuple[int, int]] = set()
    for members in by_key.values():
        if len(members) > 1:
            for m in match_claims(members, members):
                pair = (min(m.a, m.b), max(m.a, m.b))
                if pair not in seen:
                    seen.add(pair)
                    results.append(m)
    return results


async def rematch(conn: AsyncConnection[Any]) -> store.RematchStats:
    """One transaction: new block keys, new matches; reviewed conflicts keep their verdict."""
    async with conn.transaction():
        await store.lock_matching(conn)
        rows = await store.all_claims(conn)
        refs = [r.to_ref() for r in rows]
        keys = {ref.id: block_keys(ref.claim) for ref in refs}
        blocks = {ref.id: block_key(ref.claim) for ref in refs}
        await store.set_blocks(conn, list(blocks.items()), list(keys.items()))
        stats = await store.replace_matches(conn, rematch_blocks(refs, keys))
    log.info("rematched claims=%d matches=%d", len(rows), stats.matches)
    return stats
