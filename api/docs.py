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
from api.routes import corrections, queue, users
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
    Tag(name="Users", description="People, their roles and API keys, and the audit log of every write (admin only)."),
    Tag(
        name="Queue",
        description="Everything that needs a person: open conflicts, suggestions and different-scope pairs, "
        "and the actions on them.",
    ),
    Tag(name="Corrections", description="Corrected and withdrawn articles, and claims marked wrong."),
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


def _body(kind: type, value: dict[str, Any]) -> dict[str, Any]:
    """A request example, checked against the Struct the handler decodes it into (at import)."""
    msgspec.convert(value, kind)
    return value


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

# the editorial workflow: accounts, the queue, corrections (their Structs live beside their routes)
_ACCOUNT = users.Account(id=4, name="ana", role="reviewer", created_at=_AT)
_KEY = users.ApiKey(id=7, account_id=4, prefix="3f9a1c0b7e42", created_at=_AT, revoked_at=None)
_AUDIT = users.AuditEntry(
    id=118, at=_AT, account_id=4, actor="ana", action="conflict.review", object_type="conflict", object_id=5,
    before={"status": "open", "version": 1}, after={"status": "confirmed", "version": 2}, note="Kiel figure is newer",
)  # fmt: skip
_QUEUE_ITEM = queue.QueueItem(
    kind="conflict", id=5, match_id=23, status="open", severity=0.27, label="conflict", reason=_CONFLICT.reason,
    subject="Japan", sources=["Japan Forward", "The Diplomat"], source_count=2,
    assigned_to=queue.Person(id=4, name="ana"), created_at=_AT, claims=[_CLAIM_A, _CLAIM_B],
)  # fmt: skip
_OLD_STATE = corrections.ArticleState(
    id=3, withdrawn=False, withdrawn_at=None, superseded_by=None, supersedes=None, claims=12, retired_claims=0
)
_SUGGESTION = msgspec.structs.replace(
    _QUEUE_ITEM, kind="suggestion", id=31, match_id=31, severity=None, label="agree", assigned_to=None,
    reason="same donor and measure, values within rounding; unsure whether the periods match",
)  # fmt: skip
_CORRECTED = msgspec.structs.replace(_OLD_STATE, superseded_by=14, retired_claims=12)
_CLAIM_STATE = corrections.ClaimState(
    id=17, article_id=3, retired=False, retired_at=None, wrong=True, wrong_at=_AT, closed_conflicts=[5]
)

# --------------------------------------------------------------------------- the table

Doc = dict[str, Any]
"""summary, description, response (the success example), request (a body example, optional),
parameters (descriptions by name for this operation only, optional)."""

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
    "CreateUser": {
        "summary": "Create a named account",
        "description": (
            "Admin only. Roles, each including the ones before it: `reader` (read-only, for integrations), "
            "`reviewer` (reviews conflicts and works the queue), `editor` (also corrects and withdraws articles "
            "and marks claims wrong), `admin` (everything, including accounts, keys and the audit log). The "
            "account has no key yet: issue one with POST /v1/users/{account_id}/keys. 409 when the name is taken."
        ),
        "request": _body(users.AccountCreate, {"name": "ana", "role": "reviewer"}),
        "response": _json(_ACCOUNT),
    },
    "ListUsers": {
        "summary": "List accounts",
        "description": "Admin only. Every named account with its role.",
        "response": _json(users.AccountList(items=[_ACCOUNT])),
    },
    "CreateUserKey": {
        "summary": "Issue an API key for an account",
        "description": (
            "Admin only. The answer holds the key (`clm_<prefix>_<secret>`) this once: only its SHA-256 is "
            "stored, and the prefix names it. Send it as `Authorization: Bearer <key>`; "
            "it acts with the account's role. An account may hold several keys (to rotate one without downtime)."
        ),
        "response": _json(users.ApiKeyCreated(**msgspec.structs.asdict(_KEY), key="clm_3f9a1c0b7e42_" + "x" * 43)),
    },
    "RevokeKey": {
        "summary": "Revoke an API key",
        "description": (
            "Admin only. The key stops working at once (401 from then on); its row stays, with `revoked_at`, "
            "so that the audit log still names it."
        ),
        "response": _json(msgspec.structs.replace(_KEY, revoked_at=_AT)),
    },
    "WhoAmI": {
        "summary": "The account of the key sent",
        "description": (
            "Any valid key (reader or above; 401 without one). The caller's account id, name and role. The "
            "key from the settings (`settings key`), and any request while no key exists at all (`local`), act "
            "as admin and have no account id."
        ),
        "response": _json(users.Me(account_id=4, name="ana", role="reviewer")),
    },
    "ListAudit": {
        "summary": "The audit log",
        "description": (
            "Admin only. Every write, newest first: who (account id and name), what (`action` on "
            "`object_type`/`object_id`), when, an optional note, and the row before and after as JSON. "
            "Filters (all must hold): `account` (an account id or name; 404 for an unknown name), `object_type` "
            "with `object_id`, `action`."
        ),
        "response": _json(users.AuditPage(items=[_AUDIT], next_cursor=_CURSOR)),
    },
    "ListQueue": {
        "summary": "Everything that needs a person",
        "description": (
            "Open to anyone, like every read (`assigned=mine` needs a key). Open conflicts, suggestions (matches the "
            "matcher was unsure of, `linked` false) and different_scope pairs in one list, most severe first "
            "unless `sort` says otherwise; suggestions whose claim was retired or marked wrong drop out. The "
            "cursor is an offset: the queue is a worklist re-sorted as it changes. Act on items with "
            "POST /v1/queue/bulk."
        ),
        "response": _json(queue.QueuePage(items=[_QUEUE_ITEM, _SUGGESTION], next_cursor=None)),
        "parameters": {
            "status": (
                "Only items in this state: `open` (the default), `confirmed`, `dismissed`, `resolved` "
                "(conflicts), `accepted` (suggestions and different_scope pairs), or `any` for all."
            ),
            "kind": "Only items of this kind: `conflict`, `suggestion` or `different_scope`.",
            "min_severity": "Only conflicts at least this severe (0 to 1); suggestions, which have none, drop out.",
            "max_severity": "Only conflicts at most this severe (0 to 1); suggestions, which have none, drop out.",
            "since": "Only items detected on or after this day (YYYY-MM-DD, UTC).",
            "until": "Only items detected on or before this day (YYYY-MM-DD, UTC).",
            "source": "Only pairs where either claim is of this outlet, by name (case-insensitive).",
            "subject": (
                "Only pairs whose subject, or one of its words, starts with this (case- and accent-insensitive): "
                "`eu` finds European Union, `ukr` finds Ukraine."
            ),
            "assigned": (
                "Only items assigned to: `mine` (the caller's account: needs a key), `none` (unassigned), or an "
                "account name or id."
            ),
            "sort": (
                "`severity` (the default: most severe first, suggestions last), `date` (newest first) or `sources` "
                "(most distinct sources among the pair and the claims linked to it first)."
            ),
        },
    },
    "ActOnQueue": {
        "summary": "Apply one action, with one note, to many queue items",
        "description": (
            "Reviewer or above. On conflicts: `confirm`, `resolve`, `dismiss`, `reopen`. On suggestions: "
            "`accept` (becomes a linked match with the comparison's verdict, and a conflict opens if it is one), "
            "`reject` (never suggested again, even after `claims rematch`), `dismiss`, `reopen`. On "
            "different_scope pairs: `accept` (acknowledged), `reject`, `dismiss`. On any item: `assign` (with "
            "`assignee`: an account name, an id or `me`) and `unassign`. `dismiss` needs a `reason` from the "
            "list or a `note` (`other` needs a note), else the whole request answers 422. Each item is applied "
            "in its own transaction and reported with its own status (200, or 404/409/422 with an error); every "
            "change is in the audit log."
        ),
        "request": _body(
            queue.BulkAction,
            {
                "action": "dismiss",
                "items": [{"kind": "conflict", "id": 5}, {"kind": "suggestion", "id": 31}],
                "reason": "different_scope",
                "note": "pledged vs disbursed",
            },
        ),
        "response": _json(
            queue.BulkResult(
                items=[
                    queue.BulkItemResult(kind="conflict", id=5, status=200, state="dismissed"),
                    queue.BulkItemResult(kind="suggestion", id=31, status=404, error="no suggestion 31 in the queue"),
                ],
                done=1,
                failed=1,
            )
        ),
    },
    "CorrectArticle": {
        "summary": "Correct an article: a new version supersedes it",
        "description": (
            "Editor or above. The body holds the corrected `text` (or `html`), optionally new metadata "
            "(whatever is not given, and the source, are kept) and a `note` for the audit log. The new version "
            "is ingested like any article (claims, matches, conflicts); the old version's claims are retired "
            '(out of matching) and its open conflicts resolved with the note "article corrected"; reviewed '
            "ones keep their verdict and history. The old article then shows `superseded_by`, the new one "
            "`supersedes` (GET /v1/articles/{article_id}/state). 409 when the article was withdrawn or "
            "corrected already, or the text is unchanged."
        ),
        "request": _body(
            corrections.ArticleCorrection,
            {
                "text": "Japan's aid to Ukraine reached 12 billion euros by December 2024.",
                "note": "the figure was misprinted",
            },
        ),
        "response": _json(
            corrections.Correction(id=14, supersedes=3, claims=12, conflicts=0, closed_conflicts=[5], old=_CORRECTED)
        ),
    },
    "WithdrawArticle": {
        "summary": "Withdraw an article",
        "description": (
            "Editor or above. Its claims are retired (out of matching) and its open conflicts resolved with "
            'the note "article withdrawn"; reviewed ones keep their verdict. The body may carry a `note` for '
            "the audit log. 409 when it was withdrawn or corrected already."
        ),
        "request": _body(corrections.NoteBody, {"note": "retracted by the outlet"}),
        "response": _json(
            corrections.Withdrawal(
                article=msgspec.structs.replace(_OLD_STATE, withdrawn=True, withdrawn_at=_AT, retired_claims=12),
                closed_conflicts=[5],
            )
        ),
    },
    "GetArticleState": {
        "summary": "Whether an article was corrected or withdrawn",
        "description": (
            "Open to anyone. `withdrawn` (with when), `superseded_by` (its correction), `supersedes` "
            "(the version it corrects), and how many of its claims there are and how many are retired."
        ),
        "response": _json(_CORRECTED),
    },
    "MarkClaimWrong": {
        "summary": "Mark a claim wrong",
        "description": (
            "Editor or above. The claim leaves matching and its open conflicts are resolved with the note "
            '"claim marked wrong" (listed in `closed_conflicts`); a published ClaimReview rates this claim. '
            "The body may carry a `note` for the audit log. Undo with DELETE."
        ),
        "request": _body(corrections.NoteBody, {"note": "the extractor read the pledge as disbursed"}),
        "response": _json(_CLAIM_STATE),
    },
    "UnmarkClaimWrong": {
        "summary": "Undo marking a claim wrong",
        "description": (
            "Editor or above. The claim is matched again from the next ingest or `claims rematch`; the "
            "conflicts closed when it was marked stay resolved, with their history."
        ),
        "response": _json(msgspec.structs.replace(_CLAIM_STATE, wrong=False, wrong_at=None, closed_conflicts=[])),
    },
    "GetClaimState": {
        "summary": "Whether a claim was retired or marked wrong",
        "description": (
            "Open to anyone. `retired` (its article was corrected or withdrawn) and `wrong` (an editor "
            "marked it), each with when; `closed_conflicts` is always empty here."
        ),
        "response": _json(msgspec.structs.replace(_CLAIM_STATE, closed_conflicts=[])),
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
    "object_type": "Only entries about objects of this type: article, claim, conflict, suggestion, different_scope, "
    "account, api_key.",
    "object_id": "Only entries about the object with this id (with `object_type`: ids are per type).",
    "action": "Only entries of this action, e.g. `conflict.review`, `article.correct`, `key.revoke`.",
}
"""Descriptions of the filters declared without one (`FromQuery[...]`), by parameter name. An
operation's own `parameters` entry wins over both these and the route's description, for a name
that means something else there (the queue's `status` and `kind`)."""


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
            own: dict[str, str] = doc.get("parameters", {})
            for parameter in operation.parameters or []:
                if isinstance(parameter, Parameter):
                    parameter.description = (
                        own.get(parameter.name) or parameter.description or PARAMETERS.get(parameter.name)
                    )
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
