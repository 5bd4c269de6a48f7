"""Counts, written numbers, magnitudes, vague magnitudes, ratios, fractions, durations, measures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from claims.extract import extract
from claims.nlp import get_nlp
from tests.nlp_fixtures import MODEL, approx_eq, find

if TYPE_CHECKING:
    from spacy.language import Language


@pytest.fixture(scope="module")
def blank_nlp() -> Language:
    """Rules only: tokenizer, sentencizer and the claims_ components (cached per process)."""
    return get_nlp("blank")


@pytest.fixture(scope="module")
def model_nlp() -> Language:
    """The statistical pipeline, loaded once per process (get_nlp caches it)."""
    return get_nlp(MODEL)

COUNTS = [
    # sentence, figure, value, low, high, qualifier, unit (blank pipeline's noun heuristic)
    ("Tokyo welcomed more than 2,700 Ukrainian refugees.", "more than 2,700", 2700, 2700, None, "more_than", "refugee"),
    ("Japan expelled eight Russian diplomats.", "eight", 8, 8, 8, "exact", "diplomat"),
    ("Moscow administers four contested islands.", "four", 4, 4, 4, "exact", "island"),
    ("Tokyo admitted 188 Ukrainian refugees.", "188", 188, 188, 188, "exact", "refugee"),
    ("Around 2,000 remain in Japan.", "Around 2,000", 2000, 1800, 2200, "approx", None),
    ("The army has 1.5 million soldiers.", "1.5 million", 1.5e6, 1.45e6, 1.55e6, "exact", "soldier"),
    ("The city has 3m residents.", "3m", 3e6, 2.5e6, 3.5e6, "exact", "resident"),
    ("They seized a dozen tanks.", "a dozen", 12, 12, 12, "exact", "tank"),
    ("Some 40 ships sailed.", "Some 40", 40, 36, 44, "approx", "ship"),
    ("Fewer than 100 workers stayed.", "Fewer than 100", 100, 0, 100, "less_than", "worker"),
    ("At least 27 people died.", "At least 27", 27, 27, None, "at_least", None),
    ("Up to 500 troops will go.", "Up to 500", 500, 0, 500, "at_most", "troop"),
    ("Twenty-five delegates voted.", "Twenty-five", 25, 25, 25, "exact", "delegate"),
]


@pytest.mark.parametrize(("sentence", "figure", "value", "low", "high", "qualifier", "unit"), COUNTS)
def test_counts(blank_nlp: Language, sentence: str, figure: str, value: float, low: float,
                high: float | None, qualifier: str, unit: str | None) -> None:
    """Counts carry the qualifier in their span and what is counted as a singular noun."""
    claim = find(extract(sentence, nlp=blank_nlp).claims, figure)
    assert (claim.kind, claim.text, claim.qualifier, claim.unit) == ("count", figure, qualifier, unit)
    assert approx_eq(claim.value, value) and approx_eq(claim.low, low) and approx_eq(claim.high, high)


@pytest.mark.parametrize(
    ("sentence", "figure", "low", "high"),
    [
        ("Between 2,000 and 3,000 people fled.", "2,000 and 3,000", 2000, 3000),
        ("About 2-3 million people fled.", "2-3 million", 2e6, 3e6),
        ("Tens of thousands of people marched.", "Tens of thousands", 10_000, 99_999),
        ("Hundreds of thousands of people marched.", "Hundreds of thousands", 100_000, 999_999),
        ("It took 10 to 12 officials.", "10 to 12", 10, 12),
    ],
)
def test_count_ranges(blank_nlp: Language, sentence: str, figure: str, low: float, high: float) -> None:
    claims = extract(sentence, nlp=blank_nlp).claims
    claim = find(claims, figure)
    assert (claim.kind, claim.qualifier, claim.value) == ("count", "range", None)
    assert (claim.low, claim.high) == (low, high)


@pytest.mark.parametrize(
    ("sentence", "figure", "kind", "value", "unit"),
    [
        ("China's budget is five times as large as Japan's.", "five times", "ratio", 5, "times"),
        ("It will be nine times as large by 2030.", "nine times", "ratio", 9, "times"),
        ("Prices rose 3 times faster.", "3 times", "ratio", 3, "times"),
        ("Output grew tenfold, or 10-fold.", "10-fold", "ratio", 10, "times"),
        ("Two-thirds of voters agreed.", "Two-thirds", "ratio", 0.6667, "fraction"),
        ("He spent five years in Tokyo.", "five years", "duration", 5, "year"),
        ("Reserves last 240 days.", "240 days", "duration", 240, "day"),
        ("LNG for 3 weeks remains.", "3 weeks", "duration", 3, "week"),
        ("Talks went on for two decades.", "two decades", "duration", 2, "decade"),
        ("The pipeline is 1,200 km long.", "1,200 km", "quantity", 1200, "kilometre"),
        ("They shipped 2 million tonnes of grain.", "2 million tonnes", "quantity", 2e6, "tonne"),
    ],
)
def test_ratios_durations_quantities(blank_nlp: Language, sentence: str, figure: str, kind: str,
                                     value: float, unit: str) -> None:
    """The word after the number decides the kind: `times as`, `-fold`, time units, measures."""
    claim = find(extract(sentence, nlp=blank_nlp).claims, figure)
    assert (claim.kind, claim.text, claim.unit) == (kind, figure, unit)
    assert approx_eq(claim.value, value, rel=1e-3)


@pytest.mark.model
@pytest.mark.parametrize(
    ("sentence", "figure", "unit", "subject"),
    [
        ("Moscow still administers four contested islands.", "four", "island", "Russia"),
        ("Tokyo had already admitted 188 Ukrainian refugees.", "188", "refugee", "Japan"),
        ("Japan went on to expel eight Russian diplomats.", "eight", "diplomat", "Japan"),
        ("Kyiv has received 300 Leopard tanks.", "300", "tank", "Ukraine"),
        ("Washington sent more than 50 advisers to the region.", "more than 50", "adviser", "United States"),
        ("Zelensky named 12 new ministers.", "12", "minister", "Volodymyr Zelenskyy"),
    ],
)
def test_counted_noun_and_subject(model_nlp: Language, sentence: str, figure: str, unit: str,
                                  subject: str) -> None:
    """With the parse: what is counted, and who (aliases resolved) the figure is about."""
    claim = find(extract(sentence, nlp=model_nlp).claims, figure)
    assert (claim.kind, claim.unit, claim.subject) == ("count", unit, subject)


@pytest.mark.model
def test_context_is_lemmas_of_the_clause(model_nlp: Language) -> None:
    """Context: lowercased lemmas, aliases resolved, stop words and numbers dropped."""
    claim = find(extract("Tokyo has welcomed more than 2,700 Ukrainian refugees.", nlp=model_nlp).claims,
                 "more than 2,700")
    assert claim.context == "japan welcome ukrainian refugee"
    assert claim.about == "Ukrainian refugees welcomed"


@pytest.mark.model
def test_as_of_and_period_scope_figures(model_nlp: Language) -> None:
    """`By <date>,` scopes the figures after it; `since <date>` gives an open period."""
    ex = extract(
        "A survey ran in late February 2022. By March 24, Tokyo had admitted 188 Ukrainian refugees. "
        "Tokyo has welcomed more than 2,700 refugees since the 2022 invasion.",
        published="2022-11-27", nlp=model_nlp,
    )
    admitted = find(ex.claims, "188")
    assert admitted.as_of == "2022-03-24"
    welcomed = find(ex.claims, "more than 2,700")
    assert welcomed.as_of == "2022-11-27"
    assert welcomed.period is not None and welcomed.period.start == "2022"
    assert welcomed.period.end is None
