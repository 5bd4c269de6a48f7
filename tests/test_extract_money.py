"""Money: symbols, codes and words -> ISO 4217; magnitudes; precision; qualifiers; ranges."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from claims.extraction import extract
from tests.nlp_fixtures import approx_eq, find

if TYPE_CHECKING:
    from spacy.language import Language


CASES = [
    # sentence, figure, value, low, high, unit, qualifier
    ("Japan backed the $44bn Alaska LNG project.", "$44bn", 44e9, 43.5e9, 44.5e9, "USD", "exact"),
    ("The fund holds US$1.2 billion in bonds.", "US$1.2 billion", 1.2e9, 1.15e9, 1.25e9, "USD", "exact"),
    ("Japan has provided 11 billion euros in aid.", "11 billion euros", 11e9, 10.5e9, 11.5e9, "EUR", "exact"),
    ("The EU pledged €50m for schools.", "€50m", 50e6, 49.5e6, 50.5e6, "EUR", "exact"),
    ("Tokyo set aside ¥1.2 trillion for defence.", "¥1.2 trillion", 1.2e12, 1.15e12, 1.25e12, "JPY", "exact"),
    ("The city spent 100 million yen on repairs.", "100 million yen", 100e6, 99.5e6, 100.5e6, "JPY", "exact"),
    ("Britain will spend £3bn on ships.", "£3bn", 3e9, 2.5e9, 3.5e9, "GBP", "exact"),
    ("The state approved Rs 500 crore for roads.", "Rs 500 crore", 5e9, 4.995e9, 5.005e9, "INR", "exact"),
    ("The grant was Rs 20 lakh.", "Rs 20 lakh", 2e6, 1.95e6, 2.05e6, "INR", "exact"),
    ("It cost EUR 50m to build.", "EUR 50m", 50e6, 49.5e6, 50.5e6, "EUR", "exact"),
    ("A loan of 300 million dollars was signed.", "300 million dollars", 300e6, 299.5e6, 300.5e6, "USD", "exact"),
    ("Aid includes $100 million in loans.", "$100 million", 100e6, 99.5e6, 100.5e6, "USD", "exact"),
    ("He paid $1,250 for the ticket.", "$1,250", 1250, 1250, 1250, "USD", "exact"),
    ("Exports rose to 2.5 trillion yuan.", "2.5 trillion yuan", 2.5e12, 2.45e12, 2.55e12, "CNY", "exact"),
    ("Kyiv asked for more than $5bn in credits.", "more than $5bn", 5e9, 5e9, None, "USD", "more_than"),
    # approx keeps the wider of ±10% and the rounding step of `2 billion` (±0.5bn)
    ("The package is worth about €2 billion.", "about €2 billion", 2e9, 1.5e9, 2.5e9, "EUR", "approx"),
    ("The package is worth about €2.4 billion.", "about €2.4 billion", 2.4e9, 2.16e9, 2.64e9, "EUR", "approx"),
    ("Fines of up to £10,000 apply.", "up to £10,000", 10_000, 0, 10_000, "GBP", "at_most"),
    ("The deal costs less than $1m.", "less than $1m", 1e6, 0, 1e6, "USD", "less_than"),
    ("Spending of at least $300bn is planned.", "at least $300bn", 300e9, 300e9, None, "USD", "at_least"),
]


@pytest.mark.parametrize(("sentence", "figure", "value", "low", "high", "unit", "qualifier"), CASES)
def test_money(
    blank_nlp: Language,
    sentence: str,
    figure: str,
    value: float,
    low: float | None,
    high: float | None,
    unit: str,
    qualifier: str,
) -> None:
    """Each money form gives the ISO code and the interval its precision and qualifier imply."""
    claim = find(extract(sentence, nlp=blank_nlp).claims, figure)
    assert claim.kind == "money"
    assert claim.text == figure
    assert claim.unit == unit
    assert claim.qualifier == qualifier
    assert approx_eq(claim.value, value)
    assert approx_eq(claim.low, low) and approx_eq(claim.high, high)


@pytest.mark.parametrize(
    ("sentence", "figure", "low", "high", "unit"),
    [
        ("It will cost between $2bn and $3bn.", "$2bn and $3bn", 2e9, 3e9, "USD"),
        ("Estimates run to $2-3 billion.", "$2-3 billion", 2e9, 3e9, "USD"),
        ("Bids ranged from 10 to 20 million euros.", "10 to 20 million euros", 10e6, 20e6, "EUR"),
    ],
)
def test_money_ranges(blank_nlp: Language, sentence: str, figure: str, low: float, high: float, unit: str) -> None:
    """A range has no point value; the magnitude written once covers both ends."""
    claim = find(extract(sentence, nlp=blank_nlp).claims, figure)
    assert (claim.kind, claim.qualifier, claim.value, claim.unit) == ("money", "range", None, unit)
    assert approx_eq(claim.low, low) and approx_eq(claim.high, high)


def test_two_equal_amounts_in_one_sentence(blank_nlp: Language) -> None:
    """Repeated figures are separate claims with their own offsets."""
    ex = extract("In addition to $100 million in aid and an additional $100 million in loans, more.", nlp=blank_nlp)
    money = [c for c in ex.claims if c.kind == "money"]
    assert [c.text for c in money] == ["$100 million", "$100 million"]
    assert money[0].start != money[1].start


@pytest.mark.model
def test_money_subject_and_attribution(model_nlp: Language) -> None:
    """The subject comes from the parse, with aliases resolved; `According to X` attributes."""
    text = (
        "According to the Kiel Institute for the World Economy, Tokyo has provided 11 billion euros "
        "in aid to Ukraine from February 2022 through December 2024."
    )
    claim = find(extract(text, published="2025-03", nlp=model_nlp).claims, "11 billion euros")
    assert claim.subject == "Japan"
    assert claim.attribution == "Kiel Institute for the World Economy"
    assert claim.period is not None and (claim.period.start, claim.period.end) == ("2022-02", "2024-12")
    assert claim.as_of == "2024-12"
    assert "aid" in claim.context.split()


@pytest.mark.parametrize(
    ("sentence", "figure", "value", "unit"),
    [
        # symbols split from the number, lower-cased letter prefixes (tokenised wire copy)
        ("the simulator costs c $ 16.4 million .", "c $ 16.4 million", 16.4e6, "CAD"),
        ("exports fell to hk $ 10.05 billion .", "hk $ 10.05 billion", 10.05e9, "HKD"),
        ("russia accepted a us $ 150 million loan .", "us $ 150 million", 150e6, "USD"),
        ("Sell Mex$ 10 million forward.", "Mex$ 10 million", 10e6, "MXN"),
        ("It costs usd$ 15 today.", "usd$ 15", 15, "USD"),
        # ISO codes glued to the number, and currency words after it
        ("The fee is 115USD.", "115USD", 115, "USD"),
        ("They lost 75 USD million last year.", "75 USD million", 75e6, "USD"),
        ("Losses in excess of 30 MUSD were reported.", "30 MUSD", 30e6, "USD"),
        ("Nokia paid 420 million finnish markka.", "420 million finnish markka", 420e6, "FIM"),
        ("Output broke 100 billion yuan.", "100 billion yuan", 100e9, "CNY"),
        ("It was 40 rmb and 20 usd.", "40 rmb", 40, "CNY"),
        ("It was 40 rmb and 20 usd.", "20 usd", 20, "USD"),
        ("A share costs 10 turkish lira.", "10 turkish lira", 10, "TRY"),
        ("It costs half million usd.", "half million usd", 0.5e6, "USD"),
        ("It costs a quarter million us dollars.", "a quarter million us dollars", 0.25e6, "USD"),
        ("a 12-cent-a-share dividend", "12-cent", 0.12, "USD"),
        ("The book is 100 ₡ now.", "100 ₡", 100, "CRC"),
        ("The cost is 100元!", "100元", 100, "CNY"),
    ],
)
def test_currency_forms(blank_nlp: Language, sentence: str, figure: str, value: float, unit: str) -> None:
    """Prefixes in any case and spacing, glued codes, words after the number, `M` for millions."""
    claims = [c for c in extract(sentence, nlp=blank_nlp).claims if figure in c.text or c.text in figure]
    claim = next(c for c in claims if c.unit == unit)
    assert claim.kind == "money"
    assert approx_eq(claim.value, value, rel=1e-3)


@pytest.mark.parametrize(
    "sentence",
    [
        "ALL 5 solutions are wrong.",  # ALL is a code (Albanian lek) but shouted English here
        "The company's $5 billion deal closed.",  # `s $5` is not Singapore dollars
        "They paid a $5 fee.",  # `a $5` is not Australian dollars
    ],
)
def test_ambiguous_currency_tokens(blank_nlp: Language, sentence: str) -> None:
    units = {c.unit for c in extract(sentence, nlp=blank_nlp).claims if c.kind == "money"}
    assert units <= {"USD"}
