"""Sources (outlets) and the claims each one made."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency, Provide

from api import schemas
from api.deps import Conn, Cursor, Id, Limit, provide_conn_after_filters
from api.errors import problems
from api.routes.claims import claim_page
from claims import store


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

    @get(
        "/{source_id:int}/claims",
        operation_id="ListSourceClaims",
        responses=problems(400, 404, 422),
        dependencies={"conn": Provide(provide_conn_after_filters)},
    )
    async def source_claims(
        self,
        source_id: Id,
        conn: Conn,
        filters: NamedDependency[store.ClaimFilters],
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> schemas.ClaimPage:
        await store.get_source(conn, source_id)
        scoped = msgspec.structs.replace(filters, source_id=source_id)
        return await claim_page(conn, scoped, limit, cursor)
