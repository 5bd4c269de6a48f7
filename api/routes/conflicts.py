"""Conflicts: list, read with history, record a review."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch
from litestar.datastructures import State
from litestar.params import FromQuery, HeaderParameter, JSONBody
from psycopg import AsyncConnection

from api import schemas
from api.claimreview import PUBLISHABLE, ClaimReview, published_review
from api.deps import ArticleFilter, Conn, Cursor, Id, Limit, Severity, UpdatedSince
from api.errors import problems
from api.rendered import RenderCache, conflict_page
from api.security import actor_of
from claims import store
from claims.errors import Conflict, StaleWrite
from claims.models import Kind, Status
from claims.store import audit, corrections, feed


async def _with_claims(conn: AsyncConnection[Any], rows: list[store.ConflictRow]) -> list[schemas.Conflict]:
    claims = await store.claims_of(conn, rows)
    return [schemas.conflict_out(r, claims) for r in rows]


async def _detail(conn: AsyncConnection[Any], row: store.ConflictRow) -> Response[schemas.ConflictDetail]:
    """The conflict with its history, and its version as an ETag for optimistic concurrency."""
    (base,) = await _with_claims(conn, [row])
    history = schemas.history_out(await store.conflict_history(conn, row.id))
    detail = schemas.ConflictDetail(**{f: getattr(base, f) for f in base.__struct_fields__}, history=history)
    return Response(detail, headers={"ETag": etag(row.version)})


def etag(version: int) -> str:
    return f'"v{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an If-Match header pins; `None` when absent or `*` (no precondition)."""
    if if_match is None or if_match.strip() == "*":
        return None
    tag = if_match.strip().removeprefix("W/").strip('"')
    # isascii: str.isdigit() also accepts digits such as "²" that int() refuses; the bound keeps
    # the value inside the int4 `version` column (a larger one cannot match and used to be a 500).
    if not tag.startswith("v") or not tag[1:].isascii() or not tag[1:].isdigit() or len(tag) > 11:
        raise StaleWrite(f"If-Match {if_match!r} is not an ETag this API issued")
    version = int(tag[1:])
    if version > 2**31 - 1:
        raise StaleWrite(f"If-Match {if_match!r} is not an ETag this API issued")
    return version


class ConflictController(Controller):
    path = "/conflicts"
    tags = ["conflicts"]

    @get("/", operation_id="ListConflicts", responses=problems(400, 422))
    async def list_conflicts(
        self,
        state: State,
        status: FromQuery[Status | None] = None,
        kind: FromQuery[Kind | None] = None,
        subject: FromQuery[str | None] = None,
        source: FromQuery[str | None] = None,
        article: ArticleFilter = None,
        min_severity: Severity = None,
        updated_since: UpdatedSince = None,
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
        # The connection is taken once the parameters have validated.
        cache: RenderCache = state.conflict_renders
        async with state.pool.connection() as conn:
            if updated_since is not None:  # the feed: (updated_at, id) order, bounded by the horizon
                window = await feed.window(conn, feed.parse_since(updated_since), cursor)
                if cache.size > 0:
                    return await conflict_page(conn, cache, filters, limit=limit, cursor=cursor, window=window)
                fed = await feed.conflicts_with_claims(conn, filters, schemas.conflict_from_values, window, limit=limit)
                return schemas.ConflictPage(items=fed.items, next_cursor=fed.next_cursor, updated_until=fed.until)
            if cache.size > 0:
                return await conflict_page(conn, cache, filters, limit=limit, cursor=cursor)
            # Without the cache: one query for the conflicts and both claims of each.
            page = await store.list_conflicts_with_claims(
                conn, filters, schemas.conflict_from_values, limit=limit, cursor=cursor, brief=True
            )
        return schemas.ConflictPage(items=page.items, next_cursor=page.next_cursor)

    @get("/{conflict_id:int}", operation_id="GetConflict", responses=problems(400, 404))
    async def get_conflict(self, conflict_id: Id, conn: Conn) -> Response[schemas.ConflictDetail]:
        """The conflict, both claims, and its review history; the ETag carries its version."""
        return await _detail(conn, await store.get_conflict(conn, conflict_id))

    @patch("/{conflict_id:int}", operation_id="ReviewConflict", responses=problems(400, 401, 404, 412, 413))
    async def review(
        self,
        conflict_id: Id,
        data: JSONBody[schemas.ConflictReview],
        conn: Conn,
        request: Request[Any, Any, Any],
        if_match: Annotated[
            str | None,
            HeaderParameter(
                name="If-Match",
                description="ETag from GET; a stale one answers 412 instead of overwriting a review",
            ),
        ] = None,
    ) -> Response[schemas.ConflictDetail]:
        """Records a review; the history keeps every earlier one."""
        actor = actor_of(request)
        async with conn.transaction():
            before = await store.get_conflict(conn, conflict_id)
            row = await store.review_conflict(
                conn,
                conflict_id,
                status=data.status,
                note=data.note,
                reviewer=data.reviewer or (actor.name if actor.account_id is not None else None),
                expected_version=expected_version(if_match),
                account_id=actor.account_id,
            )
            await audit.record(
                conn, actor, "conflict.review", "conflict", conflict_id, before=before, after=row, note=data.note
            )
        return await _detail(conn, row)

    @get(
        "/{conflict_id:int}/claimreview",
        operation_id="GetConflictClaimReview",
        responses=problems(400, 404, 409),
        media_type="application/ld+json",
    )
    async def claimreview(self, conflict_id: Id, conn: Conn, request: Request[Any, Any, Any]) -> ClaimReview:
        """schema.org ClaimReview JSON-LD, ready for an editorial tool to publish.

        Only a conflict with a verdict (confirmed or resolved) is published: others answer 409.
        The rated claim is the one an editor marked wrong, else the one contradicted by more
        sources, else the earlier one (api/claimreview.py `published_review`).
        """
        row = await store.get_conflict(conn, conflict_id)
        if row.status not in PUBLISHABLE:
            raise Conflict(
                f"conflict {conflict_id} is {row.status}: only a confirmed or resolved conflict is published"
            )
        claims = await store.claims_of(conn, [row])
        facts = await corrections.review_facts(conn, row)
        article_ids = {c.article_id for c in claims.values()} | {i for ids in facts.appearances.values() for i in ids}
        articles = await store.articles_by_ids(conn, sorted(article_ids))
        settings = request.app.state.settings
        return published_review(
            row,
            list(claims.values()),
            articles,
            facts,
            path=request.url.path,
            organisation=settings.organisation,
            organisation_url=settings.organisation_url,
            factcheck_url=settings.factcheck_url,
            public_base_url=settings.public_base_url,
        )
