"""View models of the review pages: conflicts, claims and timeline rows as the templates show them."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import Request
from litestar.response import Template
from psycopg import AsyncConnection

from api.review.auth import REVIEWER_COOKIE, Viewer, form_refusal, reviewer_from_cookie
from api.review.chart import Point, number
from api.review.why import gap_words, why
from claims import store
from claims.models import STATUSES
from claims.store import newsroom, queue

MAX_VERSION = 2**31 - 1
"""Conflict versions are PostgreSQL integers."""
PAGE_SIZE = 20
REVIEW_ACTIONS = (("confirmed", "Confirm"), ("dismissed", "Dismiss"), ("resolved", "Resolve"), ("open", "Reopen"))


class ReviewForm(msgspec.Struct, kw_only=True):
    status: str = ""
    note: str = ""
    reviewer: str = ""
    version: str = ""
    next: str = ""
    csrf: str = ""
    reason: str = ""


class LoginForm(msgspec.Struct, kw_only=True):
    key: str = ""
    next: str = ""


class TokenForm(msgspec.Struct, kw_only=True):
    csrf: str = ""


def _interval(c: store.ClaimRow | Point) -> str:
    """The range a figure's wording allows (`171 to 209`), from a claim or a (converted) point."""
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
    claims = await store.claims_of(conn, rows)
    starts = await newsroom.sentence_starts(conn, list(claims))
    articles = await store.articles_by_ids(conn, sorted({c.article_id for c in claims.values()}))
    views = []
    for r in rows:
        pair = store.pair_of(r, claims)
        views.append(
            {
                "id": r.id,
                "status": r.status,
                "severity": r.severity,
                "reason": r.reason,
                "kind": r.kind,
                "subject": r.subject,
                "version": r.version,
                "gap": gap_words(r.severity),
                "created_at": r.created_at,
                "why": why(r.reason, "conflict", r.severity),
                "claims": [_claim_view(c, starts.get(c.id), articles.get(c.article_id)) for c in pair],
            }
        )
    return views


KIND_NAMES = {"conflict": "Conflict", "suggestion": "Suggestion", "different_scope": "Different scope"}


async def queue_views(conn: AsyncConnection[Any], rows: list[queue.QueueRow]) -> list[dict[str, Any]]:
    """Queue items as the queue page shows them: both sentences with the figures marked, the "Why"
    in words, who it is assigned to."""
    claims = await store.claims_of(conn, rows)
    starts = await newsroom.sentence_starts(conn, list(claims))
    articles = await store.articles_by_ids(conn, sorted({c.article_id for c in claims.values()}))
    return [
        {
            "key": f"{r.kind}:{r.id}",
            "kind": r.kind,
            "kind_name": KIND_NAMES.get(r.kind, r.kind),
            "id": r.id,
            "status": r.status,
            "severity": r.severity,
            "label": r.label,
            "subject": r.subject,
            "sources": sorted({r.source_a, r.source_b}),
            "source_count": r.source_count,
            "assignee": r.assignee,
            "created_at": r.created_at,
            "why": why(r.reason, r.label, r.severity),
            "gap": gap_words(r.severity),
            "claims": [_claim_view(c, starts.get(c.id), articles.get(c.article_id)) for c in store.pair_of(r, claims)],
        }
        for r in rows
    ]


def _version(raw: str) -> int | None:
    """The form's version: ASCII digits within PostgreSQL's integer, else None (refused)."""
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or int(raw) > MAX_VERSION:
        return None
    return int(raw)


def _page(
    request: Request[Any, Any, Any], viewer: Viewer, template: str, status_code: int = 200, **context: Any
) -> Template:
    return Template(
        template_name=template,
        context={
            "viewer": viewer,
            "signed_in": viewer.can_review,
            "keys_required": viewer.keys_required,
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


def _timeline_row(p: Point, c: store.ClaimRow, label: str | None, is_origin: bool) -> dict[str, Any]:
    return {
        "id": c.id,
        "source": c.source,
        "at": p.at,
        "value": number(p.value) if p.value is not None else (c.date or "–"),
        "interval": _interval(p) if p.value is not None else _interval(c),
        "text": c.text,
        "sentence": c.sentence,
        "label": "this claim" if is_origin else (label or "linked through another claim").replace("_", " "),
        "article_id": c.article_id,
    }


def article_paragraphs(text: str, claims: list[store.ClaimRow]) -> list[list[dict[str, Any]]]:
    """The article as paragraphs of segments, each claim's figure a segment of its own (from its
    offsets; a claim whose offsets no longer match the text, or that overlaps an earlier one, is
    left unmarked rather than drawn in the wrong place)."""
    marks: list[store.ClaimRow] = []
    reach = 0
    for c in sorted(claims, key=lambda c: (c.start, c.end)):
        if c.start >= reach and text[c.start : c.end] == c.text:
            marks.append(c)
            reach = c.end
    paragraphs: list[list[dict[str, Any]]] = []
    at = 0
    for block in re.split(r"(\n\s*\n)", text):
        start, end = at, at + len(block)
        at = end
        if not block.strip():
            continue
        segments: list[dict[str, Any]] = []
        cursor = start
        for c in marks:
            if c.start < start or c.end > end:
                continue
            if c.start > cursor:
                segments.append({"text": text[cursor : c.start], "claim": None})
            segments.append({"text": c.text, "claim": c})
            cursor = c.end
        if cursor < end:
            segments.append({"text": text[cursor:end], "claim": None})
        paragraphs.append(segments)
    return paragraphs


def _error(request: Request[Any, Any, Any], viewer: Viewer, status: int, message: str, **extra: Any) -> Template:
    return _page(request, viewer, "review/error.html.j2", status_code=status, message=message, **extra)


def refused(request: Request[Any, Any, Any], viewer: Viewer, token: str, back: str) -> Template | None:
    """The error page for a POST that may not write (cross-site, not signed in, read-only), else None."""
    refusal = form_refusal(request, viewer, token)
    if refusal is not None:
        return _error(request, viewer, 403, refusal)
    if viewer.actor is None:
        login = f"/review/login?{urlencode({'next': back})}"
        return _error(request, viewer, 401, "Sign in with your API key to review.", login=login)
    if not viewer.can_review:
        return _error(request, viewer, 403, f"{viewer.actor.name} has the {viewer.actor.role} role: it can read only.")
    return None
