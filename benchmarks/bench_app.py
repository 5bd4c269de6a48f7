"""The product API plus two reference endpoints, for the load benchmark only (never served in production).

- `GET /bench/trivial`: a constant JSON body; the framework's ceiling on this machine.
- `GET /bench/bare?after=N`: one keyset query for 50 claims (the product's claim SELECT, the
  same pool), rows encoded straight to JSON with msgspec: no dependency injection, no filters,
  no contract Structs. The practical ceiling for a database-backed page in this stack.

Uvicorn workers import it by name: `benchmarks.bench_app:create_bench_app` (factory=True);
settings come from the environment in each worker, as for `claims serve --workers N`.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar, Response, get
from litestar.datastructures import State  # noqa: TC002 (Litestar resolves it at runtime)

from api.app import create_app
from claims import store

_BARE_SQL = store._CLAIM_SELECT + " WHERE c.id > %(after)s ORDER BY c.id LIMIT 50"
_encoder = msgspec.json.Encoder()


@get("/bench/trivial", sync_to_thread=False)
def trivial() -> dict[str, Any]:
    return {"ok": True, "items": []}


@get("/bench/bare")
async def bare(state: State, after: int = 0) -> Response[bytes]:
    async with state.pool.connection() as conn:
        cur = await conn.execute(_BARE_SQL, {"after": after})
        rows = await cur.fetchall()
    return Response(_encoder.encode(rows), media_type="application/json")


def create_bench_app() -> Litestar:
    app = create_app()
    app.register(trivial)
    app.register(bare)
    return app
