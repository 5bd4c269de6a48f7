"""Run the API on the production HTTP server: granian (default) or uvicorn, chosen by `Settings.server`.

The app is named by import string (`APP`), never imported here: each worker process builds it from
the environment, so one process (the caller, `claims serve`) owns the embedded database and the
migration run whatever the number of workers. Both stacks are set up to behave alike: ASGI
lifespan on and fatal when it fails, graceful stop on SIGTERM/SIGINT (requests in flight are
answered), HTTP/1.1 only, a deadline on request headers, forwarded headers only from configured
proxies (in the app, api/serving.py), and the same access line when `Settings.access_log` is on.
The event loop and HTTP parser are fixed (uvloop; granian's Rust parser or httptools), not left to
whatever else happens to be installed. benchmarks/README.md has the measurements behind the choice.
"""

from __future__ import annotations

import importlib.metadata
import os
import signal
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from claims.settings import Settings

APP = "api.serving:create_served_app"
"""The ASGI app factory the workers import (api/serving.py)."""
UVICORN_HTTP = "api.serving:HeaderTimeoutHttpToolsProtocol"
"""uvicorn's httptools protocol with the header deadline, by import string (workers import it)."""
GRANIAN_ACCESS_FORMAT = '[%(time)s] %(addr)s "%(method)s %(path)s %(protocol)s" %(status)d'
"""Granian's access line; api.serving.AccessFormatter gives uvicorn's the same shape. The path is
logged without its query string, which carries search terms and cursors."""


class Stack(msgspec.Struct, frozen=True, kw_only=True):
    """What serves the requests: printed by `claims serve` and by benchmarks/api.py."""

    server: str
    loop: str
    http: str
    versions: dict[str, str]

    def describe(self) -> str:
        """One line, e.g. `granian 2.8.9, loop uvloop 0.23.0, HTTP parser granian (Rust, hyper)`."""
        v = self.versions
        loop = f"{self.loop} {v.get(self.loop, '?')}"
        http = self.http if self.http not in v else f"{self.http} {v[self.http]}"
        return f"{self.server} {v.get(self.server, '?')}, loop {loop}, HTTP parser {http}"


def stack(server: str) -> Stack:
    """The server, event loop and HTTP parser `run` uses for `server`, with installed versions."""
    names = ("granian", "uvloop") if server == "granian" else ("uvicorn", "uvloop", "httptools")
    versions = {n: _version(n) for n in names}
    http = "granian (Rust, hyper)" if server == "granian" else "httptools"
    return Stack(server=server, loop="uvloop", http=http, versions=versions)


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def run(settings: Settings, workers: int = 1) -> int:
    """Serve `APP` on `settings.host:port` with `workers` processes until SIGTERM/SIGINT; exit status."""
    if settings.server == "uvicorn":
        return _run_uvicorn(settings, workers)
    return _run_granian(settings, workers)


def _run_granian(settings: Settings, workers: int) -> int:
    from granian.constants import HTTPModes, Interfaces, Loops
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    from granian.server import Server

    os.register_at_fork(after_in_child=_plain_signals)
    header_ms = max(1, min(60_000, round(settings.header_timeout * 1000)))
    server = Server(
        APP,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        workers=workers,
        loop=Loops.uvloop,
        http=HTTPModes.http1,
        websockets=False,
        http1_settings=HTTP1Settings(header_read_timeout=header_ms),
        log_level=LogLevels(settings.log_level.lower()),
        log_access=settings.access_log,
        log_access_format=GRANIAN_ACCESS_FORMAT,
        factory=True,
    )
    try:
        server.serve()
    except SystemExit as stop:  # granian exits 1 when a worker failed (its lifespan startup, say)
        return stop.code if isinstance(stop.code, int) else 1
    return 0


def _plain_signals() -> None:
    """In a new worker: SIGTERM ends it and SIGINT interrupts it until granian sets its own handlers.

    A worker inherits the main process's handlers, which only set a flag in the main process's
    memory; granian replaces them after the app is imported and built (seconds). A SIGTERM in
    between was lost: the worker started serving and the main process waited for it for ever.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _run_uvicorn(settings: Settings, workers: int) -> int:
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    log_config: dict[str, Any] = {
        **LOGGING_CONFIG,
        "formatters": {**LOGGING_CONFIG["formatters"], "access": {"()": "api.serving.AccessFormatter"}},
    }
    uvicorn.run(
        APP,
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        loop="uvloop",
        http=UVICORN_HTTP,
        ws="none",
        lifespan="on",
        proxy_headers=False,
        access_log=settings.access_log,
        log_level=settings.log_level.lower(),
        log_config=log_config,
    )
    return 0
