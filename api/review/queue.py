"""The work queue page (`/review/queue`): everything that needs a person, as GET /v1/queue lists it
(`claims.queue.queue`), with its filters and one form for bulk actions with one note."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote, unquote, urlencode

from litestar import Controller, Request, Response, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from api.deps import Conn
from api.review.auth import _safe_next, viewer_of
from api.review.views import PAGE_SIZE, _error, _page, queue_views, refused
from claims.errors import ClaimsError
from claims.frame.entities import canonical
from claims.store import newsroom, queue

FLASH_COOKIE = "claims_flash"
QUEUE_STATUSES = ("open", "confirmed", "dismissed", "resolved", "accepted", "any")
SEVERITIES = (
    ("", "any gap"),
    ("0.2", "clearly apart or more"),
    ("0.5", "far apart or more"),
    ("0.75", "very far apart"),
)
SORTS = (("severity", "most severe first"), ("date", "newest first"), ("sources", "most sources first"))
DISMISS_REASONS = (
    ("compatible", "The figures are compatible"),
    ("different_scope", "They measure different things"),
    ("different_subject", "They are about different subjects"),
    ("duplicate", "A duplicate of another item"),
    ("extraction_error", "A figure was extracted wrongly"),
    ("not_newsworthy", "Not worth a fact-check"),
    ("other", "Other (say why in the note)"),
)
BULK_ACTIONS = (
    ("confirm", "Confirm"),
    ("resolve", "Resolve"),
    ("dismiss", "Dismiss"),
    ("reopen", "Reopen"),
    ("accept", "Accept"),
    ("reject", "Reject"),
    ("assign", "Assign to me"),
    ("unassign", "Unassign"),
)
MAX_ITEMS = 500


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _flash(response: Response[Any], message: str) -> Response[Any]:
    """A one-shot message for the page the redirect leads to (a cookie, not the URL: nobody can
    link to a page that shows a message of their choosing)."""
    response.set_cookie(
        FLASH_COOKIE, quote(message[:600], safe=""), httponly=True, samesite="strict", path="/review", max_age=60
    )
    return response


class QueueController(Controller):
    path = "/review/queue"
    include_in_schema = False

    @get("/", name="review-queue")
    async def queue(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        status: Annotated[str, QueryParameter(max_length=20)] = "open",
        kind: Annotated[str, QueryParameter(max_length=20)] = "",
        severity: Annotated[str, QueryParameter(max_length=10)] = "",
        since: Annotated[str, QueryParameter(max_length=10)] = "",
        until: Annotated[str, QueryParameter(max_length=10)] = "",
        source: Annotated[str, QueryParameter(max_length=200)] = "",
        subject: Annotated[str, QueryParameter(max_length=200)] = "",
        assigned: Annotated[str, QueryParameter(max_length=10)] = "",
        sort: Annotated[str, QueryParameter(max_length=10)] = "severity",
        cursor: Annotated[str | None, QueryParameter(max_length=300)] = None,
    ) -> Template:
        """Everything that needs a person (open conflicts, suggestions, different_scope pairs), as
        GET /v1/queue lists it, with its filters, one form for bulk actions and one note."""
        viewer = await viewer_of(request, conn)
        notices: list[str] = []
        status = status if status in QUEUE_STATUSES else "open"
        sort = sort if sort in queue.SORTS else "severity"
        min_severity = next((float(v) for v, _ in SEVERITIES if v and v == severity), None)
        since_day, until_day = _day(since), _day(until)
        for raw, day in ((since, since_day), (until, until_day)):
            if raw and day is None:
                notices.append(f"{raw!r} is not a date (YYYY-MM-DD): that filter is ignored.")
        searched = subject.strip()
        resolved = canonical(searched) if searched else ""
        if resolved and resolved.casefold() != searched.casefold():
            notices.append(f"Subject {searched!r} is an alias of {resolved!r}: showing {resolved}.")
        assignee = None
        if assigned == "mine":
            if viewer.actor is not None and viewer.actor.account_id is not None:
                assignee = viewer.actor.account_id
            else:
                notices.append("Sign in with your own account to see the items assigned to you.")
        filters = queue.QueueFilters(
            status=None if status == "any" else status,
            kind=kind if kind in queue.KINDS else None,
            min_severity=min_severity,
            since=since_day,
            until=until_day,
            source=source.strip() or None,
            subject=resolved or None,
            assigned_to=assignee,
            unassigned=assigned == "none",
            sort=sort,
        )
        try:
            page = await queue.queue(conn, filters, limit=PAGE_SIZE, cursor=cursor or None)
        except ClaimsError:  # a cursor from another list: start again
            page = await queue.queue(conn, filters, limit=PAGE_SIZE)
        query = {
            "status": status,
            "kind": filters.kind or "",
            "severity": severity if min_severity is not None else "",
            "since": since_day.isoformat() if since_day else "",
            "until": until_day.isoformat() if until_day else "",
            "source": source.strip(),
            "subject": searched,
            "assigned": assigned if assigned in ("mine", "none") else "",
            "sort": sort,
        }
        here = "/review/queue?" + urlencode({k: v for k, v in query.items() if v})
        more = f"{here}&{urlencode({'cursor': page.next_cursor})}" if page.next_cursor else None
        flash = unquote(request.cookies.get(FLASH_COOKIE, ""), errors="replace")[:600]
        template = _page(
            request,
            viewer,
            "review/queue.html.j2",
            items=await queue_views(conn, page.items),
            filters=query,
            here=here,
            more=more,
            first_page=cursor is None,
            notices=notices,
            flash=flash,
            choices=await newsroom.filter_choices(conn),
            queue_statuses=QUEUE_STATUSES,
            kinds=queue.KINDS,
            severities=SEVERITIES,
            sorts=SORTS,
            reasons=DISMISS_REASONS,
            bulk_actions=BULK_ACTIONS,
        )
        if flash:
            template.delete_cookie(FLASH_COOKIE, path="/review")
        return template

    @post("/", name="review-queue-act", status_code=303)
    async def act(self, request: Request[Any, Any, Any], conn: Conn) -> Response[Any]:
        """One action, with one note (and a reason for a dismissal), on the ticked items or on the
        one item whose own button was pressed; every change is recorded under the signed-in account."""
        viewer = await viewer_of(request, conn)
        form = await request.form()
        back = _safe_next(str(form.get("back") or "/review/queue"))
        stop = refused(request, viewer, str(form.get("csrf") or ""), back)
        if stop is not None:
            return stop
        assert viewer.actor is not None
        single = str(form.get("single") or "")
        if single:
            action, _sep, target = single.partition(":")
            targets = [target]
        else:
            action = str(form.get("action") or "")
            targets = [str(v) for v in form.getall("item")] if "item" in form else []
        note = str(form.get("note") or "").strip() or None
        reason = str(form.get("reason") or "") or None
        if action not in queue.ACTIONS:
            return _error(request, viewer, 400, "Choose an action.", back=back)
        if not targets:
            return _error(request, viewer, 400, "Tick at least one item first.", back=back)
        if len(targets) > MAX_ITEMS or (note and (len(note) > 2000 or "\x00" in note)):
            return _error(request, viewer, 400, "Too many items, or the note is too long.", back=back)
        try:
            if action == "dismiss":
                queue.dismissal_note(reason, note)
        except ClaimsError as exc:
            return _error(request, viewer, 422, f"{exc}.", back=back)
        assignee = viewer.actor.account_id if action == "assign" else None
        if action == "assign" and assignee is None:
            return _error(request, viewer, 422, "Only a named account can take items: sign in with yours.", back=back)
        done, failed = 0, []
        for target in targets:
            kind, _sep, raw_id = target.partition(":")
            if kind not in queue.KINDS or not (raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 10):
                failed.append(f"{target[:40]}: not a queue item")
                continue
            try:
                await queue.apply(
                    conn, viewer.actor, kind, int(raw_id), action, note=note, reason=reason, assignee=assignee
                )
            except ClaimsError as exc:
                failed.append(f"{kind.replace('_', ' ')} {raw_id}: {exc}")
                continue
            done += 1
        verb = dict(BULK_ACTIONS)[action].lower()
        message = f"{verb.capitalize()}: {done} item{'' if done == 1 else 's'} done"
        if failed:
            message += f"; {len(failed)} not: " + "; ".join(failed[:3])
        return _flash(Redirect(path=back, status_code=303), message + ".")
