"""Domain errors. The core raises these; `api/errors.py` maps them to problem details."""

from __future__ import annotations


class ClaimsError(Exception):
    """Base of every error the core raises on purpose."""


class InvalidInput(ClaimsError):
    """The caller sent something the core cannot accept (bad date, empty text, ...)."""


class NotFound(ClaimsError):
    """A requested row does not exist."""


class Conflict(ClaimsError):
    """A write lost a race or contradicts stored state (stale review, checksum mismatch)."""


class Unavailable(ClaimsError):
    """The database cannot be reached right now; retrying later may succeed."""


class StaleWrite(Conflict):
    """An If-Match precondition failed: someone changed the row since the caller read it."""
