"""The editorial queue: everything that needs a person, and the actions on it (accept, dismiss...).

Literal SQL with named parameters, filters as fixed fragments. Every write appends to the audit log
(`store.audit`) in its own transaction.
"""

from __future__ import annotations

from datetime import date, datetime  # noqa: TC003 (msgspec reads the annotations at run time)
from typing import TYPE_CHECKING, Any, LiteralString

import msgspec
from psycopg import sql
from psycopg.rows import class_row

from claims import store
from claims.compare import compare
from claims.errors import Conflict, InvalidInput, NotFound
from claims.store import audit

if TYPE_CHECKING:
    from psycopg import AsyncConnection

    from claims.store.audit import Actor

KINDS: tuple[str, ...] = ("conflict", "suggestion", "different_scope")
DISMISS_REASONS: tuple[str, ...] = (
    "compatible",
    "different_scope",
    "different_subject",
    "duplicate",
    "extraction_error",
    "not_newsworthy",
    "other",
)
"""Why an item was dismissed; `other` (or no reason) needs a note."""
ACTIONS: tuple[str, ...] = ("confirm", "resolve", "dismiss", "reopen", "accept", "reject", "assign", "unassign")
SORTS: tuple[str, ...] = ("severity", "date", "sources")


# --------------------------------------------------------------------------- the queue


class QueueFilters(msgspec.Struct, frozen=True, kw_only=True):
    status: str | None = "open"
    """`open` (default), a conflict status, `accepted`, or None for every status."""
    kind: str | None = None
    min_severity: float | None = None
    max_severity: float | None = None
    since: date | None = None
    until: date | None = None
    source: str | None = None
    subject: str | None = None
    assigned_to: int | None = None
    unassigned: bool = False
    sort: str = "severity"


class QueueRow(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    id: int
    match_id: int
    status: str
    severity: float | None
    reason: str
    label: str
    claim_a: int
    claim_b: int
    created_at: datetime
    subject: str | None
    source_a: str
    source_b: str
    source_count: int
    assignee_id: int | None
    assignee: str | None


_QUEUE: LiteralString = """
WITH items AS (
    SELECT 'conflict'::text AS kind, k.id, k.match_id, k.status, k.severity, k.reason, 'conflict'::text AS label,
           k.claim_a, k.claim_b, k.created_at
    FROM conflicts k
    UNION ALL
    SELECT CASE WHEN m.linked THEN 'different_scope' ELSE 'suggestion' END, m.id, m.id,
           coalesce(d.status, 'open'), NULL::float8, m.reason, m.label, m.claim_a, m.claim_b, m.created_at
    FROM matches m LEFT JOIN match_decisions d ON d.match_id = m.id
    WHERE NOT m.linked OR m.label = 'different_scope'
)
SELECT i.kind, i.id, i.match_id, i.status, i.severity, i.reason, i.label, i.claim_a, i.claim_b, i.created_at,
       coalesce(ca.subject, cb.subject) AS subject, sa.name AS source_a, sb.name AS source_b,
       (SELECT count(DISTINCT c.source_id)::int FROM claims c
        WHERE c.id IN (i.claim_a, i.claim_b) OR c.id IN (
            SELECT CASE WHEN m2.claim_a IN (i.claim_a, i.claim_b) THEN m2.claim_b ELSE m2.claim_a END
            FROM matches m2
            WHERE m2.linked AND (m2.claim_a IN (i.claim_a, i.claim_b) OR m2.claim_b IN (i.claim_a, i.claim_b))
        )) AS source_count,
       acc.id AS assignee_id, acc.name AS assignee
FROM items i
JOIN claims ca ON ca.id = i.claim_a JOIN sources sa ON sa.id = ca.source_id
JOIN claims cb ON cb.id = i.claim_b JOIN sources sb ON sb.id = cb.source_id
LEFT JOIN assignments asg ON asg.match_id = i.match_id
LEFT JOIN accounts acc ON acc.id = asg.account_id
WHERE {where}
ORDER BY {order}
LIMIT %(limit)s OFFSET %(offset)s
"""

_ORDER: dict[str, LiteralString] = {
    "severity": "i.severity DESC NULLS LAST, i.created_at DESC, i.kind, i.id DESC",
    "date": "i.created_at DESC, i.kind, i.id DESC",
    "sources": "source_count DESC, i.severity DESC NULLS LAST, i.kind, i.id DESC",
}


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _queue_where(f: QueueFilters, params: dict[str, Any]) -> list[LiteralString]:
    where: list[LiteralString] = [
        # a suggestion whose claim was retired or marked wrong needs nobody any more
        "(i.kind = 'conflict' OR (ca.retired_at IS NULL AND cb.retired_at IS NULL"
        " AND ca.wrong_at IS NULL AND cb.wrong_at IS NULL))"
    ]
    if f.status is not None:
        where.append("i.status = %(status)s")
        params["status"] = f.status
    if f.kind is not None:
        where.append("i.kind = %(kind)s")
        params["kind"] = f.kind
    if f.min_severity is not None:
        where.append("i.severity >= %(min_sev)s")
        params["min_sev"] = f.min_severity
    if f.max_severity is not None:
        where.append("i.severity <= %(max_sev)s")
        params["max_sev"] = f.max_severity
    if f.since is not None:
        where.append("i.created_at >= %(since)s::date")
        params["since"] = f.since
    if f.until is not None:
        where.append("i.created_at < %(until)s::date + 1")
        params["until"] = f.until
    if f.source is not None:
        where.append("(lower(sa.name) = lower(%(source)s) OR lower(sb.name) = lower(%(source)s))")
        params["source"] = f.source
    if f.subject is not None:
        # case- and accent-insensitive prefix of the subject or of any of its words
        where.append(
            "(claims_fold(ca.subject) LIKE claims_fold(%(subj)s) || '%%'"
            " OR claims_fold(ca.subject) LIKE '%% ' || claims_fold(%(subj)s) || '%%'"
            " OR claims_fold(cb.subject) LIKE claims_fold(%(subj)s) || '%%'"
            " OR claims_fold(cb.subject) LIKE '%% ' || claims_fold(%(subj)s) || '%%')"
        )
        params["subj"] = _like_prefix(f.subject.strip())
    if f.assigned_to is not None:
        where.append("asg.account_id = %(assignee)s")
        params["assignee"] = f.assigned_to
    if f.unassigned:
        where.append("asg.account_id IS NULL")
    return where


def encode_offset(offset: int) -> str:
    """The queue sorts by computed columns, so it pages by offset (in a tagged cursor)."""
    return store.encode_tagged("queue", offset)


def decode_offset(cursor: str | None) -> int:
    """The offset in a queue cursor (0 for none); any other cursor is bad input."""
    return store.decode_tagged(cursor, "queue", high=10_000_000, issuer="this queue")


async def queue(
    conn: AsyncConnection[Any], f: QueueFilters, *, limit: int = 50, cursor: str | None = None
) -> store.Page[QueueRow]:
    """One page of the queue. The cursor is an offset: the queue is a worklist re-sorted as it
    changes, not an archive to walk exactly once."""
    if f.sort not in _ORDER:
        raise InvalidInput(f"sort must be one of {', '.join(SORTS)}")
    offset = decode_offset(cursor)
    params: dict[str, Any] = {"limit": limit + 1, "offset": offset}
    where = _queue_where(f, params)
    query = sql.SQL(_QUEUE).format(
        where=sql.SQL(" AND ").join(sql.SQL(w) for w in where), order=sql.SQL(_ORDER[f.sort])
    )
    async with conn.cursor(row_factory=class_row(QueueRow)) as cur:
        await cur.execute(query, params)
        rows = await cur.fetchall()
    if len(rows) > limit:
        return store.Page(items=rows[:limit], next_cursor=encode_offset(offset + limit))
    return store.Page(items=rows, next_cursor=None)


async def queue_item(conn: AsyncConnection[Any], kind: str, item_id: int) -> QueueRow:
    """One queue item by kind and id (NotFound otherwise), for an action on it."""
    params: dict[str, Any] = {"limit": 1, "offset": 0, "kind": kind, "item": item_id}
    query = sql.SQL(_QUEUE).format(where=sql.SQL("i.kind = %(kind)s AND i.id = %(item)s"), order=sql.SQL("i.id"))
    async with conn.cursor(row_factory=class_row(QueueRow)) as cur:
        await cur.execute(query, params)
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"no {kind} {item_id} in the queue")
    return row


# --------------------------------------------------------------------------- queue actions


class ActionResult(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    id: int
    status: str
    conflict_id: int | None = None
    """For an accepted suggestion that is a conflict: the conflict it opened."""


_CONFLICT_STATUS = {"confirm": "confirmed", "resolve": "resolved", "dismiss": "dismissed", "reopen": "open"}


def dismissal_note(reason: str | None, note: str | None) -> str:
    """The note a dismissal records: a reason from `DISMISS_REASONS` and/or a free note."""
    if reason is not None and reason not in DISMISS_REASONS:
        raise InvalidInput(f"reason must be one of {', '.join(DISMISS_REASONS)}")
    if (reason is None or reason == "other") and not (note and note.strip()):
        raise InvalidInput("dismissing needs a reason from the list or a note")
    return "; ".join(p for p in (reason, note) if p)


async def apply(
    conn: AsyncConnection[Any],
    actor: Actor,
    kind: str,
    item_id: int,
    action: str,
    *,
    note: str | None = None,
    reason: str | None = None,
    assignee: int | None = None,
) -> ActionResult:
    """Apply one action to one queue item, with its audit entry, in one transaction."""
    if action not in ACTIONS:
        raise InvalidInput(f"action must be one of {', '.join(ACTIONS)}")
    async with conn.transaction():
        item = await queue_item(conn, kind, item_id)
        if action in ("assign", "unassign"):
            return await _assign(conn, actor, item, assignee if action == "assign" else None)
        text = dismissal_note(reason, note) if action == "dismiss" else note
        if kind == "conflict":
            if action not in _CONFLICT_STATUS:
                raise InvalidInput(f"a conflict can be {', '.join(_CONFLICT_STATUS)}, not {action}")
            before = await store.get_conflict(conn, item_id)
            row = await store.review_conflict(
                conn,
                item_id,
                status=_CONFLICT_STATUS[action],
                note=text,
                reviewer=actor.name,
                account_id=actor.account_id,
            )
            await audit.record(conn, actor, "conflict.review", "conflict", item_id, before=before, after=row, note=text)
            return ActionResult(kind=kind, id=item_id, status=row.status)
        if action == "accept":
            return await _accept(conn, actor, item, text)
        if action == "reject":
            return await _reject(conn, actor, item, text)
        if action in ("dismiss", "reopen"):
            return await _decide(conn, actor, item, "dismissed" if action == "dismiss" else None, reason, note)
        raise InvalidInput(f"a {kind} can be accepted, rejected, dismissed or reopened, not {action}ed")


async def _assign(conn: AsyncConnection[Any], actor: Actor, item: QueueRow, account_id: int | None) -> ActionResult:
    before = {"assignee_id": item.assignee_id, "assignee": item.assignee}
    if account_id is None:
        await conn.execute("DELETE FROM assignments WHERE match_id = %(m)s", {"m": item.match_id})
    else:
        cur = await conn.execute("SELECT name FROM accounts WHERE id = %(id)s", {"id": account_id})
        if await cur.fetchone() is None:
            raise NotFound(f"account {account_id} does not exist")
        await conn.execute(
            "INSERT INTO assignments (match_id, account_id, assigned_by) VALUES (%(m)s, %(a)s, %(by)s)"
            " ON CONFLICT (match_id) DO UPDATE SET account_id = EXCLUDED.account_id,"
            " assigned_by = EXCLUDED.assigned_by, at = now()",
            {"m": item.match_id, "a": account_id, "by": actor.name},
        )
    after = {"assignee_id": account_id}
    await audit.record(conn, actor, "queue.assign", item.kind, item.id, before=before, after=after)
    return ActionResult(kind=item.kind, id=item.id, status=item.status)


async def _decide(
    conn: AsyncConnection[Any], actor: Actor, item: QueueRow, status: str | None, reason: str | None, note: str | None
) -> ActionResult:
    if status is None:
        await conn.execute("DELETE FROM match_decisions WHERE match_id = %(m)s", {"m": item.match_id})
    else:
        await conn.execute(
            "INSERT INTO match_decisions (match_id, status, reason, note, account_id)"
            " VALUES (%(m)s, %(s)s, %(r)s, %(n)s, %(a)s) ON CONFLICT (match_id) DO UPDATE SET status = EXCLUDED.status,"
            " reason = EXCLUDED.reason, note = EXCLUDED.note, account_id = EXCLUDED.account_id, at = now()",
            {"m": item.match_id, "s": status, "r": reason, "n": note, "a": actor.account_id},
        )
    action = f"{item.kind}.{'dismiss' if status else 'reopen'}"
    await audit.record(
        conn,
        actor,
        action,
        item.kind,
        item.id,
        before={"status": item.status},
        after={"status": status or "open"},
        note=note,
    )
    return ActionResult(kind=item.kind, id=item.id, status=status or "open")


async def _accept(conn: AsyncConnection[Any], actor: Actor, item: QueueRow, note: str | None) -> ActionResult:
    """A suggestion becomes a linked match with the comparison's verdict; a conflict opens if it is
    one. A different_scope pair is acknowledged (it leaves the queue, the match stays as it is)."""
    if item.kind == "different_scope":
        await _decide(conn, actor, item, "accepted", None, note)
        return ActionResult(kind=item.kind, id=item.id, status="accepted")
    if item.status != "open":
        raise Conflict(f"suggestion {item.id} was {item.status} already")
    await conn.execute("UPDATE matches SET linked = true WHERE id = %(m)s", {"m": item.match_id})
    await conn.execute(
        "INSERT INTO match_decisions (match_id, status, note, account_id) VALUES (%(m)s, 'accepted', %(n)s, %(a)s)"
        " ON CONFLICT (match_id) DO UPDATE SET status = 'accepted', note = EXCLUDED.note,"
        " account_id = EXCLUDED.account_id, at = now()",
        {"m": item.match_id, "n": note, "a": actor.account_id},
    )
    conflict_id = None
    if item.label == "conflict":
        claims = await store.claims_by_ids(conn, [item.claim_a, item.claim_b])
        severity = None
        if len(claims) == 2:
            _label, _why, severity = compare(claims[item.claim_a].to_ref(), claims[item.claim_b].to_ref())
        cur = await conn.execute(
            """
            INSERT INTO conflicts (match_id, claim_a, claim_b, kind, subject, severity, reason)
            SELECT m.id, m.claim_a, m.claim_b, c.kind, c.subject, %(sev)s, m.reason
            FROM matches m JOIN claims c ON c.id = m.claim_a WHERE m.id = %(m)s
            ON CONFLICT (match_id) DO NOTHING RETURNING id
            """,
            {"m": item.match_id, "sev": max(0.0, severity if severity is not None else 0.5)},
        )
        row = await cur.fetchone()
        if row is not None:
            conflict_id = int(row[0])
            await conn.execute(
                "INSERT INTO conflict_history (conflict_id, status, note, reviewer, account_id)"
                " VALUES (%(k)s, 'open', %(n)s, %(r)s, %(a)s)",
                {"k": conflict_id, "n": "suggestion accepted", "r": actor.name, "a": actor.account_id},
            )
            await conn.execute(
                "INSERT INTO webhook_events (event, conflict_id) SELECT 'conflict.created', %(k)s WHERE EXISTS"
                " (SELECT 1 FROM webhooks WHERE active AND 'conflict.created' = ANY(events))",
                {"k": conflict_id},
            )
    after = {"linked": True, "label": item.label, "conflict_id": conflict_id}
    await audit.record(
        conn, actor, "suggestion.accept", "suggestion", item.id, before={"linked": False}, after=after, note=note
    )
    return ActionResult(kind=item.kind, id=item.id, status="accepted", conflict_id=conflict_id)


async def _reject(conn: AsyncConnection[Any], actor: Actor, item: QueueRow, note: str | None) -> ActionResult:
    """Not the same measured thing: the match goes, and the pair is never suggested again."""
    if item.kind == "conflict":
        raise InvalidInput("a conflict is dismissed, not rejected")
    await conn.execute(
        "INSERT INTO rejected_pairs (claim_a, claim_b, account_id, note) VALUES (%(a)s, %(b)s, %(acc)s, %(n)s)"
        " ON CONFLICT DO NOTHING",
        {"a": item.claim_a, "b": item.claim_b, "acc": actor.account_id, "n": note},
    )
    await conn.execute("DELETE FROM matches WHERE id = %(m)s", {"m": item.match_id})
    before = {"claim_a": item.claim_a, "claim_b": item.claim_b, "label": item.label, "reason": item.reason}
    await audit.record(conn, actor, f"{item.kind}.reject", item.kind, item.id, before=before, after=None, note=note)
    return ActionResult(kind=item.kind, id=item.id, status="rejected")
