"""One definition of a claim's columns: the positional fast path (row values -> contract Struct)
gives exactly what the by-name path (`ClaimRow` -> `claim_out`) gives, field by field; and the SQL
select list names every `ClaimRow` field, in order."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest

from api.schemas import claim_from_values, claim_out, conflict_from_values, conflict_out
from claims.store import CLAIM_WIDTH, ClaimRow, ConflictRow
from claims.store.rows import claim_columns


def _claim_row(claim_id: int, *, period: bool) -> ClaimRow:
    return ClaimRow(
        id=claim_id,
        article_id=claim_id + 100,
        source_id=claim_id + 200,
        source=f"source {claim_id}",
        published="2024-05-01",
        kind="money",
        text="$5 million",
        start=3,
        end=13,
        sentence="It gave $5 million.",
        value=5e6,
        low=4.5e6,
        high=5.5e6,
        qualifier="approx",
        unit="USD",
        date="2024-04",
        subject="Japan",
        about="aid",
        as_of="2024-04-30",
        period_start="2024-01" if period else None,
        period_end="2024-03" if period else None,
        attribution="the ministry",
        context="context words",
        extractor_version="rules-x",
        frame={"subject": "Japan"},
    )


@pytest.mark.parametrize("period", [True, False])
def test_claim_fast_path_equals_by_name(period: bool) -> None:
    row = _claim_row(7, period=period)
    assert claim_from_values(msgspec.structs.astuple(row)) == claim_out(row)


def test_conflict_fast_path_equals_by_name() -> None:
    at = datetime(2024, 5, 2, tzinfo=UTC)
    k = ConflictRow(
        id=1, status="open", severity=0.4, reason="differ", kind="money", subject="Japan",
        claim_a=7, claim_b=8, version=3, created_at=at, updated_at=at,
    )  # fmt: skip
    a, b = _claim_row(7, period=True), _claim_row(8, period=False)
    values = (*msgspec.structs.astuple(k), *msgspec.structs.astuple(a), *msgspec.structs.astuple(b))
    assert conflict_from_values(values) == conflict_out(k, {7: a, 8: b})
    # a claim that is gone (all None) is left out on both paths
    gone = (*msgspec.structs.astuple(k), *msgspec.structs.astuple(a), *([None] * CLAIM_WIDTH))
    assert conflict_from_values(gone) == conflict_out(k, {7: a})


def test_select_list_names_every_field_in_order() -> None:
    names = [part.rsplit(" AS ", 1)[1].strip('"') for part in claim_columns().split(", ")]
    assert tuple(names) == ClaimRow.__struct_fields__
    brief = claim_columns(brief=True)
    assert 'NULL::text AS "published"' in brief and "a.published" not in brief
