"""The work queue: open conflicts, suggestions and different_scope pairs, and actions on them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromQuery, JSONBody, QueryParameter
from msgspec import Meta

from api import schemas
from api.deps import MAX_ID, Conn, Cursor, Limit
from api.errors import problems
from api.security import actor_of
from claims import store
from claims.errors import ClaimsError, Conflict, InvalidInput, NotFound
from claims.store import accounts, queue

QueueKind = Literal["conflict", "suggestion", "different_scope"]
QueueStatus = Literal["open", "confirmed", "dismissed", "resolved", "accepted", "any"]
Action = Literal["confirm", "resolve", "dismiss", "reopen", "accept", "reject", "assign", "unassign"]
DismissReason = Literal[
    "compatible", "different_scope", "different_subject", "duplicate", "extraction_error", "not_newsworthy", "other"
]
Sort = Literal["severity", "date", "sources"]
Note = Annotated[str, Meta(max_length=2000, pattern="^[^\\x00]*$")]
SeverityBound = Annotated[float | None, QueryParameter(ge=0, le=1, schema_extra={"minimum": 0})]


class Person(msgspec.Struct, kw_only=True):
    id: int
    name: str


class QueueItem(msgspec.Struct, kw_only=True):
    kind: QueueKind
    id: int
    """The conflict's id for a conflict, the match's id for a suggestion or different_scope pair."""
    match_id: int
    status: str
    severity: float | None
    label: str
    """The comparison's verdict: agree | conflict | different_scope."""
    reason: str
    subject: str | None
    sources: list[str]
    source_count: int
    """Distinct sources among the pair and every claim linked to either of them."""
    assigned_to: Person | None
    created_at: datetime
    claims: list[schemas.Claim]


class QueuePage(msgspec.Struct, kw_only=True):
    items: list[QueueItem]
    next_cursor: str | None


class ItemRef(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: QueueKind
    id: Annotated[int, Meta(ge=1, le=MAX_ID)]


class BulkAction(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    action: Action
    items: Annotated[list[ItemRef], Meta(min_length=1, max_length=500)]
    note: Note | None = None
    reason: DismissReason | None = None
    """Why the items are dismissed (dismiss needs a reason or a note; `other` needs a note)."""
    assignee: Annotated[str, Meta(min_length=1, max_length=200)] | None = None
    """For assign: an account name, its id, or `me`."""


class BulkItemResult(msgspec.Struct, kw_only=True, omit_defaults=True):
    kind: QueueKind
    id: int
    status: int
    """HTTP status of this item: 200 done, or the problem's status."""
    state: str | None = None
    conflict_id: int | None = None
    error: str | None = None


class BulkResult(msgspec.Struct, kw_only=True):
    items: list[BulkItemResult]
    done: int
    failed: int


async def _items(conn: Any, rows: list[queue.QueueRow]) -> list[QueueItem]:
    claims = await store.claims_of(conn, rows)
    return [
        QueueItem(
            kind=r.kind,  # type: ignore[arg-type]
            id=r.id,
            match_id=r.match_id,
            status=r.status,
            severity=r.severity,
            label=r.label,
            reason=r.reason,
            subject=r.subject,
            sources=sorted({r.source_a, r.source_b}),
            source_count=r.source_count,
            assigned_to=Person(id=r.assignee_id, name=r.assignee or "") if r.assignee_id is not None else None,
            created_at=r.created_at,
            claims=[schemas.claim_out(c) for c in store.pair_of(r, claims)],
        )
        for r in rows
    ]


async def _account_id(conn: Any, request: Request[Any, Any, Any], who: str) -> int:
    if who == "me":
        actor = actor_of(request)
        if actor.account_id is None:
            raise InvalidInput(f"{actor.name!r} is not a named account: name one")
        return actor.account_id
    if who.isascii() and who.isdigit():
        return (await accounts.get_account(conn, int(who))).id
    return (await accounts.account_by_name(conn, who)).id


def _status_of(exc: ClaimsError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    return 422


class QueueController(Controller):
    path = "/queue"
    tags = ["queue"]

    @get(
        "/",
        operation_id="ListQueue",
        responses=problems(400, 401, 404, 422),
        summary="Everything that needs a person",
        description="Open conflicts, suggestions (matches the matcher was unsure of, `linked` false) and "
        "different_scope pairs, one list. Filters: `status` (default `open`; `any` for all), `kind`, "
        "`min_severity`/`max_severity` (suggestions have none), `since`/`until` (when detected, YYYY-MM-DD), "
        "`source` (either claim's), `subject` (case- and accent-insensitive prefix of the subject or of one "
        "of its words: `eu` finds European Union, `ukr` finds Ukraine), `assigned` (`mine`, `none`, an "
        "account name or id). `sort`: `severity` (default), `date` (newest first) or `sources` (most "
        "sources first). Act on items with POST /v1/queue/bulk.",
    )
    async def list_queue(
        self,
        conn: Conn,
        request: Request[Any, Any, Any],
        status: FromQuery[QueueStatus] = "open",
        kind: FromQuery[QueueKind | None] = None,
        min_severity: SeverityBound = None,
        max_severity: SeverityBound = None,
        since: FromQuery[date | None] = None,
        until: FromQuery[date | None] = None,
        source: Annotated[str | None, QueryParameter(max_length=500)] = None,
        subject: Annotated[str | None, QueryParameter(min_length=1, max_length=500)] = None,
        assigned: Annotated[str | None, QueryParameter(max_length=200, description="mine | none | name | id")] = None,
        sort: FromQuery[Sort] = "severity",
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> QueuePage:
        assigned_to = None
        if assigned == "mine":  # needs the caller's key (401 without one)
            assigned_to = await _account_id(conn, request, "me")
        elif assigned is not None and assigned != "none":
            assigned_to = await _account_id(conn, request, assigned)
        filters = queue.QueueFilters(
            status=None if status == "any" else status,
            kind=kind,
            min_severity=min_severity,
            max_severity=max_severity,
            since=since,
            until=until,
            source=source,
            subject=subject,
            assigned_to=assigned_to,
            unassigned=assigned == "none",
            sort=sort,
        )
        page = await queue.queue(conn, filters, limit=limit, cursor=cursor)
        return QueuePage(items=await _items(conn, page.items), next_cursor=page.next_cursor)

    @post(
        "/bulk",
        operation_id="ActOnQueue",
        status_code=200,
        opt={"role": "reviewer"},
        responses=problems(400, 401, 403, 404, 422),
        summary="Apply one action, with one note, to many queue items",
        description="Reviewer or above. Actions: on conflicts `confirm`, `resolve`, `dismiss`, `reopen`; on "
        "suggestions `accept` (becomes a linked match with the comparison's verdict; a conflict opens if it "
        "is one), `reject` (the pair is never suggested again, even after `claims rematch`), `dismiss`, "
        "`reopen`; on different_scope pairs `accept` (acknowledged), `reject`, `dismiss`; on any item "
        "`assign` (with `assignee`: a name, an id or `me`) and `unassign`. `dismiss` needs a `reason` "
        "from the list or a `note`. Each item is applied in its own transaction and reported with its own "
        "status (200, or 404/409/422 with an error); every change is in the audit log.",
    )
    async def bulk(self, data: JSONBody[BulkAction], conn: Conn, request: Request[Any, Any, Any]) -> BulkResult:
        actor = actor_of(request)
        if data.action == "dismiss":
            queue.dismissal_note(data.reason, data.note)  # refuse the whole request up front: 422
        assignee = None
        if data.action == "assign":
            if data.assignee is None:
                raise InvalidInput("assign needs an assignee")
            assignee = await _account_id(conn, request, data.assignee)
        results: list[BulkItemResult] = []
        for ref in data.items:
            try:
                done = await queue.apply(
                    conn, actor, ref.kind, ref.id, data.action, note=data.note, reason=data.reason, assignee=assignee
                )
            except ClaimsError as exc:
                results.append(BulkItemResult(kind=ref.kind, id=ref.id, status=_status_of(exc), error=str(exc)))
                continue
            results.append(
                BulkItemResult(kind=ref.kind, id=ref.id, status=200, state=done.status, conflict_id=done.conflict_id)
            )
        failed = sum(1 for r in results if r.status != 200)
        return BulkResult(items=results, done=len(results) - failed, failed=failed)
