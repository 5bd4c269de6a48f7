"""The review page (`/review`): open conflicts side by side, filters, confirm/dismiss/resolve, history,
and the timeline of one measured thing. Server-rendered Jinja, plain HTML forms, no script.

Writes need the API key whenever keys are configured, like the REST API. A browser signs in once
with a small form (`/review/login`): the server checks the key and sets an HttpOnly,
SameSite=Strict cookie holding an HMAC of the key (never the key itself), so changing or removing
that key ends every session made with it. SameSite=Strict plus an Origin check on every POST keep
other sites from submitting the forms (CSRF). `Authorization: Bearer <key>` works too, for tools.
Reading the page is open, as reads of the API are.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, unquote, urlencode, urlsplit

import msgspec
from litestar import Controller, Request, Response, Router, get, post
from litestar.datastructures import CacheControlHeader, Cookie, State
from litestar.di import Provide
from litestar.params import FromQuery, QueryParameter, URLEncodedBody
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from psycopg import AsyncConnection

from api import schemas
from api.deps import Conn, Id, provide_conn
from api.errors import problems
from api.security import key_matches, refuse_nul_path, refuse_unstorable_query
from claims import store
from claims.errors import NotFound, StaleWrite
from claims.models import STATUSES
from claims.settings import Settings
from claims.store import newsroom
from claims.timeline import Point, chart, number, points

COOKIE = "claims_review"
REVIEWER_COOKIE = "claims_reviewer"
MAX_VERSION = 2**31 - 1
"""Conflict versions are PostgreSQL integers."""
PAGE_SIZE = 20
REVIEW_ACTIONS = (("confirmed", "Confirm"), ("dismissed", "Dismiss"), ("resolved", "Resolve"), ("open", "Reopen"))


# --------------------------------------------------------------------------- auth


def session_token(key: str) -> str:
    """What the cookie holds for a key: an HMAC of it, so the browser never stores the key."""
    return hmac.new(key.encode(), b"claims-review-session-v1", hashlib.sha256).hexdigest()


def signed_in(request: Request[Any, Any, Any], settings: Settings) -> bool:
    keys = settings.api_keys
    if not keys:
        return True
    scheme, _sep, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and key_matches(token.strip(), keys):
        return True
    cookie = request.cookies.get(COOKIE, "")
    return bool(cookie) and key_matches(cookie, tuple(session_token(k) for k in keys))


def same_origin(request: Request[Any, Any, Any]) -> bool:
    """A browser POST from another site carries its Origin; refuse those (no Origin: not a browser form)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _safe_next(target: str | None) -> str:
    """Only redirect back into the review pages (no open redirect)."""
    if target and target.startswith("/review") and not target.startswith("//"):
        return target
    return "/review"


# --------------------------------------------------------------------------- view models


class ReviewForm(msgspec.Struct, kw_only=True):
    status: str = ""
    note: str = ""
    reviewer: str = ""
    version: str = ""
    next: str = ""


class LoginForm(msgspec.Struct, kw_only=True):
    key: str = ""
    next: str = ""


def _interval(c: store.ClaimRow) -> str:
    if c.low is None and c.high is None:
        return ""
    if c.low == c.high:
        return number(c.low)
    return f"{number(c.low) if c.low is not None else '−∞'} to {number(c.high) if c.high is not None else '∞'}"


def _parts(c: store.ClaimRow, sentence_start: int | None) -> tuple[str, str, str]:
    """The sentence split around the figure (before, figure, after), from the article offsets."""
    s = c.sentence
    at = c.start - sentence_start if sentence_start is not None else -1
    if not (0 <= at and s[at : at + len(c.text)] == c.text):
        at = s.find(c.text)
    if at < 0:
        return s, "", ""
    return s[:at], s[at : at + len(c.text)], s[at + len(c.text) :]


def _claim_view(c: store.ClaimRow, sentence_start: int | None, article: store.ArticleRow | None) -> dict[str, Any]:
    before, figure, after = _parts(c, sentence_start)
    return {
        "id": c.id,
        "source": c.source,
        "published": c.published,
        "title": article.title if article else None,
        "url": article.url if article else None,
        "article_id": c.article_id,
        "before": before,
        "figure": figure,
        "after": after,
        "kind": c.kind,
        "value": number(c.value) if c.value is not None else None,
        "interval": _interval(c),
        "qualifier": c.qualifier,
        "unit": c.unit,
        "date": c.date,
        "as_of": c.as_of,
        "period": f"{c.period_start or '…'} to {c.period_end or '…'}" if (c.period_start or c.period_end) else None,
        "attribution": c.attribution,
        "about": c.about,
    }


async def _conflict_views(conn: AsyncConnection[Any], rows: list[store.ConflictRow]) -> list[dict[str, Any]]:
    claim_ids = [i for r in rows for i in (r.claim_a, r.claim_b)]
    claims = await store.claims_by_ids(conn, claim_ids)
    starts = await newsroom.sentence_starts(conn, claim_ids)
    articles = await store.articles_by_ids(conn, sorted({c.article_id for c in claims.values()}))
    views = []
    for r in rows:
        pair = [claims[i] for i in (r.claim_a, r.claim_b) if i in claims]
        views.append(
            {
                "id": r.id,
                "status": r.status,
                "severity": r.severity,
                "reason": r.reason,
                "kind": r.kind,
                "subject": r.subject,
                "version": r.version,
                "created_at": r.created_at,
                "claims": [_claim_view(c, starts.get(c.id), articles.get(c.article_id)) for c in pair],
            }
        )
    return views


def reviewer_cookie(name: str) -> str:
    """The reviewer's name as a cookie value: percent-encoded UTF-8, so any name ("Łukasz", "李四")
    fits the Latin-1 header (a raw one raised after the review was saved)."""
    return quote(name, safe="")


def reviewer_from_cookie(value: str) -> str:
    name = unquote(value, errors="replace")
    return "" if "\x00" in name else name[:200]


def _version(raw: str) -> int | None:
    """The form's version: ASCII digits within PostgreSQL's integer, else None (refused)."""
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or int(raw) > MAX_VERSION:
        return None
    return int(raw)


def _page(request: Request[Any, Any, Any], template: str, status_code: int = 200, **context: Any) -> Template:
    settings: Settings = request.app.state.settings
    return Template(
        template_name=template,
        context={
            "signed_in": signed_in(request, settings),
            "keys_required": bool(settings.api_keys),
            "statuses": STATUSES,
            "actions": REVIEW_ACTIONS,
            "reviewer": reviewer_from_cookie(request.cookies.get(REVIEWER_COOKIE, "")),
            **context,
        },
        status_code=status_code,
        headers={"Cache-Control": "no-store", "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"},
    )


CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
"""The pages load only their own stylesheet: no script, no CDN, and forms only post here."""


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
        filters = newsroom.ReviewFilters(
            status=status_filter, subject=(subject or "").strip() or None, source=(source or "").strip() or None
        )
        page = await newsroom.review_queue(conn, filters, limit=PAGE_SIZE, cursor=cursor or None)
        choices = await newsroom.filter_choices(conn)
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
            rows, edges = await newsroom.timeline(conn, claim_id)
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


def _timeline_row(p: Point, c: store.ClaimRow, label: str | None, is_origin: bool) -> dict[str, Any]:
    return {
        "id": c.id,
        "source": c.source,
        "at": p.at,
        "value": number(p.value) if p.value is not None else (c.date or "–"),
        "interval": _interval(c),
        "text": c.text,
        "sentence": c.sentence,
        "label": "this claim" if is_origin else (label or "linked through another claim").replace("_", " "),
        "article_id": c.article_id,
    }


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


# --------------------------------------------------------------------------- registration

HERE = Path(__file__).resolve().parent.parent

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
