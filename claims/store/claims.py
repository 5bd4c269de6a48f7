"""Claims: writing an article's claims and their matching keys, and reading claims back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, LiteralString

import msgspec

from claims.errors import InvalidInput, NotFound
from claims.store.paging import decode_cursor, keyset_page
from claims.store.rows import ClaimRow, Page, T, claim_columns, fast_row
from claims.text import partialdate

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date

    from psycopg import AsyncConnection

    from claims.models import Claim

_CLAIM_COLUMNS = (
    "article_id, source_id, kind, text, start_offset, end_offset, sentence, value, low, high, "
    "qualifier, unit, date, subject, about, as_of, period_start, period_end, attribution, context, "
    "block, time_from, time_to, extractor_version, frame"
)


def _time_bounds(claim: Claim) -> tuple[date | None, date | None]:
    iso = claim.date or claim.as_of
    if not iso:
        return None, None
    try:
        return partialdate.bounds(iso)
    except InvalidInput:
        return None, None


async def insert_claims(
    conn: AsyncConnection[Any],
    *,
    article_id: int,
    source_id: int,
    claims: Sequence[Claim],
    blocks: Sequence[str | None],
    extractor_version: str,
    keys: Sequence[Sequence[str]] | None = None,
) -> list[int]:
    """COPY the claims of one article in (with their matching `keys`); return their ids in input order."""
    if not claims:
        return []
    async with conn.cursor() as cur:
        async with cur.copy(f"COPY claims ({_CLAIM_COLUMNS}) FROM STDIN") as copy:
            for claim, block in zip(claims, blocks, strict=True):
                t_from, t_to = _time_bounds(claim)
                period = claim.period
                await copy.write_row(
                    (
                        article_id,
                        source_id,
                        claim.kind,
                        claim.text,
                        claim.start,
                        claim.end,
                        claim.sentence,
                        claim.value,
                        claim.low,
                        claim.high,
                        claim.qualifier,
                        claim.unit,
                        claim.date,
                        claim.subject,
                        claim.about,
                        claim.as_of,
                        period.start if period else None,
                        period.end if period else None,
                        claim.attribution,
                        claim.context,
                        block,
                        t_from,
                        t_to,
                        extractor_version,
                        _FRAME_JSON.encode(claim.frame).decode() if claim.frame else None,
                    )
                )
        await cur.execute(
            "SELECT id FROM claims WHERE article_id = %(a)s AND retired_at IS NULL ORDER BY id", {"a": article_id}
        )
        ids = [int(r[0]) for r in await cur.fetchall()]
        if keys is not None:
            await write_keys(conn, list(zip(ids, keys, strict=True)))
        return ids


_FRAME_JSON = msgspec.json.Encoder()


async def write_keys(conn: AsyncConnection[Any], keys: Sequence[tuple[int, Sequence[str]]]) -> None:
    """Store the matching keys of these claims (COPY; the claims must have none yet)."""
    async with conn.cursor() as cur, cur.copy("COPY claim_keys (key, claim_id) FROM STDIN") as copy:
        for claim_id, claim_keys in keys:
            for key in dict.fromkeys(claim_keys):
                await copy.write_row((key, claim_id))


# --------------------------------------------------------------------------- claims

CLAIM_SELECT: LiteralString = f"""
    SELECT {claim_columns()}
    FROM claims c
    JOIN sources s ON s.id = c.source_id
    JOIN articles a ON a.id = c.article_id
"""


CLAIM_SELECT_BRIEF: LiteralString = f"""
    SELECT {claim_columns(brief=True)}
    FROM claims c
    JOIN sources s ON s.id = c.source_id
"""
"""`CLAIM_SELECT` without `published` and `context` (NULL in their places), so without the
articles join: what the REST contract's Claim shows. Every claim has its article (NOT NULL
foreign key), so the rows are the same."""


class ClaimFilters(msgspec.Struct, frozen=True, kw_only=True):
    kind: str | None = None
    subject: str | None = None
    unit: str | None = None
    source: str | None = None
    source_id: int | None = None
    article: int | None = None
    q: str | None = None
    since: str | None = None
    until: str | None = None


def claim_where(f: ClaimFilters, params: dict[str, Any]) -> list[LiteralString]:
    """The WHERE fragments of these filters (values into `params`); shared by lists and feeds."""
    # a retired claim (its article corrected or re-extracted) is replaced by a newer one: lists
    # show the claims articles say now; the old rows stay readable by id, with their reviews
    where: list[LiteralString] = ["c.retired_at IS NULL"]
    if f.kind is not None:
        where.append("c.kind = %(kind)s")
        params["kind"] = f.kind
    if f.subject is not None:
        where.append("lower(c.subject) = lower(%(subject)s)")
        params["subject"] = f.subject
    if f.unit is not None:
        where.append("c.unit = %(unit)s")
        params["unit"] = f.unit
    if f.source is not None:
        where.append("c.source_id = (SELECT id FROM sources WHERE lower(name) = lower(%(source)s))")
        params["source"] = f.source
    if f.source_id is not None:
        where.append("c.source_id = %(source_id)s")
        params["source_id"] = f.source_id
    if f.article is not None:
        where.append("c.article_id = %(article)s")
        params["article"] = f.article
    if f.q is not None:
        where.append("c.search @@ websearch_to_tsquery('english', %(q)s)")
        params["q"] = f.q
    if f.since is not None:
        where.append("c.time_to >= %(since)s")
        params["since"] = partialdate.bounds(f.since)[0]
    if f.until is not None:
        where.append("c.time_from <= %(until)s")
        params["until"] = partialdate.bounds(f.until)[1]
    return where


async def list_claims(
    conn: AsyncConnection[Any], filters: ClaimFilters, *, limit: int = 50, cursor: str | None = None
) -> Page[ClaimRow]:
    """A keyset page of claims as `ClaimRow`s."""
    return await list_claims_as(conn, filters, _claim_row, limit=limit, cursor=cursor)


def _claim_row(values: Sequence[Any]) -> ClaimRow:
    return ClaimRow(*values)


async def list_claims_as(
    conn: AsyncConnection[Any],
    filters: ClaimFilters,
    make: Callable[[Sequence[Any]], T],
    *,
    limit: int = 50,
    cursor: str | None = None,
    brief: bool = False,
) -> Page[T]:
    """`list_claims`, each row built by `make` from the column values in `ClaimRow` field order.

    For a caller that wants its own Struct straight from the row (the API's `Claim`) rather than
    a `ClaimRow` copied into it; the result must have an `id` (the next cursor). `brief` leaves
    `published` and `context` out (None), which spares the articles join and the longest text.
    """
    params: dict[str, Any] = {"after": decode_cursor(cursor), "limit": limit + 1}
    where: list[LiteralString] = ["c.id > %(after)s", *claim_where(filters, params)]
    # Only fixed fragments are joined (no caller text), so this is still a literal query; a plain
    # string also skips building a `sql.Composed` on every request.
    select = CLAIM_SELECT_BRIEF if brief else CLAIM_SELECT
    query: LiteralString = select + " WHERE " + " AND ".join(where) + " ORDER BY c.id LIMIT %(limit)s"
    # Binary results: the same Python values, parsed with less work (ints, floats, timestamps).
    async with conn.cursor(row_factory=row_maker(make), binary=True) as cur:
        await cur.execute(query, params)
        rows = await cur.fetchall()
    return keyset_page(rows, limit, id_of)


def id_of(row: Any) -> int:
    """The keyset key of a claim page's row."""
    return int(row.id)


def row_maker(make: Callable[[Sequence[Any]], T]) -> Any:
    """A row factory applying `make` to each row tuple; the query fixes the column order (unlike
    `fast_row`, no `cursor.description` is built, which is 24 Column objects per claim page)."""

    def factory(_cursor: Any) -> Callable[[Sequence[Any]], T]:
        return make

    return factory


async def claims_by_ids(conn: AsyncConnection[Any], ids: Sequence[int]) -> dict[int, ClaimRow]:
    """Claims by id, in one query."""
    async with conn.cursor(row_factory=fast_row(ClaimRow)) as cur:
        await cur.execute(CLAIM_SELECT + " WHERE c.id = ANY(%(ids)s)", {"ids": list(ids)})
        return {r.id: r for r in await cur.fetchall()}


async def get_claim(conn: AsyncConnection[Any], claim_id: int) -> ClaimRow:
    """One claim (NotFound otherwise)."""
    found = await claims_by_ids(conn, [claim_id])
    if claim_id not in found:
        raise NotFound(f"claim {claim_id} does not exist")
    return found[claim_id]


async def block_members(conn: AsyncConnection[Any], blocks: Sequence[str], *, window: int) -> list[tuple[int, int]]:
    """Matching candidates: the `window` most recent stored claims of each block, as (id, row
    version) pairs in id order (deterministic ties in matching); the caller keeps the claims.

    One index range scan per key on (block, id), so the cost of matching an article does not grow
    with the archive even when a block is hot (every US dollar figure about the United States).
    The row version is the claim row's `xmin`. A claim's content never changes (migration 0011),
    and a claim written again under a reused id (TRUNCATE ... RESTART IDENTITY) has a new one, so
    an (id, version) pair names one claim for good. Only `block` may be rewritten (rematch), which
    gives a new version too: a cache keyed so just misses.
    """
    if not blocks:
        return []
    async with conn.cursor(binary=True) as cur:
        await cur.execute(
            """
            SELECT r.id, r.version FROM unnest(%(blocks)s::text[]) AS b(key)
            CROSS JOIN LATERAL (
                SELECT k.claim_id AS id FROM claim_keys k WHERE k.key = b.key
                ORDER BY k.claim_id DESC LIMIT %(window)s
            ) AS r0
            CROSS JOIN LATERAL (
                SELECT c.id, c.xmin::text::bigint AS version FROM claims c
                WHERE c.id = r0.id AND c.retired_at IS NULL AND c.wrong_at IS NULL
            ) AS r
            GROUP BY r.id, r.version
            ORDER BY r.id
            """,
            {"blocks": sorted(set(blocks)), "window": window},
        )
        return await cur.fetchall()  # type: ignore[return-value]
