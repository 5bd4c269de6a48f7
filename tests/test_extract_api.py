"""The extraction contract others code against: inputs, offsets, bulk path, version."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from claims.errors import InvalidInput
from claims.extraction import EXTRACTOR_VERSION, extract, extract_many
from claims.models import Extraction
from claims.settings import PROJECT_ROOT
from claims.text.nlp import build_pipeline, get_nlp
from tests.nlp_fixtures import MODEL

if TYPE_CHECKING:
    from spacy.language import Language


TEXT = (
    "By Staff Reporter February 21, 2025\n\n"
    "Tokyo welcomed more than 2,700 Ukrainian refugees since the 2022 invasion. "
    "Japan has provided $44bn, or around 9% of its budget, on February 14."
)


def test_neither_text_nor_html_is_invalid(blank_nlp: Language) -> None:
    with pytest.raises(InvalidInput):
        extract(nlp=blank_nlp)


def test_bad_published_is_invalid(blank_nlp: Language) -> None:
    with pytest.raises(InvalidInput):
        extract("Some text.", published="last Tuesday", nlp=blank_nlp)


def test_empty_text_gives_no_claims(blank_nlp: Language) -> None:
    ex = extract("   ", nlp=blank_nlp)
    assert (ex.text, ex.claims) == ("", [])


def test_offsets_point_into_the_cleaned_text(blank_nlp: Language) -> None:
    ex = extract(TEXT, published="2025-02-21", nlp=blank_nlp)
    assert isinstance(ex, Extraction) and ex.extractor_version == EXTRACTOR_VERSION
    assert [c.text for c in ex.claims] == ["more than 2,700", "2022", "$44bn", "around 9%", "February 14"]
    for c in ex.claims:
        assert ex.text[c.start : c.end] == c.text
        assert c.text in c.sentence


def test_html_input(blank_nlp: Language) -> None:
    ex = extract(html="<p>Japan gave <b>$44bn</b>.</p><script>var a = 75;</script>", nlp=blank_nlp)
    assert ex.text == "Japan gave $44bn."
    assert [(c.text, c.unit) for c in ex.claims] == [("$44bn", "USD")]


def test_timestamp_published_is_accepted(blank_nlp: Language) -> None:
    ex = extract("It happened on February 14.", published="2022-02-20T10:00:00Z", nlp=blank_nlp)
    assert ex.claims[0].date == "2022-02-14"
    assert ex.claims[0].as_of == "2022-02-20"


def test_extract_many_matches_extract(blank_nlp: Language) -> None:
    """The bulk path gives the same claims as one-by-one extraction of cleaned texts."""
    texts = [(TEXT, "2025-02-21"), ("Japan expelled eight diplomats in April 2022.", None), ("", "2022")]
    bulk = list(extract_many(blank_nlp, texts, batch_size=2))
    single = [extract(t, published=p, nlp=blank_nlp) for t, p in texts]
    assert [b.claims for b in bulk] == [s.claims for s in single]


def test_pipeline_components_and_cache() -> None:
    nlp = build_pipeline("blank")
    assert [n for n in nlp.pipe_names if n.startswith("claims_")] == [
        "claims_paragraphs",
        "claims_dates",
        "claims_quantities",
    ]
    assert get_nlp("blank") is get_nlp("blank")


def test_component_config_is_validated() -> None:
    nlp = build_pipeline("blank")
    with pytest.raises(ValueError):
        nlp.add_pipe("claims_quantities", name="q2", config={"approx_tolerance": 2.0})


@pytest.mark.model
def test_model_pipeline_has_our_components(model_nlp: Language) -> None:
    assert {"claims_paragraphs", "claims_dates", "claims_quantities", "parser", "ner"} <= set(model_nlp.pipe_names)
    assert model_nlp is get_nlp(MODEL)


@pytest.mark.model
def test_seed_offsets_and_sentences_hold(model_nlp: Language) -> None:
    """On every seed article: offsets index the cleaned text, and no debris becomes a claim."""
    manifest = json.loads((PROJECT_ROOT / "seeds" / "manifest.json").read_text("utf-8"))
    for art in manifest["articles"]:
        raw = (PROJECT_ROOT / "seeds" / art["file"]).read_text("utf-8")
        ex = extract(raw, published=art["published"], nlp=model_nlp)
        assert ex.claims
        assert "srcset" not in ex.text and "sizes=" not in ex.text
        for c in ex.claims:
            assert ex.text[c.start : c.end] == c.text
            assert c.sentence.strip() and c.text in c.sentence
            assert not c.text.endswith("w") and "resize" not in c.text
