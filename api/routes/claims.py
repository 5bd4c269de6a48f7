"""Claims: filtered, cursor-paginated lists and one claim with its matches."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.datastructures import State
from litestar.params import FromQuery, QueryParameter
from psycopg import AsyncConnection

from api import schemas
from api.deps import ArticleFilter, Conn, Cursor, Id, Limit, UpdatedSince
from api.errors import problems
from api.review.chart import points
from claims import store
from claims.errors import NotFound
from claims.models import Kind
from claims.store import feed, newsroom

PartialDate = Annotated[
    str | None, QueryParameter(description="YYYY, YYYY-MM or YYYY-MM-DD; on the claim's date or as-of date")
]


Q = Annotated[str | None, QueryParameter(description="words to find in the sentence or `about`")]


def claim_filters(
    kind: FromQuery[Kind | None] = None,
    subject: FromQuery[str | None] = None,
    unit: FromQuery[str | None] = None,
    source: FromQuery[str | None] = None,
    article: ArticleFilter = None,
    q: Q = None,
    since: PartialDate = None,
    until: PartialDate = None,
) -> store.ClaimFilters:
    """The claim filters shared by /v1/claims and /v1/sources/{id}/claims (and the claim exports).

    The two list handlers take the same parameters themselves, in the same order (so the OpenAPI
    schema is the same): a dependency per request cost more than the page's SQL.
    """
    return store.ClaimFilters(
        kind=kind, subject=subject, unit=unit, source=source, article=article, q=q, since=since, until=until
    )


def since_time(updated_since: str | None) -> datetime | None:
    return None if updated_since is None else feed.parse_since(updated_since)


async def claim_page(
    conn: AsyncConnection[Any],
    filters: store.ClaimFilters,
    limit: int,
    cursor: str | None,
    updated_since: datetime | None = None,
) -> schemas.ClaimPage:
    if updated_since is not None:  # the feed: (created_at, id) order, bounded by the horizon
        window = await feed.window(conn, updated_since, cursor)
        fed = await feed.claims(conn, filters, schemas.claim_from_values, window, limit=limit)
        return schemas.ClaimPage(items=fed.items, next_cursor=fed.next_cursor, updated_until=fed.until)
    page = await store.list_claims_as(conn, filters, schemas.claim_from_values, limit=limit, cursor=cursor, brief=True)
    return schemas.ClaimPage(items=page.items, next_cursor=page.next_cursor)


class ClaimController(Controller):
    path = "/claims"
    tags = ["claims"]

    @get("/", operation_id="ListClaims", responses=problems(400, 422))
    async def list_claims(
        self,
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
        # The connection is taken here, once every parameter has validated: bad input never
        # touches the pool, and the page is encoded after the connection is back in it.
        async with state.pool.connection() as conn:
            return await claim_page(conn, filters, limit, cursor, since_time(updated_since))

    @get("/{claim_id:int}", operation_id="GetClaim", responses=problems(400, 404))
    async def get_claim(self, claim_id: Id, state: State) -> schemas.ClaimDetail:
        """One claim with every claim matched to it: linked matches first, then suggestions."""
        async with state.pool.connection() as conn:
            # Two queries, not three: the claim is fetched with the claims matched to it. A missing
            # claim has no matches either (they reference it), so it is still a 404.
            matches = await store.matches_of(conn, claim_id)
            found = await store.claims_by_ids(conn, [claim_id, *(m.other_id for m in matches)])
        if claim_id not in found:
            raise NotFound(f"claim {claim_id} does not exist")
        base = schemas.claim_out(found[claim_id])
        return schemas.ClaimDetail(
            **{f: getattr(base, f) for f in base.__struct_fields__},
            matches=[
                schemas.Match(
                    claim=schemas.claim_out(found[m.other_id]),
                    label=m.label,  # type: ignore[arg-type]
                    linked=m.linked,
                    kind="match" if m.linked else "suggestion",
                    score=m.score,
                    components=m.components,
                    reason=m.reason,
                )
                for m in matches
                if m.other_id in found
            ],
            frame=schemas.frame_out(found[claim_id]),
        )


# --------------------------------------------------------------------------- JSON timeline


class TimelinePoint(msgspec.Struct, kw_only=True):
    at: str | None
    """As-of date (partial ISO), else the article's publication date."""
    claim: schemas.Claim


class TimelineEdge(msgspec.Struct, kw_only=True):
    claim_a: int
    claim_b: int
    label: str
    score: float
    reason: str


class Timeline(msgspec.Struct, kw_only=True):
    claim_id: int
    kind: str
    unit: str | None
    subject: str | None
    about: str | None
    points: list[TimelinePoint]
    """Sorted by date, then value."""
    edges: list[TimelineEdge]


class TimelineController(Controller):
    path = "/claims"
    tags = ["claims"]

    @get("/{claim_id:int}/timeline", operation_id="GetClaimTimeline", responses=problems(400, 404))
    async def get_timeline(self, claim_id: Id, conn: Conn) -> Timeline:
        """The claim and every claim linked to it by matches (transitively, within its block), by as-of
        date: what a chart of this measured thing over time needs, with the match labels between them."""
        rows, edges = await newsroom.timeline(conn, claim_id)
        by_id = {r.id: r for r in rows}
        origin = by_id[claim_id]
        return Timeline(
            claim_id=claim_id,
            kind=origin.kind,
            unit=origin.unit,
            subject=origin.subject,
            about=origin.about,
            points=[TimelinePoint(at=p.at, claim=schemas.claim_out(by_id[p.claim_id])) for p in points(rows)],
            edges=[msgspec.convert(e, TimelineEdge, from_attributes=True) for e in edges],
        )
