"""Matching is bounded inside one article (issue 15): no input multiplies conflicts."""

from __future__ import annotations

import pytest
from spacy.language import Language

from claims.extraction import extract
from claims.matching import MAX_PAIRS_IN_ARTICLE
from tools.eval.relations import match_corpus

pytestmark = pytest.mark.model


def test_an_article_of_many_similar_figures_keeps_at_most_the_cap(model_nlp: Language) -> None:
    # 60 sentences giving 60 different tolls of one flood: 1,770 pairs, each a conflict if kept
    text = " ".join(f"Officials in Orsk said {100 + 7 * i} people died in the flood." for i in range(60))
    ext = extract(text, published="2026-06-03", title="Orsk flood", nlp=model_nlp)
    assert len(ext.claims) >= 60
    _, _, results = match_corpus({"a": ext}, ["a"], {"a": "2026-06-03"})
    assert 0 < len(results) <= MAX_PAIRS_IN_ARTICLE
    assert sum(r.label == "conflict" and r.linked for r in results) <= MAX_PAIRS_IN_ARTICLE


def test_two_articles_still_match_past_the_cap(model_nlp: Language) -> None:
    """The cap is on pairs inside an article; pairs across articles are not cut by it."""
    noisy = " ".join(f"Officials in Orsk said {100 + 7 * i} people died in the flood." for i in range(30))
    other = "Officials in Orsk said 100 people died in the flood, the regional ministry confirmed."
    exts = {
        "a": extract(noisy, published="2026-06-03", title="Orsk flood", nlp=model_nlp),
        "b": extract(other, published="2026-06-03", title="Orsk flood", nlp=model_nlp),
    }
    ids, _, results = match_corpus(exts, ["a", "b"], {"a": "2026-06-03", "b": "2026-06-03"})
    b_ids = {cid for (f, _), cid in ids.items() if f == "b"}
    assert any(r.a in b_ids or r.b in b_ids for r in results)
