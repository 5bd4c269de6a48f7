"""The embedded server's data folder: an older major version is refused with what to do, and
`claims.pgupgrade` copies a real PostgreSQL 16 folder (pgserver, claims before #12) into 18."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import psycopg
import pytest

from claims import db, migrate
from claims.settings import Settings


def test_older_data_dir_is_refused_and_left_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "pg"
    folder.mkdir()
    (folder / "PG_VERSION").write_text("16\n")
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(db.DataDirIncompatible) as err:
        db.resolve_dsn(Settings(data_dir=str(folder)))
    message = str(err.value)
    assert "PostgreSQL 16" in message and f"PostgreSQL {db.embedded_major()}" in message
    assert f"python -m claims.pgupgrade {folder}" in message
    assert "CLAIMS_DATA_DIR" in message and "DATABASE_URL" in message
    assert sorted(p.name for p in folder.iterdir()) == before  # no initdb, no server files


def test_cli_says_what_to_do_on_an_older_data_dir(tmp_path: Path) -> None:
    folder = tmp_path / "pg"
    folder.mkdir()
    (folder / "PG_VERSION").write_text("16\n")
    env = {"CLAIMS_DATA_DIR": str(folder), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "claims.cli", "migrate"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "claims.pgupgrade" in done.stderr and "Traceback" not in done.stderr


def test_a_fresh_or_current_folder_passes(tmp_path: Path) -> None:
    db.check_data_dir(tmp_path / "absent")
    current = tmp_path / "current"
    current.mkdir()
    (current / "PG_VERSION").write_text(f"{db.embedded_major()}\n")
    db.check_data_dir(current)


def test_pgupgrade_copies_a_postgresql_16_folder(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pgserver = pytest.importorskip("pgserver", reason="the PostgreSQL 16 side needs pgserver 0.1.4")
    tmp_path.chmod(0o755)  # as root the servers run as their own system users
    folder = tmp_path / "pg"
    old = pgserver.get_server(folder, cleanup_mode="stop")
    migrate.migrate(old.get_uri())
    with psycopg.connect(old.get_uri()) as conn:
        conn.execute("INSERT INTO sources (name) VALUES ('kept-outlet')")
    old.cleanup()

    done = subprocess.run(
        [sys.executable, "-m", "claims.pgupgrade", str(folder)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "pg.pg16" / "PG_VERSION").read_text().strip() == "16"
    assert db.data_dir_major(folder) == db.embedded_major()

    dsn = db.resolve_dsn(Settings(data_dir=str(folder)))
    try:
        assert migrate.migrate(dsn) == []  # the schema came along, nothing pending
        with psycopg.connect(dsn) as conn:
            assert conn.execute("SELECT name FROM sources").fetchall() == [("kept-outlet",)]
    finally:
        db.stop_embedded(str(folder))
