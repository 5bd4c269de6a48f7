"""SQL of re-extraction (`claims reextract`): which articles are stale, retiring an article's claims,
the lineage from old claims to new, and carrying a reviewed conflict over to the new claims."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from psycopg.rows import class_row

from claims.store.conflicts import get_conflict

if TYPE_CHECKING:
    from collections.abc import Sequence

    from psycopg import AsyncConnection

    from claims.store.rows import ConflictRow


class StaleArticle(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    source_id: int
    text: str
    published: str | None
    title: str | None
    near_duplicate_of: int | None


class OldClaim(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    kind: str
    start: int
    end: int
    text: str
    sentence: str


_LIVE = "withdrawn_at IS NULL AND superseded_by IS NULL AND extractor_version <> %(version)s"


async def count_stale(conn: AsyncConnection[Any], version: str) -> int:
    """How many live articles another extractor version made (what a run still has to do)."""
    cur = await conn.execute("SELECT count(*) FROM articles WHERE " + _LIVE, {"version": version})
    row = await cur.fetchone()
    return int(row[0]) if row else 0


async def stale_articles(conn: AsyncConnection[Any], version: str, *, after: int, limit: int) -> list[StaleArticle]:
    """The next `limit` stale live articles after id `after` (a run moves forward even past one
    that fails, and a new run starts again from the first article still stale)."""
    async with conn.cursor(row_factory=class_row(StaleArticle)) as cur:
        await cur.execute(
            "SELECT id, source_id, text, published, title, near_duplicate_of FROM articles WHERE "
            + _LIVE
            + " AND id > %(after)s ORDER BY id LIMIT %(limit)s",
            {"version": version, "after": after, "limit": limit},
        )
        return await cur.fetchall()


async def lock_if_stale(conn: AsyncConnection[Any], article_id: int, version: str) -> bool:
    """Lock the article for this transaction; False when it is no longer stale (another run, a
    correction or a withdrawal got there first)."""
    cur = await conn.execute(
        "SELECT 1 FROM articles WHERE id = %(id)s AND " + _LIVE + " FOR UPDATE", {"id": article_id, "version": version}
    )
    return await cur.fetchone() is not None


async def retire_claims(conn: AsyncConnection[Any], article_id: int) -> list[OldClaim]:
    """Retire the article's live claims (they leave matching and lists; rows and reviews stay) and
    take them off the article's and source's claim counts, which the new claims then fill again."""
    async with conn.cursor(row_factory=class_row(OldClaim)) as cur:
        await cur.execute(
            """
            UPDATE claims SET retired_at = now() WHERE article_id = %(id)s AND retired_at IS NULL
            RETURNING id, kind, start_offset AS start, end_offset AS "end", text, sentence
            """,
            {"id": article_id},
        )
        old = await cur.fetchall()
    if old:
        await conn.execute(
            "UPDATE articles SET claim_count = claim_count - %(n)s WHERE id = %(id)s", {"n": len(old), "id": article_id}
        )
        await conn.execute(
            "UPDATE sources SET claim_count = claim_count - %(n)s"
            " WHERE id = (SELECT source_id FROM articles WHERE id = %(id)s)",
            {"n": len(old), "id": article_id},
        )
    return sorted(old, key=lambda c: c.id)


async def mark_extracted(conn: AsyncConnection[Any], article_id: int, version: str, topic: Sequence[str]) -> None:
    """The article now carries the claims and topic of extractor `version`."""
    await conn.execute(
        "UPDATE articles SET extractor_version = %(v)s, topic = %(topic)s WHERE id = %(id)s",
        {"v": version, "topic": list(topic), "id": article_id},
    )


async def write_lineage(conn: AsyncConnection[Any], pairs: Sequence[tuple[int, int]], reason: str) -> None:
    """Record which new claim took over from which old one."""
    if pairs:
        async with conn.cursor() as cur:
            await cur.executemany(
                "INSERT INTO claim_lineage (old_id, new_id, reason) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                [(old, new, reason) for old, new in pairs],
            )


async def reviewed_conflicts(conn: AsyncConnection[Any], claim_ids: Sequence[int]) -> list[ConflictRow]:
    """The conflicts of these (just retired) claims that a person reviewed (any status but open),
    leaving out those whose other claim was retired before: they were carried or archived then."""
    cur = await conn.execute(
        """
        SELECT k.id FROM conflicts k
        JOIN claims ca ON ca.id = k.claim_a
        JOIN claims cb ON cb.id = k.claim_b
        WHERE k.status <> 'open' AND (k.claim_a = ANY(%(ids)s) OR k.claim_b = ANY(%(ids)s))
          AND (ca.retired_at IS NULL OR ca.id = ANY(%(ids)s))
          AND (cb.retired_at IS NULL OR cb.id = ANY(%(ids)s))
        ORDER BY k.id
        """,
        {"ids": list(claim_ids)},
    )
    return [await get_conflict(conn, int(r[0])) for r in await cur.fetchall()]


async def conflict_between(conn: AsyncConnection[Any], a: int, b: int) -> ConflictRow | None:
    """The conflict of this pair of claims, in either order, if matching opened one."""
    cur = await conn.execute(
        "SELECT id FROM conflicts WHERE claim_a = %(a)s AND claim_b = %(b)s",
        {"a": min(a, b), "b": max(a, b)},
    )
    row = await cur.fetchone()
    return await get_conflict(conn, int(row[0])) if row else None


async def last_reviewer(conn: AsyncConnection[Any], conflict_id: int) -> tuple[str | None, int | None]:
    """Who set the conflict's current status (name and account), from its latest history row."""
    cur = await conn.execute(
        "SELECT reviewer, account_id FROM conflict_history WHERE conflict_id = %(id)s ORDER BY id DESC LIMIT 1",
        {"id": conflict_id},
    )
    row = await cur.fetchone()
    return (row[0], row[1]) if row else (None, None)
