"""The row shapes the store returns, and the row factories that build them."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import msgspec
from psycopg.rows import class_row

from claims.models import Claim, ClaimRef, Frame, Period

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


class ClaimRow(msgspec.Struct, frozen=True):  # positional too: see fast_row
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


_COLUMN_SQL = {"source": "{s}.name", "published": "{a}.published", "start": "{c}.start_offset", "end": "{c}.end_offset"}
_BRIEF_NULLS = {"published": "NULL::text", "context": "NULL::text", "frame": "NULL::jsonb"}


def claim_columns(c: str = "c", s: str = "s", a: str = "a", *, brief: bool = False, frame: bool = True) -> str:
    """The select list of a `ClaimRow`, in its field order and named as its fields.

    The one definition of a claim's columns in SQL: `c` is the claims alias, `s` its source's, `a`
    its article's. `brief` leaves out what needs the articles join or is long (`published`,
    `context`, `frame`: NULL in their places); `frame=False` leaves out only the frame.
    """
    out = []
    for name in ClaimRow.__struct_fields__:
        expr = _COLUMN_SQL.get(name, "{c}." + name).format(c=c, s=s, a=a)
        if (brief and name in _BRIEF_NULLS) or (name == "frame" and not frame):
            expr = _BRIEF_NULLS[name]
        out.append(f'{expr} AS "{name}"')
    return ", ".join(out)


class MatchRow(msgspec.Struct, frozen=True, kw_only=True):
    claim_id: int
    other_id: int
    label: str
    linked: bool
    score: float
    components: dict[str, float]
    reason: str


class ConflictRow(msgspec.Struct, frozen=True):  # positional too: see fast_row
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


def fast_row(cls: type[T]) -> Any:
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
