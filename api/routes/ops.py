"""Liveness and readiness."""

from __future__ import annotations

from litestar import Response, get
from litestar.datastructures import State
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from api import schemas
from api.errors import NOT_READY
from claims import migrate, store


@get("/health", operation_id="Health", tags=["operations"], sync_to_thread=False)
def health() -> schemas.Health:
    """The process is up (says nothing about the database)."""
    return schemas.Health(status="ok")


@get("/ready", operation_id="Ready", tags=["operations"], responses=NOT_READY)
async def ready(state: State) -> Response[schemas.Health]:
    """The database answers, a pooled connection is free within `ready_timeout` and every migration
    on disk is applied. The body carries the pool's figures (`pool`: size, available, waiting)."""
    pool: AsyncConnectionPool = state.pool
    try:
        async with pool.connection(timeout=state.settings.ready_timeout) as conn:
            applied = await store.applied_migrations(conn)
    except PoolTimeout as exc:
        stats = _pool_stats(pool)
        # every connection exists and is taken: the database may be fine, but requests wait, then 503
        # (when the pool could not even make its connections, the database is what is unavailable)
        busy = stats["pool_size"] >= stats["pool_max"] and stats["pool_available"] == 0
        return Response(
            schemas.Health(
                status="saturated" if busy else "unavailable",
                detail={"pool": stats} if busy else {"database": type(exc).__name__, "pool": stats},
            ),
            status_code=503,
            headers={"Retry-After": "5"},
        )
    except Exception as exc:  # any failure to reach the database means "not ready"
        return Response(
            schemas.Health(status="unavailable", detail={"database": type(exc).__name__}),
            status_code=503,
            headers={"Retry-After": "5"},
        )
    missing = migrate.pending(applied)
    if missing:
        return Response(
            schemas.Health(status="migrating", detail={"pending": missing}),
            status_code=503,
            headers={"Retry-After": "5"},
        )
    return Response(
        schemas.Health(status="ready", detail={"migrations": len(applied), "pool": _pool_stats(pool)}),
        status_code=200,
    )


POOL_STATS = ("pool_min", "pool_max", "pool_size", "pool_available", "requests_waiting")


def _pool_stats(pool: AsyncConnectionPool) -> dict[str, int]:
    stats = pool.get_stats()
    return {key: int(stats.get(key, 0)) for key in POOL_STATS}
