"""Unknown query parameters are an error (400), not silently ignored.

A poller that sends `updated_sinc=...` would otherwise get the whole list, every time, and never
notice. Each documented operation accepts exactly the query parameters its handler (and the
dependencies it uses) declares; anything else answers a 400 problem detail naming the unknown
names and the accepted ones (with a "did you mean" for a near miss).

The accepted names come from the kwargs model Litestar builds for each handler at start-up (the
same one that parses the parameters), read once per handler on its first request: a request then
costs one regex pass over the query string's bytes and a set comparison (a few µs).
Pages outside the API (the review pages, the docs UI, static files) are not checked.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from litestar.exceptions import ValidationException
from litestar.middleware import DefineMiddleware
from litestar.routes import HTTPRoute

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.types import ASGIApp, Receive, Scope, Send


Accepted = tuple[frozenset[str], frozenset[bytes]]
"""The names a handler accepts, as text and as the bytes they are on the wire."""


def accepted_query_parameters(app: Litestar) -> dict[int, Accepted | None]:
    """For every route handler of `app` (by id): the query parameter names it accepts, or None
    when it is not an API operation (not in the OpenAPI schema) and so is not checked."""
    accepted: dict[int, Accepted | None] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler, kwargs_model in route.route_handler_map.values():
            names = frozenset(p.field_alias for p in kwargs_model.expected_query_params)
            api = handler.resolve_include_in_schema()
            accepted[id(handler)] = (names, frozenset(n.encode() for n in names)) if api else None
    return accepted


def unknown_query_middleware() -> DefineMiddleware:
    return DefineMiddleware(_RefuseUnknownQuery)


_STATE_KEY = "accepted_query_parameters"


class _RefuseUnknownQuery:
    """One instance per route (Litestar builds the middleware stack of each route); the accepted
    names of the whole app are computed once per app, on its first request with a query."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.accepted: dict[int, Accepted | None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["query_string"]:
            if self.accepted is None:
                state = scope["litestar_app"].state
                if _STATE_KEY not in state:
                    state[_STATE_KEY] = accepted_query_parameters(scope["litestar_app"])
                self.accepted = state[_STATE_KEY]
            allowed = self.accepted.get(id(scope["route_handler"]))
            if allowed is not None:
                query: bytes = scope["query_string"]
                # Fast path: the raw names, one regex pass in C, against the names as bytes.
                if not allowed[1].issuperset(_NAME.findall(query)):
                    unknown = query_keys(query) - allowed[0]  # escaped names are decoded before judging
                    if unknown:
                        raise _unknown(scope, sorted(unknown), allowed[0])
        await self.app(scope, receive, send)


_NAME = re.compile(rb"(?:^|&)([^=&]+)")


def query_keys(query_string: bytes) -> set[str]:
    """The names in a query string, decoded as Litestar decodes them (`+` and %-escapes)."""
    return {key for key, _ in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)}


def _unknown(scope: Scope, unknown: list[str], allowed: frozenset[str]) -> ValidationException:
    operation = f"{scope.get('method', 'GET')} {scope['path']}"
    hints = []
    for name in unknown:
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        if close:
            hints.append(f"{name!r}: did you mean {close[0]!r}?")
    accepted = ", ".join(sorted(allowed)) or "none"
    detail = (
        f"unknown query parameter{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
        f"for {operation} (accepted: {accepted})"
    )
    if hints:
        detail += "; " + "; ".join(hints)
    errors = [{"key": name, "source": "query", "message": "unknown query parameter"} for name in unknown]
    return ValidationException(detail=detail, extra=errors)
