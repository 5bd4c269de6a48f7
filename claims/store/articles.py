"""Sources and articles: writing an article, and reading articles and sources back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, LiteralString

from psycopg import sql
from psycopg.rows import class_row

from claims import duplicates
from claims.errors import NotFound
from claims.store.paging import decode_cursor, keyset_page
from claims.store.rows import ArticleRow, Page, SourceRow
from claims.text import partialdate

if TYPE_CHECKING:
    from collections.abc import Sequence

    from psycopg import AsyncConnection

# --------------------------------------------------------------------------- sources & articles


ARTICLE_SELECT: LiteralString = """
    SELECT a.id, a.source_id, s.name AS source, a.title, a.url, a.author, a.published,
           a.content_hash, a.extractor_version,
           a.claim_count AS claims, a.created_at
    FROM articles a JOIN sources s ON s.id = a.source_id
"""


async def upsert_source(conn: AsyncConnection[Any], name: str) -> int:
    """The id of the source with this name, created on first use."""
    cur = await conn.execute(
        """
        INSERT INTO sources (name) VALUES (%(name)s)
        ON CONFLICT (lower(name)) DO UPDATE SET name = sources.name
        RETURNING id
        """,
        {"name": name},
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def insert_article(
    conn: AsyncConnection[Any],
    *,
    source_id: int,
    content_hash: str,
    title: str | None,
    url: str | None,
    author: str | None,
    published: str | None,
    text: str,
    input_format: str,
    extractor_version: str,
    topic: Sequence[str] = (),
) -> int | None:
    """Insert unless the content hash exists; `None` means a duplicate (no row written)."""
    p_from, p_to = partialdate.bounds(published) if published else (None, None)
    cur = await conn.execute(
        """
        INSERT INTO articles (source_id, content_hash, title, url, author, published,
                              published_from, published_to, text, input_format, extractor_version)
        VALUES (%(source_id)s, %(hash)s, %(title)s, %(url)s, %(author)s, %(published)s,
                %(p_from)s, %(p_to)s, %(text)s, %(fmt)s, %(version)s)
        ON CONFLICT (content_hash) DO NOTHING
        RETURNING id
        """,
        {
            "source_id": source_id,
            "hash": content_hash,
            "title": title,
            "url": url,
            "author": author,
            "published": published,
            "p_from": p_from,
            "p_to": p_to,
            "text": text,
            "fmt": input_format,
            "version": extractor_version,
            "topic": list(topic),
        },
    )
    row = await cur.fetchone()
    return int(row[0]) if row else None


async def near_duplicate(conn: AsyncConnection[Any], article_id: int, sig: Sequence[int]) -> int | None:
    """Store the article's signature and band keys; return the earliest stored article it copies
    (estimated similarity at least `duplicates.NEAR_DUPLICATE`), or None."""
    keys = duplicates.bands(list(sig))
    cur = await conn.execute(
        """
        SELECT DISTINCT a.id, a.minhash FROM article_bands b JOIN articles a ON a.id = b.article_id
        WHERE b.band = ANY(%(bands)s) AND a.id <> %(id)s AND a.near_duplicate_of IS NULL
        ORDER BY a.id
        """,
        {"bands": keys, "id": article_id},
    )
    rows = await cur.fetchall()
    near = [int(r[0]) for r in rows if duplicates.similarity(list(r[1] or []), list(sig)) >= duplicates.NEAR_DUPLICATE]
    original = near[0] if near else None
    await conn.execute(
        "UPDATE articles SET minhash = %(sig)s, near_duplicate_of = %(orig)s WHERE id = %(id)s",
        {"sig": list(sig), "orig": original, "id": article_id},
    )
    async with conn.cursor() as c, c.copy("COPY article_bands (band, article_id) FROM STDIN") as copy:
        for band in dict.fromkeys(keys):
            await copy.write_row((band, article_id))
    return original


async def article_by_hash(conn: AsyncConnection[Any], content_hash: str) -> tuple[int, int, int]:
    """(article id, source id, claim count) of the article stored under this hash."""
    cur = await conn.execute(
        """
        SELECT a.id, a.source_id, a.claim_count
        FROM articles a WHERE a.content_hash = %(hash)s
        """,
        {"hash": content_hash},
    )
    row = await cur.fetchone()
    if row is None:
        raise NotFound("article vanished while being ingested")
    return int(row[0]), int(row[1]), int(row[2])


async def articles_by_ids(conn: AsyncConnection[Any], ids: Sequence[int]) -> dict[int, ArticleRow]:
    """Articles by id, for pages that show several claims' articles at once."""
    async with conn.cursor(row_factory=class_row(ArticleRow)) as cur:
        await cur.execute(ARTICLE_SELECT + " WHERE a.id = ANY(%(ids)s)", {"ids": list(ids)})
        return {r.id: r for r in await cur.fetchall()}


async def get_article(conn: AsyncConnection[Any], article_id: int) -> tuple[ArticleRow, str]:
    """One article and its stored (cleaned) text."""
    async with conn.cursor(row_factory=class_row(ArticleRow)) as cur:
        await cur.execute(ARTICLE_SELECT + " WHERE a.id = %(id)s", {"id": article_id})
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"article {article_id} does not exist")
    cur2 = await conn.execute("SELECT text FROM articles WHERE id = %(id)s", {"id": article_id})
    text_row = await cur2.fetchone()
    assert text_row is not None
    return row, str(text_row[0])


async def list_articles(
    conn: AsyncConnection[Any],
    *,
    source: str | None = None,
    published_since: str | None = None,
    published_until: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[ArticleRow]:
    """A keyset page of articles, filtered by source and publication date."""
    where: list[LiteralString] = ["a.id > %(after)s"]
    params: dict[str, Any] = {"after": decode_cursor(cursor), "limit": limit + 1}
    if source is not None:
        where.append("a.source_id = (SELECT id FROM sources WHERE lower(name) = lower(%(source)s))")
        params["source"] = source
    if published_since is not None:
        where.append("a.published_to >= %(since)s")
        params["since"] = partialdate.bounds(published_since)[0]
    if published_until is not None:
        where.append("a.published_from <= %(until)s")
        params["until"] = partialdate.bounds(published_until)[1]
    query = sql.SQL("{} WHERE {} ORDER BY a.id LIMIT %(limit)s").format(
        sql.SQL(ARTICLE_SELECT), sql.SQL(" AND ").join(sql.SQL(w) for w in where)
    )
    async with conn.cursor(row_factory=class_row(ArticleRow)) as cur:
        await cur.execute(query, params)
        rows = await cur.fetchall()
    return keyset_page(rows, limit, lambda r: r.id)


async def get_source(conn: AsyncConnection[Any], source_id: int) -> SourceRow:
    """One source with its article and claim counts."""
    page = await list_sources(conn, only_id=source_id)
    if not page.items:
        raise NotFound(f"source {source_id} does not exist")
    return page.items[0]


async def list_sources(
    conn: AsyncConnection[Any], *, limit: int = 50, cursor: str | None = None, only_id: int | None = None
) -> Page[SourceRow]:
    """A keyset page of sources with their counts."""
    params: dict[str, Any] = {"after": decode_cursor(cursor), "limit": limit + 1, "only": only_id}
    async with conn.cursor(row_factory=class_row(SourceRow)) as cur:
        await cur.execute(
            """
            SELECT s.id, s.name, s.article_count::int AS articles, s.claim_count::int AS claims
            FROM sources s
            WHERE s.id > %(after)s AND (%(only)s::bigint IS NULL OR s.id = %(only)s)
            ORDER BY s.id LIMIT %(limit)s
            """,
            params,
        )
        rows = await cur.fetchall()
    return keyset_page(rows, limit, lambda r: r.id)
