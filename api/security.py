"""Bearer API keys on writes, compared in constant time; who is asking, and what their role allows.

A request is made by an `Actor`: a named account (its own keys, `claims/accounts.py`), an admin
settings key (CLAIMS_API_KEYS, as before accounts existed), or, when no key of either kind is
configured, the keyless loopback mode (acting as admin, as before). Writes need at least the
`reviewer` role unless the route asks for more with `opt={"role": ...}`; a route may also ask a
role for reading (the audit log: admin).
"""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from litestar.connection import ASGIConnection
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.handlers.base import BaseRouteHandler

from claims.store import accounts
from claims.store.audit import Actor, role_rank

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON_MEDIA_TYPES = frozenset({"application/json", "application/x-ndjson"})


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
    await authorise(connection, handler)
    if connection.scope.get("method") in WRITE_METHODS:
        refuse_foreign_origin(connection)
        require_json_body(connection)
    if connection.scope.get("query_string"):
        refuse_unstorable_query(connection, handler)


def refuse_foreign_origin(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """403 for a write a browser sent from another site: its `Origin` is neither this server's
    own (the Host it was sent to) nor one of CLAIMS_CORS_ORIGINS. Without keys, a page the
    journalist opens could otherwise create articles and webhooks on the local instance.
    Requests without `Origin` (curl, servers, same-origin GETs) are not browsers' cross-site posts."""
    origin = connection.headers.get("origin")
    if origin is None:
        return
    if origin in connection.app.state.settings.cors_origins:
        return
    try:
        netloc = urlsplit(origin).netloc.lower()
    except ValueError:
        netloc = ""
    if not netloc or netloc != connection.headers.get("host", "").lower():
        raise PermissionDeniedException(f"writes from another site are refused (Origin {origin[:100]!r})")


def require_json_body(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """415 for a write whose body is not declared JSON or NDJSON. A browser sends `text/plain`,
    `application/x-www-form-urlencoded` and `multipart/form-data` cross-site without asking
    (no CORS preflight), so a body parsed whatever its declared type was a CSRF channel."""
    headers = connection.headers
    if headers.get("content-length", "0") in ("0", "") and "transfer-encoding" not in headers:
        return  # no body: nothing to parse
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in JSON_MEDIA_TYPES and not (media.startswith("application/") and media.endswith("+json")):
        raise HTTPException(
            status_code=415,
            detail=f"send the body as application/json (or application/x-ndjson), not {media or 'no content type'}",
        )


SETTINGS_KEY_ACTOR = Actor(account_id=None, name="settings key", role="admin")
LOCAL_ACTOR = Actor(account_id=None, name="local", role="admin")
WRITE_ROLE = "reviewer"


def _unauthorised(purpose: str) -> NotAuthorizedException:
    return NotAuthorizedException(
        f"a valid API key is required for {purpose}: send 'Authorization: Bearer <key>'",
        headers={"WWW-Authenticate": 'Bearer realm="claims"'},
    )


async def resolve_actor(connection: ASGIConnection[Any, Any, Any, Any], purpose: str) -> Actor:
    """Who sent the request; 401 for a key that is unknown or revoked, or for no key where keys exist."""
    settings = connection.app.state.settings
    scheme, _sep, token = connection.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and token:
        if settings.api_keys and key_matches(token, settings.api_keys):
            return SETTINGS_KEY_ACTOR
        async with connection.app.state.pool.connection() as conn:
            actor = await accounts.authenticate(conn, token)
        if actor is None:
            raise _unauthorised(purpose)
        return actor
    if settings.api_keys:
        raise _unauthorised(purpose)
    async with connection.app.state.pool.connection() as conn:
        if await accounts.any_active_key(conn):
            raise _unauthorised(purpose)
    return LOCAL_ACTOR


async def authorise(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Resolve the actor (writes, routes that ask for a role, requests that present a key) into
    `connection.state.actor`, then 403 when its role is below the one the route needs."""
    needed: str | None = (handler.opt or {}).get("role")
    if needed is None and connection.scope.get("method") in WRITE_METHODS:
        needed = WRITE_ROLE
    if needed is None and "authorization" not in connection.headers:
        return  # an anonymous read: open by design
    actor = await resolve_actor(connection, "writes" if needed == WRITE_ROLE else "this request")
    connection.state.actor = actor
    if needed is not None and role_rank(actor.role) < role_rank(needed):
        raise PermissionDeniedException(f"this needs the {needed} role; {actor.name!r} is a {actor.role}")


def actor_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    """The actor `authorise` resolved (routes that write or ask for a role always have one)."""
    actor = connection.state.get("actor")
    if actor is None:
        raise _unauthorised("this request")
    return actor  # type: ignore[no-any-return]


def require_bearer(connection: ASGIConnection[Any, Any, Any, Any], purpose: str) -> None:
    """Raise 401 unless keys are off or the request carries one of them as a Bearer token.

    An account's key resolved by `authorise` (which runs first, as the /v1 guard) counts when its
    account is an admin; other roles get 403."""
    actor = connection.state.get("actor")
    if isinstance(actor, Actor) and actor.account_id is not None:
        if actor.role != "admin":
            raise PermissionDeniedException(f"{purpose} need the admin role; {actor.name!r} is a {actor.role}")
        return
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
