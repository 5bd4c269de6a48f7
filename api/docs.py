"""The OpenAPI document as an integrator reads it: tags, a summary and a description per
operation, a description per parameter, and examples of each request body and success response.

Kept in one table keyed by operationId rather than spread over the handlers: the route modules
stay about behaviour, and `tests/test_integrators.py` fails when an operation is added without
its documentation here. The examples are built from the contract Structs themselves
(`api/schemas.py`), so an example cannot drift from the shape it documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import msgspec
from litestar.openapi.spec import Example, OpenAPIResponse, Parameter, RequestBody, Tag

from api import schemas
from claims.models import Period

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.openapi.spec import OpenAPI, Operation


@dataclass
class JSONExample(Example):
    """An Example whose value keeps its nulls: Litestar's spec objects drop every None from the
    dicts they serialise, which turned `"date": null` in a claim example into a missing key (and
    the example then contradicted its schema, where `date` is required)."""

    def to_schema(self) -> dict[str, Any]:
        out = super().to_schema()
        if self.value is not None:
            out["value"] = msgspec.to_builtins(self.value)
        return out


TAGS = [
    Tag(name="Articles", description="Feed articles in (text, HTML or a URL) and read them back with their claims."),
    Tag(name="Claims", description="Every figure and date found in the articles, normalised, with its sentence."),
    Tag(name="Conflicts", description="Claim pairs that disagree, and the editorial review of each."),
    Tag(name="Sources", description="Outlets and what each one claimed."),
    Tag(name="Exports", description="Whole lists as CSV, NDJSON or ClaimReview JSON-LD, streamed."),
    Tag(name="Webhooks", description="Receivers told when a conflict opens or changes (API key needed)."),
    Tag(name="Operations", description="Liveness and readiness for orchestrators and load balancers."),
]

_TAG_OF = {t.name.lower(): t.name for t in TAGS}

# --------------------------------------------------------------------------- examples

_AT = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
_CLAIM_A = schemas.Claim(
    17, 3, 2, "Japan Forward", "money", "11 billion euros", 2911, 2927,
    "According to the Kiel Institute, Japan has pledged 11 billion euros to Ukraine since February 2022.",
    11e9, 10.5e9, 11.5e9, "exact", "EUR", None, "Japan", "aid to Ukraine", "2024-12",
    Period(start="2022-02", end="2024-12"), "Kiel Institute for the World Economy", "rules-3",
)  # fmt: skip
_CLAIM_B = msgspec.structs.replace(
    _CLAIM_A,
    id=42,
    article_id=5,
    source_id=4,
    source="The Diplomat",
    text="8 billion euros",
    start=120,
    end=135,
    sentence="Japan's aid to Ukraine reached 8 billion euros by December 2024.",
    value=8e9,
    low=7.5e9,
    high=8.5e9,
    period=None,
    attribution=None,
)
_CONFLICT = schemas.Conflict(
    5, "open", 0.27, "aid to Ukraine: 11 billion EUR vs 8 billion EUR (as of 2024-12)", "money", "Japan",
    [_CLAIM_A, _CLAIM_B], _AT, _AT, 1,
)  # fmt: skip
_HISTORY = [schemas.HistoryEntry(at=_AT, status="open", note="detected", reviewer=None)]
_DETAIL = schemas.ConflictDetail(**msgspec.structs.asdict(_CONFLICT), history=_HISTORY)
_REVIEWED = msgspec.structs.replace(
    _DETAIL,
    status="confirmed",
    version=2,
    history=[*_HISTORY, schemas.HistoryEntry(at=_AT, status="confirmed", note="Kiel figure is newer", reviewer="ana")],
)
_ARTICLE = schemas.Article(
    id=3, source_id=2, source="Japan Forward", title="Japan's aid to Ukraine", url="https://example.org/aid",
    author="K. Sato", published="2025-03", content_hash="9f2c4e0b7d1a", extractor_version="rules-3", claims=12,
    created_at=_AT,
)  # fmt: skip
_CURSOR = "gqJpZM0BLA"


def _json(value: Any) -> Any:
    return msgspec.to_builtins(value)


_PAGE_CLAIMS = {"items": _json([_CLAIM_A]), "next_cursor": _CURSOR}
_MATCH = schemas.Match(
    claim=_CLAIM_B,
    label="conflict",
    linked=True,
    kind="match",
    score=0.87,
    components={"attribute": 0.92, "subject": 1.0, "context": 0.71},
    reason="same donor and measure, overlapping time scope, disjoint values",
)
_WEBHOOK = {
    "id": 1,
    "url": "https://desk.example.org/hooks/claims",
    "events": ["conflict.created", "conflict.updated"],
    "description": "verification desk",
    "active": True,
    "created_at": _AT.isoformat().replace("+00:00", "Z"),
}
_CLAIM_REVIEW = {
    "@type": "ClaimReview",
    "@context": "https://schema.org",
    "url": "https://claims.example.org/v1/conflicts/5/claimreview",
    "claimReviewed": _CLAIM_A.sentence,
    "itemReviewed": {
        "@type": "Claim",
        "appearance": [
            {
                "@type": "NewsArticle",
                "headline": "Japan's aid to Ukraine",
                "url": "https://example.org/aid",
                "datePublished": "2025-03",
                "publisher": {"@type": "Organization", "name": "Japan Forward"},
                "text": _CLAIM_A.sentence,
            }
        ],
        "datePublished": "2025-03",
    },
    "author": {"@type": "Organization", "name": "claims"},
    "datePublished": "2025-03-04",
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Conflicting: sources contradict each other",
        "ratingExplanation": "aid to Ukraine: 11 billion EUR vs 8 billion EUR (as of 2024-12)",
    },
}
_CSV_CLAIMS = (
    "id,article_id,source,published,kind,text,...\r\n17,3,Japan Forward,2025-03,money,11 billion euros,...\r\n"
)
_CSV_CONFLICTS = "id,status,severity,reason,...\r\n5,open,0.27,aid to Ukraine: 11 billion EUR vs 8 billion EUR,...\r\n"

# --------------------------------------------------------------------------- the table

Doc = dict[str, Any]
"""summary, description, response (the success example), request (a body example, optional)."""

OPERATIONS: dict[str, Doc] = {
    "CreateArticle": {
        "summary": "Ingest one article",
        "description": (
            "Cleans the text (or HTML), extracts its claims, matches them against the archive and opens "
            "conflicts, all in one transaction, and answers once they are stored. The same content again "
            "answers 200 with `duplicate: true` and the first article's id. With `url` and neither `text` nor "
            "`html`, the page is fetched and its main text extracted (public addresses only unless "
            "CLAIMS_ALLOW_PRIVATE_URLS is set)."
        ),
        "request": {
            "source": "The Diplomat",
            "title": "Japan's aid to Ukraine",
            "url": "https://example.org/aid",
            "published": "2025-03",
            "text": "Japan's aid to Ukraine reached 8 billion euros by December 2024.",
        },
        "response": {"id": 5, "source_id": 4, "claims": 2, "duplicate": False, "conflicts": 1},
    },
    "CreateArticles": {
        "summary": "Ingest many articles",
        "request": {"articles": [{"source": "Wire", "text": "12 ships sailed on 3 May 2021.", "published": "2021-05"}]},
        "response": {
            "items": [{"index": 0, "status": 201, "id": 6, "source_id": 7, "claims": 2, "duplicate": False}],
            "created": 1,
            "duplicates": 0,
            "failed": 0,
        },
    },
    "ListArticles": {
        "summary": "List articles",
        "description": (
            "Articles in the order they were stored (by id), filtered by outlet and publication date; "
            "with `updated_since`, an incremental feed of the articles stored since then."
        ),
        "response": {"items": _json([_ARTICLE]), "next_cursor": _CURSOR},
    },
    "GetArticle": {
        "summary": "Read one article",
        "description": "Its metadata and its cleaned text: the claims' `start`/`end` offsets point into `text`.",
        "response": _json(schemas.ArticleDetail(**msgspec.structs.asdict(_ARTICLE), text="... cleaned text ...")),
    },
    "ListArticleClaims": {
        "summary": "List an article's claims",
        "description": "Every claim found in the article, in the order of the text.",
        "response": _PAGE_CLAIMS,
    },
    "ListClaims": {
        "summary": "List claims",
        "description": (
            "Claims of every article, by id, narrowed by the filters (all of them must hold). With "
            "`updated_since`: the claims stored since then, in (stored time, id) order, as an incremental feed."
        ),
        "response": _PAGE_CLAIMS,
    },
    "GetClaim": {
        "summary": "Read one claim with its matches",
        "description": (
            "The claim and every claim matched to it: linked matches (agree, conflict, different_scope) first, "
            "then suggestions for a person to confirm, each with its score components and reason."
        ),
        "response": _json(schemas.ClaimDetail(**msgspec.structs.asdict(_CLAIM_A), matches=[_MATCH])),
    },
    "GetClaimTimeline": {
        "summary": "A claim's timeline",
        "description": (
            "The claim and every claim linked to it by matches (transitively, within its block), by as-of "
            "date: what a chart of this measured thing over time needs, with the match labels between them."
        ),
        "response": {
            "claim_id": 17,
            "kind": "money",
            "unit": "EUR",
            "subject": "Japan",
            "about": "aid to Ukraine",
            "points": [{"at": "2024-12", "claim": _json(_CLAIM_A)}, {"at": "2024-12", "claim": _json(_CLAIM_B)}],
            "edges": [{"claim_a": 17, "claim_b": 42, "label": "conflict", "score": 0.87, "reason": _MATCH.reason}],
        },
    },
    "ListSources": {
        "summary": "List sources",
        "description": "Every outlet with how many articles and claims of it are stored.",
        "response": {"items": [{"id": 2, "name": "Japan Forward", "articles": 14, "claims": 161}], "next_cursor": None},
    },
    "ListSourceClaims": {
        "summary": "List a source's claims",
        "description": "The claims of one outlet, with the filters of GET /v1/claims (404 for an unknown source).",
        "response": _PAGE_CLAIMS,
    },
    "ListConflicts": {
        "summary": "List conflicts",
        "description": (
            "Claim pairs labelled conflict, by id, each with both claims, narrowed by the filters. With "
            "`updated_since`: the conflicts opened or changed (reviewed, rescored) since then, in (updated_at, id) "
            "order, each at its latest version, as an incremental feed."
        ),
        "response": {"items": _json([_CONFLICT]), "next_cursor": None},
    },
    "GetConflict": {
        "summary": "Read one conflict with its history",
        "description": (
            "The conflict, both claims and every review recorded on it. The `ETag` header carries its version: "
            "send it back as `If-Match` when reviewing so that a review made meanwhile is not overwritten."
        ),
        "response": _json(_DETAIL),
    },
    "ReviewConflict": {
        "summary": "Record a review",
        "description": (
            "Sets the conflict's status (confirmed, dismissed, resolved or open again) with a note and the "
            "reviewer's name; the history keeps every earlier review. With `If-Match`, a stale version answers 412."
        ),
        "request": {"status": "confirmed", "note": "Kiel figure is newer", "reviewer": "ana"},
        "response": _json(_REVIEWED),
    },
    "GetConflictClaimReview": {
        "summary": "The conflict as ClaimReview",
        "description": "schema.org ClaimReview JSON-LD of the conflict, ready for an editorial tool to publish.",
        "response": _CLAIM_REVIEW,
    },
    "ExportClaimsCsv": {
        "summary": "Export claims as CSV",
        "description": "Every claim matching the filters of GET /v1/claims, one CSV row each after a header row.",
        "response": _CSV_CLAIMS,
    },
    "ExportClaimsNdjson": {
        "summary": "Export claims as NDJSON",
        "description": "Every claim matching the filters of GET /v1/claims, one JSON object (a claim) per line.",
        "response": msgspec.json.encode(_CLAIM_A).decode() + "\n",
    },
    "ExportConflictsCsv": {
        "summary": "Export conflicts as CSV",
        "description": "Conflicts matching the filters of GET /v1/conflicts, both claims side by side on one row.",
        "response": _CSV_CONFLICTS,
    },
    "ExportConflictsNdjson": {
        "summary": "Export conflicts as NDJSON",
        "description": "Conflicts matching the filters of GET /v1/conflicts, one JSON object (a conflict) per line.",
        "response": msgspec.json.encode(_CONFLICT).decode() + "\n",
    },
    "ExportClaimReviews": {
        "summary": "Export confirmed conflicts as ClaimReview",
        "description": "A JSON-LD array of schema.org ClaimReview objects, one per confirmed conflict.",
        "response": [_CLAIM_REVIEW],
    },
    "CreateWebhook": {
        "summary": "Register a webhook receiver",
        "description": (
            "The receiver gets a signed POST for each `conflict.created` / `conflict.updated` event. The answer "
            "holds the signing secret: store it, it is not shown again."
        ),
        "request": {"url": "https://desk.example.org/hooks/claims", "description": "verification desk"},
        "response": {**_WEBHOOK, "secret": "whsec_5c2d0d8f0a3b4e6f9a1b"},
    },
    "ListWebhooks": {
        "summary": "List webhook receivers",
        "description": "Every registered receiver (without secrets).",
        "response": {"items": [_WEBHOOK], "next_cursor": None},
    },
    "GetWebhook": {
        "summary": "Read one webhook receiver",
        "description": "The receiver's URL, events and state (without its secret).",
        "response": _WEBHOOK,
    },
    "DeleteWebhook": {
        "summary": "Remove a webhook receiver",
        "description": "Stops deliveries to this receiver and forgets its delivery records.",
    },
    "ListWebhookDeliveries": {
        "summary": "List a receiver's deliveries",
        "description": "Each event sent (or being retried) to this receiver: attempts, last HTTP status, next attempt.",
        "response": {
            "items": [
                {
                    "id": 9,
                    "webhook_id": 1,
                    "event_id": 31,
                    "event": "conflict.updated",
                    "conflict_id": 5,
                    "status": "delivered",
                    "attempts": 1,
                    "last_status": 204,
                    "last_error": None,
                    "next_attempt_at": None,
                    "delivered_at": "2025-03-04T09:30:02Z",
                    "created_at": "2025-03-04T09:30:00Z",
                }
            ],
            "next_cursor": None,
        },
    },
    "Health": {
        "summary": "Liveness",
        "description": "The process is up (says nothing about the database): for a liveness probe.",
        "response": {"status": "ok", "detail": {}},
    },
    "Ready": {
        "summary": "Readiness",
        "description": "The database answers and every migration is applied: for a readiness probe (503 otherwise).",
        "response": {"status": "ready", "detail": {"migrations": 8}},
    },
}

PARAMETERS: dict[str, str] = {
    "kind": "Only claims of this kind (money, count, percent, date, duration, ratio, quantity).",
    "subject": "Only what is about this entity (the claim's `subject`, case-insensitive), e.g. `Japan`.",
    "unit": "Only claims in this unit: an ISO 4217 code (`EUR`), `percent`, or a singular noun (`refugee`).",
    "source": "Only claims of this outlet, by name (case-insensitive), e.g. `The Diplomat`.",
    "status": "Only conflicts with this review status (open, confirmed, dismissed, resolved).",
}
"""Descriptions of the filters declared without one (`FromQuery[...]`), by parameter name."""


def document(app: Litestar) -> None:
    """Apply the table to the app's (already generated) OpenAPI document."""
    schema: OpenAPI = app.openapi_schema
    schema.tags = TAGS
    for item in (schema.paths or {}).values():
        for method in ("get", "post", "patch", "put", "delete"):
            operation: Operation | None = getattr(item, method, None)
            if operation is None or operation.operation_id not in OPERATIONS:
                continue
            doc = OPERATIONS[operation.operation_id]
            operation.summary = doc["summary"]
            operation.description = doc.get("description") or operation.description
            operation.tags = [_TAG_OF.get(t.lower(), t) for t in operation.tags or []]
            for parameter in operation.parameters or []:
                if isinstance(parameter, Parameter) and not parameter.description and parameter.name in PARAMETERS:
                    parameter.description = PARAMETERS[parameter.name]
            body = operation.request_body
            if "request" in doc and isinstance(body, RequestBody):
                for name, media in body.content.items():
                    if name == "application/json":
                        media.examples = {"example": JSONExample(summary="a typical request", value=doc["request"])}
            if "response" in doc:
                _response_example(operation, doc["response"])


def _response_example(operation: Operation, value: Any) -> None:
    for code, response in (operation.responses or {}).items():
        if not code.startswith("2") or not isinstance(response, OpenAPIResponse) or not response.content:
            continue
        for media in response.content.values():
            media.examples = {"example": JSONExample(summary="a typical answer", value=value)}
