"""`claims serve` on both servers, as real processes: the app behaves the same on granian and uvicorn.

For each server (CLAIMS_SERVER) and worker count: the lifespan runs (migrations, pool: /ready),
requests are answered, the access line has one shape and no query string, X-Forwarded-For is
believed only from configured proxies, slow headers are cut off, SIGTERM stops every process and
the embedded PostgreSQL that `claims serve` started; a lifespan that fails ends the server with a
non-zero status instead of leaving it up without an app.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import httpx
import psutil
import pytest

from claims.server import stack

if TYPE_CHECKING:
    from pathlib import Path

SERVERS = ("granian", "uvicorn")
ACCESS_LINE = re.compile(
    r'^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] 127\.0\.0\.1 "GET /v1/sources HTTP/1\.1" (200|429)$'
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _postgres_of(data_dir: Path) -> list[int]:
    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmd = proc.info["cmdline"] or []
        if cmd and cmd[0].endswith("postgres") and str(data_dir) in cmd:
            found.append(proc.info["pid"])
    return found


class Serve:
    """`python -m claims.cli serve` with some environment; output in a log file."""

    def __init__(self, log: Path, workers: int = 1, **env: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        environ = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMS_") and k != "DATABASE_URL"}
        environ.update({"CLAIMS_SPACY_MODEL": "blank", "CLAIMS_WEBHOOKS_ENABLED": "false", "CLAIMS_LOG_LEVEL": "INFO"})
        environ.update(env)
        with log.open("w") as out:
            argv = [sys.executable, "-m", "claims.cli", "serve", "--port", str(self.port), "--workers", str(workers)]
            self.proc = subprocess.Popen(argv, env=environ, stdout=out, stderr=subprocess.STDOUT)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 120
        while True:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                if httpx.get(f"{self.url}/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"not ready:\n{self.log.read_text()}"
            time.sleep(0.3)

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                return self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise
        return self.proc.returncode


def _forwarded_codes(url: str) -> list[int]:
    """Five requests, each claiming another client address, under a limit of 3 per address."""
    with httpx.Client(base_url=url, timeout=30) as c:
        return [c.get("/v1/sources", headers={"x-forwarded-for": f"203.0.113.{i}"}).status_code for i in range(5)]


def _closed_after_slow_headers(port: int) -> float | None:
    """Send a request's headers a line at a time; seconds until the server closed the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.monotonic()
        for _ in range(40):
            try:
                s.sendall(b"X-Slow: 1\r\n")
                s.settimeout(0.25)
                if s.recv(1) == b"":
                    return time.monotonic() - started
            except TimeoutError:
                continue
            except OSError:
                return time.monotonic() - started
    return None


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedded data folder for the module: each `claims serve` starts and stops its server."""
    return tmp_path_factory.mktemp("serve-pg")


@pytest.mark.parametrize(("server", "workers"), [(s, w) for s in SERVERS for w in (1, 2)])
def test_serve_runs_and_stops_alike(server: str, workers: int, data_dir: Path, tmp_path: Path) -> None:
    serve = Serve(
        tmp_path / "serve.log",
        workers,
        CLAIMS_SERVER=server,
        CLAIMS_DATA_DIR=str(data_dir),
        CLAIMS_ACCESS_LOG="true",
        CLAIMS_RATE_LIMIT="3",
        CLAIMS_HEADER_TIMEOUT="1",
    )
    try:
        serve.wait_ready()  # the lifespan ran: migrations applied, the pool open
        assert _postgres_of(data_dir), "the embedded PostgreSQL runs while serving"
        assert httpx.get(f"{serve.url}/v1/sources?limit=5", timeout=10).status_code == 200
        codes = _forwarded_codes(serve.url)  # not believed: every request is 127.0.0.1's
        assert 429 in codes, codes
        closed = _closed_after_slow_headers(serve.port)
        assert closed is not None and closed < 3.0, closed
        assert httpx.get(f"{serve.url}/health", timeout=10).status_code == 200
    finally:
        status = serve.stop(signal.SIGTERM)
    assert status in (0, 128 + signal.SIGTERM, -signal.SIGTERM), serve.log.read_text()
    deadline = time.monotonic() + 10
    while _postgres_of(data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _postgres_of(data_dir), f"postgres still running after SIGTERM:\n{serve.log.read_text()}"
    log = serve.log.read_text()
    assert stack(server).describe() in log, log
    assert "Traceback" not in log, log
    access = [line for line in log.splitlines() if "/v1/sources" in line]
    assert access and all(ACCESS_LINE.match(line) for line in access), access  # no query string logged
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{serve.url}/health", timeout=2)


@pytest.mark.parametrize("server", SERVERS)
def test_forwarded_for_believed_only_from_configured_proxies(server: str, dsn: str, tmp_path: Path) -> None:
    serve = Serve(
        tmp_path / "serve.log",
        CLAIMS_SERVER=server,
        DATABASE_URL=dsn,
        CLAIMS_RATE_LIMIT="3",
        CLAIMS_FORWARDED_ALLOW_IPS="127.0.0.1",
    )
    try:
        serve.wait_ready()
        assert _forwarded_codes(serve.url) == [200] * 5
    finally:
        serve.stop()
    log = serve.log.read_text()
    assert not [line for line in log.splitlines() if "/v1/sources" in line], "access log is off by default"


@pytest.mark.parametrize("server", SERVERS)
def test_a_failed_lifespan_stops_the_server(server: str, dsn: str, tmp_path: Path) -> None:
    serve = Serve(tmp_path / "serve.log", CLAIMS_SERVER=server, DATABASE_URL=dsn, CLAIMS_SPACY_MODEL="no_such_model")
    try:
        status = serve.proc.wait(timeout=120)
    finally:
        serve.stop(signal.SIGKILL)
    assert status != 0, serve.log.read_text()
    assert "no_such_model" in serve.log.read_text()
