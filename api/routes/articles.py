"""Articles: ingest (one or a batch) and read back."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Annotated, Any

import anyio.to_thread
import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.exceptions import ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import FromQuery, JSONBody, QueryParameter

from api import schemas
from api.deps import Conn, Cursor, Id, Limit, UpdatedSince
from api.errors import problems
from api.security import actor_of
from claims import ingest, store
from claims.errors import InvalidInput
from claims.extraction import ExtractionStopped
from claims.fetch import fetched_article
from claims.models import ArticleIn, Extraction, IngestResult
from claims.store import audit, feed

NDJSON = "application/x-ndjson"


@dataclass
class BatchOperation(Operation):
    """Documents the batch body, which the handler decodes itself (JSON object or NDJSON)."""

    def __post_init__(self) -> None:
        # Items are validated one by one and a bad one is reported in its own result, so the
        # batch itself accepts any values; each should be an ArticleCreate.
        article = Schema(description="An ArticleCreate (see POST /v1/articles); an invalid one gets its own 422 item")
        self.request_body = RequestBody(
            required=True,
            content={
                "application/json": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.OBJECT,
                        required=["articles"],
                        properties={
                            "articles": Schema(type=OpenAPIType.ARRAY, items=article, min_items=1, max_items=500)
                        },
                        additional_properties=False,
                    )
                ),
                NDJSON: OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.STRING, description="one ArticleCreate object per line")
                ),
            },
        )


def _article_in(data: schemas.ArticleCreate) -> ArticleIn:
    return ArticleIn(
        source=data.source,
        text=data.text,
        html=data.html,
        title=data.title,
        url=data.url,
        author=data.author,
        published=data.published,
    )


def _created(result: IngestResult) -> schemas.ArticleCreated:
    return schemas.ArticleCreated(
        id=result.id,
        source_id=result.source_id,
        claims=result.claims,
        duplicate=result.duplicate,
        conflicts=result.conflicts,
        near_duplicate_of=result.near_duplicate_of,
    )


Outcome = tuple[ingest.Prepared, Extraction] | InvalidInput


#: Seconds of extraction allowed per article of a request (work is linear in the text, about
#: 0.1 s per KB; the longest article allowed takes well under this).
EXTRACT_SECONDS_PER_ARTICLE = 300.0


async def _prepare_and_extract(
    state: State, items: list[ArticleIn], request: Request[Any, Any, Any] | None = None
) -> list[Outcome]:
    """Validate, clean and run spaCy off the event loop, one nlp.pipe pass for the whole batch.

    The extraction stops (between sentences) when the client hangs up, and answers 422 past its
    deadline, so a hostile request neither holds the NLP lock for long nor works for nobody.
    """
    max_chars = state.settings.max_text_chars
    gone = threading.Event()
    deadline: list[float] = []

    def should_stop() -> bool:
        return gone.is_set() or (bool(deadline) and time.monotonic() > deadline[0])

    def work() -> list[Outcome]:
        prepared: list[ingest.Prepared | InvalidInput] = []
        for item in items:
            try:
                prepared.append(ingest.prepare(item, max_chars=max_chars))
            except InvalidInput as exc:
                prepared.append(exc)
        ok = [p for p in prepared if isinstance(p, ingest.Prepared)]
        deadline.append(time.monotonic() + EXTRACT_SECONDS_PER_ARTICLE * max(1, len(ok)))
        try:
            extractions = iter(list(ingest.analyse(state.nlp, ok, should_stop=should_stop)))
        except ExtractionStopped as exc:
            raise InvalidInput(f"the article took too long to read ({exc}); send it in smaller parts") from exc
        return [(p, next(extractions)) if isinstance(p, ingest.Prepared) else p for p in prepared]

    outcomes: list[Outcome] = []
    async with anyio.create_task_group() as tg:
        if request is not None:
            tg.start_soon(_watch_disconnect, request, gone)
        try:
            async with state.nlp_lock:
                outcomes = await anyio.to_thread.run_sync(work)
        finally:
            gone.set()  # also stops the thread when this task is cancelled
            tg.cancel_scope.cancel()
    return outcomes


async def _watch_disconnect(request: Request[Any, Any, Any], gone: threading.Event) -> None:
    """Set `gone` when the client closes the connection (the body is read already, so the next
    ASGI message is the disconnect)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            gone.set()
            return


class ArticleController(Controller):
    path = "/articles"
    tags = ["articles"]

    @post(
        "/",
        operation_id="CreateArticle",
        status_code=201,
        summary="Ingest one article",
        responses={
            **problems(400, 401, 413, 422),
            200: ResponseSpec(
                data_container=schemas.ArticleCreated,
                description="The same content was stored before: its first id, with duplicate true",
                generate_examples=False,
            ),
        },
    )
    async def create(
        self, data: JSONBody[schemas.ArticleCreate], state: State, request: Request[Any, Any, Any]
    ) -> Response[schemas.ArticleCreated]:
        """Stores the article, its claims, matches and conflicts in one transaction.

        The same content again answers 200 with `duplicate: true` and the first article's id.
        With `url` and neither `text` nor `html`, the page is fetched and its main text extracted
        (trafilatura); non-public addresses are refused unless CLAIMS_ALLOW_PRIVATE_URLS is set.
        """
        if data.text is None and data.html is None and data.url is not None:  # ingest by URL
            data = await fetched_article(data, state.settings)
        (outcome,) = await _prepare_and_extract(state, [_article_in(data)], request)
        if isinstance(outcome, InvalidInput):
            raise outcome
        prepared, extraction = outcome
        async with state.pool.connection() as conn, conn.transaction():  # only now: fetching and NLP hold none
            result = await ingest.store_article(conn, prepared, extraction)
            await _audit_created(conn, request, result)
        return Response(_created(result), status_code=200 if result.duplicate else 201)

    @post(
        "/batch",
        operation_id="CreateArticles",
        status_code=200,
        responses=problems(400, 401, 413, 422),
        operation_class=BatchOperation,
        summary="Ingest many articles",
        description=(
            'Body: `{"articles": [...]}` (each item as for POST /v1/articles), or NDJSON '
            f"(`Content-Type: {NDJSON}`, one article per line). Each item is stored whole or not "
            "at all and reported with its own status (201 created, 200 duplicate, 4xx problem)."
        ),
    )
    async def create_batch(self, request: Request[Any, Any, Any], state: State) -> schemas.BatchResult:
        raw_items = _split_batch(await request.body(), request.headers.get("content-type", ""))
        parsed: list[ArticleIn | InvalidInput] = []
        for raw in raw_items:
            try:
                parsed.append(_article_in(msgspec.json.decode(raw, type=schemas.ArticleCreate)))
            except msgspec.DecodeError as exc:
                parsed.append(InvalidInput(f"invalid article: {exc}"))
            except (UnicodeDecodeError, RecursionError):  # msgspec's own errors for these two
                parsed.append(InvalidInput("invalid article: not valid UTF-8, or nested too deeply"))
        good = [p for p in parsed if isinstance(p, ArticleIn)]
        outcomes = iter(await _prepare_and_extract(state, good, request))
        items: list[schemas.BatchItem] = []
        async with state.pool.connection() as conn:  # taken after the NLP pass, not while waiting for it
            for index, item in enumerate(parsed):
                outcome = item if isinstance(item, InvalidInput) else next(outcomes)
                if isinstance(outcome, InvalidInput):
                    items.append(_failed(index, outcome))
                    continue
                prepared, extraction = outcome
                async with conn.transaction():
                    result = await ingest.store_article(conn, prepared, extraction)
                    await _audit_created(conn, request, result)
                items.append(
                    schemas.BatchItem(
                        index=index,
                        status=200 if result.duplicate else 201,
                        id=result.id,
                        source_id=result.source_id,
                        claims=result.claims,
                        duplicate=result.duplicate,
                        conflicts=result.conflicts,
                    )
                )
        failed = sum(1 for i in items if i.error is not None)
        dups = sum(1 for i in items if i.duplicate)
        return schemas.BatchResult(items=items, created=len(items) - failed - dups, duplicates=dups, failed=failed)

    @get("/", operation_id="ListArticles", responses=problems(400, 422))
    async def list_articles(
        self,
        conn: Conn,
        source: FromQuery[str | None] = None,
        published_since: Annotated[str | None, QueryParameter(description="YYYY[-MM[-DD]]")] = None,
        published_until: Annotated[str | None, QueryParameter(description="YYYY[-MM[-DD]]")] = None,
        updated_since: UpdatedSince = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> schemas.ArticlePage:
        if updated_since is not None:  # the feed: (created_at, id) order, bounded by the horizon
            window = await feed.window(conn, feed.parse_since(updated_since), cursor)
            fed = await feed.articles(
                conn,
                window,
                source=source,
                published_since=published_since,
                published_until=published_until,
                limit=limit,
            )
            return schemas.ArticlePage(
                items=[msgspec.convert(r, schemas.Article, from_attributes=True) for r in fed.items],
                next_cursor=fed.next_cursor,
                updated_until=fed.until,
            )
        page = await store.list_articles(
            conn,
            source=source,
            published_since=published_since,
            published_until=published_until,
            limit=limit,
            cursor=cursor,
        )
        return schemas.ArticlePage(
            items=[msgspec.convert(r, schemas.Article, from_attributes=True) for r in page.items],
            next_cursor=page.next_cursor,
        )

    @get("/{article_id:int}", operation_id="GetArticle", responses=problems(400, 404))
    async def get_article(self, article_id: Id, conn: Conn) -> schemas.ArticleDetail:
        row, text = await store.get_article(conn, article_id)
        return schemas.ArticleDetail(**msgspec.structs.asdict(row), text=text)

    @get("/{article_id:int}/claims", operation_id="ListArticleClaims", responses=problems(400, 404, 422))
    async def article_claims(
        self, article_id: Id, conn: Conn, limit: Limit = 50, cursor: Cursor = None
    ) -> schemas.ClaimPage:
        await store.get_article(conn, article_id)
        page = await store.list_claims(conn, store.ClaimFilters(article=article_id), limit=limit, cursor=cursor)
        return schemas.ClaimPage(items=[schemas.claim_out(r) for r in page.items], next_cursor=page.next_cursor)


async def _audit_created(conn: Any, request: Request[Any, Any, Any], result: IngestResult) -> None:
    """The audit entry of an ingest (none for a duplicate: nothing was written)."""
    if not result.duplicate:
        after = {"source_id": result.source_id, "claims": result.claims, "conflicts": result.conflicts}
        await audit.record(conn, actor_of(request), "article.create", "article", result.id, after=after)


def _split_batch(body: bytes, content_type: str) -> list[bytes]:
    if content_type.split(";")[0].strip().lower() == NDJSON:
        items = [line for line in body.splitlines() if line.strip()]
        if not items:
            raise InvalidInput("the NDJSON body has no articles")
        if len(items) > 500:
            raise InvalidInput("a batch holds at most 500 articles")
        return items
    try:
        batch = msgspec.json.decode(body, type=schemas.BatchCreate)
    except msgspec.DecodeError as exc:  # malformed, like any other body Litestar decodes: 400
        raise ValidationException(f'body must be {{"articles": [...]}} or NDJSON: {exc}') from None
    return [bytes(raw) for raw in batch.articles]


def _failed(index: int, exc: InvalidInput) -> schemas.BatchItem:
    return schemas.BatchItem(
        index=index,
        status=422,
        error=schemas.ProblemItem(status=422, title="Unprocessable Content", detail=str(exc)),
    )
