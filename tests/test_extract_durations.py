"""Durations with halves and compounds, written fractions, and `pounds` as weight or money.

Sentences from many beats (disasters, courts, sport, health, transport, business, science), written
for these tests. A compound duration is one claim in its smaller unit; a fraction is part of the
number it ends (`2 1/2 years` is 2.5 years, never a count of 2); `N pounds` is a weight when the
words around it say so (`weighed`, `of cocaine`), else money.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from claims.extraction import extract
from claims.text.numbers import is_fraction_number, parse_number
from tests.nlp_fixtures import find

if TYPE_CHECKING:
    from spacy.language import Language

PUB = "2024-06-12"

# sentence, figure, value, unit
DURATIONS = [
    ("Rescuers searched the rubble for two and a half days.", "two and a half days", 2.5, "day"),
    ("The flight to Lagos took three and a half hours.", "three and a half hours", 3.5, "hour"),
    ("The strike lasted one and a half hours.", "one and a half hours", 1.5, "hour"),
    ("Polls stayed open for an hour and a half longer.", "an hour and a half", 1.5, "hour"),
    ("The siege of the city lasted a year and a half.", "a year and a half", 1.5, "year"),
    ("The minister spoke for half an hour.", "half an hour", 0.5, "hour"),
    ("The trial was adjourned for half a day.", "half a day", 0.5, "day"),
    ("Power returned after a quarter of an hour.", "a quarter of an hour", 0.25, "hour"),
    ("He served 2 1/2 years in prison for fraud.", "2 1/2 years", 2.5, "year"),
    ("Crews cleared the motorway in 1 1/2 hours.", "1 1/2 hours", 1.5, "hour"),
    ("The ceasefire held for 3½ weeks.", "3½ weeks", 3.5, "week"),
    ("The ship hit the iceberg two hours and forty minutes earlier.", "two hours and forty minutes", 160, "minute"),
    ("The march lasted three hours and 20 minutes.", "three hours and 20 minutes", 200, "minute"),
    ("She was jailed for three years and six months.", "three years and six months", 42, "month"),
    ("The winner finished in 2 hours, 1 minute and 9 seconds.", "2 hours, 1 minute and 9 seconds", 7269, "second"),
    ("The outage lasted 1 day and 6 hours.", "1 day and 6 hours", 30, "hour"),
    ("The drought has gone on for two decades and three years.", "two decades and three years", 23, "year"),
    ("The firm was fined after a delay of one week three days.", "one week three days", 10, "day"),
    ("The alarm sounded within 10 seconds of the tremor.", "10 seconds", 10, "second"),
    ("He was banned from driving for one year.", "one year", 1, "year"),
]


@pytest.mark.parametrize(("sentence", "figure", "value", "unit"), DURATIONS)
def test_durations_with_halves_and_compounds(
    blank_nlp: Language, sentence: str, figure: str, value: float, unit: str
) -> None:
    claim = find(extract(sentence, published=PUB, nlp=blank_nlp).claims, figure)
    assert claim.text == figure
    assert (claim.kind, claim.unit) == ("duration", unit)
    assert claim.value == pytest.approx(value)


@pytest.mark.parametrize(
    "sentence",
    [
        "One day, the river simply rose.",  # an idiom, not one day
        "One of the victims was a nurse.",
        "The team trailed 1/2 at the break before drawing level.",  # a score-like pair
        "Voting runs 24/7 at the 9/11 memorial.",
        "The match was played on 3/4 and won easily.",
    ],
)
def test_not_durations_nor_counts(blank_nlp: Language, sentence: str) -> None:
    claims = extract(sentence, published=PUB, nlp=blank_nlp).claims
    assert not [c for c in claims if c.kind in ("duration", "count")], [c.text for c in claims]


def test_two_durations_of_different_things_stay_apart(blank_nlp: Language) -> None:
    """Only a larger then a smaller unit, joined directly, make one duration."""
    claims = extract("The talks took 20 minutes, then 3 hours of voting.", nlp=blank_nlp).claims
    assert sorted((c.value, c.unit) for c in claims if c.kind == "duration") == [(3.0, "hour"), (20.0, "minute")]


# sentence, figure, value in canonical units (tonnes for mass, kilometres for length)
FRACTIONS_WITH_UNITS = [
    ("The storm dropped 3/4 inch of rain on the coast.", "3/4 inch", 0.75 * 2.54e-5),
    ("Evacuees walked 1/2 mile to the shelter.", "1/2 mile", 0.5 * 1.609344),
    ("The fault moved 2 1/2 metres in the quake.", "2 1/2 metres", 0.0025),
    ("The newborn weighed 7 1/2 pounds.", "7 1/2 pounds", 7.5 * 0.45359237e-3),
]


@pytest.mark.parametrize(("sentence", "figure", "value"), FRACTIONS_WITH_UNITS)
def test_fractions_before_a_unit(blank_nlp: Language, sentence: str, figure: str, value: float) -> None:
    claim = find(extract(sentence, published=PUB, nlp=blank_nlp).claims, figure)
    assert claim.kind == "quantity"
    assert claim.value == pytest.approx(value, rel=1e-6)


def test_mixed_numbers_scale_with_magnitudes(blank_nlp: Language) -> None:
    claim = find(extract("About 2½ million people were displaced by the floods.", nlp=blank_nlp).claims, "2½")
    assert claim.value == pytest.approx(2.5e6)
    claim = find(extract("Some 2 1/2 million voters turned out.", nlp=blank_nlp).claims, "2 1/2 million")
    assert (claim.low, claim.high) == (pytest.approx(2.25e6), pytest.approx(2.75e6))  # rounded to the half
    claim = find(extract("The budget adds two and a half billion dollars.", nlp=blank_nlp).claims, "billion")
    assert (claim.kind, claim.unit, claim.value) == ("money", "USD", pytest.approx(2.5e9))


@pytest.mark.parametrize(
    ("text", "value"),
    [("2 1/2", 2.5), ("3/4", 0.75), ("7½", 7.5), ("½", 0.5), ("two and a half", 2.5), ("six and three quarters", 6.75)],
)
def test_parse_fraction_numbers(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)
    assert is_fraction_number(text)


def test_plain_numbers_are_not_fractions() -> None:
    assert not is_fraction_number("2,700")
    assert not is_fraction_number("twenty-five")
    with pytest.raises(ValueError):
        parse_number("24/7")


# `pounds`: sentence, figure, kind
POUNDS = [
    ("The newborn weighed 9 pounds at birth.", "9 pounds", "quantity"),
    ("The champion weighed in at 2,749 pounds, a record pumpkin.", "2,749 pounds", "quantity"),
    ("Customs officers seized 40 pounds of cocaine at the port.", "40 pounds", "quantity"),
    ("The boxer lost 12 pounds before the fight.", "12 pounds", "quantity"),
    ("The bag was heavier by 3 pounds than allowed.", "3 pounds", "quantity"),
    ("Farmers harvested 500 pounds of potatoes.", "500 pounds", "quantity"),
    ("She was fined 5 pounds for dropping litter.", "5 pounds", "money"),
    ("A ticket now costs 12 pounds.", "12 pounds", "money"),
    ("The club lost 5 million pounds last season.", "5 million pounds", "money"),
    ("The council spent 3 million pounds of public money on the bridge.", "3 million pounds", "money"),
    ("The fund raised 20,000 pounds sterling for the victims.", "20,000 pounds sterling", "money"),
    ("A pint costs £5 in the capital.", "£5", "money"),
]


@pytest.mark.parametrize(("sentence", "figure", "kind"), POUNDS)
def test_pounds_by_context(blank_nlp: Language, sentence: str, figure: str, kind: str) -> None:
    claim = find(extract(sentence, published=PUB, nlp=blank_nlp).claims, figure)
    assert claim.kind == kind
    if kind == "quantity":
        assert claim.unit == "tonne"
    else:
        assert claim.unit == "GBP"


def test_ages_in_shorthand_are_not_counts(blank_nlp: Language) -> None:
    claims = extract("The patient is a 87 yo man with a history of hypertension.", nlp=blank_nlp).claims
    assert not [c for c in claims if c.kind == "count"]
