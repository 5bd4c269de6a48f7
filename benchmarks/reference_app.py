"""An outside reference for benchmarks/api.py: a bare Litestar app that does not move with the project.

- `GET /trivial`: a constant JSON body, what `/health` would cost with nothing behind it.
- `GET /page?after=N`: the 50 claims after id N, with the columns the REST `Claim` shows and
  the source's name (the same join as `/v1/claims`), from the same PostgreSQL through a psycopg
  pool, returned as a JSON list of objects: what a plain app written in an afternoon would do.

It imports nothing from `claims` or `api`, and its SQL is written out here on purpose: when the
product's queries, schema helpers or middleware change, this does not, so the product's ratio to
it shows what the product costs (the benchmark's earlier "bare" endpoint lived inside the product
app and moved with it). Served by benchmarks/api.py on granian with uvloop, like the product:

    DATABASE_URL=... granian --interface asgi --factory --loop uvloop --http 1 --no-ws \\
        benchmarks.reference_app:create_reference_app
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from litestar import Litestar, get
from litestar.datastructures import State  # noqa: TC002 (Litestar resolves it at runtime)
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator

PAGE_SQL = """
    SELECT c.id, c.article_id, c.source_id, s.name AS source, c.kind, c.text,
           c.start_offset AS start, c.end_offset AS "end", c.sentence, c.value, c.low, c.high,
           c.qualifier, c.unit, c.date, c.subject, c.about, c.as_of, c.period_start, c.period_end,
           c.attribution, c.extractor_version
    FROM claims c
    JOIN sources s ON s.id = c.source_id
    WHERE c.id > %(after)s
    ORDER BY c.id
    LIMIT 50
"""


@get("/trivial", sync_to_thread=False)
def trivial() -> dict[str, Any]:
    return {"status": "ok", "detail": {}}


@get("/page")
async def page(state: State, after: int = 0) -> dict[str, Any]:
    async with state.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(PAGE_SQL, {"after": after})
        rows = await cur.fetchall()
    return {"items": rows, "next": rows[-1]["id"] if rows else None}


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
    pool = AsyncConnectionPool(os.environ["DATABASE_URL"], min_size=1, max_size=10, kwargs={"autocommit": True})
    await pool.open()
    await pool.wait(timeout=30.0)
    app.state.pool = pool
    try:
        yield
    finally:
        await pool.close()


def create_reference_app() -> Litestar:
    return Litestar(route_handlers=[trivial, page], lifespan=[lifespan], debug=False)
