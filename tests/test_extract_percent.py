"""Percents: `9%`, `9 percent`, `per cent`, qualifiers, ranges, percentage points."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from claims.extraction import extract
from tests.nlp_fixtures import approx_eq, find

if TYPE_CHECKING:
    from spacy.language import Language


@pytest.mark.parametrize(
    ("sentence", "figure", "value", "low", "high", "qualifier"),
    [
        ("Japan gets 9% of its LNG from Russia.", "9%", 9, 9, 9, "exact"),
        ("Japan gets around 9% of its LNG from Russia.", "around 9%", 9, 8.1, 9.9, "approx"),
        ("Turnout was 9 percent.", "9 percent", 9, 9, 9, "exact"),
        ("Turnout was 12.5 per cent.", "12.5 per cent", 12.5, 12.5, 12.5, "exact"),
        ("Since 1982 less than one per cent of applicants stayed.", "less than one per cent", 1, 0, 1, "less_than"),
        ("Spend at least 3 percent of GDP.", "at least 3 percent", 3, 3, None, "at_least"),
        ("Support fell to nearly 40 percent.", "nearly 40 percent", 40, 36, 44, "approx"),
        ("Over 60% said yes.", "Over 60%", 60, 60, None, "more_than"),
        ("A survey found that 77% of Japanese were concerned.", "77%", 77, 77, 77, "exact"),
    ],
)
def test_percent(
    blank_nlp: Language, sentence: str, figure: str, value: float, low: float, high: float | None, qualifier: str
) -> None:
    """Percent values are the number before the sign, in unit `percent`."""
    claim = find(extract(sentence, nlp=blank_nlp).claims, figure)
    assert (claim.kind, claim.unit, claim.qualifier, claim.text) == ("percent", "percent", qualifier, figure)
    assert approx_eq(claim.value, value) and approx_eq(claim.low, low) and approx_eq(claim.high, high)


@pytest.mark.parametrize(
    ("sentence", "figure", "low", "high"),
    [
        ("We will impose tariffs of 150 to 200 percent on China.", "150 to 200 percent", 150, 200),
        ("Rates of 3-5% are likely.", "3-5%", 3, 5),
        ("Between 20 and 30 per cent agreed.", "20 and 30 per cent", 20, 30),
    ],
)
def test_percent_ranges(blank_nlp: Language, sentence: str, figure: str, low: float, high: float) -> None:
    claim = find(extract(sentence, nlp=blank_nlp).claims, figure)
    assert (claim.kind, claim.qualifier, claim.value) == ("percent", "range", None)
    assert (claim.low, claim.high) == (low, high)


def test_percentage_points(blank_nlp: Language) -> None:
    """Points are not percents of something: the unit says so."""
    claim = find(extract("Support rose 4 percentage points.", nlp=blank_nlp).claims, "4 percentage points")
    assert (claim.kind, claim.unit, claim.value) == ("percent", "percentage point", 4)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("100 percentage", 100),
        ("thirty percentage", 30),
        ("one hundred percents", 100),
        ("just need minus five percent", -5),
    ],
)
def test_more_percent_forms(blank_nlp: Language, text: str, value: float) -> None:
    claims = [c for c in extract(text, nlp=blank_nlp).claims if c.kind == "percent"]
    assert [c.value for c in claims] == [value]


def test_percent_escapes_in_urls_are_not_percents(blank_nlp: Language) -> None:
    text = "You can go to https://www.test.com/search?q=30%25%2020%"
    assert not [c for c in extract(text, nlp=blank_nlp).claims if c.kind == "percent"]
