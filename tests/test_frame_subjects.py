"""Who a figure is about, from the parse: sentences of our own from many beats (no gold text)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from claims.extraction import extract
from claims.frame.entities import acronyms_of
from tests.nlp_fixtures import find

if TYPE_CHECKING:
    from spacy.language import Language


@pytest.mark.parametrize(
    ("text", "short", "full"),
    [
        ("The 2025 Regional Response Plan (RRP) asks for $2 billion.", "RRP", "Regional Response Plan"),
        ("The Office for National Statistics (ONS) said inflation fell.", "ONS", "Office for National Statistics"),
        ("the Memorandum of Understanding (MoU) signed in 2016", "MoU", "Memorandum of Understanding"),
        ("the World Anti-Doping Agency, or WADA, said", "WADA", "World Anti-Doping Agency"),
        ("the Federal Aviation Administration (FAA) grounded", "FAA", "Federal Aviation Administration"),
    ],
)
def test_acronyms_a_text_defines(text: str, short: str, full: str) -> None:
    """`Long Form (LF)` and `Long Form, or LF,` define LF; the long form's initials spell it."""
    assert acronyms_of(text)[short] == full


@pytest.mark.parametrize(
    "text",
    ["The quake struck at 01:17 (UTC) on Monday.", "Turnout was 61% (provisional).", "The score was 2-1 (AET)."],
)
def test_a_parenthesis_that_spells_nothing_defines_nothing(text: str) -> None:
    assert acronyms_of(text) == {}


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "figure", "subject"),
    [
        # an acronym the article defined is the long form's subject
        (
            "The Regional Response Plan (RRP) was launched in Geneva. By June the RRP was 40 percent funded.",
            "40 percent",
            "Regional Response Plan",
        ),
        (
            "The Office for National Statistics (ONS) publishes the index monthly. "
            "The ONS counted 1.2 million job vacancies in May.",
            "1.2 million",
            "Office for National Statistics",
        ),
    ],
)
def test_defined_acronym_subject(model_nlp: Language, text: str, figure: str, subject: str) -> None:
    assert find(extract(text, nlp=model_nlp).claims, figure).subject == subject


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "figure", "subject"),
    [
        # a list of figures, each with its own `in <place>`: not the previous item's place
        (
            "Officials counted the following votes: 120,400 in Ohio, 98,300 in Michigan and 77,100 in Wisconsin.",
            "98,300",
            "Michigan",
        ),
        (
            "Cases rose sharply last week: 3,200 in Lagos, 1,150 in Kano and 640 in Abuja.",
            "1,150",
            "Kano",
        ),
        # the figure is the subject of a verb located `in` a place
        ("After the storm in Bangladesh, at least 85 people were killed in Chittagong.", "at least 85", "Chittagong"),
    ],
)
def test_a_figures_own_place(model_nlp: Language, text: str, figure: str, subject: str) -> None:
    assert find(extract(text, nlp=model_nlp).claims, figure).subject == subject


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "figure", "subject"),
    [
        # a definite common noun refers back to the name it stands for
        (
            "The cruise liner Aurora Star left Genoa on Friday, bound for Barcelona, when the ship "
            "ran aground on 14 March 2025.",
            "14 March 2025",
            "Aurora Star",
        ),
        (
            "Denali dominates the Alaska Range. Surveyors from Canada and the United States said the "
            "peak stands at 6,190 metres.",
            "6,190 metres",
            "Denali",
        ),
        # a nationality says where a thing is from, its own name says what it is
        (
            "The Norwegian tanker Nordic Breeze ran aground off the coast of Portugal on 3 May 2024.",
            "3 May 2024",
            "Nordic Breeze",
        ),
    ],
)
def test_back_references_and_own_names(model_nlp: Language, text: str, figure: str, subject: str) -> None:
    assert find(extract(text, nlp=model_nlp).claims, figure).subject == subject


@pytest.mark.model
def test_the_city_never_refers_back_to_a_person(model_nlp: Language) -> None:
    """`the city` fits a place, never the person who was the last subject."""
    text = "Mayor Karen Bass spoke on Tuesday. Los Angeles approved the plan. The city will spend $1.2 billion on it."
    assert find(extract(text, nlp=model_nlp).claims, "$1.2 billion").subject != "Karen Bass"


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "figure", "subject"),
    [
        # what an event did belongs to the named event, not the place it hit or who counted
        ("County officials said the Palisades fire had destroyed 6,800 structures by Sunday.", "6,800", "Palisades"),
        ("Officials in Florida said the death toll from Hurricane Ian rose to 101.", "101", "Hurricane Ian"),
        ("Police in Kerala counted 42 dead after the Wayanad landslide.", "42", "Wayanad landslide"),
        ("Insurers put the losses from Spain's Valencia floods at 3.5 billion euros.", "3.5 billion euros", "Valencia"),
        # an unnamed `the quake` later on is the event the article named before
        (
            "The Noto earthquake struck on New Year's Day. Rescuers said the quake had killed at least 240 people.",
            "at least 240",
            "Noto earthquake",
        ),
    ],
)
def test_outcomes_of_a_named_event(model_nlp: Language, text: str, figure: str, subject: str) -> None:
    claim = find(extract(text, nlp=model_nlp).claims, figure)
    assert claim.subject is not None and subject in claim.subject


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "figure", "subject"),
    [
        # a pledge is the donor's act, whatever event it answers
        ("Germany pledged $50 million after the Izmir earthquake.", "$50 million", "Germany"),
        # a generic event noun names no event: the usual rules apply
        ("Flooding in Kenya killed 38 people, and the floods also cut roads.", "38", "Kenya"),
    ],
)
def test_not_outcomes_of_a_named_event(model_nlp: Language, text: str, figure: str, subject: str) -> None:
    assert find(extract(text, nlp=model_nlp).claims, figure).subject == subject


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "figure", "subject"),
    [
        # people on the move are the figure of where they go
        ("The agency expects that 40,000 migrants will reach Italy this summer.", "40,000", "Italy"),
        ("Officials said 12,000 evacuees had entered Poland by Sunday.", "12,000", "Poland"),
        # a property belongs to whoever has it, not to who measured it
        ("Census officials in Abuja put the population of Lagos at 15.4 million.", "15.4 million", "Lagos"),
    ],
)
def test_destinations_and_property_holders(model_nlp: Language, text: str, figure: str, subject: str) -> None:
    assert find(extract(text, nlp=model_nlp).claims, figure).subject == subject


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "figure", "subject"),
    [
        # the giver named on a pledge, not the official who announced it
        (
            "At the summit, Olaf Scholz announced a German commitment of $2 billion for climate finance.",
            "$2 billion",
            "Germany",
        ),
        (
            "Ursula von der Leyen presented the EU's pledge of 500 million euros for Sudan.",
            "500 million euros",
            "European Union",
        ),
        # where the dead were counted, not who counted them
        ("In Chile, rescue teams and the Santiago government counted 131 deaths.", "131", "Chile"),
    ],
)
def test_givers_and_places_of_outcomes(model_nlp: Language, text: str, figure: str, subject: str) -> None:
    assert find(extract(text, nlp=model_nlp).claims, figure).subject == subject


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "figure", "subject"),
    [
        ("Schools in Kano reopened, and UNICEF's estimate of children who stayed at home was 4,000.", "4,000", "Kano"),
        ("The World Bank's projection for growth in Kenya this year is 5.2%.", "5.2%", "Kenya"),
        ("The Health Ministry's count of new cases in Lima was 3,100 on Friday.", "3,100", "Lima"),
    ],
)
def test_who_made_a_count_is_not_what_it_is_about(model_nlp: Language, text: str, figure: str, subject: str) -> None:
    """The parse's holder (`subject_of`) skips a name that only made the count or estimate."""
    from claims.frame.entities import people_of
    from claims.frame.subjects import subject_of

    doc = model_nlp(text)
    span = next(s for s in doc.spans["claims"] if s.text.startswith(figure))
    assert subject_of(span, people_of(doc)) == subject


@pytest.mark.model
@pytest.mark.parametrize(
    "title", ["Floods in April kill 20 in Kenya", "Turnout on Sunday hits record in Chile", "Budget vote due Monday"]
)
def test_a_titles_dates_are_not_topic_names(model_nlp: Language, title: str) -> None:
    from claims.frame.topic import topic_of

    names = topic_of(model_nlp("The figures were published on Tuesday."), title).names
    assert not {"April", "Sunday", "Monday"} & set(names)


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "figure", "subject"),
    [
        (
            "Heavy rain fell across Bavaria, and in and around Passau the river burst its banks. "
            "Water covered about 30 percent of the city.",
            "about 30 percent",
            "Passau",
        ),
        (
            "Storms hit New South Wales overnight, and crews in Lismore worked until dawn. "
            "By Friday power was back in 85 percent of the town.",
            "85 percent",
            "Lismore",
        ),
    ],
)
def test_a_share_of_the_city(model_nlp: Language, text: str, figure: str, subject: str) -> None:
    assert find(extract(text, nlp=model_nlp).claims, figure).subject == subject
