"""Corrections: a corrected or withdrawn article, a claim marked wrong, and what a review publishes.

Every write appends to the audit log (`store.audit`) in the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 (msgspec reads the annotations at run time)
from typing import TYPE_CHECKING, Any

import msgspec
from psycopg.rows import class_row

from claims import store
from claims.errors import Conflict, NotFound
from claims.store import audit

if TYPE_CHECKING:
    from collections.abc import Sequence

    from psycopg import AsyncConnection

    from claims.store.audit import Actor

# --------------------------------------------------------------------------- corrections


class ArticleState(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    withdrawn_at: datetime | None
    superseded_by: int | None
    supersedes: int | None
    claims: int
    retired_claims: int


class ClaimState(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    article_id: int
    retired_at: datetime | None
    wrong_at: datetime | None


async def article_state(conn: AsyncConnection[Any], article_id: int) -> ArticleState:
    """Where an article stands in corrections: withdrawn, superseded, its claims retired."""
    async with conn.cursor(row_factory=class_row(ArticleState)) as cur:
        await cur.execute(
            """
            SELECT a.id, a.withdrawn_at, a.superseded_by, a.supersedes,
                   (SELECT count(*)::int FROM claims c WHERE c.article_id = a.id) AS claims,
                   (SELECT count(*)::int FROM claims c WHERE c.article_id = a.id AND c.retired_at IS NOT NULL)
                       AS retired_claims
            FROM articles a WHERE a.id = %(id)s
            """,
            {"id": article_id},
        )
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"article {article_id} does not exist")
    return row


async def claim_state(conn: AsyncConnection[Any], claim_id: int) -> ClaimState:
    """Whether a claim is retired (its article corrected) or marked wrong."""
    async with conn.cursor(row_factory=class_row(ClaimState)) as cur:
        await cur.execute("SELECT id, article_id, retired_at, wrong_at FROM claims WHERE id = %(id)s", {"id": claim_id})
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"claim {claim_id} does not exist")
    return row


async def close_open_conflicts(
    conn: AsyncConnection[Any], actor: Actor, claim_ids: Sequence[int], note: str
) -> list[int]:
    """Resolve every open conflict of these claims with `note`; reviewed ones keep their verdict."""
    cur = await conn.execute(
        "SELECT id FROM conflicts WHERE status = 'open' AND (claim_a = ANY(%(ids)s) OR claim_b = ANY(%(ids)s))"
        " ORDER BY id FOR UPDATE",
        {"ids": list(claim_ids)},
    )
    closed = [int(r[0]) for r in await cur.fetchall()]
    for conflict_id in closed:
        before = await store.get_conflict(conn, conflict_id)
        row = await store.review_conflict(
            conn, conflict_id, status="resolved", note=note, reviewer=actor.name, account_id=actor.account_id
        )
        await audit.record(conn, actor, "conflict.close", "conflict", conflict_id, before=before, after=row, note=note)
    return closed


async def _retire_article_claims(conn: AsyncConnection[Any], article_id: int) -> list[int]:
    cur = await conn.execute(
        "UPDATE claims SET retired_at = now() WHERE article_id = %(id)s AND retired_at IS NULL RETURNING id",
        {"id": article_id},
    )
    ids = [int(r[0]) for r in await cur.fetchall()]
    await conn.execute("DELETE FROM claim_keys WHERE claim_id = ANY(%(ids)s)", {"ids": ids})
    return ids


async def lock_article(conn: AsyncConnection[Any], article_id: int) -> ArticleState:
    """The article's state, its row locked for this transaction; 409 once withdrawn or superseded."""
    cur = await conn.execute("SELECT id FROM articles WHERE id = %(id)s FOR UPDATE", {"id": article_id})
    if await cur.fetchone() is None:
        raise NotFound(f"article {article_id} does not exist")
    state = await article_state(conn, article_id)
    if state.withdrawn_at is not None:
        raise Conflict(f"article {article_id} was withdrawn")
    if state.superseded_by is not None:
        raise Conflict(f"article {article_id} was corrected already: correct article {state.superseded_by} instead")
    return state


async def retire_for_correction(conn: AsyncConnection[Any], actor: Actor, article_id: int) -> list[int]:
    """First half of a correction (inside the caller's transaction, before the new version is
    stored, so its claims never match the old ones): retire the old claims, close their open conflicts."""
    ids = await _retire_article_claims(conn, article_id)
    return await close_open_conflicts(conn, actor, ids, CORRECTED_NOTE)


async def link_correction(
    conn: AsyncConnection[Any], actor: Actor, old: ArticleState, new_id: int, closed: list[int], note: str | None
) -> ArticleState:
    """Link the old and new versions of a corrected article both ways, and record both in the audit log."""
    await conn.execute("UPDATE articles SET superseded_by = %(new)s WHERE id = %(old)s", {"new": new_id, "old": old.id})
    await conn.execute("UPDATE articles SET supersedes = %(old)s WHERE id = %(new)s", {"new": new_id, "old": old.id})
    after = await article_state(conn, old.id)
    await audit.record(
        conn,
        actor,
        "article.correct",
        "article",
        old.id,
        before=old,
        after={**msgspec.structs.asdict(after), "closed_conflicts": closed},
        note=note,
    )
    await audit.record(conn, actor, "article.create", "article", new_id, after={"supersedes": old.id}, note=note)
    return after


async def withdraw(
    conn: AsyncConnection[Any], actor: Actor, article_id: int, note: str | None
) -> tuple[ArticleState, list[int]]:
    """Withdraw an article: its claims leave matching and their open conflicts close, with the reason."""
    async with conn.transaction():
        before = await lock_article(conn, article_id)
        await conn.execute("UPDATE articles SET withdrawn_at = now() WHERE id = %(id)s", {"id": article_id})
        ids = await _retire_article_claims(conn, article_id)
        closed = await close_open_conflicts(conn, actor, ids, WITHDRAWN_NOTE)
        after = await article_state(conn, article_id)
        await audit.record(
            conn,
            actor,
            "article.withdraw",
            "article",
            article_id,
            before=before,
            after={**msgspec.structs.asdict(after), "closed_conflicts": closed},
            note=note,
        )
    return after, closed


async def mark_wrong(
    conn: AsyncConnection[Any], actor: Actor, claim_id: int, note: str | None, *, wrong: bool = True
) -> tuple[ClaimState, list[int]]:
    """Mark a claim wrong (out of matching, its open conflicts closed), or undo that (`wrong=False`:
    it is matched again from the next ingest or rematch; closed conflicts keep their history)."""
    async with conn.transaction():
        cur = await conn.execute("SELECT id FROM claims WHERE id = %(id)s FOR UPDATE", {"id": claim_id})
        if await cur.fetchone() is None:
            raise NotFound(f"claim {claim_id} does not exist")
        before = await claim_state(conn, claim_id)
        await conn.execute(
            "UPDATE claims SET wrong_at = CASE WHEN %(wrong)s THEN coalesce(wrong_at, now()) END WHERE id = %(id)s",
            {"id": claim_id, "wrong": wrong},
        )
        closed = await close_open_conflicts(conn, actor, [claim_id], WRONG_NOTE) if wrong else []
        after = await claim_state(conn, claim_id)
        action = "claim.wrong" if wrong else "claim.unwrong"
        await audit.record(
            conn,
            actor,
            action,
            "claim",
            claim_id,
            before=before,
            after={**msgspec.structs.asdict(after), "closed_conflicts": closed},
            note=note,
        )
    return after, closed


CORRECTED_NOTE = "article corrected"
WITHDRAWN_NOTE = "article withdrawn"
WRONG_NOTE = "claim marked wrong"


# --------------------------------------------------------------------------- publishing


class ReviewFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What a published ClaimReview of a conflict needs beyond the conflict and its two claims."""

    wrong: dict[int, bool]
    contradicted_by: dict[int, int]
    """Per claim of the pair: distinct sources of the claims in (undismissed) conflict with it."""
    appearances: dict[int, list[int]]
    """Per claim of the pair: its article and those of the claims linked to it as agreeing."""
    verdict_at: datetime | None
    verdict_reviewer: str | None


async def review_facts(conn: AsyncConnection[Any], conflict: store.ConflictRow) -> ReviewFacts:
    """What ClaimReview needs about a conflict: its verdict, reviewer and how often each side is contradicted."""
    pair = [conflict.claim_a, conflict.claim_b]
    cur = await conn.execute("SELECT id, wrong_at IS NOT NULL FROM claims WHERE id = ANY(%(ids)s)", {"ids": pair})
    wrong = {int(r[0]): bool(r[1]) for r in await cur.fetchall()}
    cur = await conn.execute(
        """
        SELECT x.id, count(DISTINCT o.source_id)::int
        FROM unnest(%(ids)s::bigint[]) AS x(id)
        JOIN matches m ON m.linked AND m.label = 'conflict' AND x.id IN (m.claim_a, m.claim_b)
        JOIN claims o ON o.id = CASE WHEN m.claim_a = x.id THEN m.claim_b ELSE m.claim_a END
        WHERE NOT EXISTS (SELECT 1 FROM conflicts k WHERE k.match_id = m.id AND k.status = 'dismissed')
        GROUP BY x.id
        """,
        {"ids": pair},
    )
    contradicted = {int(r[0]): int(r[1]) for r in await cur.fetchall()}
    cur = await conn.execute(
        """
        SELECT x.id, array_agg(DISTINCT c.article_id ORDER BY c.article_id)
        FROM unnest(%(ids)s::bigint[]) AS x(id)
        JOIN claims c ON c.id = x.id OR c.id IN (
            SELECT CASE WHEN m.claim_a = x.id THEN m.claim_b ELSE m.claim_a END FROM matches m
            WHERE m.linked AND m.label = 'agree' AND x.id IN (m.claim_a, m.claim_b))
        GROUP BY x.id
        """,
        {"ids": pair},
    )
    appearances = {int(r[0]): [int(i) for i in r[1]] for r in await cur.fetchall()}
    cur = await conn.execute(
        "SELECT at, reviewer FROM conflict_history WHERE conflict_id = %(id)s"
        " AND status IN ('confirmed', 'resolved') ORDER BY id DESC LIMIT 1",
        {"id": conflict.id},
    )
    verdict = await cur.fetchone()
    return ReviewFacts(
        wrong=wrong,
        contradicted_by={i: contradicted.get(i, 0) for i in pair},
        appearances=appearances,
        verdict_at=verdict[0] if verdict else None,
        verdict_reviewer=verdict[1] if verdict else None,
    )
