"""Named accounts with roles and their API keys.

A key is `clm_<prefix>_<secret>`: 12 random hex characters that name the key (shown in listings,
used to revoke it) and 256 random bits of secret. Only the SHA-256 of the whole key is stored.
A slow password hash (bcrypt, argon2) protects low-entropy secrets that people choose against
offline guessing; a 256-bit random key cannot be guessed whatever the hash, so a slow hash would
add nothing but ~100 ms of CPU to every authenticated request. The row is found by its prefix and
the digests compared with `hmac.compare_digest` (constant time).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime  # noqa: TC003 (msgspec reads the annotations at run time)
from typing import TYPE_CHECKING, Any

import msgspec
from psycopg import errors
from psycopg.rows import class_row

from claims.errors import Conflict, InvalidInput, NotFound
from claims.store.audit import ROLES, Actor, record

if TYPE_CHECKING:
    from psycopg import AsyncConnection

KEY_PREFIX = "clm_"


class AccountRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str
    role: str
    created_at: datetime


class KeyRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    account_id: int
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


def key_hash(key: str) -> bytes:
    """Keys are stored hashed: a leaked table does not leak working keys."""
    return hashlib.sha256(key.encode()).digest()


def new_key() -> tuple[str, str]:
    """A fresh key and its prefix."""
    prefix = secrets.token_hex(6)
    return f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}", prefix


def split_key(token: str) -> str | None:
    """The prefix of a key in our format, else None."""
    if not token.startswith(KEY_PREFIX):
        return None
    prefix, sep, secret = token[len(KEY_PREFIX) :].partition("_")
    if not sep or len(prefix) != 12 or not secret:
        return None
    return prefix


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}, not {role!r}")


async def create_account(conn: AsyncConnection[Any], name: str, role: str, *, actor: Actor) -> AccountRow:
    """A named account with a role, recorded in the audit log."""
    _check_role(role)
    name = name.strip()
    if not name or len(name) > 200 or "\x00" in name:
        raise InvalidInput("an account name is 1 to 200 characters")
    async with conn.transaction():
        try:
            async with conn.cursor(row_factory=class_row(AccountRow)) as cur:
                await cur.execute(
                    "INSERT INTO accounts (name, role) VALUES (%(name)s, %(role)s)"
                    " RETURNING id, name, role, created_at",
                    {"name": name, "role": role},
                )
                row = await cur.fetchone()
        except errors.UniqueViolation:
            raise Conflict(f"an account named {name!r} exists already") from None
        assert row is not None
        await record(conn, actor, "account.create", "account", row.id, after=row)
    return row


async def get_account(conn: AsyncConnection[Any], account_id: int) -> AccountRow:
    """One account by id (NotFound otherwise)."""
    async with conn.cursor(row_factory=class_row(AccountRow)) as cur:
        await cur.execute("SELECT id, name, role, created_at FROM accounts WHERE id = %(id)s", {"id": account_id})
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"account {account_id} does not exist")
    return row


async def account_by_name(conn: AsyncConnection[Any], name: str) -> AccountRow:
    """One account by its unique name (NotFound otherwise)."""
    async with conn.cursor(row_factory=class_row(AccountRow)) as cur:
        await cur.execute(
            "SELECT id, name, role, created_at FROM accounts WHERE lower(name) = lower(%(name)s)", {"name": name}
        )
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"no account named {name!r}")
    return row


async def list_accounts(conn: AsyncConnection[Any]) -> list[AccountRow]:
    """Every account, oldest first (an admin's view; accounts are few)."""
    async with conn.cursor(row_factory=class_row(AccountRow)) as cur:
        await cur.execute("SELECT id, name, role, created_at FROM accounts ORDER BY id")
        return await cur.fetchall()


async def issue_key(conn: AsyncConnection[Any], account_id: int, *, actor: Actor) -> tuple[KeyRow, str]:
    """A new key for the account; the key itself is returned once and never stored."""
    await get_account(conn, account_id)
    key, prefix = new_key()
    async with conn.transaction():
        async with conn.cursor(row_factory=class_row(KeyRow)) as cur:
            await cur.execute(
                "INSERT INTO api_keys (account_id, prefix, hash) VALUES (%(account)s, %(prefix)s, %(hash)s)"
                " RETURNING id, account_id, prefix, created_at, revoked_at",
                {"account": account_id, "prefix": prefix, "hash": key_hash(key)},
            )
            row = await cur.fetchone()
        assert row is not None
        await record(conn, actor, "key.create", "api_key", row.id, after=row)
    return row, key


async def revoke_key(
    conn: AsyncConnection[Any], *, key_id: int | None = None, prefix: str | None = None, actor: Actor
) -> KeyRow:
    """Revoke by id or by prefix (`clm_` and anything after the prefix are ignored)."""
    if prefix is not None:
        prefix = prefix.strip().removeprefix(KEY_PREFIX).split("_")[0]
    async with conn.transaction():
        async with conn.cursor(row_factory=class_row(KeyRow)) as cur:
            await cur.execute(
                "SELECT id, account_id, prefix, created_at, revoked_at FROM api_keys"
                " WHERE (id = %(id)s OR prefix = %(prefix)s) FOR UPDATE",
                {"id": key_id, "prefix": prefix},
            )
            before = await cur.fetchone()
            if before is None:
                raise NotFound(f"no API key {key_id if key_id is not None else prefix!r}")
            await cur.execute(
                "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = %(id)s"
                " RETURNING id, account_id, prefix, created_at, revoked_at",
                {"id": before.id},
            )
            after = await cur.fetchone()
        assert after is not None
        await record(conn, actor, "key.revoke", "api_key", after.id, before=before, after=after)
    return after


async def authenticate(conn: AsyncConnection[Any], token: str) -> Actor | None:
    """The account an unrevoked key belongs to, or None."""
    prefix = split_key(token)
    if prefix is None:
        return None
    cur = await conn.execute(
        "SELECT k.hash, a.id, a.name, a.role FROM api_keys k JOIN accounts a ON a.id = k.account_id"
        " WHERE k.prefix = %(prefix)s AND k.revoked_at IS NULL",
        {"prefix": prefix},
    )
    row = await cur.fetchone()
    if row is None or not hmac.compare_digest(bytes(row[0]), key_hash(token)):
        return None
    return Actor(account_id=int(row[1]), name=str(row[2]), role=str(row[3]))


async def any_active_key(conn: AsyncConnection[Any]) -> bool:
    """Whether any key is live: with none, the API runs keyless (a fresh install)."""
    cur = await conn.execute("SELECT EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL)")
    row = await cur.fetchone()
    return bool(row and row[0])


async def active_key(conn: AsyncConnection[Any], prefix: str) -> tuple[bytes, Actor] | None:
    """The stored hash of the unrevoked key with this prefix and its account, or None: what a
    browser session made with that key is checked against (revoking the key ends the session)."""
    cur = await conn.execute(
        "SELECT k.hash, a.id, a.name, a.role FROM api_keys k JOIN accounts a ON a.id = k.account_id"
        " WHERE k.prefix = %(prefix)s AND k.revoked_at IS NULL",
        {"prefix": prefix},
    )
    row = await cur.fetchone()
    if row is None:
        return None
    return bytes(row[0]), Actor(account_id=int(row[1]), name=str(row[2]), role=str(row[3]))
