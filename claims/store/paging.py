"""Opaque cursors and keyset pages: one codec for every list the API pages."""

from __future__ import annotations

import base64
import binascii
from typing import Any, TypeVar

import msgspec

from claims.errors import InvalidInput
from claims.store.rows import Page, T

P = TypeVar("P")

# --------------------------------------------------------------------------- cursors


def encode_opaque(payload: tuple[Any, ...]) -> str:
    """An opaque cursor: the payload in msgpack, URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(msgspec.msgpack.encode(payload)).decode().rstrip("=")


def decode_opaque(cursor: str, shape: type[P], *, issuer: str = "this API") -> P:
    """The payload `encode_opaque` put in `cursor`, of `shape`; anything else is bad input."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return msgspec.msgpack.decode(raw, type=shape)
    except (binascii.Error, ValueError, msgspec.DecodeError, msgspec.ValidationError):
        raise InvalidInput(f"cursor is not one {issuer} issued") from None


def encode_tagged(tag: str, value: int) -> str:
    """An opaque cursor: a tag naming what the number is, and the number."""
    return encode_opaque((tag, value))


def decode_tagged(cursor: str | None, tag: str, *, high: int | None = None, issuer: str = "this API") -> int:
    """The number of a cursor `encode_tagged(tag, ...)` made (0 for none); any other is bad input."""
    if cursor is None:
        return 0
    got, value = decode_opaque(cursor, tuple[str, int], issuer=issuer)
    if got != tag or value < 0 or (high is not None and value > high):
        raise InvalidInput(f"cursor is not one {issuer} issued")
    return value


def encode_cursor(last_id: int) -> str:
    """The cursor of a page that ends at `last_id`."""
    return encode_tagged("id", last_id)


def decode_cursor(cursor: str | None) -> int:
    """The id after which the next page starts; a cursor we did not make is bad input."""
    return decode_tagged(cursor, "id")


def keyset_page(rows: list[T], limit: int, key: Any) -> Page[T]:
    """The first `limit` rows of `limit + 1` fetched, with a cursor when there were more."""
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(items=rows, next_cursor=encode_cursor(key(rows[-1])))
    return Page(items=rows, next_cursor=None)
