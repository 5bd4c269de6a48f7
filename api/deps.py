"""Request dependencies: one pooled connection per request, the settings, the NLP pipeline."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from claims.store import ClaimFilters


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


async def provide_conn_after_filters(
    state: State, filters: NamedDependency[ClaimFilters]
) -> AsyncGenerator[AsyncConnection[Any], None]:
    """A pooled connection, taken only once the claim filters have validated.

    Litestar resolves independent dependencies concurrently and, when one of them fails (a bad
    `article=AAA`), cancels the others and never closes generators already started: a connection
    taken beside a bad filter was cancelled mid-checkout or stayed checked out until garbage
    collection. Depending on `filters` orders the two, so bad input never touches the pool.
    """
    del filters
    pool: AsyncConnectionPool = state.pool
    async with pool.connection() as conn:
        yield conn


Severity = Annotated[
    float | None,
    # schema_extra: Litestar drops a falsy bound (ge=0) from the OpenAPI schema, so state it again.
    QueryParameter(ge=0, le=1, schema_extra={"minimum": 0}, description="Only conflicts at least this severe (0-1)."),
]
