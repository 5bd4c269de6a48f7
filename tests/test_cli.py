"""The command line as a user runs it: real processes, real database, clear errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from claims import migrate
from tests.conftest import truncate_all

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def dsn(dsn: str) -> str:
    """A database of its own, so the CLI's truncations never touch the API tests' data."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS claims_cli_tests")
        conn.execute("CREATE DATABASE claims_cli_tests")
    own = make_conninfo(dsn, dbname="claims_cli_tests")
    migrate.migrate(own)
    return own


def run(dsn: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": dsn}
    return subprocess.run(
        [sys.executable, "-m", "claims.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )


def test_ingest_folder_with_manifest_then_conflicts(dsn: str, tmp_path: Path) -> None:
    truncate_all(dsn)
    folder = tmp_path / "wire"
    folder.mkdir()
    (folder / "a.txt").write_text("The ministry said 1,200 refugees had arrived by 3 March 2023.\n")
    (folder / "b.html").write_text("<p>Officials pledged EUR 40 million in aid on 1 March 2023.</p>")
    manifest = {
        "articles": [
            {"file": "a.txt", "source": "Wire A", "published": "2023-03-04"},
            {"file": "b.html", "source": "Wire B", "published": "2023-03-02"},
        ]
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    first = run(dsn, "ingest", str(folder))
    assert first.returncode == 0, first.stderr
    assert "ingested 2 new, 0 duplicate, 0 failed" in first.stdout
    again = run(dsn, "ingest", str(folder))
    assert "ingested 0 new, 2 duplicate" in again.stdout
    shown = run(dsn, "conflicts")
    assert shown.returncode == 0, shown.stderr


def test_bad_input_exits_non_zero_with_a_message(dsn: str, tmp_path: Path) -> None:
    missing = run(dsn, "ingest", str(tmp_path / "nope"))
    assert missing.returncode != 0 and "no such file or folder" in missing.stderr
    loose = tmp_path / "loose.txt"
    loose.write_text("12 ships sailed on 3 May 2021.")
    no_source = run(dsn, "ingest", str(loose))
    assert no_source.returncode != 0 and "--source" in no_source.stderr
    assert "Traceback" not in missing.stderr + no_source.stderr
    ok = run(dsn, "ingest", "--source", "Loose Leaf", str(loose))
    assert ok.returncode == 0, ok.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["conflicts", "--limit", "-1"], "--limit: -1 is out of range: give a number from 1 to 10000"),
        (["conflicts", "--limit", "ten"], "--limit: 'ten' is not a whole number"),
        (["serve", "--port", "70000"], "--port: 70000 is out of range"),
        (["serve", "--workers", "0"], "--workers: 0 is out of range"),
        (["ingest", "--jobs", "0", "x.txt"], "--jobs: 0 is out of range"),
        (["conflicts", "--status", "closed"], "invalid choice: 'closed'"),
    ],
)
def test_bad_arguments_are_usage_errors(dsn: str, args: list[str], message: str) -> None:
    """A bad argument ends with argparse's usage line, a message naming the argument and exit 2."""
    out = run(dsn, *args)
    assert out.returncode == 2, out.stderr
    assert message in out.stderr and "usage: claims" in out.stderr
    assert "Traceback" not in out.stderr


def test_migrate_is_idempotent(dsn: str) -> None:
    out = run(dsn, "migrate")
    assert out.returncode == 0 and "none pending" in out.stdout


def test_rematch_keeps_reviewed_conflicts(dsn: str, tmp_path: Path) -> None:
    """A rule change must not erase an editor's verdict; unreviewed detections are recomputed."""
    truncate_all(dsn)
    folder = tmp_path / "rm"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Russia's full-scale invasion of Ukraine began on 24 February 2022, officials said.\n"
    )
    (folder / "b.txt").write_text(
        "Russia's full-scale invasion of Ukraine began on 26 February 2022, the paper said.\n"
    )
    (folder / "manifest.json").write_text(
        json.dumps(
            {
                "articles": [
                    {"file": "a.txt", "source": "A", "published": "2022-03-01"},
                    {"file": "b.txt", "source": "B", "published": "2022-03-02"},
                ]
            }
        )
    )
    assert run(dsn, "ingest", str(folder)).returncode == 0
    with psycopg.connect(dsn, autocommit=True) as conn:
        before = conn.execute("SELECT count(*) FROM matches").fetchone()
        conn.execute("UPDATE conflicts SET status = 'confirmed'")
        conn.execute(
            "INSERT INTO conflict_history (conflict_id, status, reviewer) SELECT id, 'confirmed', 'ed' FROM conflicts"
        )
        reviewed = conn.execute("SELECT count(*) FROM conflicts").fetchone()
        assert reviewed is not None and reviewed[0] == 1, "24 vs 26 February for one invasion is a conflict"
        # a rule change that drops every block key: nothing can match any more
        conn.execute("UPDATE matches SET label = 'agree' WHERE id IN (SELECT match_id FROM conflicts)")
    out = run(dsn, "rematch")
    assert out.returncode == 0, out.stderr
    assert "rematched:" in out.stdout
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM conflicts WHERE status = 'confirmed'").fetchone() == reviewed
        assert conn.execute("SELECT count(*) FROM matches").fetchone() >= before
        history = conn.execute("SELECT count(*) FROM conflict_history").fetchone()
        assert history is not None and reviewed is not None and history[0] >= 2 * reviewed[0]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_bad_file_in_a_folder_is_skipped_and_the_rest_stored(dsn: str, tmp_path: Path, jobs: str) -> None:
    """Files are read as the ingest reaches them: one that is not UTF-8 (or has no text) is
    reported and skipped, every other one stored, and the exit status says something failed."""
    truncate_all(dsn)
    folder = tmp_path / f"mixed{jobs}"
    folder.mkdir()
    names = [f"{i:02d}.txt" for i in range(40)]  # more than one extraction chunk of 16
    for i, name in enumerate(names):
        (folder / name).write_text(f"Officials said {100 + i} boats reached the island of Lampedusa on 3 May 2021.\n")
    (folder / names[7]).write_bytes(b"\xff\xfe not UTF-8 \x80\x81")
    (folder / names[23]).write_text("  \n\n ")
    out = run(dsn, "ingest", "--jobs", jobs, "--source", "Mixed Wire", str(folder))
    assert out.returncode == 1, out.stderr
    assert f"skipped {folder / names[7]}: cannot read as UTF-8" in out.stderr
    assert f"skipped {folder / names[23]}" in out.stderr
    assert "ingested 38 new, 0 duplicate, 2 failed" in out.stdout
    assert "Traceback" not in out.stderr
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (38,)


def _postgres_of(data_dir: Path) -> list[int]:
    import psutil

    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmd = proc.info["cmdline"] or []
        if cmd and cmd[0].endswith("postgres") and str(data_dir) in cmd:
            found.append(proc.info["pid"])
    return found


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_stops_the_embedded_database_it_started(tmp_path: Path, sig: signal.Signals) -> None:
    """`claims serve` on a data folder of its own, stopped by a signal: the API shuts down and the
    embedded PostgreSQL it started is stopped too (no `postgres -D <folder>` left behind)."""
    import socket

    import httpx

    data_dir = tmp_path / "pg"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(CLAIMS_DATA_DIR=str(data_dir), CLAIMS_SPACY_MODEL="blank", CLAIMS_WEBHOOKS_ENABLED="false")
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "claims.cli", "serve", "--port", str(port)], env=env, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.3)
        assert _postgres_of(data_dir), "the embedded server runs while serving"
        proc.send_signal(sig)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    deadline = time.monotonic() + 10
    while _postgres_of(data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _postgres_of(data_dir), f"postgres of {data_dir} still running after {sig.name}"
