"""Webhook deliveries: signing, the backoff schedule and the delivery loop.

Conflict changes write an event into the `webhook_events` outbox in the same transaction
(`store.insert_matches`, `store.review_conflict`), so an event exists exactly when its change
committed and ingest never waits on a receiver. `Deliverer.run` (started by the app's lifespan)
fans events out into one `webhook_deliveries` row per subscribed webhook, leases due deliveries,
POSTs them with httpx and records each attempt. Several processes may run it at once: fan-out and
leases use row locks with SKIP LOCKED.

A delivery is a POST of the JSON event with these headers:
- `X-Claims-Signature: sha256=<hex>`: HMAC-SHA256 of the raw body with the webhook's secret
  (shown once, at registration). Receivers recompute it and compare in constant time.
- `X-Claims-Timestamp`: Unix seconds of this attempt; the signed body carries the event's
  `created_at`, so a receiver can refuse stale replays.
- `X-Claims-Event`, `X-Claims-Delivery` (the delivery id, stable across retries: de-duplicate on it).
Any 2xx is success; anything else (including redirects, which are not followed) is retried after
`backoff(n)` seconds, up to `webhook_max_attempts` attempts, then the delivery is marked failed.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import random
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import httpx

from claims import store_newsroom
from claims.errors import InvalidInput
from claims.fetch import check_url

if TYPE_CHECKING:
    from psycopg import AsyncConnection
    from psycopg_pool import AsyncConnectionPool

    from claims.settings import Settings
    from claims.store_newsroom import DueDelivery

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Claims-Signature"
TIMESTAMP_HEADER = "X-Claims-Timestamp"
USER_AGENT = "claims-webhooks/1"
BATCH = 20

Render = Callable[["AsyncConnection[Any]", "DueDelivery"], Awaitable[bytes]]
"""Builds the JSON body of one delivery (the API layer renders the conflict in its contract shape)."""


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, body: bytes) -> str:
    """The signature header value for `body`: `sha256=<hex HMAC-SHA256>`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return hmac.compare_digest(sign(secret, body), header.strip())


def backoff(attempt: int, *, base: float, cap: float, jitter: float = 0.1) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based): base * 2**(attempt-1), capped,
    spread by +-`jitter` so many deliveries failing together do not retry in lockstep.

    With the defaults (30 s base, 1 h cap, 8 attempts): 30 s, 1, 2, 4, 8, 16, 32 min, then failed,
    about an hour of retrying in all.
    """
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    return delay * random.uniform(1 - jitter, 1 + jitter)


class Deliverer:
    """Delivers outbox events; one per process, run as a background task."""

    def __init__(self, pool: AsyncConnectionPool[Any], settings: Settings, render: Render) -> None:
        self.pool = pool
        self.settings = settings
        self.render = render
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.webhook_timeout),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": USER_AGENT},
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    async def run(self) -> None:
        """Deliver until cancelled; a failing database only pauses the loop."""
        while True:
            try:
                sent = await self.run_once()
                wait = 0.0 if sent else await self._idle_wait()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # keep delivering after a database hiccup
                log.warning("webhook delivery loop error: %s", type(exc).__name__)
                wait = self.settings.webhook_poll_interval
            if wait:
                await asyncio.sleep(wait)

    async def _idle_wait(self) -> float:
        async with self.pool.connection() as conn:
            due = await store_newsroom.next_due_in(conn)
        poll = self.settings.webhook_poll_interval
        return poll if due is None else max(0.01, min(poll, due))

    async def run_once(self) -> int:
        """One round: fan out new events, send what is due, record the results. Returns attempts made."""
        async with self.pool.connection() as conn:
            await store_newsroom.dispatch_events(conn)
            due = await store_newsroom.lease_due(conn, limit=BATCH, lease_seconds=3 * self.settings.webhook_timeout + 5)
            if not due:
                return 0
            bodies = [await self.render(conn, d) for d in due]
        results = await asyncio.gather(*(self._send(d, b) for d, b in zip(due, bodies, strict=True)))
        async with self.pool.connection() as conn:
            for d, (ok, code, error) in zip(due, results, strict=True):
                status = await store_newsroom.record_attempt(
                    conn,
                    d.id,
                    ok=ok,
                    status_code=code,
                    error=error,
                    retry_in=backoff(
                        d.attempts + 1, base=self.settings.webhook_backoff_base, cap=self.settings.webhook_backoff_max
                    ),
                    max_attempts=self.settings.webhook_max_attempts,
                )
                log.info(
                    "webhook delivery_id=%d webhook_id=%d attempt=%d http=%s -> %s",
                    d.id,
                    d.webhook_id,
                    d.attempts + 1,
                    code,
                    status,
                )
        return len(due)

    async def _send(self, d: DueDelivery, body: bytes) -> tuple[bool, int | None, str | None]:
        try:
            await check_url(d.url, allow_private=self.settings.allow_private_urls)
        except InvalidInput as exc:
            return False, None, str(exc)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(d.secret, body),
            TIMESTAMP_HEADER: str(int(time.time())),
            "X-Claims-Event": d.event,
            "X-Claims-Delivery": str(d.id),
        }
        try:
            response = await self.client.post(d.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return False, None, type(exc).__name__
        if response.is_success:
            return True, response.status_code, None
        return False, response.status_code, f"HTTP {response.status_code}"
