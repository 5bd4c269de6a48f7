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
- The same signature the Standard Webhooks way (https://www.standardwebhooks.com), so any of its
  libraries verifies it: `webhook-id` (`msg_<delivery id>`, stable across retries),
  `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of
  "id.timestamp.body">`, keyed with the base64-decoded part of the `whsec_` secret.
Any 2xx is success; anything else (including redirects, which are not followed) is retried after
`backoff(n)` seconds, up to `webhook_max_attempts` attempts, then the delivery is marked failed.

A receiver is never trusted to be quick or brief: each delivery runs as its own task under one
total deadline (`webhook_timeout`, connecting and reading included, however slowly bytes arrive),
reads at most `MAX_ANSWER_BYTES` of the answer and records its own result, so a slow or endless
receiver holds only its own delivery and at most `MAX_IN_FLIGHT` deliveries are in flight.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import logging
import random
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import httpx

from claims.errors import InvalidInput
from claims.fetch import check_url
from claims.store import newsroom

if TYPE_CHECKING:
    from psycopg import AsyncConnection
    from psycopg_pool import AsyncConnectionPool

    from claims.settings import Settings
    from claims.store.newsroom import DueDelivery

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Claims-Signature"
TIMESTAMP_HEADER = "X-Claims-Timestamp"
USER_AGENT = "claims-webhooks/1"
BATCH = 20
MAX_IN_FLIGHT = 100
"""Deliveries being sent at once by one process; more wait in the outbox."""
MAX_ANSWER_BYTES = 4096
"""At most this much of a receiver's answer is read (only its status matters)."""

Render = Callable[["AsyncConnection[Any]", "DueDelivery"], Awaitable[bytes]]
"""Builds the JSON body of one delivery (the API layer renders the conflict in its contract shape)."""


def new_secret() -> str:
    """`whsec_` and 32 random bytes in standard base64, the Standard Webhooks secret format."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def signing_key(secret: str) -> bytes:
    """The HMAC key of the Standard Webhooks signature: the base64 part of `whsec_...` decoded.
    Secrets issued before (URL-safe base64 without padding) decode the URL-safe way."""
    raw = secret.removeprefix("whsec_")
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        pass
    try:
        return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        return raw.encode()


def standard_headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """`webhook-id`, `webhook-timestamp`, `webhook-signature` as Standard Webhooks defines them."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = base64.b64encode(hmac.new(signing_key(secret), signed, hashlib.sha256).digest()).decode()
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp), "webhook-signature": f"v1,{digest}"}


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
        self.in_flight: set[asyncio.Task[None]] = set()

    async def aclose(self) -> None:
        for task in list(self.in_flight):
            task.cancel()
        await asyncio.gather(*self.in_flight, return_exceptions=True)
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
            due = await newsroom.next_due_in(conn)
        poll = self.settings.webhook_poll_interval
        return poll if due is None else max(0.01, min(poll, due))

    async def run_once(self) -> int:
        """One round: fan out new events and start sending what is due, each delivery in a task of
        its own that records its own result (nothing waits for the slowest receiver). Returns the
        deliveries started."""
        room = MAX_IN_FLIGHT - len(self.in_flight)
        if room <= 0:
            return 0
        async with self.pool.connection() as conn:
            await newsroom.dispatch_events(conn)
            due = await newsroom.lease_due(
                conn, limit=min(BATCH, room), lease_seconds=2 * self.settings.webhook_timeout + 5
            )
            if not due:
                return 0
            bodies = [await self.render(conn, d) for d in due]
        for d, body in zip(due, bodies, strict=True):
            task = asyncio.create_task(self._deliver(d, body), name=f"claims-webhook-{d.id}")
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)
        return len(due)

    async def _deliver(self, d: DueDelivery, body: bytes) -> None:
        """Send one delivery and record the attempt; a failure to record leaves the lease to expire."""
        ok, code, error = await self._send(d, body)
        try:
            async with self.pool.connection() as conn:
                status = await newsroom.record_attempt(
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
        except Exception as exc:  # the delivery is retried when its lease runs out
            log.warning("webhook delivery_id=%d not recorded: %s", d.id, type(exc).__name__)
            return
        log.info(
            "webhook delivery_id=%d webhook_id=%d attempt=%d http=%s -> %s",
            d.id,
            d.webhook_id,
            d.attempts + 1,
            code,
            status,
        )

    async def _send(self, d: DueDelivery, body: bytes) -> tuple[bool, int | None, str | None]:
        """POST one delivery within one total deadline, reading at most MAX_ANSWER_BYTES of the answer."""
        now = int(time.time())
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(d.secret, body),
            TIMESTAMP_HEADER: str(now),
            "X-Claims-Event": d.event,
            "X-Claims-Delivery": str(d.id),
            **standard_headers(d.secret, f"msg_{d.id}", now, body),
        }
        try:
            async with asyncio.timeout(self.settings.webhook_timeout):
                await check_url(d.url, allow_private=self.settings.allow_private_urls)
                async with self.client.stream("POST", d.url, content=body, headers=headers) as response:
                    read = 0
                    async for chunk in response.aiter_raw():
                        read += len(chunk)
                        if read >= MAX_ANSWER_BYTES:
                            break  # the rest is never read: leaving the block closes the connection
                    code = response.status_code
        except InvalidInput as exc:
            return False, None, str(exc)
        except TimeoutError:
            return False, None, f"no complete answer within {self.settings.webhook_timeout:g} s"
        except httpx.HTTPError as exc:
            return False, None, type(exc).__name__
        if 200 <= code < 300:
            return True, code, None
        return False, code, f"HTTP {code}"
