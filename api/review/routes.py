"""The review pages' HTML routes: the conflicts, one conflict with its form, the article text,
sign-in and the timeline (the work queue is `api/review/queue.py`). Server-rendered Jinja, plain
HTML forms, no script (see `api/review/auth.py` for sign-in and CSRF)."""

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
from api.review.auth import COOKIE, REVIEWER_COOKIE, Viewer, _safe_next, form_refusal, reviewer_cookie, viewer_of
from api.review.auth import sign_in as sign_in_with
from api.review.chart import chart, one_currency, points
from api.review.queue import QueueController
from api.review.views import (
    PAGE_SIZE,
    LoginForm,
    ReviewForm,
    TokenForm,
    _conflict_views,
    _error,
    _page,
    _timeline_row,
    _version,
    article_paragraphs,
    refused,
)
from api.security import refuse_nul_path, refuse_unstorable_query
from claims import store
from claims.errors import ClaimsError, NotFound, StaleWrite
from claims.models import STATUSES
from claims.store import audit, newsroom, queue


class ReviewController(Controller):
    path = "/review"
    include_in_schema = False

    @get("/", name="review")
    async def conflicts(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        status: Annotated[str, QueryParameter(max_length=20)] = "open",
        subject: Annotated[str | None, QueryParameter(max_length=200)] = None,
        source: Annotated[str | None, QueryParameter(max_length=200)] = None,
        cursor: Annotated[str | None, QueryParameter(max_length=300)] = None,
    ) -> Template:
        """Conflicts, newest first and within one ingest the most severe first, with filters."""
        viewer = await viewer_of(request, conn)
        status_filter = status if status in STATUSES else None
        filters = newsroom.ReviewFilters(
            status=status_filter, subject=(subject or "").strip() or None, source=(source or "").strip() or None
        )
        page = await newsroom.review_queue(conn, filters, limit=PAGE_SIZE, cursor=cursor or None)
        choices = await newsroom.filter_choices(conn)
        query = {k: v for k, v in (("status", status), ("subject", subject), ("source", source)) if v}
        older = f"/review?{urlencode({**query, 'cursor': page.next_cursor})}" if page.next_cursor else None
        return _page(
            request,
            viewer,
            "review/conflicts.html.j2",
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
        viewer = await viewer_of(request, conn)
        try:
            row = await store.get_conflict(conn, conflict_id)
        except NotFound:
            return _page(request, viewer, "review/missing.html.j2", status_code=404, what=f"Conflict {conflict_id}")
        (view,) = await _conflict_views(conn, [row])
        history = await store.conflict_history(conn, conflict_id)
        return _page(
            request,
            viewer,
            "review/conflict.html.j2",
            conflict=view,
            history=history,
            saved=saved in STATUSES and saved,
        )

    @post("/conflicts/{conflict_id:int}", name="review-submit", status_code=303)
    async def submit(
        self,
        request: Request[Any, Any, Any],
        conflict_id: Id,
        data: URLEncodedBody[ReviewForm],
        conn: Conn,
    ) -> Response[Any]:
        """Record a review as PATCH /v1/conflicts/{id} does: under the signed-in account, audited."""
        viewer = await viewer_of(request, conn)
        back = f"/review/conflicts/{conflict_id}"
        stop = refused(request, viewer, data.csrf, back)
        if stop is not None:
            return stop
        assert viewer.actor is not None
        if data.status not in STATUSES:
            return _error(request, viewer, 400, "Choose a review action.")
        if len(data.note) > 2000 or len(data.reviewer) > 200:
            return _error(request, viewer, 400, "The note or name is too long.")
        if "\x00" in data.note or "\x00" in data.reviewer:  # PostgreSQL text cannot hold NUL
            return _error(request, viewer, 400, "The note or name has a NUL.")
        if data.status == "dismissed":
            try:
                queue.dismissal_note(data.reason or None, data.note.strip() or None)
            except ClaimsError as exc:
                return _error(request, viewer, 422, f"{exc}.", back=back)
        version = _version(data.version) if data.version.strip() else None
        if data.version.strip() and version is None:
            return _error(request, viewer, 400, "The form's version is invalid.")
        typed = data.reviewer.strip()
        reviewer = viewer.actor.name if viewer.named else (typed or None)
        note = data.note.strip() or None
        if data.status == "dismissed" and data.reason:
            note = queue.dismissal_note(data.reason, note)
        try:
            async with conn.transaction():
                before = await store.get_conflict(conn, conflict_id)
                row = await store.review_conflict(
                    conn,
                    conflict_id,
                    status=data.status,
                    note=note,
                    reviewer=reviewer,
                    expected_version=version,
                    account_id=viewer.actor.account_id,
                )
                await audit.record(
                    conn, viewer.actor, "conflict.review", "conflict", conflict_id, before=before, after=row, note=note
                )
        except NotFound:
            return _page(request, viewer, "review/missing.html.j2", status_code=404, what=f"Conflict {conflict_id}")
        except StaleWrite:
            message = "Someone reviewed this conflict after you opened it. Reload it and review again."
            return _error(request, viewer, 409, message, back=back)
        response: Response[Any] = Redirect(path=f"{back}?{urlencode({'saved': data.status})}", status_code=303)
        if typed and not viewer.named:  # remember a typed name for the next form
            response.set_cookie(
                REVIEWER_COOKIE, reviewer_cookie(typed[:200]), httponly=True, samesite="strict", path="/review"
            )
        return response

    @get("/login", name="review-login")
    async def login_form(
        self, request: Request[Any, Any, Any], conn: Conn, next: FromQuery[str | None] = None
    ) -> Template:
        viewer = await viewer_of(request, conn)
        return _page(request, viewer, "review/login.html.j2", next=_safe_next(next), error=None)

    @post("/login", name="review-login-submit", status_code=303)
    async def login(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[LoginForm], state: State, conn: Conn
    ) -> Response[Any]:
        """Check the key, then set the session cookie (see `api/review/auth.py`)."""
        viewer = await viewer_of(request, conn)
        target = _safe_next(data.next)
        refusal = form_refusal(request, Viewer(actor=None), "")  # no session yet: the Origin check
        if refusal is not None:
            return _error(request, viewer, 403, refusal)
        if not viewer.keys_required:
            return Redirect(path=target, status_code=303)
        key = data.key.strip()
        made = await sign_in_with(conn, state.settings, key) if 0 < len(key) <= 200 else None
        if made is None:
            return _page(
                request, viewer, "review/login.html.j2", status_code=401, next=target, error="That key is not valid."
            )
        response: Response[Any] = Redirect(path=target, status_code=303)
        response.set_cookie(
            Cookie(
                key=COOKIE,
                value=made[0],
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
                path="/review",
                max_age=12 * 3600,
            )
        )
        return response

    @post("/logout", name="review-logout", status_code=303)
    async def logout(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[TokenForm], conn: Conn
    ) -> Response[Any]:
        """End the session: the cookie is cleared (the key stays valid; revoke it to end every session)."""
        viewer = await viewer_of(request, conn)
        refusal = form_refusal(request, viewer, data.csrf)
        if refusal is not None:
            return _error(request, viewer, 403, refusal)
        response: Response[Any] = Redirect(path="/review", status_code=303)
        response.delete_cookie(COOKIE, path="/review")
        return response

    @get("/articles/{article_id:int}", name="review-article")
    async def article(
        self,
        request: Request[Any, Any, Any],
        article_id: Id,
        conn: Conn,
        claim: Annotated[int | None, QueryParameter(ge=1, le=2**31 - 1)] = None,
    ) -> Template:
        """The article as a readable page, every claim found in it marked and linked to its timeline."""
        viewer = await viewer_of(request, conn)
        try:
            row, text = await store.get_article(conn, article_id)
        except NotFound:
            return _page(request, viewer, "review/missing.html.j2", status_code=404, what=f"Article {article_id}")
        claims = (await store.list_claims(conn, store.ClaimFilters(article=article_id), limit=500)).items
        return _page(
            request,
            viewer,
            "review/article.html.j2",
            article=row,
            paragraphs=article_paragraphs(text, claims),
            claim_count=len(claims),
            focus=claim,
        )

    @get("/claims/{claim_id:int}/timeline", name="review-timeline")
    async def timeline(self, request: Request[Any, Any, Any], claim_id: Id, conn: Conn) -> Template:
        """Every claim linked to this one, by as-of date and value, so growth reads as growth; money
        in other currencies converted to this claim's currency at each figure's own date."""
        viewer = await viewer_of(request, conn)
        try:
            rows, edges = await newsroom.timeline(conn, claim_id)
        except NotFound:
            return _page(request, viewer, "review/missing.html.j2", status_code=404, what=f"Claim {claim_id}")
        origin = next(r for r in rows if r.id == claim_id)
        pts = points(rows)
        notes: dict[int, str] = {}
        if origin.kind == "money" and origin.unit:
            converted = one_currency(pts, {r.id: r.unit for r in rows}, origin.unit)
            pts, notes = converted.points, converted.notes
        labels: dict[int, str] = {}
        for e in edges:
            for one, other in ((e.claim_a, e.claim_b), (e.claim_b, e.claim_a)):
                if one == claim_id:
                    labels[other] = e.label
        by_id = {r.id: r for r in rows}
        table = [_timeline_row(p, by_id[p.claim_id], labels.get(p.claim_id), p.claim_id == claim_id) for p in pts]
        for row in table:
            row["conversion"] = notes.get(row["id"])
        return _page(
            request,
            viewer,
            "review/timeline.html.j2",
            origin=origin,
            chart=chart(pts),
            rows=table,
            unit=origin.unit.upper() if origin.kind == "money" and origin.unit else origin.unit,
            converted=bool(notes),
        )


# --------------------------------------------------------------------------- registration

HERE = Path(__file__).resolve().parent.parent
"""The `api` folder, where `templates/` and `static/` live."""

review_router = Router(
    path="/",
    route_handlers=[ReviewController, QueueController],
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
