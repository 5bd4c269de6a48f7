"""Request dependencies: one pooled connection per request, the settings, the NLP pipeline."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from litestar.datastructures import State
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool


async def provide_conn(state: State) -> AsyncGenerator[AsyncConnection[Any], None]:
    pool: AsyncConnectionPool = state.pool
    async with pool.connection() as conn:
        yield conn
