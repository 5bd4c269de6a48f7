"""Conflicts: lists with both claims in one statement, versions, history and reviews."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, LiteralString, Protocol

import msgspec
from psycopg.rows import class_row

from claims.errors import NotFound, StaleWrite
from claims.store.claims import claims_by_ids, id_of, row_maker
from claims.store.paging import decode_cursor, keyset_page
from claims.store.rows import ClaimRow, ConflictRow, HistoryRow, Page, T, claim_columns, fast_row

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from psycopg import AsyncConnection


class ConflictFilters(msgspec.Struct, frozen=True, kw_only=True):
    status: str | None = None
    kind: str | None = None
    subject: str | None = None
    source: str | None = None
    article: int | None = None
    min_severity: float | None = None


_CONFLICT_COLUMNS = ", ".join(f"k.{name}" for name in ConflictRow.__struct_fields__)

CONFLICT_SELECT: LiteralString = f"""
    SELECT {_CONFLICT_COLUMNS}
    FROM conflicts k
"""


def conflict_where(f: ConflictFilters, params: dict[str, Any]) -> list[LiteralString]:
    """The WHERE clauses of these filters over `conflicts k` (their values go into `params`); the
    caller adds its own keyset condition, so the review page's ordering shares them too."""
    where: list[LiteralString] = []
    if f.status is not None:
        where.append("k.status = %(status)s")
        params["status"] = f.status
    if f.kind is not None:
        where.append("k.kind = %(kind)s")
        params["kind"] = f.kind
    if f.subject is not None:
        where.append("lower(k.subject) = lower(%(subject)s)")
        params["subject"] = f.subject
    if f.source is not None:
        where.append(
            "EXISTS (SELECT 1 FROM claims c JOIN sources s ON s.id = c.source_id"
            " WHERE c.id IN (k.claim_a, k.claim_b) AND lower(s.name) = lower(%(source)s))"
        )
        params["source"] = f.source
    if f.article is not None:
        # The article's few claims, then their conflicts through the claim_a / claim_b indexes
        # (an EXISTS per conflict row scanned every conflict for a rare article); LATERAL keeps
        # the planner on those indexes even while the conflicts table is small.
        where.append(
            "k.id IN (SELECT x.id FROM claims c CROSS JOIN LATERAL ("
            " SELECT k2.id FROM conflicts k2 WHERE k2.claim_a = c.id"
            " UNION ALL SELECT k2.id FROM conflicts k2 WHERE k2.claim_b = c.id) AS x"
            " WHERE c.article_id = %(article)s)"
        )
        params["article"] = f.article
    if f.min_severity is not None:
        where.append("k.severity >= %(min_severity)s")
        params["min_severity"] = f.min_severity
    return where


async def list_conflicts(
    conn: AsyncConnection[Any], f: ConflictFilters, *, limit: int = 50, cursor: str | None = None
) -> Page[ConflictRow]:
    """A keyset page of conflicts, without their claims."""
    params: dict[str, Any] = {"after": decode_cursor(cursor), "limit": limit + 1}
    where = ["k.id > %(after)s", *conflict_where(f, params)]
    query: LiteralString = CONFLICT_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY k.id LIMIT %(limit)s"
    async with conn.cursor(row_factory=fast_row(ConflictRow)) as cur:
        await cur.execute(query, params)
        rows = await cur.fetchall()
    return keyset_page(rows, limit, lambda r: r.id)


# Each conflict with both its claims, in one statement: per conflict row, index lookups of each
# claim (with its source and article) instead of a second query for the page's claims.

_CONFLICT_WITH_CLAIMS_SELECT: LiteralString = f"""
    SELECT {_CONFLICT_COLUMNS},
           {claim_columns("ca", "sa", "aa", frame=False)},
           {claim_columns("cb", "sb", "ab", frame=False)}
    FROM conflicts k
    LEFT JOIN (claims ca JOIN sources sa ON sa.id = ca.source_id JOIN articles aa ON aa.id = ca.article_id)
        ON ca.id = k.claim_a
    LEFT JOIN (claims cb JOIN sources sb ON sb.id = cb.source_id JOIN articles ab ON ab.id = cb.article_id)
        ON cb.id = k.claim_b
"""

CONFLICT_BRIEF_COLUMNS: LiteralString = f"""
    SELECT {_CONFLICT_COLUMNS},
           {claim_columns("ca", "sa", brief=True)},
           {claim_columns("cb", "sb", brief=True)}
"""
CONFLICT_BRIEF_FROM: LiteralString = """
    FROM conflicts k
    LEFT JOIN (claims ca JOIN sources sa ON sa.id = ca.source_id) ON ca.id = k.claim_a
    LEFT JOIN (claims cb JOIN sources sb ON sb.id = cb.source_id) ON cb.id = k.claim_b
"""
_CONFLICT_WITH_CLAIMS_SELECT_BRIEF: LiteralString = CONFLICT_BRIEF_COLUMNS + CONFLICT_BRIEF_FROM
# The same, by conflict id, with the conflict row's version (see `conflict_versions`) last.
_CONFLICTS_BY_IDS_BRIEF: LiteralString = (
    CONFLICT_BRIEF_COLUMNS + ", k.xmin::text::bigint" + CONFLICT_BRIEF_FROM + " WHERE k.id = ANY(%(ids)s) ORDER BY k.id"
)
CONFLICT_WIDTH = len(ConflictRow.__struct_fields__)
CLAIM_WIDTH = len(ClaimRow.__struct_fields__)


async def list_conflicts_with_claims(
    conn: AsyncConnection[Any],
    f: ConflictFilters,
    make: Callable[[Sequence[Any]], T],
    *,
    limit: int = 50,
    cursor: str | None = None,
    brief: bool = False,
) -> Page[T]:
    """`list_conflicts` with both claims of each conflict, in one query; `make` builds each item.

    `make` gets the conflict's columns (`ConflictRow` field order, `CONFLICT_WIDTH` of them), then
    claim A's and claim B's (`ClaimRow` order, `CLAIM_WIDTH` each; all None for a claim that is
    gone). The result must have an `id` (the next cursor). `brief`: the claims' `published` and
    `context` are None, as in `list_claims_as`.
    """
    params: dict[str, Any] = {"after": decode_cursor(cursor), "limit": limit + 1}
    where = ["k.id > %(after)s", *conflict_where(f, params)]
    select = _CONFLICT_WITH_CLAIMS_SELECT_BRIEF if brief else _CONFLICT_WITH_CLAIMS_SELECT
    query: LiteralString = select + " WHERE " + " AND ".join(where) + " ORDER BY k.id LIMIT %(limit)s"
    async with conn.cursor(row_factory=row_maker(make), binary=True) as cur:
        await cur.execute(query, params)
        rows = await cur.fetchall()
    return keyset_page(rows, limit, id_of)


async def conflict_versions(
    conn: AsyncConnection[Any], f: ConflictFilters, *, limit: int = 50, cursor: str | None = None
) -> Page[tuple[int, int]]:
    """A page of `list_conflicts` as (id, row version) pairs only.

    The row version is the conflict row's `xmin`, the transaction that wrote it: every review
    writes a new one, and a conflict deleted and written again under the same id (TRUNCATE ...
    RESTART IDENTITY) gets a new one too, so an (id, version) pair names one rendering for good
    (the claims inside cannot change: migration 0011). One table, no joins: cheap to plan and run.
    """
    params: dict[str, Any] = {"after": decode_cursor(cursor), "limit": limit + 1}
    where = ["k.id > %(after)s", *conflict_where(f, params)]
    query: LiteralString = (
        "SELECT k.id, k.xmin::text::bigint FROM conflicts k WHERE "
        + " AND ".join(where)
        + " ORDER BY k.id LIMIT %(limit)s"
    )
    async with conn.cursor(binary=True) as cur:
        await cur.execute(query, params)
        rows: list[tuple[int, int]] = await cur.fetchall()  # type: ignore[assignment]
    return keyset_page(rows, limit, _first)


def _first(row: tuple[int, int]) -> int:
    return row[0]


async def conflicts_with_claims_by_ids(
    conn: AsyncConnection[Any], ids: Sequence[int], make: Callable[[Sequence[Any]], T]
) -> list[T]:
    """The rows of `list_conflicts_with_claims(..., brief=True)` for these conflict ids, in id
    order, each with the conflict's row version (as in `conflict_versions`) as its last column."""
    async with conn.cursor(row_factory=row_maker(make), binary=True) as cur:
        await cur.execute(_CONFLICTS_BY_IDS_BRIEF, {"ids": list(ids)})
        return await cur.fetchall()


async def get_conflict(conn: AsyncConnection[Any], conflict_id: int) -> ConflictRow:
    """One conflict (NotFound otherwise)."""
    async with conn.cursor(row_factory=fast_row(ConflictRow)) as cur:
        await cur.execute(CONFLICT_SELECT + " WHERE k.id = %(id)s", {"id": conflict_id})
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"conflict {conflict_id} does not exist")
    return row


async def conflict_history(conn: AsyncConnection[Any], conflict_id: int) -> list[HistoryRow]:
    """A conflict's history, oldest first: who changed its status, when and why."""
    async with conn.cursor(row_factory=class_row(HistoryRow)) as cur:
        await cur.execute(
            "SELECT at, status, note, reviewer FROM conflict_history WHERE conflict_id = %(id)s ORDER BY id",
            {"id": conflict_id},
        )
        return await cur.fetchall()


async def review_conflict(
    conn: AsyncConnection[Any],
    conflict_id: int,
    *,
    status: str,
    note: str | None,
    reviewer: str | None,
    expected_version: int | None = None,
    account_id: int | None = None,
) -> ConflictRow:
    """Record a review: update the status and append (never rewrite) a history row.

    With `expected_version` the write only happens if nobody reviewed in between (optimistic
    concurrency); otherwise `Conflict` is raised.
    """
    async with conn.transaction():
        cur = await conn.execute(
            """
            UPDATE conflicts SET status = %(status)s, version = version + 1, updated_at = now()
            WHERE id = %(id)s AND (%(expected)s::int IS NULL OR version = %(expected)s)
            RETURNING id
            """,
            {"id": conflict_id, "status": status, "expected": expected_version},
        )
        if await cur.fetchone() is None:
            current = await get_conflict(conn, conflict_id)  # raises NotFound when it does not exist
            raise StaleWrite(
                f"conflict {conflict_id} is at version {current.version}, not {expected_version}: "
                "someone reviewed it since you read it; reload and retry"
            )
        await conn.execute(
            "INSERT INTO conflict_history (conflict_id, status, note, reviewer, account_id)"
            " VALUES (%(id)s, %(status)s, %(note)s, %(reviewer)s, %(account)s)",
            {"id": conflict_id, "status": status, "note": note, "reviewer": reviewer, "account": account_id},
        )
        await conn.execute(  # webhook outbox (claims/webhooks.py delivers it), only when someone listens
            "INSERT INTO webhook_events (event, conflict_id) SELECT 'conflict.updated', %(id)s WHERE EXISTS"
            " (SELECT 1 FROM webhooks WHERE active AND 'conflict.updated' = ANY(events))",
            {"id": conflict_id},
        )
    return await get_conflict(conn, conflict_id)


async def applied_migrations(conn: AsyncConnection[Any]) -> set[str]:
    """The migration versions this database has, for `/ready`."""
    cur = await conn.execute("SELECT version FROM schema_migrations")
    return {str(r[0]) for r in await cur.fetchall()}


class _Pair(Protocol):
    @property
    def claim_a(self) -> int: ...
    @property
    def claim_b(self) -> int: ...


async def claims_of(conn: AsyncConnection[Any], pairs: Sequence[_Pair]) -> dict[int, ClaimRow]:
    """Both claims of each of these conflicts (or queue items), by id, in one query."""
    return await claims_by_ids(conn, [i for p in pairs for i in (p.claim_a, p.claim_b)])


def pair_of(p: _Pair, claims: dict[int, ClaimRow]) -> list[ClaimRow]:
    """The claims of one conflict found in `claims_of`'s answer, A first (a retired one is left out)."""
    return [claims[i] for i in (p.claim_a, p.claim_b) if i in claims]
