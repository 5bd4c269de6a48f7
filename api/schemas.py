"""The REST contract (shared/API.md) as msgspec Structs.

Kept apart from the core's Structs so that a refactor in `claims/` cannot silently change the
shapes outside tools rely on. Request Structs forbid unknown fields: a typo is an error, not a
silently dropped value.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from operator import itemgetter
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from claims.models import Kind, Label, Period, Qualifier, Status
from claims.store import CLAIM_WIDTH, CONFLICT_WIDTH, ClaimRow, ConflictRow, HistoryRow, pair_of

Limit = Annotated[int, Meta(ge=1, le=500, description="Page size (default 50, at most 500).")]
NonEmpty = Annotated[str, Meta(min_length=1, max_length=500)]
OptionalText = Annotated[str, Meta(max_length=2000)] | None
NoNul = Meta(pattern="^[^\\x00]*$", description="Any text without NUL characters (PostgreSQL cannot store them)")
Body = Annotated[str, Meta(max_length=5_000_000)] | None


class ArticleCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    source: NonEmpty
    text: Body = None
    html: Body = None
    title: OptionalText = None
    url: OptionalText = None
    author: OptionalText = None
    published: Annotated[str, Meta(max_length=40, description="YYYY, YYYY-MM, YYYY-MM-DD or timestamp")] | None = None


class ArticleCreated(msgspec.Struct, kw_only=True, omit_defaults=True):
    id: int
    source_id: int
    claims: int
    duplicate: bool
    conflicts: int = 0
    near_duplicate_of: Annotated[
        int | None,
        Meta(description="The stored article this one nearly copies (wire copy): its claims are kept, not matched"),
    ] = None


class BatchCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    articles: Annotated[list[msgspec.Raw], Meta(min_length=1, max_length=500)]


class ProblemItem(msgspec.Struct, kw_only=True):
    status: int
    title: str
    detail: str


class BatchItem(msgspec.Struct, kw_only=True, omit_defaults=True):
    index: int
    status: int
    id: int | None = None
    source_id: int | None = None
    claims: int | None = None
    duplicate: bool | None = None
    conflicts: int | None = None
    error: ProblemItem | None = None


class BatchResult(msgspec.Struct, kw_only=True):
    items: list[BatchItem]
    created: int
    duplicates: int
    failed: int


class Article(msgspec.Struct, kw_only=True):
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
    created_at: datetime


class ArticleDetail(Article, kw_only=True):
    text: str


class Source(msgspec.Struct, kw_only=True):
    id: int
    name: str
    articles: int
    claims: int


class Claim(msgspec.Struct):  # positional too: see claim_from_values
    id: int
    article_id: int
    source_id: int
    source: str
    kind: Kind
    text: str
    start: int
    end: int
    sentence: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: Qualifier
    unit: str | None
    date: str | None
    subject: str | None
    about: str | None
    as_of: str | None
    period: Period | None
    attribution: str | None
    extractor_version: str


class Match(msgspec.Struct, kw_only=True):
    claim: Claim
    label: Label
    linked: bool
    kind: Literal["match", "suggestion"]
    score: float
    components: dict[str, float]
    reason: str


class ClaimFrame(msgspec.Struct, kw_only=True, omit_defaults=True):
    """What the claim is about, as matching reads it (DESIGN.md: "What a claim is about: its frame").

    The contract's own copy of the core's `Frame`, so a change there cannot change this shape;
    fields the core adds later are left out until they are added here."""

    dimension: Annotated[str, Meta(description="What kind of quantity: money, count, percent, area, ...")] = ""
    measure: Annotated[
        str | None, Meta(description="The class of what is measured (deaths, displaced, aid, damage, ...)")
    ] = None
    words: Annotated[list[str], Meta(description="Content lemmas around the figure")] = []
    entities: Annotated[list[str], Meta(description="Entities named in the figure's sentence (keys)")] = []
    places: Annotated[list[str], Meta(description="Places the figure is about")] = []
    topic: Annotated[list[str], Meta(description="The article's topic entities (title, lead, most mentioned)")] = []
    base: Annotated[str | None, Meta(description="What a share is a share of")] = None
    change: Annotated[bool, Meta(description="A change or difference, never compared with a level")] = False
    earlier: Annotated[bool, Meta(description="A figure the text gives as superseded (up from, initially)")] = False
    part: Annotated[bool, Meta(description="A part of a figure beside it (another, of which)")] = False
    rate: Annotated[str | None, Meta(description="The period of a figure per period (a year)")] = None
    editions: Annotated[list[str], Meta(description="Years naming which edition of a thing it is")] = []


class ClaimDetail(Claim, kw_only=True):
    matches: list[Match]
    frame: Annotated[
        ClaimFrame | None, Meta(description="What the claim is about; null for claims stored before rules-4")
    ] = None


class HistoryEntry(msgspec.Struct, kw_only=True):
    at: datetime
    status: Status
    note: str | None
    reviewer: str | None


class Conflict(msgspec.Struct):  # positional too: see conflict_from_values
    id: int
    status: Status
    severity: float
    reason: str
    kind: Kind
    subject: str | None
    claims: list[Claim]
    created_at: datetime
    updated_at: datetime
    version: int


class ConflictDetail(Conflict, kw_only=True):
    history: list[HistoryEntry]


class ConflictReview(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    status: Status
    note: Annotated[str, Meta(max_length=2000), NoNul] | None = None
    reviewer: Annotated[str, Meta(max_length=200), NoNul] | None = None


class Page(msgspec.Struct, kw_only=True, omit_defaults=True):
    next_cursor: Annotated[
        str | None,
        Meta(description="Opaque cursor of the next page (pass it as `cursor`); null on the last page."),
    ]
    updated_until: Annotated[
        datetime | None,
        Meta(
            description="Feeds only (with `updated_since`): every change before this instant that matches "
            "has been listed once the last page is read; poll next with `updated_since` set to it."
        ),
    ] = None


class ArticlePage(Page, kw_only=True):
    items: list[Article]


class SourcePage(Page, kw_only=True):
    items: list[Source]


class ClaimPage(Page, kw_only=True):
    items: list[Claim]


class ConflictPage(Page, kw_only=True):
    items: list[Conflict]


class Health(msgspec.Struct, kw_only=True):
    status: str
    detail: dict[str, Any] = {}


class Problem(msgspec.Struct, kw_only=True, omit_defaults=True):
    """An RFC 9457 problem detail: every error answer has this shape."""

    type: str = "about:blank"
    status: int
    title: str
    detail: str
    errors: list[dict[str, Any]] | dict[str, Any] | None = None
    """Which fields or parameters failed validation (400 only)."""


# --------------------------------------------------------------------------- conversions


def claim_out(row: ClaimRow) -> Claim:
    return Claim(
        id=row.id,
        article_id=row.article_id,
        source_id=row.source_id,
        source=row.source,
        kind=row.kind,  # type: ignore[arg-type]
        text=row.text,
        start=row.start,
        end=row.end,
        sentence=row.sentence,
        value=row.value,
        low=row.low,
        high=row.high,
        qualifier=row.qualifier,  # type: ignore[arg-type]
        unit=row.unit,
        date=row.date,
        subject=row.subject,
        about=row.about,
        as_of=row.as_of,
        period=row.period,
        attribution=row.attribution,
        extractor_version=row.extractor_version,
    )


# Straight from row values to the contract Structs, positionally: for a page of 50 claims the
# ClaimRow -> claim_out copy cost more CPU than the query's own client-side work. The positions are
# found by field name, once: `ClaimRow`/`ConflictRow` (the store's one definition of the columns)
# on one side, the contract Structs on the other (tests/test_schemas_columns.py proves the paths agree).

_ROW = {name: i for i, name in enumerate(ClaimRow.__struct_fields__)}
_CLAIM_FIELDS = Claim.__struct_fields__
_PERIOD = _CLAIM_FIELDS.index("period")
_CLAIM_HEAD = itemgetter(*(_ROW[n] for n in _CLAIM_FIELDS[:_PERIOD]))
_CLAIM_TAIL = itemgetter(*(_ROW[n] for n in _CLAIM_FIELDS[_PERIOD + 1 :]))
_START, _END_ = _ROW["period_start"], _ROW["period_end"]


def claim_from_values(v: Sequence[Any]) -> Claim:
    """`claim_out` of the `ClaimRow` these values (in its field order) would make, without making it."""
    start, end = v[_START], v[_END_]
    period = Period(start=start, end=end) if (start or end) else None
    return Claim(*_CLAIM_HEAD(v), period, *_CLAIM_TAIL(v))  # type: ignore[call-arg]  # itemgetter arity


_KROW = {name: i for i, name in enumerate(ConflictRow.__struct_fields__)}
_CONFLICT_FIELDS = Conflict.__struct_fields__
_CLAIMS = _CONFLICT_FIELDS.index("claims")
_CONFLICT_HEAD = itemgetter(*(_KROW[n] for n in _CONFLICT_FIELDS[:_CLAIMS]))
_CONFLICT_TAIL = itemgetter(*(_KROW[n] for n in _CONFLICT_FIELDS[_CLAIMS + 1 :]))
_A, _B, _END = CONFLICT_WIDTH, CONFLICT_WIDTH + CLAIM_WIDTH, CONFLICT_WIDTH + 2 * CLAIM_WIDTH


def conflict_from_values(v: Sequence[Any]) -> Conflict:
    """`conflict_out` of a row of `store.list_conflicts_with_claims` (the conflict, then both claims)."""
    claims = [claim_from_values(v[i:j]) for i, j in ((_A, _B), (_B, _END)) if v[i] is not None]
    return Conflict(*_CONFLICT_HEAD(v), claims, *_CONFLICT_TAIL(v))  # type: ignore[call-arg]  # itemgetter arity


def conflict_out(row: ConflictRow, claims: dict[int, ClaimRow]) -> Conflict:
    return Conflict(
        id=row.id,
        status=row.status,  # type: ignore[arg-type]
        severity=row.severity,
        reason=row.reason,
        kind=row.kind,  # type: ignore[arg-type]
        subject=row.subject,
        claims=[claim_out(c) for c in pair_of(row, claims)],
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


def frame_out(row: ClaimRow) -> ClaimFrame | None:
    """The stored frame (jsonb) as the contract shows it."""
    return msgspec.convert(row.frame, ClaimFrame) if row.frame else None


def history_out(rows: list[HistoryRow]) -> list[HistoryEntry]:
    return [HistoryEntry(at=h.at, status=h.status, note=h.note, reviewer=h.reviewer) for h in rows]  # type: ignore[arg-type]
