"""Request dependencies: one pooled connection per request, the settings, the NLP pipeline."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool


async def provide_conn(state: State) -> AsyncGenerator[AsyncConnection[Any], None]:
    pool: AsyncConnectionPool = state.pool
    async with pool.connection() as conn:
        yield conn


Conn = NamedDependency[AsyncConnection[Any]]
"""A pooled connection for this request (autocommit; the core opens transactions)."""

Limit = Annotated[int, QueryParameter(ge=1, le=500, description="Page size (default 50, at most 500).")]
Cursor = Annotated[str | None, QueryParameter(max_length=200, description="Opaque cursor from `next_cursor`.")]
