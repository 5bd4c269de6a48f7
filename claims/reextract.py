"""Upgrade an archive: re-extract stored articles with the current extractor, rematch, keep reviews.

Claims are immutable, so an article's old claims are retired (they leave matching and lists; their
rows, conflicts and histories stay) and the new claims are inserted beside them, with a lineage row
from each old claim to the new one that says the same thing. A conflict a person reviewed is
carried over when matching finds the same pair of (new) claims in conflict again: the new conflict
takes its status, with a note naming the old one. When it does not, the old conflict keeps its
status and gets a history note saying why it is archived. Each batch of articles is one
transaction; a run can stop anywhere and the next one goes on with the articles still stale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from claims import store
from claims.extraction import EXTRACTOR_VERSION, extract_many
from claims.ingest import match_new
from claims.matching import block_key, block_keys
from claims.store import reextract as rx
from claims.store.corrections import close_open_conflicts

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from psycopg import AsyncConnection
    from spacy.language import Language

    from claims.models import Claim, Extraction
    from claims.store.audit import Actor


class ReextractStats(msgspec.Struct, kw_only=True):
    articles: int = 0
    claims_before: int = 0
    claims_after: int = 0
    closed: int = 0
    """Open conflicts of the old claims, closed (matching opens them again where they still hold)."""
    opened: int = 0
    carried: int = 0
    """Reviewed conflicts whose pair is in conflict again: the new conflict has their status."""
    archived: int = 0
    """Reviewed conflicts no longer found: kept, with a history note saying so."""


def successors(old: Sequence[rx.OldClaim], new: Sequence[Claim], new_ids: Sequence[int]) -> list[tuple[int, int]]:
    """Which new claim says what each old claim said: the same kind and span first, else the same
    kind, figure text and sentence (a span that moved with a changed cleaner). Each claim once."""
    by_span: dict[tuple[str, int, int], int] = {(c.kind, c.start, c.end): i for c, i in zip(new, new_ids, strict=True)}
    by_text: dict[tuple[str, str, str], list[int]] = {}
    for c, new_id in zip(new, new_ids, strict=True):
        by_text.setdefault((c.kind, c.text, c.sentence), []).append(new_id)
    taken: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for o in old:
        i: int | None = by_span.get((o.kind, o.start, o.end))
        if i is None or i in taken:
            i = next((j for j in by_text.get((o.kind, o.text, o.sentence), []) if j not in taken), None)
        if i is not None:
            taken.add(i)
            pairs.append((o.id, i))
    return pairs


async def reextract(
    conn: AsyncConnection[Any],
    nlp: Language,
    actor: Actor,
    *,
    batch: int = 20,
    progress: Callable[[int], None] | None = None,
) -> ReextractStats:
    """Re-extract every live article another extractor version made; `conn` must be in autocommit."""
    stats = ReextractStats()
    after = 0
    while rows := await rx.stale_articles(conn, EXTRACTOR_VERSION, after=after, limit=batch):
        after = rows[-1].id
        extractions = list(extract_many(nlp, [(r.text, r.published, r.title) for r in rows]))
        async with conn.transaction():
            for row, extraction in zip(rows, extractions, strict=True):
                await _one(conn, actor, row, extraction, stats)
        if progress is not None:
            progress(len(rows))
    return stats


async def _one(
    conn: AsyncConnection[Any], actor: Actor, row: rx.StaleArticle, extraction: Extraction, stats: ReextractStats
) -> None:
    if not await rx.lock_if_stale(conn, row.id, EXTRACTOR_VERSION):
        return
    reason = f"re-extracted with {EXTRACTOR_VERSION}"
    old = await rx.retire_claims(conn, row.id)
    old_ids = [c.id for c in old]
    stats.closed += len(await close_open_conflicts(conn, actor, old_ids, reason))
    keys = [[] if row.near_duplicate_of is not None else block_keys(c) for c in extraction.claims]
    ids = await store.insert_claims(
        conn,
        article_id=row.id,
        source_id=row.source_id,
        claims=extraction.claims,
        blocks=[block_key(c) for c in extraction.claims],
        extractor_version=EXTRACTOR_VERSION,
        keys=keys,
    )
    await rx.mark_extracted(conn, row.id, EXTRACTOR_VERSION, extraction.topic)
    lineage = successors(old, extraction.claims, ids)
    await rx.write_lineage(conn, lineage, reason)
    stats.opened += await match_new(conn, ids, keys)
    carried, archived = await _carry_reviews(conn, actor, old_ids, dict(lineage))
    stats.articles += 1
    stats.claims_before += len(old)
    stats.claims_after += len(ids)
    stats.carried += carried
    stats.archived += archived


async def _carry_reviews(
    conn: AsyncConnection[Any], actor: Actor, old_ids: Sequence[int], new_of: dict[int, int]
) -> tuple[int, int]:
    """Carry each reviewed conflict of the retired claims over to its new pair, or archive it."""
    carried = archived = 0
    for k in await rx.reviewed_conflicts(conn, old_ids):
        a, b = new_of.get(k.claim_a, k.claim_a), new_of.get(k.claim_b, k.claim_b)
        gone = [i for i in (a, b) if i in old_ids]  # an old claim with no successor
        now = None if gone else await rx.conflict_between(conn, a, b)
        if now is not None and now.id != k.id:
            name, account = await rx.last_reviewer(conn, k.id)
            note = f"carried over from conflict {k.id} ({k.status}) when its claims were re-extracted"
            await store.review_conflict(conn, now.id, status=k.status, note=note, reviewer=name, account_id=account)
            await store.review_conflict(
                conn, k.id, status=k.status, note=f"archived: carried over to conflict {now.id}", reviewer=actor.name
            )
            carried += 1
            continue
        why = (
            "archived: the re-extracted article no longer has this figure"
            if gone
            else f"archived: re-extraction no longer finds claims {a} and {b} in conflict"
        )
        await store.review_conflict(conn, k.id, status=k.status, note=why, reviewer=actor.name)
        archived += 1
    return carried, archived
