"""Bearer API keys on writes, compared in constant time."""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import unquote_to_bytes

from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException, ValidationException
from litestar.handlers.base import BaseRouteHandler

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def key_matches(presented: str, keys: tuple[str, ...]) -> bool:
    """True when `presented` equals one of `keys`; every key is compared, in constant time."""
    found = False
    for key in keys:
        found |= hmac.compare_digest(presented.encode(), key.encode())
    return found


async def check_v1_request(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """The one guard of /v1: the API key on writes, then the query string (see the two below).

    A single coroutine, not two sync guards: Litestar runs a sync guard in a worker thread and
    copies the route handler for every guard it calls, which on a read page cost more CPU than
    the checks themselves (and the thread hop made the event loop wait for the GIL).
    """
    require_key_on_writes(connection, handler)
    if connection.scope.get("query_string"):
        refuse_unstorable_query(connection, handler)


def require_key_on_writes(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if connection.scope.get("method") in WRITE_METHODS:
        require_bearer(connection, "writes")


def require_bearer(connection: ASGIConnection[Any, Any, Any, Any], purpose: str) -> None:
    """Raise 401 unless keys are off or the request carries one of them as a Bearer token."""
    keys: tuple[str, ...] = connection.app.state.settings.api_keys
    if not keys:
        return
    scheme, _sep, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key_matches(token.strip(), keys):
        raise NotAuthorizedException(
            f"a valid API key is required for {purpose}: send 'Authorization: Bearer <key>'",
            headers={"WWW-Authenticate": 'Bearer realm="claims"'},
        )


def refuse_nul_path(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """A path holding NUL (`/static/%00`) names no file: 404, before it reaches the file system
    (where it raised ValueError: a 500 and a logged traceback)."""
    if "\x00" in connection.scope.get("path", ""):
        raise NotFoundException("no such file")


def refuse_unstorable_query(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """A query string whose decoded bytes hold NUL (422) or are not UTF-8 (400) is refused.

    PostgreSQL text cannot hold NUL, so `?subject=%00` used to reach the driver and come back as
    a 500; bytes that are not UTF-8 were silently replaced by U+FFFD and searched for.
    """
    raw = unquote_to_bytes(connection.scope.get("query_string", b"").replace(b"+", b" "))
    if b"\x00" in raw:  # well-formed, but a value nothing can be stored or searched as: 422
        raise HTTPException(status_code=422, detail="query parameters must not contain NUL characters")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationException("query parameters must be UTF-8 (percent-encoded)") from None
