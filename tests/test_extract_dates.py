"""Date claims in context: precision, year-less resolution, relative dates, bylines, periods."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from claims.extract import extract
from claims.nlp import get_nlp
from tests.nlp_fixtures import MODEL, find

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
        ("He spoke to Kyodo News this week.", "2025-02-21", "this week", "2025-02"),
        ("The minister resigned on Wednesday.", "2025-02-21", "Wednesday", "2025-02-19"),
        ("The minister resigned on Wednesday.", "2025-02", "Wednesday", "2025-02"),
        ("The minister resigned this morning.", "2025-02-21", "this morning", "2025-02-21"),
        ("Japan is reviewing its strategy this year.", "2022-11-27", "this year", "2022"),
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
    ex = extract("A poll ran in late February 2022. By March 24, refugees had arrived.",
                 published="2023-01-05", nlp=blank_nlp)
    assert find(ex.claims, "March 24").date == "2022-03-24"


def test_bare_years_do_not_lend_their_year(blank_nlp: Language) -> None:
    """`signed in 1960` dates another event: `March 6` still resolves against publication."""
    ex = extract("On March 6, he said the pact, signed in 1960, was one-sided.", published="2025-03",
                 nlp=blank_nlp)
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


def test_period_bounds_scope_the_figure_and_are_not_claims(blank_nlp: Language) -> None:
    ex = extract("Japan has provided 11 billion euros in aid from February 2022 through December 2024.",
                 published="2025-03", nlp=blank_nlp)
    assert [c.kind for c in ex.claims] == ["money"]
    period = ex.claims[0].period
    assert period is not None and (period.start, period.end) == ("2022-02", "2024-12")


def test_period_without_figure_keeps_its_dates(blank_nlp: Language) -> None:
    ex = extract("He served from March 2019 to June 2021.", nlp=blank_nlp)
    assert [(c.text, c.date) for c in ex.claims] == [("March 2019", "2019-03"), ("June 2021", "2021-06")]


@pytest.mark.model
def test_date_subject_from_parse(model_nlp: Language) -> None:
    ex = extract("On February 17, Kishida pledged continued diplomatic efforts during a phone call "
                 "with Vladimir Putin.", published="2022-03", nlp=model_nlp)
    claim = find(ex.claims, "February 17")
    assert claim.date == "2022-02-17"
    assert claim.subject == "Fumio Kishida"
    assert "pledge" in claim.context.split()
