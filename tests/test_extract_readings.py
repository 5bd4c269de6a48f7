"""Readings that cost precision or recall on news copy: a qualified figure a small model tags as a
name, a list item after `plus`, metres glued to a grouped number or after an article, hyphenated
hundreds, ISO dates and `N units ago`. Sentences written for these tests, from many beats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from claims.extraction import extract
from tests.nlp_fixtures import find

if TYPE_CHECKING:
    from spacy.language import Language

PUB = "2024-06-12"


@pytest.mark.parametrize(
    ("sentence", "figure", "value"),
    [
        ("The report says that over 9000 people remain missing.", "over 9000 people", 9000),
        ("Officials said more than 4000 homes were flooded.", "more than 4000 homes", 4000),
        ("Refugees number 347 815 in Turkey, plus 10 052 in Morocco.", "10 052", 10052),
        ("Budgets rose in Kenya, Ghana and Chad; plus 300 schools opened.", "300 schools", 300),
    ],
)
def test_qualified_and_listed_figures_are_found(model_nlp: Language, sentence: str, figure: str, value: float) -> None:
    claim = find(extract(sentence, published=PUB, nlp=model_nlp).claims, figure)
    assert claim.value == value


def test_arithmetic_plus_is_no_figure(blank_nlp: Language) -> None:
    claims = extract("The answer to 2 plus 3 is easy.", nlp=blank_nlp).claims
    assert "3" not in [c.text for c in claims]


@pytest.mark.parametrize(
    ("sentence", "figure", "kind", "value"),
    [
        ("Both governments agreed on 8,848.86m as the new height of Everest.", "8,848.86m", "quantity", 8.84886),
        ("Engineers finished a 300m tower in the capital.", "300m", "quantity", 0.3),
        ("She won the 100m final in record time.", "100m", "quantity", 0.1),
        ("A 2m wall was built along the river.", "2m", "quantity", 0.002),
        ("The club signed a 5m deal with the striker.", "5m deal", "count", 5e6),
        ("The city has 3m residents.", "3m residents", "count", 3e6),
        ("The firm raised Rs 1,234.5m from investors.", "Rs 1,234.5m", "money", 1.2345e9),
    ],
)
def test_glued_m_metres_or_millions(blank_nlp: Language, sentence: str, figure: str, kind: str, value: float) -> None:
    claim = find(extract(sentence, published=PUB, nlp=blank_nlp).claims, figure)
    assert claim.kind == kind
    assert claim.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("sentence", "figure", "value"),
    [
        ("One-hundred and thirty nations signed the treaty.", "One-hundred and thirty nations", 130),
        ("Some two-hundred villages lost power.", "two-hundred", 200),
    ],
)
def test_hyphenated_hundreds(blank_nlp: Language, sentence: str, figure: str, value: float) -> None:
    assert find(extract(sentence, published=PUB, nlp=blank_nlp).claims, figure).value == value


@pytest.mark.parametrize(
    ("sentence", "figure", "iso"),
    [
        ("The origin time was 2023-02-06 01:17:34 (UTC).", "2023-02-06", "2023-02-06"),
        ("The data release of 2021-11-30 revised the series.", "2021-11-30", "2021-11-30"),
    ],
)
def test_iso_dates(blank_nlp: Language, sentence: str, figure: str, iso: str) -> None:
    claim = find(extract(sentence, published=PUB, nlp=blank_nlp).claims, figure)
    assert (claim.kind, claim.date) == ("date", iso)


def test_an_impossible_iso_date_is_none(blank_nlp: Language) -> None:
    claims = extract("The file was stamped 2023-02-30 by mistake.", nlp=blank_nlp).claims
    assert not [c for c in claims if c.date == "2023-02-30"]


@pytest.mark.parametrize(
    ("sentence", "figure", "as_of"),
    [
        ("As of a week ago, 87 people had been confirmed dead.", "87 people", "2024-06-05"),
        ("By three days ago the toll stood at 1,200.", "1,200", "2024-06-09"),
        ("As of two months ago, 40% of the funds had been spent.", "40%", "2024-04"),
    ],
)
def test_ago_dates_scope_figures(blank_nlp: Language, sentence: str, figure: str, as_of: str) -> None:
    claims = [c for c in extract(sentence, published=PUB, nlp=blank_nlp).claims if c.kind != "date"]
    assert find(claims, figure).as_of == as_of


@pytest.mark.parametrize(
    ("sentence", "absent"),
    [
        ("The liner split in two then sank within hours.", "two"),
        ("The budget was cut in three over the decade.", "three"),
        ("Marking 20 years since Hurricane Katrina, the agency paid tribute.", "20 years"),
        ("The city celebrated 50 years of independence.", "50 years"),
    ],
)
def test_manners_and_anniversaries_are_no_figures(blank_nlp: Language, sentence: str, absent: str) -> None:
    assert absent not in [c.text for c in extract(sentence, published=PUB, nlp=blank_nlp).claims]


@pytest.mark.parametrize(
    ("sentence", "figure"),
    [
        ("The firm was split into three divisions.", "three divisions"),
        ("It has been 20 years since the storm.", "20 years"),
        ("The boxer dropped 25 pounds for the bout.", "25 pounds"),
    ],
)
def test_counts_durations_and_weights_that_stay(blank_nlp: Language, sentence: str, figure: str) -> None:
    claims = extract(sentence, published=PUB, nlp=blank_nlp).claims
    assert find(claims, figure).kind in ("count", "duration", "quantity")
