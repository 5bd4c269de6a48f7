"""Incremental feeds: what changed since a time, in pages a poller can follow without missing a
change or seeing one twice.

A feed page lists rows ordered by (change time, id): a claim's and an article's change time is
their `created_at` (they never change afterwards, migration 0011), a conflict's is `updated_at`,
which the database stamps on every insert and every change (migration 0019). The cursor holds
the position of the page's last row, (time, id), so the next page starts right after it, through
the (time, id) indexes of migration 0019.

Ordering by a timestamp alone would lose changes: a row's time is its transaction's start
(`now()`), and a transaction that started earlier can commit later than one a poller already
read past. So each page is bounded above by a *horizon*: the start of the oldest transaction still
open in this database (and at most one second ago, for a transaction so new that it is not yet
listed). Every transaction still running will stamp its rows at or after the horizon, so every
row before it is final, and a row that appears later always lands after the poller's position.
The last page reports its horizon as `until`; the next poll asks for `updated_since=until`.

The horizon reads `pg_stat_activity`, whose `xact_start` PostgreSQL shows only for sessions of
the same role (or to superusers and members of pg_read_all_stats): the writers and the API must
connect as one role, or the API's role needs pg_read_all_stats. A long transaction holds the feed
back (never makes it wrong) until it ends.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, LiteralString, TypeVar

import msgspec

from claims import store
from claims.errors import InvalidInput
from claims.store.articles import ARTICLE_SELECT
from claims.store.claims import CLAIM_SELECT_BRIEF
from claims.store.conflicts import CONFLICT_BRIEF_COLUMNS, CONFLICT_BRIEF_FROM
from claims.store.paging import decode_opaque, encode_opaque
from claims.text import partialdate

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from psycopg import AsyncConnection

T = TypeVar("T")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)

HORIZON: LiteralString = """
    SELECT least(now() - interval '1 second', min(xact_start))
    FROM pg_stat_activity
    WHERE datname = current_database() AND xact_start IS NOT NULL
"""


class Window(msgspec.Struct, frozen=True, kw_only=True):
    """One feed page's bounds: changes at or after `since`, before `until`, after `after`."""

    since: datetime
    until: datetime
    after: tuple[datetime, int] | None = None


class FeedPage(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    items: list[T]
    next_cursor: str | None
    until: datetime
    """The horizon of this page: poll again with `updated_since` = this after the last page."""


def encode_cursor(at: datetime, row_id: int) -> str:
    """The cursor of a feed page ending at (time, id), in microseconds so no precision is lost."""
    micros = (at - _EPOCH) // _MICRO
    return encode_opaque(("u", micros, row_id))


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The (time, id) after which the next feed page starts; a list cursor or one we did not
    make is bad input."""
    if cursor is None:
        return None
    decoded = decode_opaque(cursor, list[str | int])
    if decoded[:1] == ["id"]:
        raise InvalidInput("this cursor pages a list without updated_since: pass it without updated_since")
    match decoded:
        case ["u", int(micros), int(row_id)] if row_id >= 0:
            try:
                return _EPOCH + micros * _MICRO, row_id
            except OverflowError:
                pass
    raise InvalidInput("cursor is not one this API issued")


def parse_since(text: str) -> datetime:
    """`updated_since` as given (ISO 8601, as the API's pattern admits it) to an aware datetime."""
    try:
        value = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"updated_since {text!r} is not a valid ISO 8601 time") from None
    return as_utc(value)


def as_utc(value: datetime) -> datetime:
    """A timestamp without an offset is taken as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


async def window(conn: AsyncConnection[Any], since: datetime, cursor: str | None) -> Window:
    """The horizon of one feed page: every row before it is final (see the module's docstring)."""
    after = decode_cursor(cursor)
    cur = await conn.execute(HORIZON)
    row = await cur.fetchone()
    assert row is not None
    return Window(since=as_utc(since), until=row[0], after=after)


def _bounds(column: LiteralString, id_column: LiteralString, w: Window, params: dict[str, Any]) -> list[LiteralString]:
    params["feed_since"] = w.since
    params["feed_until"] = w.until
    where: list[LiteralString] = [column + " >= %(feed_since)s", column + " < %(feed_until)s"]
    if w.after is not None:
        params["feed_at"], params["feed_id"] = w.after
        where.append("(" + column + ", " + id_column + ") > (%(feed_at)s, %(feed_id)s)")
    return where


def feed_page(rows: list[tuple[T, datetime, int]], limit: int, until: datetime) -> FeedPage[T]:
    """The first `limit` rows with the cursor of the last and the horizon."""
    cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        cursor = encode_cursor(rows[-1][1], rows[-1][2])
    return FeedPage(items=[r[0] for r in rows], next_cursor=cursor, until=until)


def _keyed(make: Callable[[Sequence[Any]], T]) -> Any:
    """A row factory for rows whose last two columns are the feed position (time, id)."""

    def factory(_cursor: Any) -> Callable[[Sequence[Any]], tuple[T, datetime, int]]:
        return lambda v: (make(v), v[-2], v[-1])

    return factory


async def claims(
    conn: AsyncConnection[Any],
    filters: store.ClaimFilters,
    make: Callable[[Sequence[Any]], T],
    w: Window,
    *,
    limit: int = 50,
) -> FeedPage[T]:
    """Claims stored in the window, in (created_at, id) order; `make` as in `store.list_claims_as`
    (brief: without `published` and `context`)."""
    params: dict[str, Any] = {"limit": limit + 1}
    where = [*_bounds("c.created_at", "c.id", w, params), *store.claim_where(filters, params)]
    query: LiteralString = (
        CLAIM_SELECT_BRIEF.replace("FROM claims c", ", c.created_at, c.id FROM claims c", 1)
        + " WHERE "
        + " AND ".join(where)
        + " ORDER BY c.created_at, c.id LIMIT %(limit)s"
    )
    async with conn.cursor(row_factory=_keyed(make), binary=True) as cur:
        await cur.execute(query, params)
        rows = await cur.fetchall()
    return feed_page(rows, limit, w.until)


async def conflicts_with_claims(
    conn: AsyncConnection[Any],
    filters: store.ConflictFilters,
    make: Callable[[Sequence[Any]], T],
    w: Window,
    *,
    limit: int = 50,
) -> FeedPage[T]:
    """Conflicts opened or changed in the window, in (updated_at, id) order, with both claims."""
    params: dict[str, Any] = {"limit": limit + 1}
    where = [*_bounds("k.updated_at", "k.id", w, params), *store.conflict_where(filters, params)]
    query: LiteralString = (
        CONFLICT_BRIEF_COLUMNS
        + ", k.updated_at, k.id"
        + CONFLICT_BRIEF_FROM
        + " WHERE "
        + " AND ".join(where)
        + " ORDER BY k.updated_at, k.id LIMIT %(limit)s"
    )
    async with conn.cursor(row_factory=_keyed(make), binary=True) as cur:
        await cur.execute(query, params)
        rows = await cur.fetchall()
    return feed_page(rows, limit, w.until)


async def conflict_versions(
    conn: AsyncConnection[Any], filters: store.ConflictFilters, w: Window, *, limit: int = 50
) -> FeedPage[tuple[int, int]]:
    """`conflicts_with_claims` as (id, row version) pairs, as `store.conflict_versions` gives them."""
    params: dict[str, Any] = {"limit": limit + 1}
    where = [*_bounds("k.updated_at", "k.id", w, params), *store.conflict_where(filters, params)]
    query: LiteralString = (
        "SELECT k.id, k.xmin::text::bigint, k.updated_at, k.id FROM conflicts k WHERE "
        + " AND ".join(where)
        + " ORDER BY k.updated_at, k.id LIMIT %(limit)s"
    )
    async with conn.cursor(row_factory=_keyed(_pair), binary=True) as cur:
        await cur.execute(query, params)
        rows = await cur.fetchall()
    return feed_page(rows, limit, w.until)


def _pair(v: Sequence[Any]) -> tuple[int, int]:
    return v[0], v[1]


async def articles(
    conn: AsyncConnection[Any],
    w: Window,
    *,
    source: str | None = None,
    published_since: str | None = None,
    published_until: str | None = None,
    limit: int = 50,
) -> FeedPage[store.ArticleRow]:
    """Articles stored in the window, in (created_at, id) order."""
    params: dict[str, Any] = {"limit": limit + 1}
    where = _bounds("a.created_at", "a.id", w, params)
    if source is not None:
        where.append("a.source_id = (SELECT id FROM sources WHERE lower(name) = lower(%(source)s))")
        params["source"] = source
    if published_since is not None:
        where.append("a.published_to >= %(since)s")
        params["since"] = partialdate.bounds(published_since)[0]
    if published_until is not None:
        where.append("a.published_from <= %(until)s")
        params["until"] = partialdate.bounds(published_until)[1]
    query: LiteralString = (
        ARTICLE_SELECT.replace("FROM articles a", ", a.created_at, a.id FROM articles a", 1)
        + " WHERE "
        + " AND ".join(where)
        + " ORDER BY a.created_at, a.id LIMIT %(limit)s"
    )
    fields = store.ArticleRow.__struct_fields__

    def make(v: Sequence[Any]) -> store.ArticleRow:
        return store.ArticleRow(**dict(zip(fields, v, strict=False)))

    async with conn.cursor(row_factory=_keyed(make)) as cur:
        await cur.execute(query, params)
        rows = await cur.fetchall()
    return feed_page(rows, limit, w.until)
