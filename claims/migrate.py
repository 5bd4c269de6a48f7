"""Apply `migrations/NNNN_name.sql` forward-only, once each, safely from many processes at once.

One advisory lock serialises concurrent runners; each file and its record share a transaction,
so a crash leaves a migration either fully applied and recorded or not at all.
"""

from __future__ import annotations

import hashlib
import logging
import re
from importlib import resources
from pathlib import Path

import msgspec
import psycopg

from claims.errors import Conflict

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(str(resources.files("claims") / "migrations"))
"""Package data: `claims/migrations` links to the repository's `migrations/`, and the wheel carries
the files themselves, so an installed `claims` migrates without the repository."""
_LOCK_KEY = 0x636C61696D73  # "claims"
_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class Migration(msgspec.Struct, frozen=True, kw_only=True):
    version: str
    name: str
    checksum: str
    sql: str


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The numbered SQL files in order, each with its checksum (an applied file that changed is refused)."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        m = _FILE.match(path.name)
        if not m:
            raise ValueError(f"migration file name must be NNNN_verb_object.sql: {path.name}")
        sql = path.read_text(encoding="utf-8")
        found.append(
            Migration(
                version=m.group(1),
                name=m.group(2),
                checksum=hashlib.sha256(sql.encode()).hexdigest(),
                sql=sql,
            )
        )
    return found


_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     text PRIMARY KEY,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
)
"""


def migrate(dsn: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply pending migrations; return the versions applied by this call."""
    migrations = discover(directory)
    applied_now: list[str] = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
        try:
            conn.execute(_CREATE_TABLE)
            done: dict[str, str] = dict(conn.execute("SELECT version, checksum FROM schema_migrations").fetchall())
            for mig in migrations:
                if mig.version in done:
                    if done[mig.version] != mig.checksum:
                        raise Conflict(
                            f"migration {mig.version}_{mig.name} changed after it was applied; "
                            "add a new migration instead of editing an old one"
                        )
                    continue
                with conn.transaction():
                    conn.execute("SET LOCAL lock_timeout = '5s'")
                    conn.execute(mig.sql.encode())  # bytes: no parameter parsing of the file text
                    conn.execute(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                        (mig.version, mig.name, mig.checksum),
                    )
                log.info("applied migration %s_%s", mig.version, mig.name)
                applied_now.append(mig.version)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
    return applied_now


def pending(applied: set[str], directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Versions on disk not yet applied (what `/ready` checks)."""
    return [m.version for m in discover(directory) if m.version not in applied]
