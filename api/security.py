"""Bearer API keys on writes, compared in constant time."""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import unquote_to_bytes

from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.handlers.base import BaseRouteHandler

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def key_matches(presented: str, keys: tuple[str, ...]) -> bool:
    """True when `presented` equals one of `keys`; every key is compared, in constant time."""
    found = False
    for key in keys:
        found |= hmac.compare_digest(presented.encode(), key.encode())
    return found


def require_key_on_writes(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    keys: tuple[str, ...] = connection.app.state.settings.api_keys
    if not keys or connection.scope.get("method") not in WRITE_METHODS:
        return
    scheme, _sep, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key_matches(token.strip(), keys):
        raise NotAuthorizedException(
            "a valid API key is required for writes: send 'Authorization: Bearer <key>'",
            headers={"WWW-Authenticate": 'Bearer realm="claims"'},
        )


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
