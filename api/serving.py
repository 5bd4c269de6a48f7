"""What a browser on the journalist's machine and the network in front of the server may not do.

- `HostAllowList`: an ASGI middleware answering 400 to a `Host` header outside
  `Settings.allowed_hosts` (default: localhost, 127.0.0.1, [::1] and the bind host), so a
  DNS-rebinding page (`evil.example` re-pointed at 127.0.0.1) cannot talk to a keyless local
  instance. `/health` and `/ready` are exempt: orchestrator probes send the pod's address.
- `create_served_app`: what `claims serve` runs, by import string, on granian or uvicorn:
  `X-Forwarded-For`/`-Proto` are believed only from `Settings.forwarded_allow_ips` (uvicorn by
  default trusts 127.0.0.1, which let any local client pick its rate-limit address; granian reads
  none), by one middleware whatever the server.
- A deadline on request headers (a slowloris client holding connections one byte at a time):
  granian has it built in (claims/server.py sets it); for uvicorn, `HeaderTimeoutHttpToolsProtocol`
  (httptools, what `claims serve --server uvicorn` runs) and `HeaderTimeoutProtocol` (h11, the
  tests' in-process server) close a connection whose headers are not complete within
  `Settings.header_timeout` seconds.
- `AccessFormatter`: uvicorn's access line in the same shape as granian's (claims/server.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import TYPE_CHECKING, Any

import h11
import msgspec
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from claims.settings import Settings

if TYPE_CHECKING:
    from litestar.types import ASGIApp, HTTPResponseBodyEvent, HTTPResponseStartEvent, Receive, Scope, Send

EXEMPT_PATHS = frozenset({"/health", "/ready"})
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def allowed_hosts(settings: Settings) -> frozenset[str] | None:
    """Host names (lower case, no port, IPv6 without brackets) requests may name; None = any."""
    if "*" in settings.allowed_hosts:
        return None
    names = settings.allowed_hosts or (*LOOPBACK_HOSTS, settings.host)
    return frozenset(_host_name(n) for n in names if n)


def _host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    if host.count(":") == 1:  # name:port (a bare IPv6 address has several colons)
        return host.split(":")[0]
    return host


class HostAllowList:
    """ASGI middleware: 400 problem detail for a Host header this deployment does not answer to."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and scope.get("path") not in EXEMPT_PATHS:
            host = next((v for k, v in scope.get("headers", ()) if k == b"host"), b"")
            if _host_name(host.decode("latin-1")) not in self.allowed:
                await _refuse(send, 400, "this server does not answer to that Host header (CLAIMS_ALLOWED_HOSTS)")
                return
        await self.app(scope, receive, send)


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = msgspec.json.encode({"type": "about:blank", "status": status, "title": "Bad Request", "detail": detail})
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
    start: HTTPResponseStartEvent = {"type": "http.response.start", "status": status, "headers": headers}
    await send(start)
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(end)


class _HeaderDeadline:
    """The deadline on reading a request's headers, shared by both uvicorn protocols below: armed
    when the connection opens (and, by each protocol, after a response), disarmed when it ends."""

    header_timeout: float = float(os.environ.get("CLAIMS_HEADER_TIMEOUT") or 10.0)
    _header_timer: asyncio.TimerHandle | None = None
    loop: asyncio.AbstractEventLoop

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        raise NotImplementedError


class HeaderTimeoutProtocol(_HeaderDeadline, H11Protocol):
    """uvicorn's h11 protocol with a deadline on reading each request's headers.

    uvicorn has none: its keep-alive timer is cancelled by the first byte, so a client sending
    one byte every few seconds held a connection (and a file descriptor) for ever. The deadline is
    armed when the connection opens and after each response, and disarmed once h11 has the request
    line and every header; past it the connection is closed.
    """

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm()

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def header_timeout_protocol(seconds: float) -> type[HeaderTimeoutProtocol]:
    return type("HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), {"header_timeout": seconds})


def uvicorn_options(settings: Settings, *, picklable: bool = False) -> dict[str, Any]:
    """uvicorn.run / uvicorn.Config keywords that match the settings (see the module docstring).

    With `picklable` (several worker processes) the protocol is the module's class, which reads
    CLAIMS_HEADER_TIMEOUT itself.
    """
    trusted = ",".join(settings.forwarded_allow_ips)
    return {
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or "127.0.0.1",
        "http": HeaderTimeoutProtocol if picklable else header_timeout_protocol(settings.header_timeout),
    }


class HeaderTimeoutHttpToolsProtocol(_HeaderDeadline, HttpToolsProtocol):
    """uvicorn's httptools protocol with the same deadline on each request's headers.

    Armed when the connection opens and after each response (unless pipelined requests wait),
    disarmed once httptools has every header; if it fires while no request is being answered, the
    connection is closed (uvicorn's keep-alive timer is cancelled by the first byte received).
    """

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self.pipeline:
            self._arm()

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        answering = self.cycle is not None and not self.cycle.response_complete
        if not answering and not self.pipeline and not self.transport.is_closing():
            self.transport.close()


ACCESS_DATEFMT = "%Y-%m-%d %H:%M:%S %z"


class AccessFormatter(logging.Formatter):
    """uvicorn's access records as granian's line (claims.server.GRANIAN_ACCESS_FORMAT): time, client
    address, method, path without its query string, protocol, status."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None, style: Any = "%", **_: Any) -> None:
        super().__init__("%(message)s", ACCESS_DATEFMT)

    def format(self, record: logging.LogRecord) -> str:
        client, method, path, version, status = record.args  # type: ignore[misc]
        addr = str(client).rsplit(":", 1)[0] if str(client).count(":") == 1 else str(client)
        when = self.formatTime(record, self.datefmt)
        return f'[{when}] {addr} "{method} {str(path).split("?", 1)[0]} HTTP/{version}" {status}'


def create_served_app() -> ASGIApp:
    """The app `claims serve` runs in each worker (settings from the environment), by import string.

    Forwarded headers are handled here rather than by the server, so both servers believe them
    only from `Settings.forwarded_allow_ips` and in the same way (uvicorn's middleware: the
    right-most address that is not a trusted proxy).
    """
    from api.app import create_app

    settings = Settings.from_env()
    app: Any = create_app(settings)
    if settings.forwarded_allow_ips:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app = ProxyHeadersMiddleware(app, trusted_hosts=list(settings.forwarded_allow_ips))
    return app  # type: ignore[no-any-return]
