"""Date claims in context: precision, year-less resolution, relative dates, bylines, periods."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from claims.extraction import extract
from claims.models import Period
from tests.nlp_fixtures import find

if TYPE_CHECKING:
    from spacy.language import Language


@pytest.mark.parametrize(
    ("sentence", "published", "figure", "iso"),
    [
        ("On 23 March 2022, the president spoke.", None, "23 March 2022", "2022-03-23"),
        ("He visited the White House on Feb. 7, 2025.", None, "Feb. 7, 2025", "2025-02-07"),
        ("He visited Russia in April 2013.", None, "April 2013", "2013-04"),
        ("A survey was conducted in late February 2022.", None, "late February 2022", "2022-02"),
        ("Recognition has held since the 1950s.", None, "the 1950s", "1950s"),
        ("Russia annexed Crimea in 2014.", None, "2014", "2014"),
        ("The islands were occupied since 1945.", None, "1945", "1945"),
        ("In 2005, budgets were equal.", None, "2005", "2005"),
        ("The treaty was signed in 1960.", None, "1960", "1960"),
        ("They met on February 11 in Melbourne.", "2022-02", "February 11", "2022-02-11"),
        ("They met in November in Glasgow.", "2022-02", "November", "2021-11"),
        ("The first cargo should arrive in March.", "2022-02", "March", "2022-03"),
        ("He will leave his post in mid-April.", "2025-02-21", "mid-April", "2025-04"),
        ("This was most evident earlier in February.", "2025-02-21", "earlier in February", "2025-02"),
        ("The minister resigned on Wednesday.", "2025-02-21", "Wednesday", "2025-02-19"),
        ("The minister resigned on Wednesday.", "2025-02", "Wednesday", "2025-02"),
        ("Spending rose through the 2000s.", None, "the 2000s", "2000s"),
    ],
)
def test_dates(blank_nlp: Language, sentence: str, published: str | None, figure: str, iso: str) -> None:
    """Dates keep the precision of the text; year-less and relative ones use `published`."""
    claim = find(extract(sentence, published=published, nlp=blank_nlp).claims, figure)
    assert (claim.kind, claim.text, claim.date) == ("date", figure, iso)
    assert claim.value is None


def test_year_from_the_previous_sentence(blank_nlp: Language) -> None:
    """A nearby year (in a date with a month) beats the publication-date rule."""
    ex = extract(
        "A poll ran in late February 2022. By March 24, refugees had arrived.", published="2023-01-05", nlp=blank_nlp
    )
    assert find(ex.claims, "March 24").date == "2022-03-24"


def test_bare_years_do_not_lend_their_year(blank_nlp: Language) -> None:
    """`signed in 1960` dates another event: `March 6` still resolves against publication."""
    ex = extract("On March 6, he said the pact, signed in 1960, was one-sided.", published="2025-03", nlp=blank_nlp)
    assert find(ex.claims, "March 6").date == "2025-03-06"


def test_year_range_is_dated_by_its_start(blank_nlp: Language) -> None:
    claim = find(extract("They fought in 1904-05 and in 1945.", nlp=blank_nlp).claims, "1904-05")
    assert (claim.kind, claim.date) == ("date", "1904")


@pytest.mark.parametrize(
    "text",
    [
        "By bno - Taipei Bureau February 21, 2025\n\nJapan gave aid.",
        "Jane Doe November 27, 2022\n\nJapan gave aid.",
        "Japan gave aid.\n\nPublished in The Daily, November 27th, 2022.",
        "Japan gave aid.\n\nUpdated: March 3, 2024",
    ],
)
def test_bylines_and_datelines_are_not_claims(blank_nlp: Language, text: str) -> None:
    assert [c.text for c in extract(text, published="2025-02-21", nlp=blank_nlp).claims] == []


def test_today_frames_a_figure_and_is_not_a_date(blank_nlp: Language) -> None:
    ex = extract("Around 2,000 remain in Japan today.", published="2025-02-21", nlp=blank_nlp)
    assert [c.kind for c in ex.claims] == ["count"]
    assert ex.claims[0].as_of == "2025-02-21"


def test_period_scopes_the_figure_and_is_one_date_claim(blank_nlp: Language) -> None:
    """A period written as two dates is ONE date claim (date = its start, period set) that also
    scopes the figures after it (issue 14; rules-4 dropped the bounds as claims)."""
    ex = extract(
        "Japan has provided 11 billion euros in aid from February 2022 through December 2024.",
        published="2025-03",
        nlp=blank_nlp,
    )
    assert [c.kind for c in ex.claims] == ["money", "date"]
    period = ex.claims[0].period
    assert period is not None and (period.start, period.end) == ("2022-02", "2024-12")
    date = ex.claims[1]
    assert (date.text, date.date, date.period) == ("February 2022 through December 2024", "2022-02", period)


def test_period_without_figure_is_one_date(blank_nlp: Language) -> None:
    ex = extract("He served from March 2019 to June 2021.", nlp=blank_nlp)
    assert [(c.text, c.date) for c in ex.claims] == [("March 2019 to June 2021", "2019-03")]
    assert ex.claims[0].period == Period(start="2019-03", end="2021-06")


@pytest.mark.model
def test_date_subject_from_parse(model_nlp: Language) -> None:
    ex = extract(
        "On February 17, Kishida pledged continued diplomatic efforts during a phone call with Vladimir Putin.",
        published="2022-03",
        nlp=model_nlp,
    )
    claim = find(ex.claims, "February 17")
    assert claim.date == "2022-02-17"
    assert claim.subject == "Fumio Kishida"
    assert "pledge" in claim.context.split()


@pytest.mark.parametrize(
    ("sentence", "published", "figure", "iso"),
    [
        ("I'll be out june 2016.", None, "june 2016", "2016-06"),
        ("I'll be out 2016 November.", None, "2016 November", "2016-11"),
        ("I'll be out 2016, nov.", None, "2016, nov", "2016-11"),
        ("I'll be out November , 2016.", None, "November , 2016", "2016-11"),
        ("I'll go back 2019-sep-1.", None, "2019-sep-1", "2019-09-01"),
        ("I'll go back 2019/sep/01.", None, "2019/sep/01", "2019-09-01"),
        ("I'll go back Oct-2.", "2016-11-07", "Oct-2", "2016-10-02"),
        ("I'll go back Oct/2.", "2016-11-07", "Oct/2", "2016-10-02"),
        ("i'll go back monday january 12th, 2016.", None, "monday january 12th, 2016", "2016-01-12"),
        ("It closed 16. Nov. 2016 at noon.", None, "16. Nov. 2016", "2016-11-16"),
        ("We had a meeting 5 December 1391.", None, "5 December 1391", "1391-12-05"),
        ("It fell 6,107.31 August 2019.", None, "August 2019", "2019-08"),
        ("I'll be out next june.", "2016-11-07", "next june", "2017-06"),
        ("I'll be out last sept.", "2016-11-07", "last sept", "2016-09"),
        ("I'll be out june next year.", "2016-11-07", "june next year", "2017-06"),
        ("I'll be out February.", "2016-06-07", "February", "2016-02"),
        ("It was built in the 70s.", None, "the 70s", "1970s"),
        ("It was built in the '40s.", None, "the '40s", "1940s"),
        ("It was built in the 1970's.", None, "the 1970's", "1970s"),
        ("It was built in the seventies.", None, "the seventies", "1970s"),
        ("It was built in the noughties.", None, "the noughties", "2000s"),
    ],
)
def test_more_date_forms(blank_nlp: Language, sentence: str, published: str | None, figure: str, iso: str) -> None:
    """Lower-case months, year-first order, `Mon-D`, old years with a day, decades, next/last month."""
    claim = find(extract(sentence, published=published, nlp=blank_nlp).claims, figure)
    assert (claim.kind, claim.date) == ("date", iso)


@pytest.mark.parametrize(
    "sentence",
    [
        "In 2016, May became prime minister.",  # Theresa May, not the month
        "People in their 70s voted.",  # an age
        "An august institution met.",  # the adjective
        "They may march 5 km.",
    ],
)
def test_month_and_decade_look_alikes(blank_nlp: Language, sentence: str) -> None:
    dates = [c.date for c in extract(sentence, nlp=blank_nlp).claims if c.kind == "date"]
    assert all(not d or ("-" not in d and not d.endswith("s")) for d in dates), dates


@pytest.mark.parametrize(("text", "iso"), [("Feb 29th", "2016-02-29"), ("In the 1970s", "1970s")])
def test_a_short_line_with_only_a_date_phrase_is_no_dateline(blank_nlp: Language, text: str, iso: str) -> None:
    """Datelines name someone or carry a full date; `In the 1970s` or `Feb 29th` alone are claims."""
    assert [c.date for c in extract(text, published="2016-11-07", nlp=blank_nlp).claims] == [iso]


@pytest.mark.model
@pytest.mark.parametrize(
    ("sentence", "figure", "subject", "about"),
    [
        # a date attached to an event noun: who acts in that event, and the event
        (
            "Since the bitter quarrel between Macron and Meloni on March 3, the Spanish government has been cautious.",
            "March 3",
            "Macron",
            "bitter quarrel between Macron and Meloni",
        ),
        # the event clause's verb with its prepositional phrase
        (
            "On 12 May 2021, President Macron appeared before the German parliament.",
            "12 May 2021",
            "Macron",
            "appeared before German parliament",
        ),
        # a light verb gives way to its object
        (
            "Since March 2, Serbia has engaged in continuous military action against Kosovo.",
            "March 2",
            "Serbia",
            "continuous military action against Kosovo",
        ),
        # the `when` clause says what happened at the date
        (
            "This was evident earlier in May, when Macron flew to Washington.",
            "earlier in May",
            "Macron",
            "flew to Washington",
        ),
    ],
)
def test_date_subject_and_about(model_nlp: Language, sentence: str, figure: str, subject: str, about: str) -> None:
    claim = find(extract(sentence, published="2024-06-01", nlp=model_nlp).claims, figure)
    assert (claim.subject, claim.about) == (subject, about)


@pytest.mark.model
def test_event_noun_takes_its_agent_from_elsewhere_in_the_text(model_nlp: Language) -> None:
    ex = extract(
        "Russia's annexation of Crimea shocked Europe. Poland condemned the 2014 annexation.",
        published="2024-05-01",
        nlp=model_nlp,
    )
    claim = find(ex.claims, "2014")
    assert claim.subject == "Russia"
    assert claim.about == "annexation"


@pytest.mark.parametrize(
    "sentence",
    [
        "He spoke to Kyodo News this week.",
        "The minister resigned this morning.",
        "Japan is reviewing its strategy this year.",
        "Last week the agency revised the toll.",
    ],
)
def test_relative_periods_are_not_date_claims(blank_nlp: Language, sentence: str) -> None:
    """`this week`, `this morning`, `this year`, `last week` say only roughly when: no date claim
    (issue 14: the dev corpus's false positives); they still resolve (see tests/test_dates.py)."""
    assert [c for c in extract(sentence, published="2025-02-21", nlp=blank_nlp).claims if c.kind == "date"] == []
