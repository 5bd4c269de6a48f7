"""Domain Structs shared by extraction, storage and matching.

These are the core's own shapes; the REST contract lives in `api/schemas.py` so a refactor here
cannot silently change what outside tools rely on.
"""

from __future__ import annotations

from typing import Literal

import msgspec

Kind = Literal["money", "count", "percent", "date", "duration", "ratio", "quantity"]
Qualifier = Literal["exact", "approx", "more_than", "less_than", "at_least", "at_most", "range"]
Label = Literal["agree", "conflict", "different_scope"]
Status = Literal["open", "confirmed", "dismissed", "resolved"]

KINDS: tuple[str, ...] = ("money", "count", "percent", "date", "duration", "ratio", "quantity")
QUALIFIERS: tuple[str, ...] = ("exact", "approx", "more_than", "less_than", "at_least", "at_most", "range")
STATUSES: tuple[str, ...] = ("open", "confirmed", "dismissed", "resolved")


class Period(msgspec.Struct, frozen=True, kw_only=True):
    """A stated time span; ends are partial ISO dates (`2022-02`), `None` when open."""

    start: str | None = None
    end: str | None = None


class Frame(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What a claim is about, as matching reads it (DESIGN: "What a claim is about: its frame").

    Entity keys are normalised names (`derna`, `katrina`, `united states`): `entities` are named in
    the figure's sentence, `topic` is the article's (title, lead, most mentioned), the same for every
    claim of the article. `measure` is the class of what is measured (`claims/data/measures.json`)
    or, for a date, of its event; `words` the content lemmas around the figure; `base` what a share
    is a share of; `change` marks a difference or change ("rose by 5%", "$10bn more"), never a
    level; `earlier` a figure the text gives as superseded ("initial estimates", "up from"); `part` a
    share of a figure beside it ("another 2,000", "of which"); `rate` the period of a figure per
    period ("a year"); `editions` years naming which edition of a thing it is ("the 2018 plan").
    """

    dimension: str = ""
    measure: str | None = None
    words: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    base: str | None = None
    change: bool = False
    earlier: bool = False
    part: bool = False
    rate: str | None = None
    editions: tuple[str, ...] = ()


class Claim(msgspec.Struct, frozen=True, kw_only=True, cache_hash=True):
    """One quantitative or dated claim, with offsets into the cleaned article text.

    `low`/`high` are the interval the text supports (precision and qualifier included);
    `None` means unbounded on that side. `context` is the lowercased lemma string of the clause
    around the figure, numbers removed: matching compares it with rapidfuzz and never re-parses.
    The hash is kept once computed (`cache_hash`): the matcher's per-claim cache is keyed by the
    whole claim, looked up for every candidate of every article in a bulk ingest.
    """

    kind: Kind
    text: str
    start: int
    end: int
    sentence: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    qualifier: Qualifier = "exact"
    unit: str | None = None
    date: str | None = None
    subject: str | None = None
    about: str | None = None
    as_of: str | None = None
    period: Period | None = None
    attribution: str | None = None
    context: str = ""
    frame: Frame | None = None


class Extraction(msgspec.Struct, frozen=True, kw_only=True):
    """What `claims.extract` returns: the cleaned text and the claims found in it."""

    text: str
    claims: list[Claim]
    extractor_version: str
    topic: list[str] = []


class ArticleIn(msgspec.Struct, frozen=True, kw_only=True):
    """An article to ingest, already validated: exactly one of `text`/`html` is set."""

    source: str
    text: str | None = None
    html: str | None = None
    title: str | None = None
    url: str | None = None
    author: str | None = None
    published: str | None = None


class IngestResult(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    source_id: int
    claims: int
    duplicate: bool
    conflicts: int = 0
    near_duplicate_of: int | None = None  # the article this one copies (claims stored, not matched)


class ClaimRef(msgspec.Struct, frozen=True, kw_only=True):
    """A stored claim as matching sees it: the claim plus where it lives."""

    id: int
    article_id: int
    source: str
    published: str | None
    claim: Claim


class MatchResult(msgspec.Struct, frozen=True, kw_only=True):
    """The verdict on one pair of claims judged to be about the same measured thing.

    `linked` is False for a suggestion (score between the two thresholds) that a person should
    confirm; suggestions never become conflicts on their own.
    """

    a: int
    b: int
    label: Label
    score: float
    components: dict[str, float]
    reason: str
    linked: bool = True
    severity: float | None = None
