"""Conflicts: list, read with history, record a review."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from api import schemas
from api.deps import Conn, Cursor, Limit
from claims import store
from claims.models import Kind, Status


async def _with_claims(conn: Conn, rows: list[store.ConflictRow]) -> list[schemas.Conflict]:
    claims = await store.claims_by_ids(conn, [i for r in rows for i in (r.claim_a, r.claim_b)])
    return [schemas.conflict_out(r, claims) for r in rows]


async def _detail(conn: Conn, row: store.ConflictRow) -> schemas.ConflictDetail:
    (base,) = await _with_claims(conn, [row])
    history = schemas.history_out(await store.conflict_history(conn, row.id))
    return schemas.ConflictDetail(**{f: getattr(base, f) for f in base.__struct_fields__}, history=history)


class ConflictController(Controller):
    path = "/conflicts"
    tags = ["conflicts"]

    @get("/", operation_id="ListConflicts")
    async def list_conflicts(
        self,
        conn: Conn,
        status: FromQuery[Status | None] = None,
        kind: FromQuery[Kind | None] = None,
        subject: FromQuery[str | None] = None,
        source: FromQuery[str | None] = None,
        article: FromQuery[int | None] = None,
        min_severity: Annotated[float | None, QueryParameter(ge=0, le=1)] = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> schemas.ConflictPage:
        filters = store.ConflictFilters(
            status=status,
            kind=kind,
            subject=subject,
            source=source,
            article=article,
            min_severity=min_severity,
        )
        page = await store.list_conflicts(conn, filters, limit=limit, cursor=cursor)
        return schemas.ConflictPage(items=await _with_claims(conn, page.items), next_cursor=page.next_cursor)

    @get("/{conflict_id:int}", operation_id="GetConflict")
    async def get_conflict(self, conflict_id: FromPath[int], conn: Conn) -> schemas.ConflictDetail:
        return await _detail(conn, await store.get_conflict(conn, conflict_id))

    @patch("/{conflict_id:int}", operation_id="ReviewConflict")
    async def review(
        self, conflict_id: FromPath[int], data: JSONBody[schemas.ConflictReview], conn: Conn
    ) -> schemas.ConflictDetail:
        """Records a review; the history keeps every earlier one."""
        row = await store.review_conflict(
            conn, conflict_id, status=data.status, note=data.note, reviewer=data.reviewer
        )
        return await _detail(conn, row)
