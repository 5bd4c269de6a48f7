"""Migrations: idempotent, one transaction per file, safe when two runners start at once."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest

from claims import migrate
from claims.errors import Conflict


def _fresh_schema_dsn(dsn: str, name: str) -> str:
    """A DSN whose search_path is an empty schema of its own, so these tests never touch the app's."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        conn.execute(f"CREATE SCHEMA {name}")
    sep = "&" if "?" in dsn else "?"
    return f"{dsn}{sep}options=-csearch_path%3D{name}"


def test_applying_twice_applies_nothing_new(dsn: str) -> None:
    assert migrate.migrate(dsn) == []  # the session fixture already applied everything
    with psycopg.connect(dsn) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == [m.version for m in migrate.discover()]


def test_two_runners_at_once_apply_each_file_once(dsn: str) -> None:
    target = _fresh_schema_dsn(dsn, "mig_race")
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(migrate.migrate(target))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    applied = sorted(v for r in results for v in r)
    assert applied == [m.version for m in migrate.discover()]
    with psycopg.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone() == (len(applied),)


def test_failing_file_leaves_nothing_behind(dsn: str, tmp_path: Path) -> None:
    target = _fresh_schema_dsn(dsn, "mig_fail")
    (tmp_path / "0001_create_ok.sql").write_text("CREATE TABLE ok_table (id int);")
    (tmp_path / "0002_create_broken.sql").write_text("CREATE TABLE half (id int); SELECT no_such_fn();")
    with pytest.raises(psycopg.Error):
        migrate.migrate(target, tmp_path)
    with psycopg.connect(target) as conn:
        assert [r[0] for r in conn.execute("SELECT version FROM schema_migrations")] == ["0001"]
        assert conn.execute("SELECT to_regclass('half')").fetchone() == (None,)


def test_edited_migration_is_refused(dsn: str, tmp_path: Path) -> None:
    target = _fresh_schema_dsn(dsn, "mig_edit")
    f = tmp_path / "0001_create_thing.sql"
    f.write_text("CREATE TABLE thing (id int);")
    migrate.migrate(target, tmp_path)
    f.write_text("CREATE TABLE thing (id bigint);")
    with pytest.raises(Conflict):
        migrate.migrate(target, tmp_path)
