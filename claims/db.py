"""Where the database is: an external server from `DATABASE_URL`, or the embedded pgserver one."""

from __future__ import annotations

import logging
import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

if TYPE_CHECKING:
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


def resolve_dsn(settings: Settings) -> str:
    """The connection string to use, starting the embedded server when none is configured."""
    if settings.database_url:
        return settings.database_url
    return _embedded_uri(settings.data_dir)
