"""Where the database is: an external server from `DATABASE_URL`, or the embedded pgserver one."""

from __future__ import annotations

import logging
import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from claims.settings import Settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _embedded_uri(data_dir: str) -> str:
    Path(data_dir).parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
        import pgserver

        server = pgserver.get_server(data_dir, cleanup_mode="stop")
    log.info("embedded PostgreSQL running in %s", data_dir)
    uri: str = server.get_uri()
    _tune(uri)
    return uri


EMBEDDED_SETTINGS = {"random_page_cost": "1.1"}
"""Planner settings of the embedded server. PostgreSQL's default random_page_cost (4) prices a
random read as a disk seek; the embedded archive lives on local SSD and mostly in memory, where
a random page costs about what a sequential one does. With 4, a page of one outlet's claims was
planned as a walk along the primary key filtering out the other outlets (1,100 rows for 50) instead
of 50 lookups in the (source_id, id) index: twice the database time (benchmarks/README.md). An
external server (DATABASE_URL) is its operator's to tune; the README recommends the same."""


def _tune(uri: str) -> None:
    with psycopg.connect(uri, autocommit=True) as conn:
        changed = False
        for name, value in EMBEDDED_SETTINGS.items():
            current = conn.execute("SELECT setting FROM pg_settings WHERE name = %s", (name,)).fetchone()
            if current is None or current[0] != value:
                conn.execute(sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value)))
                changed = True
        if changed:
            conn.execute("SELECT pg_reload_conf()")


KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}
"""TCP keepalives on pooled connections (libpq parameters; ignored on Unix sockets): a server or
network that vanished without a FIN is noticed in about a minute, not after the kernel's two hours."""


def pool_kwargs(settings: Settings) -> dict[str, object]:
    """Connection parameters of the API's pool: autocommit and keepalives."""
    return {"autocommit": True, **KEEPALIVES}


def session_setup(settings: Settings) -> Callable[[psycopg.AsyncConnection[Any]], Awaitable[None]]:
    """The pool's `configure` callback: `statement_timeout` on every new connection (a SET, not
    libpq `options`, so options in DATABASE_URL stay as they are)."""
    millis = int(settings.statement_timeout * 1000)

    async def configure(conn: psycopg.AsyncConnection[Any]) -> None:
        if millis > 0:
            await conn.execute(sql.SQL("SET statement_timeout = {}").format(sql.Literal(millis)))

    return configure


def resolve_dsn(settings: Settings) -> str:
    """The connection string to use, starting the embedded server when none is configured."""
    if settings.database_url:
        return settings.database_url
    return _embedded_uri(settings.data_dir)
