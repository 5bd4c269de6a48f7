"""schema.org ClaimReview JSON-LD for a conflict, the shape fact-checkers already publish."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import msgspec
from litestar import Response
from litestar.serialization import default_serializer
from litestar.types import Serializer

from claims.fetch import web_url
from claims.store import ArticleRow, ClaimRow, ConflictRow
from claims.store.corrections import ReviewFacts

JSONLD = "application/ld+json"

_SCRIPT_UNSAFE = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"))
_LINE_SEPARATORS = (("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029"))


def script_safe(encoded: bytes) -> bytes:
    """JSON that can be pasted inside `<script type="application/ld+json">` as it is: `<`, `>`, `&`
    and U+2028/U+2029 as \\u escapes, so article text holding `</script>` or `<!--` cannot end
    the script element. The same JSON value: these characters only ever occur inside strings."""
    for raw, escaped in _SCRIPT_UNSAFE:
        encoded = encoded.replace(raw, escaped)
    if b"\xe2\x80" in encoded:
        for raw, escaped in _LINE_SEPARATORS:
            encoded = encoded.replace(raw, escaped)
    return encoded


def encode(review: ClaimReview) -> bytes:
    return script_safe(msgspec.json.encode(review))


class ScriptSafeResponse(Response[Any]):
    """The app's response class: JSON-LD bodies are rendered `script_safe`, whatever the route."""

    def render(self, content: Any, media_type: str, enc_hook: Serializer = default_serializer) -> bytes:
        body = super().render(content, media_type, enc_hook)
        return script_safe(body) if media_type.startswith(JSONLD) and not isinstance(content, bytes) else body


# What each editorial status means to a reader of the published review.
VERDICTS: dict[str, tuple[int, str]] = {
    "open": (3, "Unreviewed: sources give conflicting figures"),
    "confirmed": (1, "Conflicting: sources contradict each other"),
    "dismissed": (5, "Not a conflict: the figures are compatible"),
    "resolved": (4, "Resolved: the conflict was settled"),
}


class Organization(msgspec.Struct, kw_only=True, omit_defaults=True, tag_field="@type", tag="Organization"):
    name: str
    url: str | msgspec.UnsetType = msgspec.UNSET


class Person(msgspec.Struct, kw_only=True, omit_defaults=True, tag_field="@type", tag="Person"):
    name: str


class Appearance(msgspec.Struct, kw_only=True, omit_defaults=True, tag_field="@type", tag="NewsArticle"):
    headline: str | None = None
    url: str | None = None
    datePublished: str | None = None
    publisher: Organization
    text: str


class ClaimItem(msgspec.Struct, kw_only=True, omit_defaults=True, tag_field="@type", tag="Claim"):
    appearance: list[Appearance]
    firstAppearance: Appearance | None = None
    datePublished: str | None = None
    author: Organization | msgspec.UnsetType = msgspec.UNSET
    """Who made the claim: the source that published it."""


class Rating(msgspec.Struct, kw_only=True, tag_field="@type", tag="Rating"):
    ratingValue: int
    bestRating: int = 5
    worstRating: int = 1
    alternateName: str
    ratingExplanation: str


class ClaimReview(msgspec.Struct, kw_only=True, tag_field="@type", tag="ClaimReview"):
    context: str = msgspec.field(default="https://schema.org", name="@context")
    url: str | msgspec.UnsetType = msgspec.UNSET
    """Where the review is published: CLAIMS_PUBLIC_BASE_URL plus the review's path; omitted when
    no public base URL is configured (never built from the request's Host header)."""
    claimReviewed: str
    itemReviewed: ClaimItem
    author: Organization
    datePublished: str
    reviewRating: Rating
    editor: Person | msgspec.UnsetType = msgspec.UNSET
    """The person whose account recorded the verdict (a published review only)."""


def claim_review(
    conflict: ConflictRow,
    claims: list[ClaimRow],
    articles: dict[int, ArticleRow],
    *,
    url: str,
    reviewer: str | None,
    organisation: str,
    public_base_url: str | None = None,
) -> ClaimReview:
    """Review the first-published claim of the pair; both articles are listed as appearances.

    Only the path of `url` is used, joined to `public_base_url`; without one the review has no url.
    """
    ordered = sorted(claims, key=lambda c: (c.published or "9999", c.id))
    appearances = [_appearance(c, articles.get(c.article_id)) for c in ordered]
    value, name = VERDICTS[conflict.status]
    updated: datetime = conflict.updated_at
    path = urlsplit(url).path
    return ClaimReview(
        url=public_base_url.rstrip("/") + path if public_base_url and path.startswith("/") else msgspec.UNSET,
        claimReviewed=ordered[0].sentence if ordered else conflict.reason,
        itemReviewed=ClaimItem(
            appearance=appearances,
            firstAppearance=appearances[0] if appearances else None,
            datePublished=ordered[0].published if ordered else None,
        ),
        author=Organization(name=reviewer or organisation),
        datePublished=updated.date().isoformat(),
        reviewRating=Rating(ratingValue=value, alternateName=name, ratingExplanation=conflict.reason),
    )


def _appearance(claim: ClaimRow, article: ArticleRow | None) -> Appearance:
    return Appearance(
        headline=article.title if article else None,
        url=web_url(article.url) if article else None,
        datePublished=claim.published,
        publisher=Organization(name=claim.source),
        text=claim.sentence,
    )


# --------------------------------------------------------------------------- publishing

PUBLISHABLE = ("confirmed", "resolved")
"""Only a conflict with a verdict is published: open ones are unreviewed, dismissed ones not conflicts."""


def reviewed_claim(claims: list[ClaimRow], facts: ReviewFacts) -> ClaimRow:
    """The claim the review rates: the one an editor marked wrong; else the one contradicted by more
    sources; else the earlier one (of a correction, the figure that was corrected)."""
    ordered = sorted(claims, key=lambda c: (c.published or "9999", c.id))
    marked = [c for c in ordered if facts.wrong.get(c.id)]
    if marked:
        return marked[0]
    most = max(facts.contradicted_by.get(c.id, 0) for c in ordered)
    return next(c for c in ordered if facts.contradicted_by.get(c.id, 0) == most)


def _rating(conflict: ConflictRow, claim: ClaimRow, other: ClaimRow | None, facts: ReviewFacts) -> Rating:
    against = f"{other.source} reports {other.text}" if other is not None else "other sources disagree"
    if facts.wrong.get(claim.id):
        return Rating(ratingValue=1, alternateName="False", ratingExplanation=f"{conflict.reason}; {against}")
    sources = facts.contradicted_by.get(claim.id, 0)
    if conflict.status == "resolved":
        explanation = f"{conflict.reason}; the conflict was settled ({against})"
        return Rating(ratingValue=2, alternateName="Corrected or settled", ratingExplanation=explanation)
    plural = "source" if sources == 1 else "sources"
    explanation = f"{conflict.reason}; contradicted by {sources} {plural} ({against})"
    return Rating(ratingValue=2, alternateName="Contradicted by other sources", ratingExplanation=explanation)


def published_review(
    conflict: ConflictRow,
    claims: list[ClaimRow],
    articles: dict[int, ArticleRow],
    facts: ReviewFacts,
    *,
    path: str,
    organisation: str,
    organisation_url: str | None = None,
    factcheck_url: str | None = None,
    public_base_url: str | None = None,
) -> ClaimReview:
    """The ClaimReview an editorial tool publishes for a conflict with a verdict (`PUBLISHABLE`).

    `url`: CLAIMS_FACTCHECK_URL with the conflict id, else CLAIMS_PUBLIC_BASE_URL plus `path`.
    `author`: the organisation (CLAIMS_ORGANISATION, CLAIMS_ORGANISATION_URL); `editor`: whoever
    recorded the verdict. `itemReviewed` is the rated claim (`reviewed_claim`), by its source, with
    every article stating it (its own and those agreeing with it) as an `appearance`.
    """
    claim = reviewed_claim(claims, facts)
    other = next((c for c in claims if c.id != claim.id), None)
    arts = sorted(
        (articles[i] for i in facts.appearances.get(claim.id, [claim.article_id]) if i in articles),
        key=lambda a: (a.published or "9999", a.id),
    )
    appearances = [_article_appearance(a, claim) for a in arts] or [_appearance(claim, articles.get(claim.article_id))]
    if factcheck_url:
        url: str | msgspec.UnsetType = factcheck_url.replace("{id}", str(conflict.id))
    elif public_base_url and path.startswith("/"):
        url = public_base_url.rstrip("/") + path
    else:
        url = msgspec.UNSET
    when: datetime = facts.verdict_at or conflict.updated_at
    return ClaimReview(
        url=url,
        claimReviewed=claim.sentence,
        itemReviewed=ClaimItem(
            appearance=appearances,
            firstAppearance=appearances[0],
            datePublished=claim.published,
            author=Organization(name=claim.source),
        ),
        author=Organization(name=organisation, url=organisation_url or public_base_url or msgspec.UNSET),
        datePublished=when.date().isoformat(),
        reviewRating=_rating(conflict, claim, other, facts),
        editor=Person(name=facts.verdict_reviewer) if facts.verdict_reviewer else msgspec.UNSET,
    )


def _article_appearance(article: ArticleRow, claim: ClaimRow) -> Appearance:
    return Appearance(
        headline=article.title,
        url=web_url(article.url),
        datePublished=article.published,
        publisher=Organization(name=article.source),
        text=claim.sentence if article.id == claim.article_id else (article.title or claim.sentence),
    )
