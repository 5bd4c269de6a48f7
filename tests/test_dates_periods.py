"""Periods of a year as news writes them: early/mid/late, quarters and halves (with a year, with
`of last year` / `of the year`, or as `Q3` alone), and fiscal years across two calendar years.
A figure in such a period carries it, and holds at its end (the as-of)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from claims.extraction import extract
from claims.models import Period
from tests.nlp_fixtures import find

if TYPE_CHECKING:
    from spacy.language import Language

PUB = "2024-06-12"

# sentence, figure, period, as-of
PERIODS = [
    ("Inflation peaked at 11.1% in late 2022.", "11.1%", Period(start="2022-09", end="2022-12"), "2022-12"),
    ("Output rose 3% in early 2021.", "3%", Period(start="2021-01", end="2021-04"), "2021-04"),
    ("Home sales fell 9% in mid-2023.", "9%", Period(start="2023-05", end="2023-08"), "2023-08"),
    (
        "Exports reached $12 billion in the first quarter of 2024.",
        "$12 billion",
        Period(start="2024-01", end="2024-03"),
        "2024-03",
    ),
    ("Imports rose 4% in the final quarter of 2023.", "4%", Period(start="2023-10", end="2023-12"), "2023-12"),
    ("The index rose 12% in the second half of 2023.", "12%", Period(start="2023-07", end="2023-12"), "2023-12"),
    ("Prices jumped 5% in Q4 2023.", "5%", Period(start="2023-10", end="2023-12"), "2023-12"),
    ("Output fell 2% in the third quarter of last year.", "2%", Period(start="2023-07", end="2023-09"), "2023-09"),
    (
        "Profits reached $3 billion in the first half of the year.",
        "$3 billion",
        Period(start="2024-01", end="2024-06"),
        "2024-06",
    ),
    ("Sales in Q3 reached $4 billion.", "$4 billion", Period(start="2023-07", end="2023-09"), "2023-09"),
    ("Sales in Q1 reached $4 billion.", "$4 billion", Period(start="2024-01", end="2024-03"), "2024-03"),
    ("The deficit will be $20 billion in fiscal 2023-24.", "$20 billion", Period(start="2023", end="2024"), "2024"),
    ("Revenue reached Rs 500 crore in FY2023-24.", "Rs 500 crore", Period(start="2023", end="2024"), "2024"),
]


@pytest.mark.parametrize(("sentence", "figure", "period", "as_of"), PERIODS)
def test_figures_in_periods(model_nlp: Language, sentence: str, figure: str, period: Period, as_of: str) -> None:
    claims = [c for c in extract(sentence, published=PUB, nlp=model_nlp).claims if c.kind != "date"]
    claim = find(claims, figure)
    assert (claim.period, claim.as_of) == (period, as_of)


@pytest.mark.parametrize(
    ("sentence", "text", "date", "period"),
    [
        (
            "The budget for the financial year 2024-25 is $9 billion.",
            "financial year 2024-25",
            "2024",
            Period(start="2024", end="2025"),
        ),
        (
            "The plan covers fiscal years 2019 through 2028.",
            "fiscal years 2019 through 2028",
            "2019",
            Period(start="2019", end="2028"),
        ),
        ("Revenue grew in FY24.", "FY24", "2024", None),
        ("The pact runs to fiscal 2030.", "fiscal 2030", "2030", None),
    ],
)
def test_fiscal_years(blank_nlp: Language, sentence: str, text: str, date: str, period: Period | None) -> None:
    claim = find(extract(sentence, published=PUB, nlp=blank_nlp).claims, text)
    assert (claim.kind, claim.text, claim.date, claim.period) == ("date", text, date, period)


@pytest.mark.parametrize(
    "sentence",
    [
        "The home side trailed for most of the first half.",  # a half of a match, not of a year
        "He scored twice in the fourth quarter.",  # a quarter of a game
        "The Q7 model sold well.",
    ],
)
def test_parts_of_games_are_not_periods(blank_nlp: Language, sentence: str) -> None:
    claims = extract(sentence, published=PUB, nlp=blank_nlp).claims
    assert not [c for c in claims if c.kind == "date" or c.period is not None]
