"""Request dependencies: one pooled connection per request, the settings, the NLP pipeline."""

from __future__ import annotations

import select
from collections.abc import AsyncGenerator
from typing import Annotated, Any

from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.openapi.spec import Example
from litestar.params import PathParameter, QueryParameter
from psycopg import AsyncConnection, OperationalError, pq
from psycopg_pool import AsyncConnectionPool


async def check_idle_connection(conn: AsyncConnection[Any]) -> None:
    """The pool's check on every checkout, without a round trip to the server.

    `AsyncConnectionPool.check_connection` sends an empty query and waits for the answer: a
    round trip on every request. A healthy idle connection has nothing to read, whereas a server
    that stopped, restarted or ended the session has sent its last message and closed the socket,
    which leaves it readable. So: a connection that libpq already knows is bad, that is not idle,
    or whose socket has anything to read is closed and refused (the pool then takes or makes
    another one), all with one non-blocking poll. What it cannot see (a peer gone silently, no
    FIN) the query itself reports, and the pool discards the connection on return.
    """
    pgconn = conn.pgconn
    if pgconn.status == pq.ConnStatus.OK and pgconn.transaction_status == pq.TransactionStatus.IDLE:
        try:
            if not _readable(pgconn.socket):
                return
        except (OSError, ValueError, OperationalError):
            pass
    await conn.close()
    raise OperationalError("the pooled connection was closed by the server")


if hasattr(select, "poll"):

    def _readable(fd: int) -> bool:
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))

else:  # pragma: no cover (Windows)

    def _readable(fd: int) -> bool:
        return bool(select.select([fd], [], [], 0)[0])


async def provide_conn(state: State) -> AsyncGenerator[AsyncConnection[Any], None]:
    pool: AsyncConnectionPool = state.pool
    async with pool.connection() as conn:
        yield conn


Conn = NamedDependency[AsyncConnection[Any]]
"""A pooled connection for this request (autocommit; the core opens transactions)."""

Limit = Annotated[int, QueryParameter(ge=1, le=500, description="Page size (default 50, at most 500).")]
Cursor = Annotated[str | None, QueryParameter(max_length=200, description="Opaque cursor from `next_cursor`.")]

MAX_ID = 2**53 - 1
"""Largest id accepted: ids are bigints, but past 2**53 JSON clients (JavaScript) lose precision, and a
bound the schema states exactly (as a double) keeps huge values from reaching SQL casts."""
Id = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="A row id (a positive bigint).")]
ArticleFilter = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID, description="Only claims of this article.")]


Severity = Annotated[
    float | None,
    # schema_extra: Litestar drops a falsy bound (ge=0) from the OpenAPI schema, so state it again.
    QueryParameter(ge=0, le=1, schema_extra={"minimum": 0}, description="Only conflicts at least this severe (0-1)."),
]

UpdatedSince = Annotated[
    str | None,
    QueryParameter(
        # a string checked here and parsed by claims.store.feed.parse_since: as a datetime, Litestar also
        # took a bare number (`0.5`) as a Unix time, which the documented date-time format excludes
        pattern=r"^\d{4}-\d\d-\d\d([Tt ]\d\d:\d\d(:\d\d(\.\d{1,6})?)?([Zz]|[+-]\d\d(:?\d\d)?)?)?$",
        description=(
            "Incremental feed: only what was stored or changed at or after this ISO 8601 instant "
            "(`2025-03-01T12:00:00Z`; no offset means UTC), ordered by change time then id instead of id. "
            "Follow `next_cursor` to the last page, then poll again with `updated_since` set to that page's "
            "`updated_until`: no change is missed or listed twice. Combines with the other filters."
        ),
        examples=[Example(summary="changes since a time", value="2025-03-01T12:00:00Z")],
    ),
]
