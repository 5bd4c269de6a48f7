"""The audit log: who changed what, when, with the row before and after (append-only)."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 (msgspec reads the annotations at run time)
from typing import TYPE_CHECKING, Any, LiteralString

import msgspec
from psycopg import sql
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from claims import store

if TYPE_CHECKING:
    from psycopg import AsyncConnection

ROLES: tuple[str, ...] = ("reader", "reviewer", "editor", "admin")
"""Each role can do everything the ones before it can."""


def role_rank(role: str) -> int:
    """Roles are ordered: a check asks for at least one role, not one of a list."""
    return ROLES.index(role)


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """Who makes a request: a named account, or (account_id None) a settings key or the keyless
    loopback mode, both of which act as admin."""

    account_id: int | None
    name: str
    role: str

    def can(self, role: str) -> bool:
        return role_rank(self.role) >= role_rank(role)


SYSTEM = Actor(account_id=None, name="system", role="admin")


class AuditRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    at: datetime
    account_id: int | None
    actor: str
    action: str
    object_type: str
    object_id: int | None
    before: Any
    after: Any
    note: str | None


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return msgspec.json.decode(msgspec.json.encode(value))


async def record(
    conn: AsyncConnection[Any],
    actor: Actor,
    action: str,
    object_type: str,
    object_id: int | None,
    *,
    before: Any = None,
    after: Any = None,
    note: str | None = None,
) -> None:
    """Append one entry; call it inside the transaction of the write it describes."""
    await conn.execute(
        "INSERT INTO audit_log (account_id, actor, action, object_type, object_id, before, after, note)"
        " VALUES (%(account)s, %(actor)s, %(action)s, %(type)s, %(id)s, %(before)s, %(after)s, %(note)s)",
        {
            "account": actor.account_id,
            "actor": actor.name,
            "action": action,
            "type": object_type,
            "id": object_id,
            "before": None if before is None else Jsonb(_jsonable(before)),
            "after": None if after is None else Jsonb(_jsonable(after)),
            "note": note,
        },
    )


async def list_audit(
    conn: AsyncConnection[Any],
    *,
    account_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    action: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> store.Page[AuditRow]:
    """Newest first; the cursor is the last id seen."""
    after = store.decode_cursor(cursor)
    params: dict[str, Any] = {"limit": limit + 1, "before_id": after or 2**62}
    where: list[LiteralString] = ["id < %(before_id)s"]
    if account_id is not None:
        where.append("account_id = %(account)s")
        params["account"] = account_id
    if object_type is not None:
        where.append("object_type = %(type)s")
        params["type"] = object_type
    if object_id is not None:
        where.append("object_id = %(object)s")
        params["object"] = object_id
    if action is not None:
        where.append("action = %(action)s")
        params["action"] = action
    query = sql.SQL(
        "SELECT id, at, account_id, actor, action, object_type, object_id, before, after, note"
        " FROM audit_log WHERE {} ORDER BY id DESC LIMIT %(limit)s"
    ).format(sql.SQL(" AND ").join(sql.SQL(w) for w in where))
    async with conn.cursor(row_factory=class_row(AuditRow)) as cur:
        await cur.execute(query, params)
        rows = await cur.fetchall()
    if len(rows) > limit:
        rows = rows[:limit]
        return store.Page(items=rows, next_cursor=store.encode_cursor(rows[-1].id))
    return store.Page(items=rows, next_cursor=None)
