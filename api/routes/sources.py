"""Sources (outlets) and the claims each one made."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.datastructures import State
from litestar.params import FromQuery

from api import schemas
from api.deps import ArticleFilter, Conn, Cursor, Id, Limit, UpdatedSince
from api.errors import problems
from api.routes.claims import PartialDate, Q, claim_filters, claim_page, since_time
from claims import store
from claims.errors import InvalidInput
from claims.models import Kind


class SourceController(Controller):
    path = "/sources"
    tags = ["sources"]

    @get("/", operation_id="ListSources", responses=problems(400, 422))
    async def list_sources(self, conn: Conn, limit: Limit = 50, cursor: Cursor = None) -> schemas.SourcePage:
        page = await store.list_sources(conn, limit=limit, cursor=cursor)
        return schemas.SourcePage(
            items=[msgspec.convert(r, schemas.Source, from_attributes=True) for r in page.items],
            next_cursor=page.next_cursor,
        )

    @get("/{source_id:int}/claims", operation_id="ListSourceClaims", responses=problems(400, 404, 422))
    async def source_claims(
        self,
        source_id: Id,
        state: State,
        kind: FromQuery[Kind | None] = None,
        subject: FromQuery[str | None] = None,
        unit: FromQuery[str | None] = None,
        source: FromQuery[str | None] = None,
        article: ArticleFilter = None,
        q: Q = None,
        since: PartialDate = None,
        until: PartialDate = None,
        updated_since: UpdatedSince = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> schemas.ClaimPage:
        filters = claim_filters(kind, subject, unit, source, article, q, since, until)
        scoped = msgspec.structs.replace(filters, source_id=source_id)
        async with state.pool.connection() as conn:
            # A page with claims proves the source exists (claims reference it): look the source
            # up only when the page is empty, or when the input is bad (a missing source is a 404
            # before a bad cursor or date is a 422, as when the lookup came first).
            try:
                page = await claim_page(conn, scoped, limit, cursor, since_time(updated_since))
            except InvalidInput:
                await store.get_source(conn, source_id)
                raise
            if not page.items:
                await store.get_source(conn, source_id)
        return page
