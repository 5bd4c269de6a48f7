"""Browser sign-in for the review pages: a person signs in with their own account's API key.

Why a key and not a password: accounts (`claims/accounts.py`) already have per-person keys,
stored hashed and revocable, created by an admin with `claims users ...` or the API; a password
would be a second secret per person with its own storage, reset and slow-hash rules, for no gain
on a newsroom tool where an admin hands out keys anyway. The settings keys (CLAIMS_API_KEYS) still
sign in, as the admin "settings key", for a one-person install.

The session is a cookie (HttpOnly, SameSite=Strict, Secure over https, path /review, 12 hours)
holding `a.<key prefix>.<expiry>.<mac>`: the MAC is an HMAC-SHA256 keyed with the stored hash
of that key, so the cookie never holds the key, cannot be forged or extended without it, and
revoking the key (or removing a settings key) ends every session made with it. Forms are CSRF
safe three ways: SameSite=Strict, an Origin check on every POST, and a token in every form
derived from the session (an HMAC of the cookie), checked when the request is authenticated by
the cookie. `Authorization: Bearer <key>` works too, for tools (no cookie, no token needed).
Reading the pages is open, as reads of the API are; the keyless loopback mode (no key of any
kind configured) acts as the local admin, as the API does.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import msgspec
from litestar import Request
from psycopg import AsyncConnection

from api.security import LOCAL_ACTOR, SETTINGS_KEY_ACTOR, key_matches
from claims.settings import Settings
from claims.store import accounts
from claims.store.audit import Actor

COOKIE = "claims_review"
REVIEWER_COOKIE = "claims_reviewer"
SESSION_SECONDS = 12 * 3600
WRITE_ROLE = "reviewer"


class Viewer(msgspec.Struct, frozen=True, kw_only=True):
    """Who is looking at a page, and how they proved it."""

    actor: Actor | None
    """None: not signed in."""
    via: str = ""
    """`session` (the cookie), `bearer` (a key in the header), `local` (keyless mode) or empty."""
    csrf: str = ""
    """The token this session's forms carry (empty unless signed in by the cookie)."""
    keys_required: bool = True

    @property
    def signed_in(self) -> bool:
        return self.actor is not None

    @property
    def can_review(self) -> bool:
        return self.actor is not None and self.actor.can(WRITE_ROLE)

    @property
    def named(self) -> bool:
        """Signed in as a person's account (their name is recorded; no name field to fill)."""
        return self.actor is not None and self.actor.account_id is not None


def _mac(secret: bytes, payload: str) -> str:
    return hmac.new(secret, f"claims-review-session-v2|{payload}".encode(), hashlib.sha256).hexdigest()


def _settings_key_id(key: str) -> str:
    """Which settings key a session was made with, without naming it: 12 hex of its hash."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def session_value(kind: str, ident: str, secret: bytes, *, now: float | None = None) -> str:
    """The cookie for a session made with one key: `kind.ident.expiry.mac`."""
    expires = int((now if now is not None else time.time()) + SESSION_SECONDS)
    payload = f"{kind}.{ident}.{expires}"
    return f"{payload}.{_mac(secret, payload)}"


def csrf_token(cookie: str) -> str:
    """The token this session's forms carry: derived from the cookie, so no server state."""
    return hmac.new(hashlib.sha256(cookie.encode()).digest(), b"claims-review-csrf", hashlib.sha256).hexdigest()[:40]


async def keys_required(conn: AsyncConnection[Any], settings: Settings) -> bool:
    """Whether writes need a key at all (settings keys, or any active account key)."""
    return bool(settings.api_keys) or await accounts.any_active_key(conn)


async def _session_actor(conn: AsyncConnection[Any], settings: Settings, cookie: str) -> Actor | None:
    parts = cookie.split(".")
    if len(parts) != 4 or not parts[2].isascii() or not parts[2].isdigit():
        return None
    kind, ident, expires, mac = parts
    if int(expires) < time.time() or int(expires) > time.time() + SESSION_SECONDS + 60:
        return None
    payload = f"{kind}.{ident}.{expires}"
    if kind == "s":
        for key in settings.api_keys:
            if hmac.compare_digest(_settings_key_id(key), ident):
                secret = hashlib.sha256(key.encode()).digest()
                return SETTINGS_KEY_ACTOR if hmac.compare_digest(_mac(secret, payload), mac) else None
        return None
    if kind == "a" and len(ident) == 12 and ident.isascii() and ident.isalnum():
        found = await accounts.active_key(conn, ident)
        if found is not None and hmac.compare_digest(_mac(found[0], payload), mac):
            return found[1]
    return None


async def viewer_of(request: Request[Any, Any, Any], conn: AsyncConnection[Any]) -> Viewer:
    """The person behind a request: a Bearer key, else the session cookie, else keyless mode."""
    settings: Settings = request.app.state.settings
    scheme, _sep, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and token:
        if settings.api_keys and key_matches(token, settings.api_keys):
            return Viewer(actor=SETTINGS_KEY_ACTOR, via="bearer")
        actor = await accounts.authenticate(conn, token)
        return Viewer(actor=actor, via="bearer" if actor else "")
    cookie = request.cookies.get(COOKIE, "")
    if cookie and len(cookie) <= 200:
        actor = await _session_actor(conn, settings, cookie)
        if actor is not None:
            return Viewer(actor=actor, via="session", csrf=csrf_token(cookie))
    if not await keys_required(conn, settings):
        return Viewer(actor=LOCAL_ACTOR, via="local", keys_required=False)
    return Viewer(actor=None)


async def sign_in(conn: AsyncConnection[Any], settings: Settings, key: str) -> tuple[str, Actor] | None:
    """A session cookie and its actor for a valid key (an account's, or a settings key), else None."""
    key = key.strip()
    if settings.api_keys and key_matches(key, settings.api_keys):
        secret = hashlib.sha256(key.encode()).digest()
        return session_value("s", _settings_key_id(key), secret), SETTINGS_KEY_ACTOR
    prefix = accounts.split_key(key)
    if prefix is None:
        return None
    actor = await accounts.authenticate(conn, key)
    found = await accounts.active_key(conn, prefix)
    if actor is None or found is None:
        return None
    return session_value("a", prefix, found[0]), actor


def same_origin(request: Request[Any, Any, Any]) -> bool:
    """A browser POST from another site carries its Origin; refuse those (no Origin: not a browser form)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


def form_refusal(request: Request[Any, Any, Any], viewer: Viewer, token: str) -> str | None:
    """Why a POST of a review form is refused as cross-site (None: it is not)."""
    if not same_origin(request):
        return "This form came from another site."
    if viewer.via == "session" and not hmac.compare_digest(viewer.csrf, token.strip()):
        return "This form has expired or came from another page. Reload it and try again."
    return None


def _safe_next(target: str | None) -> str:
    """Only redirect back into the review pages (no open redirect)."""
    if target and target.startswith("/review") and not target.startswith("//") and "\\" not in target:
        return target
    return "/review"


def reviewer_cookie(name: str) -> str:
    """The reviewer's name as a cookie value: percent-encoded UTF-8, so any name ("Łukasz", "李四")
    fits the Latin-1 header (a raw one raised after the review was saved)."""
    return quote(name, safe="")


def reviewer_from_cookie(value: str) -> str:
    name = unquote(value, errors="replace")
    return "" if "\x00" in name else name[:200]
