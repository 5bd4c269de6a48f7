"""SQL for the newsroom features: webhooks and their outbox, the review queue, timelines.

Kept apart from `claims/store.py` (the ingest/match hot path). Same rules: functions take an
`AsyncConnection` first, return Structs via `class_row`, literal SQL with named parameters, keyset
pagination. The outbox rows themselves are written by `store.insert_matches`/`review_conflict`,
inside the transaction that changes the conflict.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, LiteralString

import msgspec
from psycopg import sql
from psycopg.rows import class_row

from claims import store
from claims.errors import InvalidInput, NotFound
from claims.store.paging import decode_opaque, encode_opaque

if TYPE_CHECKING:
    from collections.abc import Sequence

    from psycopg import AsyncConnection

EVENTS: tuple[str, ...] = ("conflict.created", "conflict.updated")


def _page(rows: list[Any], limit: int) -> store.Page[Any]:
    """A page of rows fetched with `limit + 1`; the cursor is the last id, as in `store`."""
    if len(rows) > limit:
        rows = rows[:limit]
        return store.Page(items=rows, next_cursor=store.encode_cursor(rows[-1].id))
    return store.Page(items=rows, next_cursor=None)


# --------------------------------------------------------------------------- webhooks


class WebhookRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    url: str
    events: list[str]
    description: str | None
    active: bool
    created_at: datetime


class DeliveryRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    webhook_id: int
    event_id: int
    event: str
    conflict_id: int
    status: str
    attempts: int
    last_status: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime


class DueDelivery(msgspec.Struct, frozen=True, kw_only=True):
    """A delivery leased for one attempt, with what is needed to send it."""

    id: int
    webhook_id: int
    url: str
    secret: str
    event_id: int
    event: str
    conflict_id: int
    event_at: datetime
    attempts: int


_WEBHOOK_COLUMNS: LiteralString = "id, url, events, description, active, created_at"


async def create_webhook(
    conn: AsyncConnection[Any], *, url: str, secret: str, events: Sequence[str], description: str | None
) -> WebhookRow:
    """A subscription: the receiver's URL, its events and its signing secret."""
    async with conn.cursor(row_factory=class_row(WebhookRow)) as cur:
        await cur.execute(
            "INSERT INTO webhooks (url, secret, events, description)"
            " VALUES (%(url)s, %(secret)s, %(events)s, %(description)s)"
            " RETURNING " + _WEBHOOK_COLUMNS,
            {"url": url, "secret": secret, "events": sorted(set(events)), "description": description},
        )
        row = await cur.fetchone()
    assert row is not None
    return row


async def list_webhooks(
    conn: AsyncConnection[Any], *, limit: int = 50, cursor: str | None = None
) -> store.Page[WebhookRow]:
    """A keyset page of subscriptions."""
    async with conn.cursor(row_factory=class_row(WebhookRow)) as cur:
        await cur.execute(
            "SELECT " + _WEBHOOK_COLUMNS + " FROM webhooks WHERE id > %(after)s ORDER BY id LIMIT %(limit)s",
            {"after": store.decode_cursor(cursor), "limit": limit + 1},
        )
        rows = await cur.fetchall()
    return _page(rows, limit)


async def get_webhook(conn: AsyncConnection[Any], webhook_id: int) -> WebhookRow:
    """One subscription (NotFound otherwise)."""
    async with conn.cursor(row_factory=class_row(WebhookRow)) as cur:
        await cur.execute("SELECT " + _WEBHOOK_COLUMNS + " FROM webhooks WHERE id = %(id)s", {"id": webhook_id})
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"webhook {webhook_id} does not exist")
    return row


async def delete_webhook(conn: AsyncConnection[Any], webhook_id: int) -> None:
    """Remove the subscription and its delivery records."""
    cur = await conn.execute("DELETE FROM webhooks WHERE id = %(id)s RETURNING id", {"id": webhook_id})
    if await cur.fetchone() is None:
        raise NotFound(f"webhook {webhook_id} does not exist")


async def list_deliveries(
    conn: AsyncConnection[Any], webhook_id: int, *, limit: int = 50, cursor: str | None = None
) -> store.Page[DeliveryRow]:
    """A keyset page of one subscription's delivery attempts, oldest first."""
    await get_webhook(conn, webhook_id)
    async with conn.cursor(row_factory=class_row(DeliveryRow)) as cur:
        await cur.execute(
            """
            SELECT d.id, d.webhook_id, d.event_id, e.event, e.conflict_id, d.status, d.attempts,
                   d.last_status, d.last_error,
                   CASE WHEN d.status = 'pending' THEN d.next_attempt_at END AS next_attempt_at,
                   d.delivered_at, d.created_at
            FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
            WHERE d.webhook_id = %(webhook)s AND d.id > %(after)s
            ORDER BY d.id LIMIT %(limit)s
            """,
            {"webhook": webhook_id, "after": store.decode_cursor(cursor), "limit": limit + 1},
        )
        rows = await cur.fetchall()
    return _page(rows, limit)


async def dispatch_events(conn: AsyncConnection[Any], *, batch: int = 500) -> int:
    """Fan undispatched outbox events out into one delivery per subscribed, active webhook.

    One statement: marking the events and creating their deliveries commit together, and row
    locks on the events keep two workers from fanning the same event out twice.
    """
    cur = await conn.execute(
        """
        WITH picked AS (
            SELECT id FROM webhook_events WHERE dispatched_at IS NULL
            ORDER BY id LIMIT %(batch)s FOR UPDATE SKIP LOCKED
        ), marked AS (
            UPDATE webhook_events e SET dispatched_at = now()
            FROM picked WHERE e.id = picked.id
            RETURNING e.id, e.event, e.created_at
        )
        INSERT INTO webhook_deliveries (webhook_id, event_id)
        SELECT w.id, m.id FROM marked m
        JOIN webhooks w ON w.active AND m.event = ANY(w.events) AND w.created_at <= m.created_at
        ON CONFLICT (webhook_id, event_id) DO NOTHING
        RETURNING id
        """,
        {"batch": batch},
    )
    return len(await cur.fetchall())


async def lease_due(conn: AsyncConnection[Any], *, limit: int, lease_seconds: float) -> list[DueDelivery]:
    """Take up to `limit` due deliveries for one attempt each.

    Leasing pushes `next_attempt_at` past the attempt's time-out, so another worker (or this one
    after a crash) retries it only if the result is never recorded.
    """
    async with conn.cursor(row_factory=class_row(DueDelivery)) as cur:
        await cur.execute(
            """
            WITH due AS (
                SELECT d.id FROM webhook_deliveries d
                WHERE d.status = 'pending' AND d.next_attempt_at <= now()
                ORDER BY d.next_attempt_at, d.id LIMIT %(limit)s
                FOR UPDATE SKIP LOCKED
            )
            UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => %(lease)s)
            FROM due, webhooks w, webhook_events e
            WHERE d.id = due.id AND w.id = d.webhook_id AND e.id = d.event_id AND w.active
            RETURNING d.id, d.webhook_id, w.url, w.secret, d.event_id, e.event, e.conflict_id,
                      e.created_at AS event_at, d.attempts
            """,
            {"limit": limit, "lease": lease_seconds},
        )
        return await cur.fetchall()


async def record_attempt(
    conn: AsyncConnection[Any],
    delivery_id: int,
    *,
    ok: bool,
    status_code: int | None,
    error: str | None,
    retry_in: float,
    max_attempts: int,
) -> str:
    """Record one attempt; returns the delivery's new status (delivered | pending | failed)."""
    cur = await conn.execute(
        """
        UPDATE webhook_deliveries SET
            attempts = attempts + 1,
            last_status = %(code)s,
            last_error = %(error)s,
            status = CASE WHEN %(ok)s THEN 'delivered'
                          WHEN attempts + 1 >= %(max)s THEN 'failed' ELSE 'pending' END,
            delivered_at = CASE WHEN %(ok)s THEN now() END,
            next_attempt_at = now() + make_interval(secs => %(retry)s)
        WHERE id = %(id)s
        RETURNING status
        """,
        {
            "id": delivery_id,
            "ok": ok,
            "code": status_code,
            "error": error[:500] if error else None,
            "retry": retry_in,
            "max": max_attempts,
        },
    )
    row = await cur.fetchone()
    return str(row[0]) if row else "gone"


async def next_due_in(conn: AsyncConnection[Any]) -> float | None:
    """Seconds until the next pending delivery is due (0 when one is due now), None when none is."""
    cur = await conn.execute(
        "SELECT greatest(0, extract(epoch FROM min(next_attempt_at) - now()))::float8"
        " FROM webhook_deliveries WHERE status = 'pending'"
    )
    row = await cur.fetchone()
    return None if row is None or row[0] is None else float(row[0])


# --------------------------------------------------------------------------- review queue


class ReviewFilters(msgspec.Struct, frozen=True, kw_only=True):
    status: str | None = "open"
    subject: str | None = None
    source: str | None = None


def _encode_review_cursor(row: store.ConflictRow) -> str:
    return encode_opaque(("review", row.created_at.isoformat(), row.severity, row.id))


def _decode_review_cursor(cursor: str) -> tuple[datetime, float, int]:
    issuer = "this page"
    tag, at, severity, last_id = decode_opaque(cursor, tuple[str, str, float, int], issuer=issuer)
    if tag != "review":
        raise InvalidInput(f"cursor is not one {issuer} issued")
    try:
        return datetime.fromisoformat(at), severity, last_id
    except ValueError:
        raise InvalidInput(f"cursor is not one {issuer} issued") from None


async def review_queue(
    conn: AsyncConnection[Any], f: ReviewFilters, *, limit: int = 20, cursor: str | None = None
) -> store.Page[store.ConflictRow]:
    """Conflicts for the review page: newest first, and within one ingest the most severe first."""
    params: dict[str, Any] = {"limit": limit + 1}
    where: list[LiteralString] = ["true"]
    if cursor:
        params["c_at"], params["c_sev"], params["c_id"] = _decode_review_cursor(cursor)
        where.append("(k.created_at, k.severity, k.id) < (%(c_at)s, %(c_sev)s, %(c_id)s)")
    where += store.conflict_where(store.ConflictFilters(status=f.status, subject=f.subject, source=f.source), params)
    query = sql.SQL(
        """
        SELECT k.id, k.status, k.severity, k.reason, k.kind, k.subject, k.claim_a, k.claim_b,
               k.version, k.created_at, k.updated_at
        FROM conflicts k WHERE {}
        ORDER BY k.created_at DESC, k.severity DESC, k.id DESC LIMIT %(limit)s
        """
    ).format(sql.SQL(" AND ").join(sql.SQL(w) for w in where))
    async with conn.cursor(row_factory=class_row(store.ConflictRow)) as cur:
        await cur.execute(query, params)
        rows = await cur.fetchall()
    if len(rows) > limit:
        rows = rows[:limit]
        return store.Page(items=rows, next_cursor=_encode_review_cursor(rows[-1]))
    return store.Page(items=rows, next_cursor=None)


class FilterChoices(msgspec.Struct, frozen=True, kw_only=True):
    subjects: list[str]
    sources: list[str]


async def filter_choices(conn: AsyncConnection[Any]) -> FilterChoices:
    """Suggestions for the review page's filters: the commonest conflict subjects, the sources."""
    cur = await conn.execute(
        "SELECT subject FROM conflicts WHERE subject IS NOT NULL GROUP BY subject ORDER BY count(*) DESC, subject"
        " LIMIT 100"
    )
    subjects = sorted(str(r[0]) for r in await cur.fetchall())
    cur = await conn.execute("SELECT name FROM sources ORDER BY lower(name) LIMIT 200")
    sources = [str(r[0]) for r in await cur.fetchall()]
    return FilterChoices(subjects=subjects, sources=sources)


async def sentence_starts(conn: AsyncConnection[Any], claim_ids: Sequence[int]) -> dict[int, int]:
    """Where each claim's sentence starts in its article's text (claims whose sentence is found).

    The sentence contains the claim, so it starts between `end - len(sentence)` and `start`;
    only that window of the article is searched.
    """
    cur = await conn.execute(
        """
        SELECT c.id, w.lo + strpos(substr(a.text, w.lo + 1, 2 * length(c.sentence)), c.sentence) - 1
        FROM claims c JOIN articles a ON a.id = c.article_id,
             LATERAL (SELECT greatest(0, c.end_offset - length(c.sentence)) AS lo) w
        WHERE c.id = ANY(%(ids)s) AND strpos(substr(a.text, w.lo + 1, 2 * length(c.sentence)), c.sentence) > 0
        """,
        {"ids": list(claim_ids)},
    )
    return {int(r[0]): int(r[1]) for r in await cur.fetchall()}


# --------------------------------------------------------------------------- timeline


class Edge(msgspec.Struct, frozen=True, kw_only=True):
    claim_a: int
    claim_b: int
    label: str
    score: float
    reason: str


async def timeline(
    conn: AsyncConnection[Any], claim_id: int, *, cap: int = 500
) -> tuple[list[store.ClaimRow], list[Edge]]:
    """The claim and every claim linked to it by matches, transitively, among claims of its kind."""
    await store.get_claim(conn, claim_id)
    cur = await conn.execute(
        """
        WITH RECURSIVE origin AS (
            SELECT id, kind FROM claims WHERE id = %(id)s
        ), linked(id) AS (
            SELECT id FROM origin
            UNION
            SELECT o.id
            FROM linked l
            JOIN matches m ON m.linked AND (m.claim_a = l.id OR m.claim_b = l.id)
            JOIN claims o ON o.id = CASE WHEN m.claim_a = l.id THEN m.claim_b ELSE m.claim_a END
            WHERE o.kind = (SELECT kind FROM origin)
        )
        SELECT id FROM linked LIMIT %(cap)s
        """,
        {"id": claim_id, "cap": cap},
    )
    ids = sorted({int(r[0]) for r in await cur.fetchall()} | {claim_id})
    claims = await store.claims_by_ids(conn, ids)
    async with conn.cursor(row_factory=class_row(Edge)) as ecur:
        await ecur.execute(
            """
            SELECT claim_a, claim_b, label, score, reason FROM matches
            WHERE linked AND claim_a = ANY(%(ids)s) AND claim_b = ANY(%(ids)s)
            ORDER BY claim_a, claim_b
            """,
            {"ids": ids},
        )
        edges = await ecur.fetchall()
    return [claims[i] for i in ids if i in claims], edges
