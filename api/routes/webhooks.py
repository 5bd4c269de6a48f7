"""Webhooks: register a receiver for conflict events, list, delete, see its deliveries.

Every route here needs the API key when keys are configured, reads included: receiver URLs are
internal details of a newsroom's tooling. The secret is returned once, by the POST.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Litestar, delete, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.handlers.base import BaseRouteHandler
from litestar.params import JSONBody
from msgspec import Meta
from psycopg import AsyncConnection

from api import schemas
from api.deps import Conn, Cursor, Id, Limit
from api.errors import problems
from api.security import require_bearer
from claims import store, webhooks
from claims.errors import NotFound
from claims.fetch import check_url
from claims.settings import Settings
from claims.store import newsroom

log = logging.getLogger(__name__)

Event = Literal["conflict.created", "conflict.updated"]


class WebhookCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    url: Annotated[str, Meta(min_length=8, max_length=2000, description="http(s) URL that receives POSTs")]
    events: Annotated[list[Event], Meta(min_length=1, max_length=2)] = msgspec.field(
        default_factory=lambda: ["conflict.created", "conflict.updated"]
    )
    description: Annotated[str, Meta(max_length=500)] | None = None


class Webhook(msgspec.Struct, kw_only=True):
    id: int
    url: str
    events: list[Event]
    description: str | None
    active: bool
    created_at: datetime


class WebhookCreated(Webhook, kw_only=True):
    secret: str
    """HMAC-SHA256 key for `X-Claims-Signature`; shown only in this answer."""


class WebhookPage(schemas.Page, kw_only=True):
    items: list[Webhook]


class Delivery(msgspec.Struct, kw_only=True):
    id: int
    webhook_id: int
    event_id: int
    event: Event
    conflict_id: int
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime


class DeliveryPage(schemas.Page, kw_only=True):
    items: list[Delivery]


class EventBody(msgspec.Struct, kw_only=True):
    """What a receiver gets. `conflict` is null when the conflict was withdrawn since."""

    id: int
    type: Event
    created_at: datetime
    conflict_id: int
    conflict: schemas.ConflictDetail | None


async def require_key(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    # async: Litestar runs a sync guard in a worker thread
    require_bearer(connection, "webhooks")


def _out(row: newsroom.WebhookRow) -> Webhook:
    return msgspec.convert(row, Webhook, from_attributes=True)


class WebhookController(Controller):
    path = "/webhooks"
    tags = ["webhooks"]
    guards = [require_key]
    security = [{"bearer": []}]
    opt = {"role": "admin"}  # api/security.py: named accounts manage webhooks only as admins

    @post("/", operation_id="CreateWebhook", status_code=201, responses=problems(400, 401, 422))
    async def create(self, data: JSONBody[WebhookCreate], state: State, conn: Conn) -> WebhookCreated:
        """Register a receiver. The answer holds the signing secret: store it, it is not shown again."""
        settings: Settings = state.settings
        await check_url(data.url, allow_private=settings.allow_private_urls)
        secret = webhooks.new_secret()
        row = await newsroom.create_webhook(
            conn, url=data.url, secret=secret, events=data.events, description=data.description
        )
        log.info("webhook registered webhook_id=%d", row.id)
        return WebhookCreated(**msgspec.structs.asdict(_out(row)), secret=secret)

    @get("/", operation_id="ListWebhooks", responses=problems(400, 401, 422))
    async def list_webhooks(self, conn: Conn, limit: Limit = 50, cursor: Cursor = None) -> WebhookPage:
        page = await newsroom.list_webhooks(conn, limit=limit, cursor=cursor)
        return WebhookPage(items=[_out(r) for r in page.items], next_cursor=page.next_cursor)

    @get("/{webhook_id:int}", operation_id="GetWebhook", responses=problems(400, 401, 404))
    async def get_webhook(self, webhook_id: Id, conn: Conn) -> Webhook:
        return _out(await newsroom.get_webhook(conn, webhook_id))

    @delete("/{webhook_id:int}", operation_id="DeleteWebhook", responses=problems(400, 401, 404))
    async def delete_webhook(self, webhook_id: Id, conn: Conn) -> None:
        """Stop deliveries to this receiver and forget its delivery records."""
        await newsroom.delete_webhook(conn, webhook_id)

    @get("/{webhook_id:int}/deliveries", operation_id="ListWebhookDeliveries", responses=problems(400, 401, 404))
    async def deliveries(self, webhook_id: Id, conn: Conn, limit: Limit = 50, cursor: Cursor = None) -> DeliveryPage:
        """Each event sent (or being retried) to this receiver: attempts, last HTTP status, next attempt."""
        page = await newsroom.list_deliveries(conn, webhook_id, limit=limit, cursor=cursor)
        return DeliveryPage(
            items=[msgspec.convert(r, Delivery, from_attributes=True) for r in page.items],
            next_cursor=page.next_cursor,
        )


async def render_event(conn: AsyncConnection[Any], d: newsroom.DueDelivery) -> bytes:
    """The delivery body: the event and the conflict as GET /v1/conflicts/{id} shows it now."""
    detail: schemas.ConflictDetail | None = None
    try:
        row = await store.get_conflict(conn, d.conflict_id)
    except NotFound:
        row = None
    if row is not None:
        claims = await store.claims_of(conn, [row])
        base = schemas.conflict_out(row, claims)
        history = schemas.history_out(await store.conflict_history(conn, row.id))
        detail = schemas.ConflictDetail(**{f: getattr(base, f) for f in base.__struct_fields__}, history=history)
    body = EventBody(
        id=d.event_id,
        type=d.event,  # type: ignore[arg-type]
        created_at=d.event_at,
        conflict_id=d.conflict_id,
        conflict=detail,
    )
    return msgspec.json.encode(body)


@asynccontextmanager
async def webhook_lifespan(app: Litestar) -> AsyncGenerator[None, None]:
    """Run the delivery loop beside the app (after the pool opened, stopped before it closes)."""
    import asyncio

    settings: Settings = app.state.settings
    if not settings.webhooks_enabled:
        yield
        return
    deliverer = webhooks.Deliverer(app.state.pool, settings, render_event)
    task = asyncio.get_running_loop().create_task(deliverer.run(), name="claims-webhooks")
    try:
        yield
    finally:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        await deliverer.aclose()
