"""Conflicts kept rendered as JSON between requests, keyed by the conflict row's version.

A conflicts page embeds both claims of every conflict: 50 conflicts are 100 claims fetched by
random lookups, three times the bytes of a claims page, built and encoded on every request (the
slowest list in benchmarks/README.md). Yet a conflict's rendering only changes when its row does
(a review writes a new row version), and the claims and source names inside it never change
(migration 0011 makes the database refuse it). So each rendering is kept under (id, row version):
a page is one query over the conflicts table alone, plus one query for the conflicts this worker
has not rendered at their current version. The bytes are those of the uncached path
(tests/test_rendered.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import msgspec

from api import schemas
from claims import store
from claims.lru import LRU
from claims.store import feed

if TYPE_CHECKING:
    from collections.abc import Sequence

    from psycopg import AsyncConnection

Key = tuple[int, int]
"""(conflict id, row version)."""

_encoder = msgspec.json.Encoder()


RenderCache = LRU[Key, msgspec.Raw]
"""One per worker process, used from its event loop only."""


def _versioned(values: Sequence[Any]) -> tuple[int, schemas.Conflict]:
    return values[-1], schemas.conflict_from_values(values)


async def conflict_page(
    conn: AsyncConnection[Any],
    cache: RenderCache,
    filters: store.ConflictFilters,
    *,
    limit: int,
    cursor: str | None,
    window: feed.Window | None = None,
) -> schemas.ConflictPage:
    """The page `store.list_conflicts_with_claims` gives, from renderings kept in `cache` (or,
    with a feed `window`, the page `feed.conflicts_with_claims` gives)."""
    page: store.Page[tuple[int, int]] | feed.FeedPage[tuple[int, int]]
    if window is None:
        page = await store.conflict_versions(conn, filters, limit=limit, cursor=cursor)
    else:
        page = await feed.conflict_versions(conn, filters, window, limit=limit)
    listed = dict(page.items)
    found = {key[0]: cache.get(key) for key in page.items}
    missing = [conflict_id for conflict_id, raw in found.items() if raw is None]
    if missing:
        for version, conflict in await store.conflicts_with_claims_by_ids(conn, missing, _versioned):
            # The row read now may be newer than the version listed a moment ago (a review in
            # between): it is rendered and kept under its own version, and shown as it is now.
            raw = msgspec.Raw(_encoder.encode(conflict))
            cache.put((conflict.id, version), raw)
            if window is not None and version != listed[conflict.id]:
                # In a feed, a conflict changed since it was listed is shown at its new place,
                # after the horizon of this page: showing it here too would list one change twice.
                found[conflict.id] = None
                continue
            found[conflict.id] = raw
    items = [raw for raw in found.values() if raw is not None]  # a conflict deleted in between is left out
    # Raw items are spliced into the page's JSON as they are; the contract type stays `Conflict`.
    until = page.until if isinstance(page, feed.FeedPage) else None
    return schemas.ConflictPage(
        items=cast("list[schemas.Conflict]", items), next_cursor=page.next_cursor, updated_until=until
    )
