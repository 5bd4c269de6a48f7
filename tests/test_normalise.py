"""Pure normalisers: numbers, magnitudes, rounding precision, qualifiers, currencies."""

from __future__ import annotations

import pytest

from claims.text.normalise import currency_code, interval, qualifier_of
from claims.text.numbers import magnitude_of, parse_number, rounding_step, singular


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2,700", 2700),
        ("1.5", 1.5),
        ("188", 188),
        ("eight", 8),
        ("Eight", 8),
        ("twenty-five", 25),
        ("ninety nine", 99),
        ("a dozen", 12),
        ("1,234,567.5", 1234567.5),
        (".5", 0.5),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    """Digits with separators and written numbers parse to floats."""
    assert parse_number(text) == value


def test_parse_number_rejects_words() -> None:
    with pytest.raises(ValueError):
        parse_number("several")


@pytest.mark.parametrize(
    ("text", "mult"),
    [
        (None, 1),
        ("bn", 1e9),
        (" billion", 1e9),
        (" billions", 1e9),
        ("m", 1e6),
        (" million", 1e6),
        ("k", 1e3),
        (" crore", 1e7),
        (" lakh", 1e5),
        (" trillion", 1e12),
        (" hundred million", 1e8),
    ],
)
def test_magnitudes(text: str | None, mult: float) -> None:
    assert magnitude_of(text) == mult


@pytest.mark.parametrize(
    ("number", "mag", "step"),
    [
        ("11", 1e9, 0.5e9),
        ("44", 1e9, 0.5e9),
        ("1.5", 1e6, 0.05e6),
        ("1.25", 1e9, 0.005e9),
        ("2,700", 1, 0),
        ("188", 1, 0),
        ("eight", 1e6, 0.5e6),
    ],
)
def test_rounding_step(number: str, mag: float, step: float) -> None:
    """Magnitude-scaled figures carry the rounding of their last digit; full figures are exact."""
    assert rounding_step(number, mag) == pytest.approx(step)


@pytest.mark.parametrize(
    ("words", "qualifier"),
    [
        (None, "exact"),
        ("more than ", "more_than"),
        ("Over ", "more_than"),
        ("at least", "at_least"),
        ("less than", "less_than"),
        ("fewer than", "less_than"),
        ("under", "less_than"),
        ("up to", "at_most"),
        ("no more than", "at_most"),
        ("Around", "approx"),
        ("nearly", "approx"),
        ("an estimated", "approx"),
        ("some", "approx"),
        ("roughly", "approx"),
    ],
)
def test_qualifier_words(words: str | None, qualifier: str) -> None:
    assert qualifier_of(words) == qualifier


@pytest.mark.parametrize(
    ("value", "qualifier", "step", "expected"),
    [
        (188, "exact", 0, (188, 188, 188)),
        (11e9, "exact", 0.5e9, (11e9, 10.5e9, 11.5e9)),
        (2000, "approx", 0, (2000, 1800, 2200)),
        (2700, "more_than", 0, (2700, 2700, None)),
        (3, "at_least", 0, (3, 3, None)),
        (1, "less_than", 0, (1, 0, 1)),
        (50, "at_most", 0, (50, 0, 50)),
    ],
)
def test_interval(value: float, qualifier: str, step: float, expected: tuple[float, ...]) -> None:
    """Qualifiers map to intervals; None is an open end."""
    got = interval(value, qualifier, step)  # type: ignore[arg-type]
    assert got == pytest.approx(expected)


def test_interval_rejects_range() -> None:
    with pytest.raises(ValueError):
        interval(1, "range")


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("$", "USD"),
        ("US$", "USD"),
        ("€", "EUR"),
        ("£", "GBP"),
        ("¥", "JPY"),
        ("Rs", "INR"),
        ("euros", "EUR"),
        ("Euro", "EUR"),
        ("yen", "JPY"),
        ("dollars", "USD"),
        ("pounds sterling", "GBP"),
        ("yuan", "CNY"),
        ("roubles", "RUB"),
        ("EUR", "EUR"),
        ("CHF", "CHF"),
        ("NOK", "NOK"),
        ("XYZ", None),
        ("bananas", None),
    ],
)
def test_currency_code(token: str, code: str | None) -> None:
    """Symbols and words map to ISO 4217; any real ISO code passes through."""
    assert currency_code(token) == code


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("refugees", "refugee"),
        ("islands", "island"),
        ("Islands", "island"),
        ("diplomats", "diplomat"),
        ("countries", "country"),
        ("boxes", "box"),
        ("crisis", "crisis"),
    ],
)
def test_singular(word: str, lemma: str) -> None:
    assert singular(word) == lemma


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("one hundred and seventy", 170),
        ("three thousand nine hundred and sixty five", 3965),
        ("one thousand and five hundred", 1500),
        ("a hundred", 100),
        ("five hundred", 500),
        ("half", 0.5),
        ("a quarter", 0.25),
        ("three quarters", 0.75),
    ],
)
def test_parse_compound_and_fraction_words(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("c $", "CAD"),
        ("hk $", "HKD"),
        ("u.s $", "USD"),
        ("usd$", "USD"),
        ("nzd$", "NZD"),
        ("Mex$", "MXN"),
        ("MUSD", "USD"),
        ("MAUD", "AUD"),
        ("finnish markka", "FIM"),
        ("guilders", "NLG"),
        ("rmb", "CNY"),
        ("a $", None),
        ("abc$", None),
    ],
)
def test_currency_code_forms(token: str, code: str | None) -> None:
    """Tokenised and lower-cased prefixes, code+$ forms, `M` millions, withdrawn currencies."""
    assert currency_code(token) == code


def test_trie_pattern_matches_exactly_its_words() -> None:
    import re

    from claims.text.numbers import trie_pattern

    words = ["more than", "more than or equal to", "over", "at least"]
    pat = re.compile(trie_pattern(words))
    assert all(pat.fullmatch(w) for w in words)
    assert not any(pat.fullmatch(w) for w in ("more", "more than or", "overt", ""))


@pytest.mark.parametrize(
    ("words", "qualifier"),
    [
        ("larger than", "more_than"),
        ("bigger or equal than", "at_least"),
        ("equal to or more than", "at_least"),
        ("less than or equal to", "at_most"),
        ("smaller or equal than", "at_most"),
        ("exceed", "more_than"),
        ("surpassed", "more_than"),
        ("lower than", "less_than"),
    ],
)
def test_comparison_qualifiers(words: str, qualifier: str) -> None:
    assert qualifier_of(words) == qualifier
