"""Sources (outlets) and the claims each one made."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get
from psycopg import AsyncConnection

from api import schemas
from api.routes.claims import claim_page
from claims import store


class SourceController(Controller):
    path = "/sources"
    tags = ["sources"]

    @get("/", operation_id="ListSources")
    async def list_sources(
        self, conn: AsyncConnection[Any], limit: schemas.Limit = 50, cursor: str | None = None
    ) -> schemas.SourcePage:
        page = await store.list_sources(conn, limit=limit, cursor=cursor)
        return schemas.SourcePage(
            items=[msgspec.convert(r, schemas.Source, from_attributes=True) for r in page.items],
            next_cursor=page.next_cursor,
        )

    @get("/{source_id:int}/claims", operation_id="ListSourceClaims")
    async def source_claims(
        self,
        source_id: int,
        conn: AsyncConnection[Any],
        filters: store.ClaimFilters,
        limit: schemas.Limit = 50,
        cursor: str | None = None,
    ) -> schemas.ClaimPage:
        await store.get_source(conn, source_id)
        scoped = msgspec.structs.replace(filters, source_id=source_id)
        return await claim_page(conn, scoped, limit, cursor)
