"""Browser sign-in for the review pages.

Writes need the API key whenever keys are configured, like the REST API. A browser signs in once
with a small form (`/review/login`): the server checks the key and sets an HttpOnly,
SameSite=Strict cookie holding an HMAC of the key (never the key itself), so changing or removing
that key ends every session made with it. SameSite=Strict plus an Origin check on every POST keep
other sites from submitting the forms (CSRF). `Authorization: Bearer <key>` works too, for tools.
Reading the page is open, as reads of the API are.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from litestar import Request

from api.security import key_matches
from claims.settings import Settings

COOKIE = "claims_review"
REVIEWER_COOKIE = "claims_reviewer"


def session_token(key: str) -> str:
    """What the cookie holds for a key: an HMAC of it, so the browser never stores the key."""
    return hmac.new(key.encode(), b"claims-review-session-v1", hashlib.sha256).hexdigest()


def signed_in(request: Request[Any, Any, Any], settings: Settings) -> bool:
    keys = settings.api_keys
    if not keys:
        return True
    scheme, _sep, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and key_matches(token.strip(), keys):
        return True
    cookie = request.cookies.get(COOKIE, "")
    return bool(cookie) and key_matches(cookie, tuple(session_token(k) for k in keys))


def same_origin(request: Request[Any, Any, Any]) -> bool:
    """A browser POST from another site carries its Origin; refuse those (no Origin: not a browser form)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _safe_next(target: str | None) -> str:
    """Only redirect back into the review pages (no open redirect)."""
    if target and target.startswith("/review") and not target.startswith("//"):
        return target
    return "/review"


def reviewer_cookie(name: str) -> str:
    """The reviewer's name as a cookie value: percent-encoded UTF-8, so any name ("Łukasz", "李四")
    fits the Latin-1 header (a raw one raised after the review was saved)."""
    return quote(name, safe="")


def reviewer_from_cookie(value: str) -> str:
    name = unquote(value, errors="replace")
    return "" if "\x00" in name else name[:200]
