"""Exports: claims and conflicts as CSV or NDJSON, and a ClaimReview feed of confirmed conflicts.

Streamed: the first page is read before the answer starts (so a bad filter or an unreachable
database is a proper problem answer, not a broken download), then each further keyset page takes
a pooled connection only while it is read, never while a slow client downloads.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import msgspec
from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery
from litestar.response import Stream
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from api import schemas
from api.claimreview import encode as claimreview_json
from api.claimreview import published_review
from api.deps import ArticleFilter, Severity
from api.errors import problems
from claims import export, store
from claims.models import Kind, Status
from claims.store import corrections
from claims.text import partialdate

CSV = "text/csv"
"""Litestar adds `; charset=utf-8` to every text/* type itself (it was sent twice when given here)."""
NDJSON = "application/x-ndjson"
JSONLD = "application/ld+json"
BATCH = {"claims": 1000, "conflicts": 500, "claimreview": 200}
"""Rows per keyset page (module-level so tests can make pages small)."""

Chunk = tuple[bytes, str | None]
"""Encoded rows of one page and the cursor of the next (None: last page)."""
Fetch = Callable[[AsyncConnection[Any], str | None], Awaitable[Chunk]]


async def _stream(
    pool: AsyncConnectionPool[Any],
    fetch: Fetch,
    media_type: str,
    filename: str,
    *,
    head: bytes = b"",
    tail: bytes = b"",
) -> Stream:
    async with pool.connection() as conn:
        first = await fetch(conn, None)

    async def chunks() -> AsyncIterator[bytes]:
        body, cursor = first
        yield head + body
        while cursor is not None:
            async with pool.connection() as conn:
                body, cursor = await fetch(conn, cursor)
            yield body
        if tail:
            yield tail

    return Stream(
        chunks(),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def _check_dates(*values: str | None) -> None:
    """Reject impossible dates up front (the list SQL would raise them mid-stream)."""
    for value in values:
        if value is not None:
            partialdate.bounds(value)


def conflict_filters(
    status: FromQuery[Status | None] = None,
    kind: FromQuery[Kind | None] = None,
    subject: FromQuery[str | None] = None,
    source: FromQuery[str | None] = None,
    article: ArticleFilter = None,
    min_severity: Severity = None,
) -> store.ConflictFilters:
    return store.ConflictFilters(
        status=status, kind=kind, subject=subject, source=source, article=article, min_severity=min_severity
    )


def _claims_fetch(filters: store.ClaimFilters, fmt: str) -> Fetch:
    async def fetch(conn: AsyncConnection[Any], cursor: str | None) -> Chunk:
        page = await store.list_claims(conn, filters, limit=BATCH["claims"], cursor=cursor)
        if fmt == "csv":
            body = export.csv_lines(export.claim_row(r) for r in page.items).encode()
        else:
            body = b"".join(msgspec.json.encode(schemas.claim_out(r)) + b"\n" for r in page.items)
        return body, page.next_cursor

    return fetch


def _conflicts_fetch(filters: store.ConflictFilters, fmt: str) -> Fetch:
    async def fetch(conn: AsyncConnection[Any], cursor: str | None) -> Chunk:
        page = await store.list_conflicts(conn, filters, limit=BATCH["conflicts"], cursor=cursor)
        claims = await store.claims_of(conn, page.items)
        if fmt == "csv":
            body = export.csv_lines(export.conflict_row(k, claims) for k in page.items).encode()
        else:
            body = b"".join(msgspec.json.encode(schemas.conflict_out(k, claims)) + b"\n" for k in page.items)
        return body, page.next_cursor

    return fetch


class ExportController(Controller):
    path = "/exports"
    tags = ["exports"]

    @get("/claims.csv", operation_id="ExportClaimsCsv", responses=problems(400, 422), media_type=CSV)
    async def claims_csv(self, state: State, filters: NamedDependency[store.ClaimFilters]) -> Stream:
        """Every claim matching the filters of GET /v1/claims, one CSV row each, with a header row."""
        _check_dates(filters.since, filters.until)
        head = export.csv_lines([export.CLAIM_COLUMNS]).encode()
        return await _stream(state.pool, _claims_fetch(filters, "csv"), CSV, "claims.csv", head=head)

    @get("/claims.ndjson", operation_id="ExportClaimsNdjson", responses=problems(400, 422), media_type=NDJSON)
    async def claims_ndjson(self, state: State, filters: NamedDependency[store.ClaimFilters]) -> Stream:
        """Every claim matching the filters of GET /v1/claims, one JSON object (the claim shape) per line."""
        _check_dates(filters.since, filters.until)
        return await _stream(state.pool, _claims_fetch(filters, "ndjson"), NDJSON, "claims.ndjson")

    @get(
        "/conflicts.csv",
        operation_id="ExportConflictsCsv",
        responses=problems(400, 422),
        media_type=CSV,
        dependencies={"conflict_filters": Provide(conflict_filters, sync_to_thread=False)},
    )
    async def conflicts_csv(self, state: State, conflict_filters: NamedDependency[store.ConflictFilters]) -> Stream:
        """Conflicts matching the filters of GET /v1/conflicts, both claims side by side on one row."""
        head = export.csv_lines([export.CONFLICT_COLUMNS]).encode()
        fetch = _conflicts_fetch(conflict_filters, "csv")
        return await _stream(state.pool, fetch, CSV, "conflicts.csv", head=head)

    @get(
        "/conflicts.ndjson",
        operation_id="ExportConflictsNdjson",
        responses=problems(400, 422),
        media_type=NDJSON,
        dependencies={"conflict_filters": Provide(conflict_filters, sync_to_thread=False)},
    )
    async def conflicts_ndjson(self, state: State, conflict_filters: NamedDependency[store.ConflictFilters]) -> Stream:
        """Conflicts matching the filters of GET /v1/conflicts, one JSON object (the conflict shape) per line."""
        fetch = _conflicts_fetch(conflict_filters, "ndjson")
        return await _stream(state.pool, fetch, NDJSON, "conflicts.ndjson")

    @get("/claimreview.json", operation_id="ExportClaimReviews", responses=problems(400), media_type=JSONLD)
    async def claimreview(self, state: State, request: Request[Any, Any, Any]) -> Stream:
        """A JSON-LD array of schema.org ClaimReview objects, one per confirmed conflict."""
        settings = state.settings
        filters = store.ConflictFilters(status="confirmed")

        async def fetch(conn: AsyncConnection[Any], cursor: str | None) -> Chunk:
            page = await store.list_conflicts(conn, filters, limit=BATCH["claimreview"], cursor=cursor)
            claims = await store.claims_of(conn, page.items)
            facts = {k.id: await corrections.review_facts(conn, k) for k in page.items}
            article_ids = {c.article_id for c in claims.values()} | {
                i for f in facts.values() for ids in f.appearances.values() for i in ids
            }
            articles = await store.articles_by_ids(conn, sorted(article_ids))
            # the same review as GET /v1/conflicts/{id}/claimreview gives, rating included
            reviews = [
                claimreview_json(
                    published_review(
                        k,
                        store.pair_of(k, claims),
                        articles,
                        facts[k.id],
                        path=f"/v1/conflicts/{k.id}/claimreview",
                        organisation=settings.organisation,
                        organisation_url=settings.organisation_url,
                        factcheck_url=settings.factcheck_url,
                        public_base_url=settings.public_base_url,
                    )
                )
                for k in page.items
            ]
            # a comma before every item but the very first of the feed
            body = b",".join(reviews)
            if cursor is not None and body:
                body = b"," + body
            return body, page.next_cursor

        return await _stream(state.pool, fetch, JSONLD, "claimreview.json", head=b"[", tail=b"]")
