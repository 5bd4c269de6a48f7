"""Row encoders for exports: CSV lines for claims and conflicts (NDJSON uses the API's Structs).

Spreadsheets run cells that start with `=`, `+`, `-`, `@` (or a tab/CR) as formulas, and an
article sentence is attacker-controlled text; such text cells get a leading apostrophe (OWASP's
CSV-injection advice). Numbers are written as numbers and never altered.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from claims.store import ClaimRow, ConflictRow

CLAIM_COLUMNS: tuple[str, ...] = (
    "id",
    "article_id",
    "source",
    "published",
    "kind",
    "text",
    "start",
    "end",
    "sentence",
    "value",
    "low",
    "high",
    "qualifier",
    "unit",
    "date",
    "subject",
    "about",
    "as_of",
    "period_start",
    "period_end",
    "attribution",
)

_SIDE = ("id", "source", "published", "text", "value", "low", "high", "unit", "date", "as_of", "sentence")
CONFLICT_COLUMNS: tuple[str, ...] = (
    "id",
    "status",
    "severity",
    "reason",
    "kind",
    "subject",
    "created_at",
    "updated_at",
    *(f"claim_a_{c}" for c in _SIDE),
    *(f"claim_b_{c}" for c in _SIDE),
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A CSV cell: None -> empty, text defused against formula injection, numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def csv_lines(rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV text (RFC 4180: CRLF line ends, quoted where needed)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows([cell(v) for v in row] for row in rows)
    return buf.getvalue()


def claim_row(c: ClaimRow) -> tuple[Any, ...]:
    """One CSV row of a claim, in `CLAIM_COLUMNS` order."""
    return tuple(getattr(c, name) for name in CLAIM_COLUMNS)


def conflict_row(k: ConflictRow, claims: dict[int, ClaimRow]) -> tuple[Any, ...]:
    """One CSV row of a conflict: its own columns, then side A's and side B's (empty when retired)."""
    head = (k.id, k.status, k.severity, k.reason, k.kind, k.subject, k.created_at, k.updated_at)
    sides: list[Any] = []
    for claim_id in (k.claim_a, k.claim_b):
        c = claims.get(claim_id)
        sides.extend(getattr(c, name) if c else None for name in _SIDE)
    return (*head, *sides)
