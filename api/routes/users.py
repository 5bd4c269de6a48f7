"""People and roles: accounts, their API keys, and the audit log (admin only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.params import FromQuery, JSONBody, QueryParameter
from msgspec import Meta

from api.deps import MAX_ID, Conn, Cursor, Id, Limit
from api.errors import problems
from api.security import actor_of
from claims.store import accounts, audit

Role = Literal["reader", "reviewer", "editor", "admin"]
ADMIN = {"role": "admin"}


class AccountCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, Meta(min_length=1, max_length=200, pattern="^[^\\x00]*$")]
    role: Role


class Account(msgspec.Struct, kw_only=True):
    id: int
    name: str
    role: Role
    created_at: datetime


class AccountList(msgspec.Struct, kw_only=True):
    items: list[Account]
    next_cursor: str | None = None


class ApiKey(msgspec.Struct, kw_only=True):
    id: int
    account_id: int
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKey, kw_only=True):
    key: str
    """The key itself: shown this once, stored only as its SHA-256."""


class Me(msgspec.Struct, kw_only=True):
    account_id: int | None
    name: str
    role: Role


class AuditEntry(msgspec.Struct, kw_only=True):
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


class AuditPage(msgspec.Struct, kw_only=True):
    items: list[AuditEntry]
    next_cursor: str | None


def _account(row: accounts.AccountRow) -> Account:
    return msgspec.convert(row, Account, from_attributes=True)


def _key(row: accounts.KeyRow) -> ApiKey:
    return msgspec.convert(row, ApiKey, from_attributes=True)


class UserController(Controller):
    path = "/"
    tags = ["users"]

    @post(
        "/users",
        operation_id="CreateUser",
        status_code=201,
        opt=ADMIN,
        responses=problems(400, 401, 403, 409),
        summary="Create a named account",
        description="Admin only. Roles: `reader` (read-only, for integrations), `reviewer` (reviews conflicts "
        "and suggestions), `editor` (also corrects and withdraws articles, marks claims wrong), `admin` "
        "(everything, including accounts and the audit log). Give it a key with POST /v1/users/{id}/keys.",
    )
    async def create_user(self, data: JSONBody[AccountCreate], conn: Conn, request: Request[Any, Any, Any]) -> Account:
        return _account(await accounts.create_account(conn, data.name, data.role, actor=actor_of(request)))

    @get(
        "/users",
        operation_id="ListUsers",
        opt=ADMIN,
        responses=problems(401, 403),
        summary="List accounts",
        description="Admin only. Every account with its role.",
    )
    async def list_users(self, conn: Conn) -> AccountList:
        return AccountList(items=[_account(r) for r in await accounts.list_accounts(conn)])

    @post(
        "/users/{account_id:int}/keys",
        operation_id="CreateUserKey",
        status_code=201,
        opt=ADMIN,
        responses=problems(400, 401, 403, 404),
        summary="Issue an API key for an account",
        description="Admin only. The answer holds the key (`clm_<prefix>_<secret>`) this once; only its "
        "SHA-256 is stored. Send it as `Authorization: Bearer <key>`.",
    )
    async def create_key(self, account_id: Id, conn: Conn, request: Request[Any, Any, Any]) -> ApiKeyCreated:
        row, key = await accounts.issue_key(conn, account_id, actor=actor_of(request))
        return ApiKeyCreated(**msgspec.structs.asdict(_key(row)), key=key)

    @delete(
        "/keys/{key_id:int}",
        operation_id="RevokeKey",
        status_code=200,
        opt=ADMIN,
        responses=problems(400, 401, 403, 404),
        summary="Revoke an API key",
        description="Admin only. The key stops working at once (401); the row stays for the audit log.",
    )
    async def revoke_key(self, key_id: Id, conn: Conn, request: Request[Any, Any, Any]) -> ApiKey:
        return _key(await accounts.revoke_key(conn, key_id=key_id, actor=actor_of(request)))

    @get(
        "/me",
        operation_id="WhoAmI",
        opt={"role": "reader"},
        responses=problems(401),
        summary="The account of the key sent",
        description="Name and role of the caller (`settings key` and `local` act as admin).",
    )
    async def me(self, request: Request[Any, Any, Any]) -> Me:
        actor = actor_of(request)
        return Me(account_id=actor.account_id, name=actor.name, role=actor.role)  # type: ignore[arg-type]

    @get(
        "/audit",
        operation_id="ListAudit",
        opt=ADMIN,
        responses=problems(400, 401, 403, 404),
        summary="The audit log",
        description="Admin only. Every write, newest first: who (account and name), what (`action` on "
        "`object_type`/`object_id`), when, and the row before and after as JSON. Filters: `account` (an "
        "account id or name), `object_type` with `object_id`, `action`.",
    )
    async def list_audit(
        self,
        conn: Conn,
        account: Annotated[str | None, QueryParameter(max_length=200, description="Account id or name")] = None,
        object_type: FromQuery[str | None] = None,
        object_id: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
        action: FromQuery[str | None] = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> AuditPage:
        account_id = None
        if account is not None:
            if account.isascii() and account.isdigit():
                account_id = int(account)
            else:
                account_id = (await accounts.account_by_name(conn, account)).id
        page = await audit.list_audit(
            conn,
            account_id=account_id,
            object_type=object_type,
            object_id=object_id,
            action=action,
            limit=limit,
            cursor=cursor,
        )
        return AuditPage(
            items=[msgspec.convert(r, AuditEntry, from_attributes=True) for r in page.items],
            next_cursor=page.next_cursor,
        )
