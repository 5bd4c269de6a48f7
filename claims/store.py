"""All SQL lives here. Functions take an `AsyncConnection` first and return Structs.

Queries are literal strings with named parameters; list filters are fixed SQL fragments chosen by
which filters are set, so nothing a caller sends is ever spliced into SQL text.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any, Generic, LiteralString, TypeVar

import msgspec
from psycopg import sql
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from claims import duplicates
from claims.errors import InvalidInput, NotFound, StaleWrite
from claims.models import Claim, ClaimRef, Frame, MatchResult, Period
from claims.text import partialdate

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date

    from psycopg import AsyncConnection

T = TypeVar("T")


# --------------------------------------------------------------------------- row shapes


class SourceRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str
    articles: int
    claims: int


class ArticleRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    source_id: int
    source: str
    title: str | None
    url: str | None
    author: str | None
    published: str | None
    content_hash: str
    extractor_version: str
    claims: int
    created_at: Any


class ClaimRow(msgspec.Struct, frozen=True):  # positional too: see _fast_row
    id: int
    article_id: int
    source_id: int
    source: str
    published: str | None
    kind: str
    text: str
    start: int
    end: int
    sentence: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    unit: str | None
    date: str | None
    subject: str | None
    about: str | None
    as_of: str | None
    period_start: str | None
    period_end: str | None
    attribution: str | None
    context: str
    extractor_version: str
    frame: Any = None  # jsonb: the claim's Frame, decoded by `to_claim` (None before rules-4)

    @property
    def period(self) -> Period | None:
        """The stated period, rebuilt from its two columns."""
        if self.period_start or self.period_end:
            return Period(start=self.period_start, end=self.period_end)
        return None

    def to_claim(self) -> Claim:
        return Claim(
            kind=self.kind,  # type: ignore[arg-type]
            text=self.text,
            start=self.start,
            end=self.end,
            sentence=self.sentence,
            value=self.value,
            low=self.low,
            high=self.high,
            qualifier=self.qualifier,  # type: ignore[arg-type]
            unit=self.unit,
            date=self.date,
            subject=self.subject,
            about=self.about,
            as_of=self.as_of,
            period=self.period,
            attribution=self.attribution,
            context=self.context,
            frame=msgspec.convert(self.frame, Frame) if self.frame else None,
        )

    def to_ref(self) -> ClaimRef:
        return ClaimRef(
            id=self.id,
            article_id=self.article_id,
            source=self.source,
            published=self.published,
            claim=self.to_claim(),
        )


class MatchRow(msgspec.Struct, frozen=True, kw_only=True):
    claim_id: int
    other_id: int
    label: str
    linked: bool
    score: float
    components: dict[str, float]
    reason: str


class ConflictRow(msgspec.Struct, frozen=True):  # positional too: see _fast_row
    id: int
    status: str
    severity: float
    reason: str
    kind: str
    subject: str | None
    claim_a: int
    claim_b: int
    version: int
    created_at: Any
    updated_at: Any


class HistoryRow(msgspec.Struct, frozen=True, kw_only=True):
    at: Any
    status: str
    note: str | None
    reviewer: str | None


class Page(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    items: list[T]
    next_cursor: str | None


def _fast_row(cls: type[T]) -> Any:
    """A row factory building `cls` positionally from the row tuple.

    psycopg's `class_row` calls `cls(**dict(zip(names, values)))` per row; for a 50-row page of
    claims that was a third of the API's CPU per request. When the columns are exactly the
    struct's fields, in order, the positional constructor is used; otherwise `class_row`.
    """
    fields = cls.__struct_fields__  # type: ignore[attr-defined]

    def factory(cursor: Any) -> Any:
        names = tuple(c.name for c in cursor.description or ())
        if names != fields:
            return class_row(cls)(cursor)
        return lambda values: cls(*values)

    return factory


# --------------------------------------------------------------------------- cursors


def encode_tagged(tag: str, value: int) -> str:
    """An opaque cursor: a tag naming what the number is, and the number."""
    return base64.urlsafe_b64encode(msgspec.msgpack.encode((tag, value))).decode().rstrip("=")


def decode_tagged(cursor: str | None, tag: str, *, high: int | None = None, issuer: str = "this API") -> int:
    """The number of a cursor `encode_tagged(tag, ...)` made (0 for none); any other is bad input."""
    if cursor is None:
        return 0
    problem = f"cursor is not one {issuer} issued"
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        got, value = msgspec.msgpack.decode(raw, type=tuple[str, int])
    except (binascii.Error, ValueError, msgspec.DecodeError, msgspec.ValidationError):
        raise InvalidInput(problem) from None
    if got != tag or value < 0 or (high is not None and value > high):
        raise InvalidInput(problem)
    return value


def encode_cursor(last_id: int) -> str:
    return encode_tagged("id", last_id)


def decode_cursor(cursor: str | None) -> int:
    """The id after which the next page starts; a cursor we did not make is bad input."""
    return decode_tagged(cursor, "id")


def _page(rows: list[T], limit: int, key: Any) -> Page[T]:
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(items=rows, next_cursor=encode_cursor(key(rows[-1])))
    return Page(items=rows, next_cursor=None)


# --------------------------------------------------------------------------- sources & articles


async def upsert_source(conn: AsyncConnection[Any], name: str) -> int:
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


_CLAIM_COLUMNS = (
    "article_id, source_id, kind, text, start_offset, end_offset, sentence, value, low, high, "
    "qualifier, unit, date, subject, about, as_of, period_start, period_end, attribution, context, "
    "block, time_from, time_to, extractor_version, frame"
)


def _time_bounds(claim: Claim) -> tuple[date | None, date | None]:
    iso = claim.date or claim.as_of
    if not iso:
        return None, None
    try:
        return partialdate.bounds(iso)
    except InvalidInput:
        return None, None


async def insert_claims(
    conn: AsyncConnection[Any],
    *,
    article_id: int,
    source_id: int,
    claims: Sequence[Claim],
    blocks: Sequence[str | None],
    extractor_version: str,
    keys: Sequence[Sequence[str]] | None = None,
) -> list[int]:
    """COPY the claims of one article in (with their matching `keys`); return their ids in input order."""
    if not claims:
        return []
    async with conn.cursor() as cur:
        async with cur.copy(f"COPY claims ({_CLAIM_COLUMNS}) FROM STDIN") as copy:
            for claim, block in zip(claims, blocks, strict=True):
                t_from, t_to = _time_bounds(claim)
                period = claim.period
                await copy.write_row(
                    (
                        article_id,
                        source_id,
                        claim.kind,
                        claim.text,
                        claim.start,
                        claim.end,
                        claim.sentence,
                        claim.value,
                        claim.low,
                        claim.high,
                        claim.qualifier,
                        claim.unit,
                        claim.date,
                        claim.subject,
                        claim.about,
                        claim.as_of,
                        period.start if period else None,
                        period.end if period else None,
                        claim.attribution,
                        claim.context,
                        block,
                        t_from,
                        t_to,
                        extractor_version,
                        _FRAME_JSON.encode(claim.frame).decode() if claim.frame else None,
                    )
                )
        await cur.execute("SELECT id FROM claims WHERE article_id = %(a)s ORDER BY id", {"a": article_id})
        ids = [int(r[0]) for r in await cur.fetchall()]
        if keys is not None:
            await write_keys(conn, list(zip(ids, keys, strict=True)))
        return ids


_FRAME_JSON = msgspec.json.Encoder()


async def write_keys(conn: AsyncConnection[Any], keys: Sequence[tuple[int, Sequence[str]]]) -> None:
    """Store the matching keys of these claims (COPY; the claims must have none yet)."""
    async with conn.cursor() as cur, cur.copy("COPY claim_keys (key, claim_id) FROM STDIN") as copy:
        for claim_id, claim_keys in keys:
            for key in dict.fromkeys(claim_keys):
                await copy.write_row((key, claim_id))


_ARTICLE_SELECT: LiteralString = """
    SELECT a.id, a.source_id, s.name AS source, a.title, a.url, a.author, a.published,
           a.content_hash, a.extractor_version,
           a.claim_count AS claims, a.created_at
    FROM articles a JOIN sources s ON s.id = a.source_id
"""


async def articles_by_ids(conn: AsyncConnection[Any], ids: Sequence[int]) -> dict[int, ArticleRow]:
    async with conn.cursor(row_factory=class_row(ArticleRow)) as cur:
        await cur.execute(_ARTICLE_SELECT + " WHERE a.id = ANY(%(ids)s)", {"ids": list(ids)})
        return {r.id: r for r in await cur.fetchall()}


async def get_article(conn: AsyncConnection[Any], article_id: int) -> tuple[ArticleRow, str]:
    async with conn.cursor(row_factory=class_row(ArticleRow)) as cur:
        await cur.execute(_ARTICLE_SELECT + " WHERE a.id = %(id)s", {"id": article_id})
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
        sql.SQL(_ARTICLE_SELECT), sql.SQL(" AND ").join(sql.SQL(w) for w in where)
    )
    async with conn.cursor(row_factory=class_row(ArticleRow)) as cur:
        await cur.execute(query, params)
        rows = await cur.fetchall()
    return _page(rows, limit, lambda r: r.id)


async def get_source(conn: AsyncConnection[Any], source_id: int) -> SourceRow:
    page = await list_sources(conn, only_id=source_id)
    if not page.items:
        raise NotFound(f"source {source_id} does not exist")
    return page.items[0]


async def list_sources(
    conn: AsyncConnection[Any], *, limit: int = 50, cursor: str | None = None, only_id: int | None = None
) -> Page[SourceRow]:
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
    return _page(rows, limit, lambda r: r.id)


# --------------------------------------------------------------------------- claims

_CLAIM_SELECT: LiteralString = """
    SELECT c.id, c.article_id, c.source_id, s.name AS source, a.published, c.kind, c.text,
           c.start_offset AS start, c.end_offset AS "end", c.sentence, c.value, c.low, c.high,
           c.qualifier, c.unit, c.date, c.subject, c.about, c.as_of, c.period_start, c.period_end,
           c.attribution, c.context, c.extractor_version, c.frame
    FROM claims c
    JOIN sources s ON s.id = c.source_id
    JOIN articles a ON a.id = c.article_id
"""


_CLAIM_SELECT_BRIEF: LiteralString = """
    SELECT c.id, c.article_id, c.source_id, s.name AS source, NULL::text AS published, c.kind, c.text,
           c.start_offset AS start, c.end_offset AS "end", c.sentence, c.value, c.low, c.high,
           c.qualifier, c.unit, c.date, c.subject, c.about, c.as_of, c.period_start, c.period_end,
           c.attribution, NULL::text AS context, c.extractor_version, NULL::jsonb AS frame
    FROM claims c
    JOIN sources s ON s.id = c.source_id
"""
"""`_CLAIM_SELECT` without `published` and `context` (NULL in their places), so without the
articles join: what the REST contract's Claim shows. Every claim has its article (NOT NULL
foreign key), so the rows are the same."""


class ClaimFilters(msgspec.Struct, frozen=True, kw_only=True):
    kind: str | None = None
    subject: str | None = None
    unit: str | None = None
    source: str | None = None
    source_id: int | None = None
    article: int | None = None
    q: str | None = None
    since: str | None = None
    until: str | None = None


def _claim_where(f: ClaimFilters, params: dict[str, Any]) -> list[LiteralString]:
    where: list[LiteralString] = []
    if f.kind is not None:
        where.append("c.kind = %(kind)s")
        params["kind"] = f.kind
    if f.subject is not None:
        where.append("lower(c.subject) = lower(%(subject)s)")
        params["subject"] = f.subject
    if f.unit is not None:
        where.append("c.unit = %(unit)s")
        params["unit"] = f.unit
    if f.source is not None:
        where.append("c.source_id = (SELECT id FROM sources WHERE lower(name) = lower(%(source)s))")
        params["source"] = f.source
    if f.source_id is not None:
        where.append("c.source_id = %(source_id)s")
        params["source_id"] = f.source_id
    if f.article is not None:
        where.append("c.article_id = %(article)s")
        params["article"] = f.article
    if f.q is not None:
        where.append("c.search @@ websearch_to_tsquery('english', %(q)s)")
        params["q"] = f.q
    if f.since is not None:
        where.append("c.time_to >= %(since)s")
        params["since"] = partialdate.bounds(f.since)[0]
    if f.until is not None:
        where.append("c.time_from <= %(until)s")
        params["until"] = partialdate.bounds(f.until)[1]
    return where


async def list_claims(
    conn: AsyncConnection[Any], filters: ClaimFilters, *, limit: int = 50, cursor: str | None = None
) -> Page[ClaimRow]:
    return await list_claims_as(conn, filters, _claim_row, limit=limit, cursor=cursor)


def _claim_row(values: Sequence[Any]) -> ClaimRow:
    return ClaimRow(*values)


async def list_claims_as(
    conn: AsyncConnection[Any],
    filters: ClaimFilters,
    make: Callable[[Sequence[Any]], T],
    *,
    limit: int = 50,
    cursor: str | None = None,
    brief: bool = False,
) -> Page[T]:
    """`list_claims`, each row built by `make` from the column values in `ClaimRow` field order.

    For a caller that wants its own Struct straight from the row (the API's `Claim`) rather than
    a `ClaimRow` copied into it; the result must have an `id` (the next cursor). `brief` leaves
    `published` and `context` out (None), which spares the articles join and the longest text.
    """
    params: dict[str, Any] = {"after": decode_cursor(cursor), "limit": limit + 1}
    where: list[LiteralString] = ["c.id > %(after)s", *_claim_where(filters, params)]
    # Only fixed fragments are joined (no caller text), so this is still a literal query; a plain
    # string also skips building a `sql.Composed` on every request.
    select = _CLAIM_SELECT_BRIEF if brief else _CLAIM_SELECT
    query: LiteralString = select + " WHERE " + " AND ".join(where) + " ORDER BY c.id LIMIT %(limit)s"
    # Binary results: the same Python values, parsed with less work (ints, floats, timestamps).
    async with conn.cursor(row_factory=_maker(make), binary=True) as cur:
        await cur.execute(query, params)
        rows = await cur.fetchall()
    return _page(rows, limit, _id_of)


def _id_of(row: Any) -> int:
    return int(row.id)


def _maker(make: Callable[[Sequence[Any]], T]) -> Any:
    """A row factory applying `make` to each row tuple; the query fixes the column order (unlike
    `_fast_row`, no `cursor.description` is built, which is 24 Column objects per claim page)."""

    def factory(_cursor: Any) -> Callable[[Sequence[Any]], T]:
        return make

    return factory


async def claims_by_ids(conn: AsyncConnection[Any], ids: Sequence[int]) -> dict[int, ClaimRow]:
    async with conn.cursor(row_factory=_fast_row(ClaimRow)) as cur:
        await cur.execute(_CLAIM_SELECT + " WHERE c.id = ANY(%(ids)s)", {"ids": list(ids)})
        return {r.id: r for r in await cur.fetchall()}


async def get_claim(conn: AsyncConnection[Any], claim_id: int) -> ClaimRow:
    found = await claims_by_ids(conn, [claim_id])
    if claim_id not in found:
        raise NotFound(f"claim {claim_id} does not exist")
    return found[claim_id]


async def block_members(conn: AsyncConnection[Any], blocks: Sequence[str], *, window: int) -> list[tuple[int, int]]:
    """Matching candidates: the `window` most recent stored claims of each block, as (id, row
    version) pairs in id order (deterministic ties in matching); the caller keeps the claims.

    One index range scan per key on (block, id), so the cost of matching an article does not grow
    with the archive even when a block is hot (every US dollar figure about the United States).
    The row version is the claim row's `xmin`. A claim's content never changes (migration 0011),
    and a claim written again under a reused id (TRUNCATE ... RESTART IDENTITY) has a new one, so
    an (id, version) pair names one claim for good. Only `block` may be rewritten (rematch), which
    gives a new version too: a cache keyed so just misses.
    """
    if not blocks:
        return []
    async with conn.cursor(binary=True) as cur:
        await cur.execute(
            """
            SELECT r.id, r.version FROM unnest(%(blocks)s::text[]) AS b(key)
            CROSS JOIN LATERAL (
                SELECT k.claim_id AS id FROM claim_keys k WHERE k.key = b.key
                ORDER BY k.claim_id DESC LIMIT %(window)s
            ) AS r0
            CROSS JOIN LATERAL (
                SELECT c.id, c.xmin::text::bigint AS version FROM claims c
                WHERE c.id = r0.id AND c.retired_at IS NULL AND c.wrong_at IS NULL
            ) AS r
            GROUP BY r.id, r.version
            ORDER BY r.id
            """,
            {"blocks": sorted(set(blocks)), "window": window},
        )
        return await cur.fetchall()  # type: ignore[return-value]


# --------------------------------------------------------------------------- matches & conflicts


_STAGE = """
CREATE TEMP TABLE IF NOT EXISTS staged_matches (
    claim_a bigint, claim_b bigint, label text, linked boolean, score float8,
    components jsonb, reason text, severity float8
) ON COMMIT DELETE ROWS
"""

# Insert (or, on rematch, update) the staged matches, then open a conflict with its first history
# row for every linked conflict that has none yet. One statement, whatever the number of pairs.
_WRITE_MATCHES: LiteralString = """
WITH written AS (
    INSERT INTO matches (claim_a, claim_b, label, linked, score, components, reason)
    SELECT claim_a, claim_b, label, linked, score, components, reason FROM staged_matches s
    WHERE NOT EXISTS (  -- a pair a person rejected is never suggested again (claims/workflow.py)
        SELECT 1 FROM rejected_pairs r WHERE r.claim_a = s.claim_a AND r.claim_b = s.claim_b)
      AND NOT EXISTS (  -- nor is a retired claim, or one an editor marked wrong, matched again
        SELECT 1 FROM claims x WHERE x.id IN (s.claim_a, s.claim_b)
          AND (x.retired_at IS NOT NULL OR x.wrong_at IS NOT NULL))
    ON CONFLICT (claim_a, claim_b) DO {on_conflict}
    RETURNING id, claim_a, claim_b, label, linked
), opened AS (
    INSERT INTO conflicts (match_id, claim_a, claim_b, kind, subject, severity, reason)
    SELECT w.id, w.claim_a, w.claim_b, c.kind, c.subject, s.severity, s.reason
    FROM written w
    JOIN staged_matches s ON s.claim_a = w.claim_a AND s.claim_b = w.claim_b
    JOIN claims c ON c.id = w.claim_a
    WHERE w.label = 'conflict' AND w.linked
      AND NOT EXISTS (SELECT 1 FROM conflicts k WHERE k.match_id = w.id)
    RETURNING id
), announced AS (  -- webhook outbox (claims/webhooks.py delivers it), only when someone listens
    INSERT INTO webhook_events (event, conflict_id) SELECT 'conflict.created', id FROM opened
    WHERE EXISTS (SELECT 1 FROM webhooks WHERE active AND 'conflict.created' = ANY(events))
)
INSERT INTO conflict_history (conflict_id, status, note)
SELECT id, 'open', 'detected' FROM opened
RETURNING conflict_id
"""

_UPDATE_ON_CONFLICT: LiteralString = """UPDATE SET label = EXCLUDED.label, linked = EXCLUDED.linked,
    score = EXCLUDED.score, components = EXCLUDED.components, reason = EXCLUDED.reason"""


async def _stage(conn: AsyncConnection[Any], matches: Sequence[MatchResult]) -> None:
    await conn.execute(_STAGE)
    async with conn.cursor() as cur:
        async with cur.copy(
            "COPY staged_matches (claim_a, claim_b, label, linked, score, components, reason, severity) FROM STDIN"
        ) as copy:
            for m in matches:
                a, b = sorted((m.a, m.b))
                await copy.write_row(
                    (a, b, m.label, m.linked, m.score, Jsonb(m.components), m.reason, m.severity or 0.0)
                )


async def insert_matches(conn: AsyncConnection[Any], matches: Sequence[MatchResult]) -> int:
    """Store new matches (pairs ordered low id first) and open a conflict for each linked conflict.

    Must run inside a transaction (the staging table empties on commit). Returns conflicts opened.
    """
    if not matches:
        return 0
    await _stage(conn, matches)
    cur = await conn.execute(sql.SQL(_WRITE_MATCHES).format(on_conflict=sql.SQL("NOTHING")))
    return len(await cur.fetchall())


class RematchStats(msgspec.Struct, frozen=True, kw_only=True):
    matches: int
    conflicts_opened: int
    conflicts_withdrawn: int
    reviewed_kept: int


async def replace_matches(conn: AsyncConnection[Any], matches: Sequence[MatchResult]) -> RematchStats:
    """Make the stored matches exactly `matches`, keeping every reviewed conflict and its history.

    Unreviewed (open) conflicts the new rules no longer find are withdrawn; a conflict an editor
    has reviewed stays, with its match, whatever the rules now say: a person's verdict outranks
    a rule change. Must run inside a transaction.
    """
    await _stage(conn, matches)
    cur = await conn.execute(
        """
        SELECT count(*) FROM conflicts k JOIN matches m ON m.id = k.match_id
        WHERE k.status <> 'open' AND NOT EXISTS (
            SELECT 1 FROM staged_matches s
            WHERE s.claim_a = m.claim_a AND s.claim_b = m.claim_b AND s.label = 'conflict' AND s.linked)
        """
    )
    kept = (await cur.fetchone() or (0,))[0]
    await conn.execute(
        """
        DELETE FROM matches m
        WHERE NOT EXISTS (SELECT 1 FROM staged_matches s WHERE s.claim_a = m.claim_a AND s.claim_b = m.claim_b)
          AND NOT EXISTS (SELECT 1 FROM conflicts k WHERE k.match_id = m.id AND k.status <> 'open')
        """
    )
    cur = await conn.execute(sql.SQL(_WRITE_MATCHES).format(on_conflict=sql.SQL(_UPDATE_ON_CONFLICT)))
    opened = len(await cur.fetchall())
    cur = await conn.execute(
        """
        DELETE FROM conflicts k USING matches m
        WHERE k.match_id = m.id AND k.status = 'open' AND NOT (m.label = 'conflict' AND m.linked)
        RETURNING k.id
        """
    )
    withdrawn = len(await cur.fetchall())
    await conn.execute(
        """
        UPDATE conflicts k SET severity = s.severity, reason = s.reason
        FROM matches m JOIN staged_matches s ON s.claim_a = m.claim_a AND s.claim_b = m.claim_b
        WHERE k.match_id = m.id AND k.status = 'open' AND (k.severity, k.reason) IS DISTINCT FROM (s.severity, s.reason)
        """
    )
    return RematchStats(
        matches=len(matches), conflicts_opened=opened, conflicts_withdrawn=withdrawn, reviewed_kept=int(kept)
    )


async def all_claims(conn: AsyncConnection[Any], *, batch: int = 5000) -> list[ClaimRow]:
    """Every stored claim, fetched in batches through a server-side cursor."""
    rows: list[ClaimRow] = []
    async with conn.transaction(), conn.cursor(name="all_claims", row_factory=_fast_row(ClaimRow)) as cur:
        await cur.execute(_CLAIM_SELECT + " ORDER BY c.id")
        while chunk := await cur.fetchmany(batch):
            rows.extend(chunk)
    return rows


async def set_blocks(
    conn: AsyncConnection[Any],
    blocks: Sequence[tuple[int, str | None]],
    keys: Sequence[tuple[int, Sequence[str]]] | None = None,
) -> None:
    """Rewrite block keys, and all matching keys when given (after a change to the blocking rules)."""
    async with conn.cursor() as cur:
        await cur.executemany(
            "UPDATE claims SET block = %s WHERE id = %s AND block IS DISTINCT FROM %s",
            [(block, claim_id, block) for claim_id, block in blocks],
        )
    if keys is not None:
        await conn.execute("DELETE FROM claim_keys")
        await write_keys(conn, keys)


async def matches_of(conn: AsyncConnection[Any], claim_id: int) -> list[MatchRow]:
    async with conn.cursor(row_factory=class_row(MatchRow)) as cur:
        await cur.execute(
            """
            SELECT %(id)s::bigint AS claim_id,
                   CASE WHEN m.claim_a = %(id)s THEN m.claim_b ELSE m.claim_a END AS other_id,
                   m.label, m.linked, m.score, m.components, m.reason
            FROM matches m
            WHERE m.claim_a = %(id)s OR m.claim_b = %(id)s
            ORDER BY m.linked DESC, m.score DESC
            """,
            {"id": claim_id},
        )
        return await cur.fetchall()


async def all_matches(conn: AsyncConnection[Any]) -> list[MatchRow]:
    """Every stored match, as (claim_a, claim_b) = (claim_id, other_id), in id order (the evaluation
    reads a whole corpus back this way)."""
    async with conn.cursor(row_factory=class_row(MatchRow)) as cur:
        await cur.execute(
            """
            SELECT m.claim_a AS claim_id, m.claim_b AS other_id, m.label, m.linked, m.score, m.components, m.reason
            FROM matches m ORDER BY m.id
            """
        )
        return await cur.fetchall()


_CONFLICT_SELECT: LiteralString = """
    SELECT k.id, k.status, k.severity, k.reason, k.kind, k.subject, k.claim_a, k.claim_b,
           k.version, k.created_at, k.updated_at
    FROM conflicts k
"""


class ConflictFilters(msgspec.Struct, frozen=True, kw_only=True):
    status: str | None = None
    kind: str | None = None
    subject: str | None = None
    source: str | None = None
    article: int | None = None
    min_severity: float | None = None


def conflict_where(f: ConflictFilters, params: dict[str, Any]) -> list[LiteralString]:
    """The WHERE clauses of these filters over `conflicts k` (their values go into `params`); the
    caller adds its own keyset condition, so the review page's ordering shares them too."""
    where: list[LiteralString] = []
    if f.status is not None:
        where.append("k.status = %(status)s")
        params["status"] = f.status
    if f.kind is not None:
        where.append("k.kind = %(kind)s")
        params["kind"] = f.kind
    if f.subject is not None:
        where.append("lower(k.subject) = lower(%(subject)s)")
        params["subject"] = f.subject
    if f.source is not None:
        where.append(
            "EXISTS (SELECT 1 FROM claims c JOIN sources s ON s.id = c.source_id"
            " WHERE c.id IN (k.claim_a, k.claim_b) AND lower(s.name) = lower(%(source)s))"
        )
        params["source"] = f.source
    if f.article is not None:
        # The article's few claims, then their conflicts through the claim_a / claim_b indexes
        # (an EXISTS per conflict row scanned every conflict for a rare article); LATERAL keeps
        # the planner on those indexes even while the conflicts table is small.
        where.append(
            "k.id IN (SELECT x.id FROM claims c CROSS JOIN LATERAL ("
            " SELECT k2.id FROM conflicts k2 WHERE k2.claim_a = c.id"
            " UNION ALL SELECT k2.id FROM conflicts k2 WHERE k2.claim_b = c.id) AS x"
            " WHERE c.article_id = %(article)s)"
        )
        params["article"] = f.article
    if f.min_severity is not None:
        where.append("k.severity >= %(min_severity)s")
        params["min_severity"] = f.min_severity
    return where


async def list_conflicts(
    conn: AsyncConnection[Any], f: ConflictFilters, *, limit: int = 50, cursor: str | None = None
) -> Page[ConflictRow]:
    params: dict[str, Any] = {"after": decode_cursor(cursor), "limit": limit + 1}
    where = ["k.id > %(after)s", *conflict_where(f, params)]
    query: LiteralString = _CONFLICT_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY k.id LIMIT %(limit)s"
    async with conn.cursor(row_factory=_fast_row(ConflictRow)) as cur:
        await cur.execute(query, params)
        rows = await cur.fetchall()
    return _page(rows, limit, lambda r: r.id)


# Each conflict with both its claims, in one statement: per conflict row, index lookups of each
# claim (with its source and article) instead of a second query for the page's claims.
_CONFLICT_WITH_CLAIMS_SELECT: LiteralString = """
    SELECT k.id, k.status, k.severity, k.reason, k.kind, k.subject, k.claim_a, k.claim_b,
           k.version, k.created_at, k.updated_at,
           ca.id, ca.article_id, ca.source_id, sa.name, aa.published, ca.kind, ca.text,
           ca.start_offset, ca.end_offset, ca.sentence, ca.value, ca.low, ca.high, ca.qualifier,
           ca.unit, ca.date, ca.subject, ca.about, ca.as_of, ca.period_start, ca.period_end,
           ca.attribution, ca.context, ca.extractor_version, NULL::jsonb,
           cb.id, cb.article_id, cb.source_id, sb.name, ab.published, cb.kind, cb.text,
           cb.start_offset, cb.end_offset, cb.sentence, cb.value, cb.low, cb.high, cb.qualifier,
           cb.unit, cb.date, cb.subject, cb.about, cb.as_of, cb.period_start, cb.period_end,
           cb.attribution, cb.context, cb.extractor_version, NULL::jsonb
    FROM conflicts k
    LEFT JOIN (claims ca JOIN sources sa ON sa.id = ca.source_id JOIN articles aa ON aa.id = ca.article_id)
        ON ca.id = k.claim_a
    LEFT JOIN (claims cb JOIN sources sb ON sb.id = cb.source_id JOIN articles ab ON ab.id = cb.article_id)
        ON cb.id = k.claim_b
"""

_CONFLICT_BRIEF_COLUMNS: LiteralString = """
    SELECT k.id, k.status, k.severity, k.reason, k.kind, k.subject, k.claim_a, k.claim_b,
           k.version, k.created_at, k.updated_at,
           ca.id, ca.article_id, ca.source_id, sa.name, NULL::text, ca.kind, ca.text,
           ca.start_offset, ca.end_offset, ca.sentence, ca.value, ca.low, ca.high, ca.qualifier,
           ca.unit, ca.date, ca.subject, ca.about, ca.as_of, ca.period_start, ca.period_end,
           ca.attribution, NULL::text, ca.extractor_version, NULL::jsonb,
           cb.id, cb.article_id, cb.source_id, sb.name, NULL::text, cb.kind, cb.text,
           cb.start_offset, cb.end_offset, cb.sentence, cb.value, cb.low, cb.high, cb.qualifier,
           cb.unit, cb.date, cb.subject, cb.about, cb.as_of, cb.period_start, cb.period_end,
           cb.attribution, NULL::text, cb.extractor_version, NULL::jsonb
"""
_CONFLICT_BRIEF_FROM: LiteralString = """
    FROM conflicts k
    LEFT JOIN (claims ca JOIN sources sa ON sa.id = ca.source_id) ON ca.id = k.claim_a
    LEFT JOIN (claims cb JOIN sources sb ON sb.id = cb.source_id) ON cb.id = k.claim_b
"""
_CONFLICT_WITH_CLAIMS_SELECT_BRIEF: LiteralString = _CONFLICT_BRIEF_COLUMNS + _CONFLICT_BRIEF_FROM
# The same, by conflict id, with the conflict row's version (see `conflict_versions`) last.
_CONFLICTS_BY_IDS_BRIEF: LiteralString = (
    _CONFLICT_BRIEF_COLUMNS
    + ", k.xmin::text::bigint"
    + _CONFLICT_BRIEF_FROM
    + " WHERE k.id = ANY(%(ids)s) ORDER BY k.id"
)
CONFLICT_WIDTH = len(ConflictRow.__struct_fields__)
CLAIM_WIDTH = len(ClaimRow.__struct_fields__)


async def list_conflicts_with_claims(
    conn: AsyncConnection[Any],
    f: ConflictFilters,
    make: Callable[[Sequence[Any]], T],
    *,
    limit: int = 50,
    cursor: str | None = None,
    brief: bool = False,
) -> Page[T]:
    """`list_conflicts` with both claims of each conflict, in one query; `make` builds each item.

    `make` gets the conflict's columns (`ConflictRow` field order, `CONFLICT_WIDTH` of them), then
    claim A's and claim B's (`ClaimRow` order, `CLAIM_WIDTH` each; all None for a claim that is
    gone). The result must have an `id` (the next cursor). `brief`: the claims' `published` and
    `context` are None, as in `list_claims_as`.
    """
    params: dict[str, Any] = {"after": decode_cursor(cursor), "limit": limit + 1}
    where = ["k.id > %(after)s", *conflict_where(f, params)]
    select = _CONFLICT_WITH_CLAIMS_SELECT_BRIEF if brief else _CONFLICT_WITH_CLAIMS_SELECT
    query: LiteralString = select + " WHERE " + " AND ".join(where) + " ORDER BY k.id LIMIT %(limit)s"
    async with conn.cursor(row_factory=_maker(make), binary=True) as cur:
        await cur.execute(query, params)
        rows = await cur.fetchall()
    return _page(rows, limit, _id_of)


async def conflict_versions(
    conn: AsyncConnection[Any], f: ConflictFilters, *, limit: int = 50, cursor: str | None = None
) -> Page[tuple[int, int]]:
    """A page of `list_conflicts` as (id, row version) pairs only.

    The row version is the conflict row's `xmin`, the transaction that wrote it: every review
    writes a new one, and a conflict deleted and written again under the same id (TRUNCATE ...
    RESTART IDENTITY) gets a new one too, so an (id, version) pair names one rendering for good
    (the claims inside cannot change: migration 0011). One table, no joins: cheap to plan and run.
    """
    params: dict[str, Any] = {"after": decode_cursor(cursor), "limit": limit + 1}
    where = ["k.id > %(after)s", *conflict_where(f, params)]
    query: LiteralString = (
        "SELECT k.id, k.xmin::text::bigint FROM conflicts k WHERE "
        + " AND ".join(where)
        + " ORDER BY k.id LIMIT %(limit)s"
    )
    async with conn.cursor(binary=True) as cur:
        await cur.execute(query, params)
        rows: list[tuple[int, int]] = await cur.fetchall()  # type: ignore[assignment]
    return _page(rows, limit, _first)


def _first(row: tuple[int, int]) -> int:
    return row[0]


async def conflicts_with_claims_by_ids(
    conn: AsyncConnection[Any], ids: Sequence[int], make: Callable[[Sequence[Any]], T]
) -> list[T]:
    """The rows of `list_conflicts_with_claims(..., brief=True)` for these conflict ids, in id
    order, each with the conflict's row version (as in `conflict_versions`) as its last column."""
    async with conn.cursor(row_factory=_maker(make), binary=True) as cur:
        await cur.execute(_CONFLICTS_BY_IDS_BRIEF, {"ids": list(ids)})
        return await cur.fetchall()


async def get_conflict(conn: AsyncConnection[Any], conflict_id: int) -> ConflictRow:
    async with conn.cursor(row_factory=_fast_row(ConflictRow)) as cur:
        await cur.execute(_CONFLICT_SELECT + " WHERE k.id = %(id)s", {"id": conflict_id})
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"conflict {conflict_id} does not exist")
    return row


async def conflict_history(conn: AsyncConnection[Any], conflict_id: int) -> list[HistoryRow]:
    async with conn.cursor(row_factory=class_row(HistoryRow)) as cur:
        await cur.execute(
            "SELECT at, status, note, reviewer FROM conflict_history WHERE conflict_id = %(id)s ORDER BY id",
            {"id": conflict_id},
        )
        return await cur.fetchall()


async def review_conflict(
    conn: AsyncConnection[Any],
    conflict_id: int,
    *,
    status: str,
    note: str | None,
    reviewer: str | None,
    expected_version: int | None = None,
    account_id: int | None = None,
) -> ConflictRow:
    """Record a review: update the status and append (never rewrite) a history row.

    With `expected_version` the write only happens if nobody reviewed in between (optimistic
    concurrency); otherwise `Conflict` is raised.
    """
    async with conn.transaction():
        cur = await conn.execute(
            """
            UPDATE conflicts SET status = %(status)s, version = version + 1, updated_at = now()
            WHERE id = %(id)s AND (%(expected)s::int IS NULL OR version = %(expected)s)
            RETURNING id
            """,
            {"id": conflict_id, "status": status, "expected": expected_version},
        )
        if await cur.fetchone() is None:
            current = await get_conflict(conn, conflict_id)  # raises NotFound when it does not exist
            raise StaleWrite(
                f"conflict {conflict_id} is at version {current.version}, not {expected_version}: "
                "someone reviewed it since you read it; reload and retry"
            )
        await conn.execute(
            "INSERT INTO conflict_history (conflict_id, status, note, reviewer, account_id)"
            " VALUES (%(id)s, %(status)s, %(note)s, %(reviewer)s, %(account)s)",
            {"id": conflict_id, "status": status, "note": note, "reviewer": reviewer, "account": account_id},
        )
        await conn.execute(  # webhook outbox (claims/webhooks.py delivers it), only when someone listens
            "INSERT INTO webhook_events (event, conflict_id) SELECT 'conflict.updated', %(id)s WHERE EXISTS"
            " (SELECT 1 FROM webhooks WHERE active AND 'conflict.updated' = ANY(events))",
            {"id": conflict_id},
        )
    return await get_conflict(conn, conflict_id)


async def applied_migrations(conn: AsyncConnection[Any]) -> set[str]:
    cur = await conn.execute("SELECT version FROM schema_migrations")
    return {str(r[0]) for r in await cur.fetchall()}
