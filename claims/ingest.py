"""Ingest orchestration: validate -> clean -> hash -> nlp -> one transaction (store + match).

CPU work (cleaning, spaCy) happens outside any transaction and can be batched with `nlp.pipe`;
the database part of one article is a single transaction, so an article is stored whole, with its
claims, matches and conflicts, or not at all.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import logging
import multiprocessing
import threading
import unicodedata
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

import msgspec

from claims import duplicates, store
from claims.errors import InvalidInput
from claims.extraction import extract_many
from claims.fetch import web_url
from claims.lru import LRU
from claims.matching import BLOCK_WINDOW, CLAIM_CACHE_SIZE, block_key, block_keys, match_claims
from claims.models import ArticleIn, ClaimRef, Extraction, IngestResult
from claims.text import partialdate
from claims.text.clean import clean_html, clean_text

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Callable, Iterable, Iterator, Sequence

    from psycopg import AsyncConnection
    from spacy.language import Language

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 1_000_000


class Prepared(msgspec.Struct, frozen=True, kw_only=True):
    """An article validated and cleaned, ready for the NLP pass."""

    article: ArticleIn
    text: str
    content_hash: str
    published: str | None
    input_format: str


def content_hash(cleaned: str) -> str:
    """Hash of the cleaned text: the same story re-sent (even re-scraped with new debris) is one article."""
    normal = " ".join(unicodedata.normalize("NFC", cleaned).split())
    return hashlib.sha256(normal.encode()).hexdigest()


def _with_html_metadata(article: ArticleIn) -> ArticleIn:
    """Title, author and publication date from a posted page's meta tags (trafilatura, htmldate);
    the request's own fields win. A page whose metadata cannot be read is taken as it is."""
    if article.title and article.author and article.published:
        return article
    html = article.html or ""
    found: dict[str, str] = {}
    try:
        from trafilatura import extract_metadata

        meta = extract_metadata(html)
        if meta is not None:
            found = {k: v for k, v in (("title", meta.title), ("author", meta.author), ("published", meta.date)) if v}
    except Exception:
        found = {}
    if "published" not in found and not article.published:
        try:
            from htmldate import find_date

            date = find_date(html, extensive_search=False, original_date=True)
            if date:
                found["published"] = date
        except Exception:
            pass
    if "published" in found:
        try:
            partialdate.normalise_published(found["published"])
        except InvalidInput:
            del found["published"]
    updates = {k: v[:1000] for k, v in found.items() if not getattr(article, k)}
    return msgspec.structs.replace(article, **updates) if updates else article


def prepare(article: ArticleIn, *, max_chars: int = MAX_TEXT_CHARS) -> Prepared:
    """Validate and clean; raises InvalidInput with a message a person can act on."""
    if not article.source.strip():
        raise InvalidInput("source must not be empty")
    if (article.text is None) == (article.html is None):
        raise InvalidInput("send exactly one of 'text' or 'html'")
    for name in ("source", "text", "html", "title", "url", "author", "published"):
        if "\x00" in (getattr(article, name) or ""):  # PostgreSQL text cannot hold NUL
            raise InvalidInput(f"{name} contains a NUL character")
    if article.url is not None and web_url(article.url) is None:
        raise InvalidInput("url must be an absolute http or https URL")
    if article.html is not None:
        article = _with_html_metadata(article)
    published = partialdate.normalise_published(article.published) if article.published else None
    if article.html is not None:
        cleaned, fmt = clean_html(article.html), "html"
    else:
        cleaned, fmt = clean_text(article.text or ""), "text"
    if not cleaned.strip():
        raise InvalidInput("the article has no text left after removing markup and page furniture")
    if len(cleaned) > max_chars:
        raise InvalidInput(f"article text is {len(cleaned)} characters; the limit is {max_chars}")
    return Prepared(
        article=article,
        text=cleaned,
        content_hash=content_hash(cleaned),
        published=published,
        input_format=fmt,
    )


def analyse(
    nlp: Language,
    prepared: Iterable[Prepared],
    *,
    n_process: int = 1,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[Extraction]:
    """Extract claims for many prepared articles in one `nlp.pipe` pass (read as it goes);
    `should_stop` ends it early (ExtractionStopped), see `claims.extraction.claims_of`."""
    items = ((p.text, p.published, p.article.title) for p in prepared)
    return extract_many(nlp, items, n_process=n_process, should_stop=should_stop)


def _extract_chunk(model: str, items: list[tuple[str, str | None, str | None]], batch_size: int) -> bytes:
    """Worker side of `analyse_parallel`: the whole extraction, returned as msgpack."""
    from claims.text.nlp import get_nlp

    nlp = get_nlp(model)  # already built in the parent when forked; built once per worker otherwise
    return msgspec.msgpack.encode(list(extract_many(nlp, items, batch_size=batch_size)))


async def analyse_parallel(
    model: str, prepared: Iterable[Prepared], *, jobs: int, chunk: int = 16, batch_size: int = 16
) -> AsyncGenerator[tuple[Prepared, Extraction], None]:
    """`analyse` spread over `jobs` worker processes: each article with its extraction, in order.

    Unlike `nlp.pipe(n_process=...)`, which ships every Doc back to the parent and leaves claim
    extraction there, each worker runs the whole extraction and returns compact msgpack, so the
    parent (which stores and matches) does no NLP work at all. A bounded window of chunks stays in
    flight, so the workers extract the next articles while the parent writes the current ones,
    and `prepared` is read only as far as that window: a folder of any size is never held whole.
    """
    todo = iter(prepared)

    def next_chunk() -> list[Prepared]:
        return list(itertools.islice(todo, chunk))

    # fork reuses the pipeline already loaded here, but forking a process that runs other threads
    # can deadlock the child; then a fresh forkserver (or spawn) worker loads its own pipeline.
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        method = "fork"
    else:
        method = "forkserver" if "forkserver" in methods else "spawn"
    decoder = msgspec.msgpack.Decoder(list[Extraction])
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method)) as pool:
        pending: deque[tuple[list[Prepared], Any]] = deque()

        def submit() -> None:
            if items := next_chunk():
                texts = [(p.text, p.published, p.article.title) for p in items]
                pending.append((items, pool.submit(_extract_chunk, model, texts, batch_size)))

        for _ in range(2 * jobs):
            submit()
        while pending:
            items, future = pending.popleft()
            data = await asyncio.wrap_future(future)
            submit()
            for item, extraction in zip(items, decoder.decode(data), strict=True):
                yield item, extraction


async def store_article(conn: AsyncConnection[Any], prepared: Prepared, extraction: Extraction) -> IngestResult:
    """Store one article with its claims, matches and conflicts in ONE transaction."""
    art = prepared.article
    async with conn.transaction():
        source_id = await store.upsert_source(conn, art.source.strip())
        article_id = await store.insert_article(
            conn,
            source_id=source_id,
            content_hash=prepared.content_hash,
            title=art.title,
            url=art.url,
            author=art.author,
            published=prepared.published,
            text=extraction.text,
            input_format=prepared.input_format,
            extractor_version=extraction.extractor_version,
            topic=extraction.topic,
        )
        if article_id is None:
            first_id, first_source, n = await store.article_by_hash(conn, prepared.content_hash)
            return IngestResult(id=first_id, source_id=first_source, claims=n, duplicate=True)
        original = await store.near_duplicate(conn, article_id, duplicates.signature(extraction.text))
        blocks = [block_key(c) for c in extraction.claims]
        # a near-duplicate's claims are stored but not matched: one report is not two confirmations
        keys = [[] if original is not None else block_keys(c) for c in extraction.claims]
        ids = await store.insert_claims(
            conn,
            article_id=article_id,
            source_id=source_id,
            claims=extraction.claims,
            blocks=blocks,
            extractor_version=extraction.extractor_version,
            keys=keys,
        )
        opened = await match_new(conn, ids, keys)
    log.info("stored article_id=%d claims=%d conflicts=%d copy_of=%s", article_id, len(ids), opened, original)
    return IngestResult(
        id=article_id,
        source_id=source_id,
        claims=len(ids),
        duplicate=False,
        conflicts=opened,
        near_duplicate_of=original,
    )


async def match_new(conn: AsyncConnection[Any], ids: Sequence[int], claim_keys: Sequence[Sequence[str]]) -> int:
    """Match newly stored claims (with their keys) against their blocks; return conflicts opened."""
    keys = sorted({k for ks in claim_keys for k in ks})
    if not keys:
        return 0
    await store.lock_blocks(conn, keys)
    refs = await _candidates(conn, keys)
    new_ids = {i for i, ks in zip(ids, claim_keys, strict=True) if ks}
    new_refs = [r for r in refs if r.id in new_ids]
    results = match_claims(new_refs, refs)
    return await store.insert_matches(conn, results)


_REFS: LRU[tuple[int, int], ClaimRef] = LRU(CLAIM_CACHE_SIZE)
"""Stored claims already read as matching candidates, by (id, row version): a bulk ingest reads
the same newest claims of a block for every article (up to BLOCK_WINDOW each). Reading only their
ids and versions, and the rows of those not seen yet, spares the database the joins and this
process the parsing; the same objects then also hit the matcher's feature cache at once."""


async def _candidates(conn: AsyncConnection[Any], keys: Sequence[str]) -> list[ClaimRef]:
    """The stored claims of these blocks (`store.block_members`), in id order."""
    members = await store.block_members(conn, keys, window=BLOCK_WINDOW)
    refs = [_REFS.get(key) for key in members]
    missing = [key[0] for key, ref in zip(members, refs, strict=True) if ref is None]
    if missing:
        rows = await store.claims_by_ids(conn, missing)
        for i, (key, ref) in enumerate(zip(members, refs, strict=True)):
            if ref is None and (row := rows.get(key[0])) is not None:
                refs[i] = fresh = row.to_ref()
                _REFS.put(key, fresh)
    return [r for r in refs if r is not None]  # a claim deleted in between is no candidate


async def ingest(
    conn: AsyncConnection[Any], nlp: Language, article: ArticleIn, *, max_chars: int = MAX_TEXT_CHARS
) -> IngestResult:
    """Ingest one article (used by the API's single POST); raises InvalidInput on bad input."""
    prepared = prepare(article, max_chars=max_chars)
    extraction = next(iter(analyse(nlp, [prepared])))
    return await store_article(conn, prepared, extraction)


__all__ = ["Prepared", "analyse", "analyse_parallel", "content_hash", "ingest", "match_new", "prepare", "store_article"]
