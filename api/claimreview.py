"""schema.org ClaimReview JSON-LD for a conflict, the shape fact-checkers already publish."""

from __future__ import annotations

from datetime import datetime

import msgspec

from claims.store import ArticleRow, ClaimRow, ConflictRow

# What each editorial status means to a reader of the published review.
VERDICTS: dict[str, tuple[int, str]] = {
    "open": (3, "Unreviewed: sources give conflicting figures"),
    "confirmed": (1, "Conflicting: sources contradict each other"),
    "dismissed": (5, "Not a conflict: the figures are compatible"),
    "resolved": (4, "Resolved: the conflict was settled"),
}


class Organization(msgspec.Struct, kw_only=True, omit_defaults=True, tag_field="@type", tag="Organization"):
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


class Rating(msgspec.Struct, kw_only=True, tag_field="@type", tag="Rating"):
    ratingValue: int
    bestRating: int = 5
    worstRating: int = 1
    alternateName: str
    ratingExplanation: str


class ClaimReview(msgspec.Struct, kw_only=True, tag_field="@type", tag="ClaimReview"):
    context: str = msgspec.field(default="https://schema.org", name="@context")
    url: str
    claimReviewed: str
    itemReviewed: ClaimItem
    author: Organization
    datePublished: str
    reviewRating: Rating


def claim_review(
    conflict: ConflictRow,
    claims: list[ClaimRow],
    articles: dict[int, ArticleRow],
    *,
    url: str,
    reviewer: str | None,
    organisation: str,
) -> ClaimReview:
    """Review the first-published claim of the pair; both articles are listed as appearances."""
    ordered = sorted(claims, key=lambda c: (c.published or "9999", c.id))
    appearances = [_appearance(c, articles.get(c.article_id)) for c in ordered]
    value, name = VERDICTS[conflict.status]
    updated: datetime = conflict.updated_at
    return ClaimReview(
        url=url,
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
        url=article.url if article else None,
        datePublished=claim.published,
        publisher=Organization(name=claim.source),
        text=claim.sentence,
    )
