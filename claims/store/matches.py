"""Matches: staging and writing a batch of matches (opening conflicts), rematching, reading."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, LiteralString

import msgspec
from psycopg import sql
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from claims.store.claims import CLAIM_SELECT, write_keys
from claims.store.rows import ClaimRow, MatchRow, fast_row

if TYPE_CHECKING:
    from collections.abc import Sequence

    from psycopg import AsyncConnection

    from claims.models import MatchResult

# --------------------------------------------------------------------------- matches & conflicts


_STAGE = """
CREATE TEMP TABLE IF NOT EXISTS staged_matches (
    claim_a bigint, claim_b bigint, label text, linked boolean, score float8,
    components jsonb, reason text, severity float8
) ON COMMIT DELETE ROWS
"""

# Insert (or, on rematch, update) the staged matches, then open a conflict with its first history
# row for every linked conflict that has none yet. One statement, whatever the number of pairs.
_WRITE_MATCHES: LiteralString = """
WITH written AS (
    INSERT INTO matches (claim_a, claim_b, label, linked, score, components, reason)
    SELECT claim_a, claim_b, label, linked, score, components, reason FROM staged_matches s
    WHERE NOT EXISTS (  -- a pair a person rejected is never suggested again (claims/store/queue.py)
        SELECT 1 FROM rejected_pairs r WHERE r.claim_a = s.claim_a AND r.claim_b = s.claim_b)
      AND NOT EXISTS (  -- nor is a retired claim, or one an editor marked wrong, matched again
        SELECT 1 FROM claims x WHERE x.id IN (s.claim_a, s.claim_b)
          AND (x.retired_at IS NOT NULL OR x.wrong_at IS NOT NULL))
    ON CONFLICT (claim_a, claim_b) DO {on_conflict}
    RETURNING id, claim_a, claim_b, label, linked
), opened AS (
    INSERT INTO conflicts (match_id, claim_a, claim_b, kind, subject, severity, reason)
    SELECT w.id, w.claim_a, w.claim_b, c.kind, c.subject, s.severity, s.reason
    FROM written w
    JOIN staged_matches s ON s.claim_a = w.claim_a AND s.claim_b = w.claim_b
    JOIN claims c ON c.id = w.claim_a
    WHERE w.label = 'conflict' AND w.linked
      AND NOT EXISTS (SELECT 1 FROM conflicts k WHERE k.match_id = w.id)
    RETURNING id
), announced AS (  -- webhook outbox (claims/webhooks.py delivers it), only when someone listens
    INSERT INTO webhook_events (event, conflict_id) SELECT 'conflict.created', id FROM opened
    WHERE EXISTS (SELECT 1 FROM webhooks WHERE active AND 'conflict.created' = ANY(events))
)
INSERT INTO conflict_history (conflict_id, status, note)
SELECT id, 'open', 'detected' FROM opened
RETURNING conflict_id
"""

_UPDATE_ON_CONFLICT: LiteralString = """UPDATE SET label = EXCLUDED.label, linked = EXCLUDED.linked,
    score = EXCLUDED.score, components = EXCLUDED.components, reason = EXCLUDED.reason"""


async def _stage(conn: AsyncConnection[Any], matches: Sequence[MatchResult]) -> None:
    await conn.execute(_STAGE)
    async with conn.cursor() as cur:
        async with cur.copy(
            "COPY staged_matches (claim_a, claim_b, label, linked, score, components, reason, severity) FROM STDIN"
        ) as copy:
            for m in matches:
                a, b = sorted((m.a, m.b))
                await copy.write_row(
                    (a, b, m.label, m.linked, m.score, Jsonb(m.components), m.reason, m.severity or 0.0)
                )


async def insert_matches(conn: AsyncConnection[Any], matches: Sequence[MatchResult]) -> int:
    """Store new matches (pairs ordered low id first) and open a conflict for each linked conflict.

    Must run inside a transaction (the staging table empties on commit). Returns conflicts opened.
    """
    if not matches:
        return 0
    await _stage(conn, matches)
    cur = await conn.execute(sql.SQL(_WRITE_MATCHES).format(on_conflict=sql.SQL("NOTHING")))
    return len(await cur.fetchall())


class RematchStats(msgspec.Struct, frozen=True, kw_only=True):
    matches: int
    conflicts_opened: int
    conflicts_withdrawn: int
    reviewed_kept: int


async def replace_matches(conn: AsyncConnection[Any], matches: Sequence[MatchResult]) -> RematchStats:
    """Make the stored matches exactly `matches`, keeping every reviewed conflict and its history.

    Unreviewed (open) conflicts the new rules no longer find are withdrawn; a conflict an editor
    has reviewed stays, with its match, whatever the rules now say: a person's verdict outranks
    a rule change. Must run inside a transaction.
    """
    await _stage(conn, matches)
    cur = await conn.execute(
        """
        SELECT count(*) FROM conflicts k JOIN matches m ON m.id = k.match_id
        WHERE k.status <> 'open' AND NOT EXISTS (
            SELECT 1 FROM staged_matches s
            WHERE s.claim_a = m.claim_a AND s.claim_b = m.claim_b AND s.label = 'conflict' AND s.linked)
        """
    )
    kept = (await cur.fetchone() or (0,))[0]
    await conn.execute(
        """
        DELETE FROM matches m
        WHERE NOT EXISTS (SELECT 1 FROM staged_matches s WHERE s.claim_a = m.claim_a AND s.claim_b = m.claim_b)
          AND NOT EXISTS (SELECT 1 FROM conflicts k WHERE k.match_id = m.id AND k.status <> 'open')
        """
    )
    cur = await conn.execute(sql.SQL(_WRITE_MATCHES).format(on_conflict=sql.SQL(_UPDATE_ON_CONFLICT)))
    opened = len(await cur.fetchall())
    cur = await conn.execute(
        """
        DELETE FROM conflicts k USING matches m
        WHERE k.match_id = m.id AND k.status = 'open' AND NOT (m.label = 'conflict' AND m.linked)
        RETURNING k.id
        """
    )
    withdrawn = len(await cur.fetchall())
    await conn.execute(
        """
        UPDATE conflicts k SET severity = s.severity, reason = s.reason
        FROM matches m JOIN staged_matches s ON s.claim_a = m.claim_a AND s.claim_b = m.claim_b
        WHERE k.match_id = m.id AND k.status = 'open' AND (k.severity, k.reason) IS DISTINCT FROM (s.severity, s.reason)
        """
    )
    return RematchStats(
        matches=len(matches), conflicts_opened=opened, conflicts_withdrawn=withdrawn, reviewed_kept=int(kept)
    )


async def all_claims(conn: AsyncConnection[Any], *, batch: int = 5000) -> list[ClaimRow]:
    """Every stored claim, fetched in batches through a server-side cursor."""
    rows: list[ClaimRow] = []
    async with conn.transaction(), conn.cursor(name="all_claims", row_factory=fast_row(ClaimRow)) as cur:
        await cur.execute(CLAIM_SELECT + " ORDER BY c.id")
        while chunk := await cur.fetchmany(batch):
            rows.extend(chunk)
    return rows


async def set_blocks(
    conn: AsyncConnection[Any],
    blocks: Sequence[tuple[int, str | None]],
    keys: Sequence[tuple[int, Sequence[str]]] | None = None,
) -> None:
    """Rewrite block keys, and all matching keys when given (after a change to the blocking rules)."""
    async with conn.cursor() as cur:
        await cur.executemany(
            "UPDATE claims SET block = %s WHERE id = %s AND block IS DISTINCT FROM %s",
            [(block, claim_id, block) for claim_id, block in blocks],
        )
    if keys is not None:
        await conn.execute("DELETE FROM claim_keys")
        await write_keys(conn, keys)


async def matches_of(conn: AsyncConnection[Any], claim_id: int) -> list[MatchRow]:
    """Every match of one claim, either side, for its detail page."""
    async with conn.cursor(row_factory=class_row(MatchRow)) as cur:
        await cur.execute(
            """
            SELECT %(id)s::bigint AS claim_id,
                   CASE WHEN m.claim_a = %(id)s THEN m.claim_b ELSE m.claim_a END AS other_id,
                   m.label, m.linked, m.score, m.components, m.reason
            FROM matches m
            WHERE m.claim_a = %(id)s OR m.claim_b = %(id)s
            ORDER BY m.linked DESC, m.score DESC
            """,
            {"id": claim_id},
        )
        return await cur.fetchall()


async def all_matches(conn: AsyncConnection[Any]) -> list[MatchRow]:
    """Every stored match, as (claim_a, claim_b) = (claim_id, other_id), in id order (the evaluation
    reads a whole corpus back this way)."""
    async with conn.cursor(row_factory=class_row(MatchRow)) as cur:
        await cur.execute(
            """
            SELECT m.claim_a AS claim_id, m.claim_b AS other_id, m.label, m.linked, m.score, m.components, m.reason
            FROM matches m ORDER BY m.id
            """
        )
        return await cur.fetchall()


async def lock_matching(conn: AsyncConnection[Any]) -> None:
    """Make ingests wait (rather than interleave) while a rematch rebuilds every match."""
    await conn.execute("LOCK TABLE matches, conflicts IN EXCLUSIVE MODE")


async def lock_blocks(conn: AsyncConnection[Any], keys: Sequence[str]) -> None:
    """Serialise the ingests that share a block, so two articles stored at once still see each other.

    Transaction-scoped advisory locks, one per key, taken in the caller's transaction.
    """
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(%(keys)s::text[]) AS k",
        {"keys": list(keys)},
    )
