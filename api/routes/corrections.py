"""Corrections: a corrected article supersedes the old one, withdrawn articles, claims marked wrong."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.datastructures import State
from litestar.params import JSONBody
from msgspec import Meta

from api.deps import Conn, Id
from api.errors import problems
from api.routes.articles import _prepare_and_extract
from api.security import actor_of
from claims import ingest, store
from claims.errors import Conflict, InvalidInput
from claims.models import ArticleIn
from claims.store import corrections

EDITOR = {"role": "editor"}
Note = Annotated[str, Meta(max_length=2000, pattern="^[^\\x00]*$")]
Body = Annotated[str, Meta(max_length=5_000_000)]
Short = Annotated[str, Meta(max_length=2000)]


class ArticleCorrection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    text: Body | None = None
    html: Body | None = None
    title: Short | None = None
    url: Short | None = None
    author: Short | None = None
    published: Annotated[str, Meta(max_length=40)] | None = None
    note: Note | None = None
    """What was corrected (kept in the audit log)."""


class NoteBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    note: Note | None = None


class ArticleState(msgspec.Struct, kw_only=True):
    id: int
    withdrawn: bool
    withdrawn_at: datetime | None
    superseded_by: int | None
    supersedes: int | None
    claims: int
    retired_claims: int


class Correction(msgspec.Struct, kw_only=True):
    id: int
    """The new version's article id."""
    supersedes: int
    claims: int
    conflicts: int
    """Conflicts the new version opened."""
    closed_conflicts: list[int]
    """Open conflicts of the old version, resolved with the note "article corrected"."""
    old: ArticleState


class Withdrawal(msgspec.Struct, kw_only=True):
    article: ArticleState
    closed_conflicts: list[int]


class ClaimState(msgspec.Struct, kw_only=True):
    id: int
    article_id: int
    retired: bool
    retired_at: datetime | None
    wrong: bool
    wrong_at: datetime | None
    closed_conflicts: list[int] = []


def _article_state(s: corrections.ArticleState) -> ArticleState:
    return ArticleState(withdrawn=s.withdrawn_at is not None, **msgspec.structs.asdict(s))


def _claim_state(s: corrections.ClaimState, closed: list[int] | None = None) -> ClaimState:
    return ClaimState(
        retired=s.retired_at is not None,
        wrong=s.wrong_at is not None,
        closed_conflicts=closed or [],
        **msgspec.structs.asdict(s),
    )


class CorrectionController(Controller):
    path = "/"
    tags = ["corrections"]

    @put(
        "/articles/{article_id:int}",
        operation_id="CorrectArticle",
        opt=EDITOR,
        responses=problems(400, 401, 403, 404, 409, 413),
        summary="Correct an article: a new version supersedes it",
        description="Editor or above. The body holds the corrected `text` (or `html`) and optionally new "
        "metadata (source, and whatever is not given, are kept) and a `note`. The new version is ingested "
        "(claims, matches, conflicts); the old version's claims are retired (out of matching), its open "
        'conflicts resolved with the note "article corrected"; reviewed ones keep their verdict and '
        "history. The old article shows `superseded_by`, the new one `supersedes` (GET "
        "/v1/articles/{id}/state). 409 when the article was withdrawn or corrected already, or the text is "
        "unchanged.",
    )
    async def correct(
        self, article_id: Id, data: JSONBody[ArticleCorrection], state: State, request: Request[Any, Any, Any]
    ) -> Correction:
        if data.text is None and data.html is None:
            raise InvalidInput("send the corrected text (or html)")
        actor = actor_of(request)
        async with state.pool.connection() as conn:
            old_row, _text = await store.get_article(conn, article_id)
        item = ArticleIn(
            source=old_row.source,
            text=data.text,
            html=data.html,
            title=data.title if data.title is not None else old_row.title,
            url=data.url if data.url is not None else old_row.url,
            author=data.author if data.author is not None else old_row.author,
            published=data.published if data.published is not None else old_row.published,
        )
        (outcome,) = await _prepare_and_extract(state, [item])
        if isinstance(outcome, InvalidInput):
            raise outcome
        prepared, extraction = outcome
        async with state.pool.connection() as conn, conn.transaction():
            old = await corrections.lock_article(conn, article_id)
            closed = await corrections.retire_for_correction(conn, actor, article_id)
            result = await ingest.store_article(conn, prepared, extraction)
            if result.duplicate:
                raise Conflict(f"the corrected text is the same as article {result.id}'s")
            after = await corrections.link_correction(conn, actor, old, result.id, closed, data.note)
        return Correction(
            id=result.id,
            supersedes=article_id,
            claims=result.claims,
            conflicts=result.conflicts,
            closed_conflicts=closed,
            old=_article_state(after),
        )

    @post(
        "/articles/{article_id:int}/withdraw",
        operation_id="WithdrawArticle",
        status_code=200,
        opt=EDITOR,
        responses=problems(400, 401, 403, 404, 409),
        summary="Withdraw an article",
        description="Editor or above. Its claims are retired (out of matching) and its open conflicts "
        'resolved with the note "article withdrawn"; reviewed ones keep their verdict. Body: `{"note": ...}`.',
    )
    async def withdraw(
        self, article_id: Id, data: JSONBody[NoteBody], conn: Conn, request: Request[Any, Any, Any]
    ) -> Withdrawal:
        after, closed = await corrections.withdraw(conn, actor_of(request), article_id, data.note)
        return Withdrawal(article=_article_state(after), closed_conflicts=closed)

    @get(
        "/articles/{article_id:int}/state",
        operation_id="GetArticleState",
        responses=problems(400, 404),
        summary="Whether an article was corrected or withdrawn",
        description="`withdrawn`, `superseded_by` (the correction), `supersedes`, and how many of its claims "
        "are retired.",
    )
    async def article_state(self, article_id: Id, conn: Conn) -> ArticleState:
        return _article_state(await corrections.article_state(conn, article_id))

    @post(
        "/claims/{claim_id:int}/wrong",
        operation_id="MarkClaimWrong",
        status_code=200,
        opt=EDITOR,
        responses=problems(400, 401, 403, 404),
        summary="Mark a claim wrong",
        description="Editor or above. The claim leaves matching and its open conflicts are resolved with the "
        'note "claim marked wrong". A published ClaimReview rates this claim. Undo with DELETE.',
    )
    async def mark_wrong(
        self, claim_id: Id, data: JSONBody[NoteBody], conn: Conn, request: Request[Any, Any, Any]
    ) -> ClaimState:
        after, closed = await corrections.mark_wrong(conn, actor_of(request), claim_id, data.note)
        return _claim_state(after, closed)

    @delete(
        "/claims/{claim_id:int}/wrong",
        operation_id="UnmarkClaimWrong",
        status_code=200,
        opt=EDITOR,
        responses=problems(400, 401, 403, 404),
        summary="Undo marking a claim wrong",
        description="Editor or above. The claim is matched again from the next ingest or `claims rematch`; "
        "conflicts closed when it was marked keep their history.",
    )
    async def unmark_wrong(self, claim_id: Id, conn: Conn, request: Request[Any, Any, Any]) -> ClaimState:
        after, _closed = await corrections.mark_wrong(conn, actor_of(request), claim_id, None, wrong=False)
        return _claim_state(after)

    @get(
        "/claims/{claim_id:int}/state",
        operation_id="GetClaimState",
        responses=problems(400, 404),
        summary="Whether a claim was retired or marked wrong",
        description="`retired` (its article was corrected or withdrawn) and `wrong` (an editor marked it).",
    )
    async def claim_state(self, claim_id: Id, conn: Conn) -> ClaimState:
        return _claim_state(await corrections.claim_state(conn, claim_id))
