"""Claims: filtered, cursor-paginated lists and one claim with its matches."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, QueryParameter

from api import schemas
from api.deps import ArticleFilter, Conn, Cursor, Id, Limit, provide_conn_after_filters
from api.errors import problems
from claims import store
from claims.models import Kind

PartialDate = Annotated[
    str | None, QueryParameter(description="YYYY, YYYY-MM or YYYY-MM-DD; on the claim's date or as-of date")
]


def claim_filters(
    kind: FromQuery[Kind | None] = None,
    subject: FromQuery[str | None] = None,
    unit: FromQuery[str | None] = None,
    source: FromQuery[str | None] = None,
    article: ArticleFilter = None,
    q: Annotated[str | None, QueryParameter(description="words to find in the sentence or `about`")] = None,
    since: PartialDate = None,
    until: PartialDate = None,
) -> store.ClaimFilters:
    """The claim filters shared by /v1/claims and /v1/sources/{id}/claims."""
    return store.ClaimFilters(
        kind=kind, subject=subject, unit=unit, source=source, article=article, q=q, since=since, until=until
    )


async def claim_page(
    conn: Conn, filters: NamedDependency[store.ClaimFilters], limit: int, cursor: str | None
) -> schemas.ClaimPage:
    page = await store.list_claims(conn, filters, limit=limit, cursor=cursor)
    return schemas.ClaimPage(items=[schemas.claim_out(r) for r in page.items], next_cursor=page.next_cursor)


class ClaimController(Controller):
    path = "/claims"
    tags = ["claims"]

    @get(
        "/",
        operation_id="ListClaims",
        responses=problems(400, 422),
        dependencies={"conn": Provide(provide_conn_after_filters)},
    )
    async def list_claims(
        self,
        conn: Conn,
        filters: NamedDependency[store.ClaimFilters],
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> schemas.ClaimPage:
        return await claim_page(conn, filters, limit, cursor)

    @get("/{claim_id:int}", operation_id="GetClaim", responses=problems(400, 404))
    async def get_claim(self, claim_id: Id, conn: Conn) -> schemas.ClaimDetail:
        """One claim with every claim matched to it: linked matches first, then suggestions."""
        row = await store.get_claim(conn, claim_id)
        matches = await store.matches_of(conn, claim_id)
        others = await store.claims_by_ids(conn, [m.other_id for m in matches])
        base = schemas.claim_out(row)
        return schemas.ClaimDetail(
            **{f: getattr(base, f) for f in base.__struct_fields__},
            matches=[
                schemas.Match(
                    claim=schemas.claim_out(others[m.other_id]),
                    label=m.label,  # type: ignore[arg-type]
                    linked=m.linked,
                    kind="match" if m.linked else "suggestion",
                    score=m.score,
                    components=m.components,
                    reason=m.reason,
                )
                for m in matches
                if m.other_id in others
            ],
        )
