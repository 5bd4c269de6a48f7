"""Recompute every block key and match after a change to the matching rules."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from claims import store
from claims.match import block_key, match_claims

if TYPE_CHECKING:
    from psycopg import AsyncConnection

    from claims.models import ClaimRef, MatchResult

log = logging.getLogger(__name__)


def rematch_blocks(refs: list[ClaimRef], blocks: dict[int, str | None]) -> list[MatchResult]:
    """All matches within each block, each unordered pair once."""
    by_block: dict[str, list[ClaimRef]] = defaultdict(list)
    for ref in refs:
        if (key := blocks[ref.id]) is not None:
            by_block[key].append(ref)
    results: list[MatchResult] = []
    for members in by_block.values():
        if len(members) > 1:
            results.extend(match_claims(members, members))
    return results


async def rematch(conn: AsyncConnection[Any]) -> store.RematchStats:
    """One transaction: new block keys, new matches; reviewed conflicts keep their verdict."""
    async with conn.transaction():
        # Ingests write matches too: make them wait rather than interleave with the rebuild.
        await conn.execute("LOCK TABLE matches, conflicts IN EXCLUSIVE MODE")
        rows = await store.all_claims(conn)
        refs = [r.to_ref() for r in rows]
        blocks = {ref.id: block_key(ref.claim) for ref in refs}
        await store.set_blocks(conn, list(blocks.items()))
        stats = await store.replace_matches(conn, rematch_blocks(refs, blocks))
    log.info("rematched claims=%d matches=%d", len(rows), stats.matches)
    return stats
