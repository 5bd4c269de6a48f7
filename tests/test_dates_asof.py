"""A figure's own time: an earlier figure (`a month earlier`, `last year`) and a date stated right
after a figure (`412 in an estimate on 15 January`) give the figure that time as its as-of, not the
publication date. Two figures of different dates carry different as-of dates, so matching never
reads them as a conflict. Sentences from many beats, written for these tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from claims.extraction import extract
from claims.text.dateresolve import earlier_time, opens_sentence, stated_time
from tests.nlp_fixtures import find

if TYPE_CHECKING:
    from spacy.language import Language

PUB = "2024-06-12"  # a Wednesday

# the text right after a figure, the as-of it gives
AFTER = [
    (" a month earlier", "2024-05"),
    (" two years ago", "2022"),
    (" last year", "2023"),
    (" the previous week", "2024-06-05"),
    (" in the same period last year", "2023"),
    (" in the same quarter a year earlier", "2023"),
    (" in an estimate on 15 January", "2024-01-15"),
    (" in its report of 24 January", "2024-01-24"),
    (" in a Red Cross tally on Tuesday", None),  # a name inside: not a stated document phrase
    (" cases on Tuesday", "2024-06-11"),
    (" in 2019", "2019"),
    (" in March 2019", "2019-03"),
    (" in the first quarter of 2024", "2024-03"),
    (" in mid-2022", "2022-08"),
    (" in fiscal 2021", "2021"),
    (" as of Tuesday", "2024-06-11"),
    (" by the end of March", "2024-03"),
    (" in the year to March", "2024-03"),
    (" in the three months ending June 30", "2024-06-30"),
    (" in the 2019 election", "2019"),
    (" people in the capital", None),
    (" in aid", None),
    (" in the 1990s", None),  # a decade is no as-of
]


@pytest.mark.parametrize(("after", "iso"), AFTER)
def test_time_after_a_figure(after: str, iso: str | None) -> None:
    assert earlier_time(after, PUB) == iso


def test_stated_time_needs_a_publication_date_only_for_relative_dates() -> None:
    assert stated_time(" in 2019", None) == "2019"
    assert stated_time(" on Tuesday", None) is None


# sentence, figure, as-of
SENTENCES = [
    # disasters
    ("The agency put the toll at 412 in an estimate on 15 January, but now says 530 died.", "412", "2024-01-15"),
    ("The agency put the toll at 412 in an estimate on 15 January, but now says 530 died.", "530", PUB),
    ("About 6.5 million people have fled, up from 5.2 million a month earlier.", "5.2 million", "2024-05"),
    ("The Red Cross put the dead at 45,000 in its report of 24 January.", "45,000", "2024-01-24"),
    # budgets and business
    ("The company sold 3.1 million cars in 2019 and 2.8 million in 2020.", "3.1 million", "2019"),
    ("The company sold 3.1 million cars in 2019 and 2.8 million in 2020.", "2.8 million", "2020"),
    ("Exports reached $12 billion in the first quarter of 2024.", "$12 billion", "2024-03"),
    ("Profits were $2 billion, against $1.5 billion in the same period last year.", "$1.5 billion", "2023"),
    ("The plan appealed for $4.2 billion last year and $3.9 billion this year.", "$4.2 billion", "2023"),
    ("Prices rose 3% in the year to March, the statistics office said.", "3%", "2024-03"),
    # elections
    ("Turnout was 67 per cent in the 2019 election and 71 per cent this time.", "67 per cent", "2019"),
    ("The party won 41 seats in the 2019 vote, the commission said.", "41 seats", "2019"),
    # health
    ("The ministry reported 1,200 cases on Tuesday, up from 950 a week ago.", "950", "2024-06-05"),
    ("The ministry reported 1,200 cases on Tuesday, up from 950 a week ago.", "1,200", "2024-06-11"),
    ("Hospitals treated 8,000 patients two years ago.", "8,000", "2022"),
    # sport
    ("The club drew 42,000 fans last month, its best crowd since 2015.", "42,000", "2024-05"),
]


@pytest.mark.parametrize(("sentence", "figure", "as_of"), SENTENCES)
def test_figures_carry_their_own_time(blank_nlp: Language, sentence: str, figure: str, as_of: str) -> None:
    claims = [c for c in extract(sentence, published=PUB, nlp=blank_nlp).claims if c.kind != "date"]
    assert find(claims, figure).as_of == as_of


def test_two_figures_of_different_dates_differ(blank_nlp: Language) -> None:
    """The earlier figure's as-of differs from today's, so the two are never one fact at one time."""
    text = "Some 2,300 people are missing, against 1,900 reported in a bulletin on 3 June."
    claims = [c for c in extract(text, published=PUB, nlp=blank_nlp).claims if c.kind == "count"]
    assert [c.as_of for c in claims] == [PUB, "2024-06-03"]


@pytest.mark.parametrize(
    ("sentence", "figure"),
    [
        ("Prices doubled over the past five years.", "five years"),
        ("Pledges will cover the next three years and beyond.", "three years"),
        ("About 560,000 refugees left during the first two months of fighting.", "two months"),
        ("Sales fell 4% in the three months ending June 30.", "three months"),
    ],
)
def test_time_windows_are_scopes_not_durations(blank_nlp: Language, sentence: str, figure: str) -> None:
    claims = extract(sentence, published=PUB, nlp=blank_nlp).claims
    assert not [c for c in claims if c.kind == "duration" and figure in c.text]


@pytest.mark.parametrize(
    ("text", "date", "opens"),
    [
        ("Last year the JRP appealed for $4.2 billion.", "Last year", True),
        ("A week ago, the ministry reported 1,200 cases.", "A week ago", True),
        ("Yesterday 40 people were rescued.", "Yesterday", True),
        ("The plan failed; this year it seeks $3.9 billion.", "this year", True),
        ("2023 was the hottest year on record.", "2023", False),  # the subject, not a time
        ("The toll rose last year to 300.", "last year", False),  # inside the clause
    ],
)
def test_dates_that_open_a_sentence(text: str, date: str, opens: bool) -> None:
    """`opens_sentence`: the date a sentence (or a clause after `;`) opens with dates what follows.
    Wired in the time scope (claims/frame/scope.py), it gives those figures that as-of."""
    start = text.index(date)
    assert opens_sentence(text, 0, start, start + len(date)) is opens
