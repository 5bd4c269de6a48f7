"""Numbers that are not claims: markup debris, names, formats, ages, times, anaphora."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from claims.extraction import extract

if TYPE_CHECKING:
    from spacy.language import Language


NOT_CLAIMS = [
    '515w" sizes="(max-width: 515px) 100vw, 515px" class="lazyload" data-srcset="data:image/svg xml, '
    '515w?w=75&resize=75 75w, 1600w" data-src="https://example.com/wp-content/uploads/a-1024x590.jpg">',
    "Japan, like its Group of Seven brethren, backs Ukraine.",
    "Japan is a member of the G7 and the G-7 summit met.",
    "They agreed to a dialogue in the two plus two format.",
    "Trials of COVID-19 vaccines began.",
    "The islands were lost at the end of World War II and after WWII.",
    "The Sakhalin-1 project continues.",
    "Japan's Catch-22 situation worsened.",
    "He held the Pentagon's No. 3 position.",
    "The 78-year-old president spoke.",
    "The two countries are still technically at war.",
    "One day they may return home, with one eye on tariffs.",
    "The meeting starts at 9 am and ends at 10:30.",
    "Trump is reviving 19th-century imperialism.",
    "Tokyo hosted the Olympics in Tokyo 2020 style.",
]


@pytest.mark.parametrize("text", NOT_CLAIMS)
def test_not_claims(blank_nlp: Language, text: str) -> None:
    """None of these produce a claim."""
    assert [c.text for c in extract(text, published="2025-02-21", nlp=blank_nlp).claims] == []


@pytest.mark.model
@pytest.mark.parametrize("text", NOT_CLAIMS)
def test_not_claims_with_model(model_nlp: Language, text: str) -> None:
    assert [c.text for c in extract(text, published="2025-02-21", nlp=model_nlp).claims] == []


def test_repeated_headline_counts_once(blank_nlp: Language) -> None:
    """Page templates echo the headline; an identical paragraph adds no claims."""
    text = "Japan pledges $5bn to Ukraine\n\nJapan pledges $5bn to Ukraine\n\nThe money was sent."
    assert [c.text for c in extract(text, nlp=blank_nlp).claims] == ["$5bn"]


def test_headline_figures_are_kept(blank_nlp: Language) -> None:
    """Short verbless lines lose their dates (datelines), not their figures."""
    ex = extract("Japan's $44bn gamble\n\nJane Doe November 27, 2022", nlp=blank_nlp)
    assert [c.text for c in ex.claims] == ["$44bn"]


def test_percent_change_to_amount_is_not_a_range(blank_nlp: Language) -> None:
    ex = extract("Sales rose 6.2% to $1.45 billion.", nlp=blank_nlp)
    assert [(c.kind, c.text) for c in ex.claims] == [("percent", "6.2%"), ("money", "$1.45 billion")]
