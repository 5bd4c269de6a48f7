"""The review pages' HTML routes: the queue, one conflict with its form, sign-in and the timeline.
Server-rendered Jinja, plain HTML forms, no script (see `api/review/auth.py` for sign-in)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, Router, get, post
from litestar.datastructures import CacheControlHeader, Cookie, State
from litestar.di import Provide
from litestar.params import FromQuery, QueryParameter, URLEncodedBody
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from api.deps import Conn, Id, provide_conn
from api.review.auth import COOKIE, REVIEWER_COOKIE, _safe_next, reviewer_cookie, same_origin, session_token, signed_in
from api.review.chart import chart, points
from api.review.views import PAGE_SIZE, LoginForm, ReviewForm, _conflict_views, _page, _timeline_row, _version
from api.security import key_matches, refuse_nul_path, refuse_unstorable_query
from claims import store, store_newsroom
from claims.errors import NotFound, StaleWrite
from claims.models import STATUSES
from claims.settings import Settings

# --------------------------------------------------------------------------- routes


class ReviewController(Controller):
    path = "/review"
    include_in_schema = False

    @get("/", name="review")
    async def queue(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        status: Annotated[str, QueryParameter(max_length=20)] = "open",
        subject: Annotated[str | None, QueryParameter(max_length=200)] = None,
        source: Annotated[str | None, QueryParameter(max_length=200)] = None,
        cursor: Annotated[str | None, QueryParameter(max_length=300)] = None,
    ) -> Template:
        """Conflicts, newest first and within one ingest the most severe first, with filters."""
        status_filter = status if status in STATUSES else None
        filters = store_newsroom.ReviewFilters(
            status=status_filter, subject=(subject or "").strip() or None, source=(source or "").strip() or None
        )
        page = await store_newsroom.review_queue(conn, filters, limit=PAGE_SIZE, cursor=cursor or None)
        choices = await store_newsroom.filter_choices(conn)
        query = {k: v for k, v in (("status", status), ("subject", subject), ("source", source)) if v}
        older = f"/review?{urlencode({**query, 'cursor': page.next_cursor})}" if page.next_cursor else None
        return _page(
            request,
            "review/queue.html.j2",
            conflicts=await _conflict_views(conn, page.items),
            filters={
                "status": status_filter or "all",
                "subject": filters.subject or "",
                "source": filters.source or "",
            },
            choices=choices,
            older=older,
            first_page=cursor is None,
        )

    @get("/conflicts/{conflict_id:int}", name="review-conflict")
    async def conflict(
        self,
        request: Request[Any, Any, Any],
        conflict_id: Id,
        conn: Conn,
        saved: FromQuery[str | None] = None,
    ) -> Template:
        """One conflict with its review form and its history."""
        try:
            row = await store.get_conflict(conn, conflict_id)
        except NotFound:
            return _page(request, "review/missing.html.j2", status_code=404, what=f"Conflict {conflict_id}")
        (view,) = await _conflict_views(conn, [row])
        history = await store.conflict_history(conn, conflict_id)
        return _page(
            request, "review/conflict.html.j2", conflict=view, history=history, saved=saved in STATUSES and saved
        )

    @post("/conflicts/{conflict_id:int}", name="review-submit", status_code=303)
    async def submit(
        self,
        request: Request[Any, Any, Any],
        conflict_id: Id,
        data: URLEncodedBody[ReviewForm],
        state: State,
        conn: Conn,
    ) -> Response[Any]:
        """Record a review through `store.review_conflict`, as PATCH /v1/conflicts/{id} does."""
        settings: Settings = state.settings
        back = f"/review/conflicts/{conflict_id}"
        if not same_origin(request):
            return _page(request, "review/error.html.j2", status_code=403, message="This form came from another site.")
        if not signed_in(request, settings):
            return _page(
                request,
                "review/error.html.j2",
                status_code=401,
                message="Sign in with an API key to review conflicts.",
                login=f"/review/login?{urlencode({'next': back})}",
            )
        if data.status not in STATUSES:
            return _page(request, "review/error.html.j2", status_code=400, message="Choose a review action.")
        if len(data.note) > 2000 or len(data.reviewer) > 200:
            return _page(request, "review/error.html.j2", status_code=400, message="The note or name is too long.")
        if "\x00" in data.note or "\x00" in data.reviewer:  # PostgreSQL text cannot hold NUL
            return _page(request, "review/error.html.j2", status_code=400, message="The note or name has a NUL.")
        version = _version(data.version) if data.version.strip() else None
        if data.version.strip() and version is None:
            return _page(request, "review/error.html.j2", status_code=400, message="The form's version is invalid.")
        try:
            await store.review_conflict(
                conn,
                conflict_id,
                status=data.status,
                note=data.note.strip() or None,
                reviewer=data.reviewer.strip() or None,
                expected_version=version,
            )
        except NotFound:
            return _page(request, "review/missing.html.j2", status_code=404, what=f"Conflict {conflict_id}")
        except StaleWrite:
            return _page(
                request,
                "review/error.html.j2",
                status_code=409,
                message="Someone reviewed this conflict after you opened it. Reload it and review again.",
                back=back,
            )
        response: Response[Any] = Redirect(path=f"{back}?{urlencode({'saved': data.status})}", status_code=303)
        if data.reviewer.strip():  # remember the name for the next form
            response.set_cookie(
                REVIEWER_COOKIE,
                reviewer_cookie(data.reviewer.strip()[:200]),
                httponly=True,
                samesite="strict",
                path="/review",
            )
        return response

    @get("/login", name="review-login")
    async def login_form(self, request: Request[Any, Any, Any], next: FromQuery[str | None] = None) -> Template:
        return _page(request, "review/login.html.j2", next=_safe_next(next), error=None)

    @post("/login", name="review-login-submit", status_code=303)
    async def login(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[LoginForm], state: State
    ) -> Response[Any]:
        settings: Settings = state.settings
        target = _safe_next(data.next)
        if not same_origin(request):
            return _page(request, "review/error.html.j2", status_code=403, message="This form came from another site.")
        if settings.api_keys and not key_matches(data.key.strip(), settings.api_keys):
            return _page(request, "review/login.html.j2", status_code=401, next=target, error="That key is not valid.")
        response: Response[Any] = Redirect(path=target, status_code=303)
        if settings.api_keys:
            response.set_cookie(
                Cookie(
                    key=COOKIE,
                    value=session_token(data.key.strip()),
                    httponly=True,
                    samesite="strict",
                    secure=request.url.scheme == "https",
                    path="/review",
                    max_age=12 * 3600,
                )
            )
        return response

    @post("/logout", name="review-logout", status_code=303)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[Any]:
        response: Response[Any] = Redirect(path="/review", status_code=303)
        response.delete_cookie(COOKIE, path="/review")
        return response

    @get("/claims/{claim_id:int}/timeline", name="review-timeline")
    async def timeline(self, request: Request[Any, Any, Any], claim_id: Id, conn: Conn) -> Template:
        """Every claim linked to this one, by as-of date and value, so growth reads as growth."""
        try:
            rows, edges = await store_newsroom.timeline(conn, claim_id)
        except NotFound:
            return _page(request, "review/missing.html.j2", status_code=404, what=f"Claim {claim_id}")
        origin = next(r for r in rows if r.id == claim_id)
        pts = points(rows)
        labels: dict[int, str] = {}
        for e in edges:
            for one, other in ((e.claim_a, e.claim_b), (e.claim_b, e.claim_a)):
                if one == claim_id:
                    labels[other] = e.label
        by_id = {r.id: r for r in rows}
        table = [_timeline_row(p, by_id[p.claim_id], labels.get(p.claim_id), p.claim_id == claim_id) for p in pts]
        return _page(
            request,
            "review/timeline.html.j2",
            origin=origin,
            chart=chart(pts),
            rows=table,
            unit=origin.unit,
        )


# --------------------------------------------------------------------------- registration

HERE = Path(__file__).resolve().parent.parent
"""The `api` folder, where `templates/` and `static/` live."""

review_router = Router(
    path="/",
    route_handlers=[ReviewController],
    dependencies={"conn": Provide(provide_conn)},
    guards=[refuse_unstorable_query],
    include_in_schema=False,
)
"""The review pages, outside /v1 (HTML, not part of the REST contract)."""

static_files = create_static_files_router(
    path="/static",
    directories=[HERE / "static"],
    cache_control=CacheControlHeader(max_age=3600),
    guards=[refuse_nul_path],
)

template_config = TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine)
