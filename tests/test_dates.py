"""Date parsing and resolution against the publication date (no pipeline needed)."""

from __future__ import annotations

import re

import pytest

from claims.text.dateresolve import resolve
from claims.text.dates import DATE_PATTERN, ref_from_match, span_of

PATTERN = re.compile(DATE_PATTERN)


def parse(text: str) -> tuple[str, dict[str, object]]:
    m = PATTERN.search(text)
    assert m is not None, text
    ref = ref_from_match(m)
    assert ref is not None
    a, b = span_of(m)
    return text[a:b], dict(ref)


@pytest.mark.parametrize(
    ("text", "span", "ref"),
    [
        ("On 23 March 2022, he spoke", "23 March 2022", {"day": 23, "month": 3, "year": 2022}),
        ("visit on Feb. 7, 2025.", "Feb. 7, 2025", {"day": 7, "month": 2, "year": 2025}),
        ("On February 7th, as", "February 7th", {"day": 7, "month": 2}),
        ("Sunday, February 27, 2022, on", "Sunday, February 27, 2022", {"day": 27, "month": 2, "year": 2022}),
        ("in April 2013 he", "April 2013", {"month": 4, "year": 2013}),
        ("in late February 2022 found", "late February 2022", {"month": 2, "year": 2022}),
        ("leave in mid-April after", "mid-April", {"month": 4}),
        ("evident earlier in February when", "earlier in February", {"month": 2}),
        ("at the end of February, he", "the end of February", {"month": 2}),
        ("arrive in Europe in March.", "March", {"month": 3}),
        ("since the 1950s,", "the 1950s", {"decade": 1950}),
        ("fought in 1904-05 and", "1904-05", {"year": 1904, "end": {"year": 1905}}),
        ("the 24th of February", "the 24th of February", {"day": 24, "month": 2}),
        ("an interview this week", "this week", {"rel": "this_week"}),
        ("said on Wednesday that", "Wednesday", {"rel": "weekday:2:on"}),
        ("said yesterday", "yesterday", {"rel": "yesterday"}),
        ("this morning", "this morning", {"rel": "today"}),
        ("last year", "last year", {"rel": "last_year"}),
    ],
)
def test_parse(text: str, span: str, ref: dict[str, object]) -> None:
    """Each written form parses at its own precision; cue words stay outside the span."""
    assert parse(text) == (span, ref)


def test_modal_may_is_not_a_month() -> None:
    assert PATTERN.search("Trump may change course") is None


def test_impossible_day_is_rejected() -> None:
    m = PATTERN.search("on February 30, 2022")
    assert m is not None and ref_from_match(m) is None


@pytest.mark.parametrize(
    ("ref", "published", "hint", "iso"),
    [
        ({"month": 2, "day": 14}, "2022-02", None, "2022-02-14"),
        ({"month": 11}, "2022-02", None, "2021-11"),  # the most recent November
        ({"month": 3}, "2022-02", None, "2022-03"),  # a month ahead is within the margin
        ({"month": 4}, "2025-02-21", None, "2025-04"),  # "scheduled for mid-April"
        ({"month": 3, "day": 24}, "2022-11-27", None, "2022-03-24"),  # 4 months ahead: too far
        ({"month": 3, "day": 24}, "2022-11-27", 2021, "2021-03-24"),  # a nearby year wins
        ({"month": 12, "day": 31}, "2023-01-02", None, "2022-12-31"),
        ({"month": 2, "day": 29}, "2025-03-10", None, "2024-02-29"),  # skips a common year
        ({"month": 2, "day": 14}, None, None, None),
        ({"year": 2013, "month": 4}, None, None, "2013-04"),
        ({"decade": 1950}, None, None, "1950s"),
        ({"rel": "this_week"}, "2025-02-21", None, "2025-02"),
        ({"rel": "today"}, "2025-02-21", None, "2025-02-21"),
        ({"rel": "today"}, "2025-02", None, "2025-02"),  # no finer than the publication date
        ({"rel": "yesterday"}, "2025-03-01", None, "2025-02-28"),
        ({"rel": "weekday:2:on"}, "2025-02-21", None, "2025-02-19"),  # the Wednesday before a Friday
        ({"rel": "weekday:4:on"}, "2025-02-21", None, "2025-02-21"),
        ({"rel": "weekday:4:last"}, "2025-02-21", None, "2025-02-14"),
        ({"rel": "last_month"}, "2025-01-10", None, "2024-12"),
        ({"rel": "this_year"}, "2022-11-27", None, "2022"),
        ({"rel": "last_year"}, "2022", None, "2021"),
        ({"rel": "this_week"}, None, None, None),
    ],
)
def test_resolve(ref: dict[str, object], published: str | None, hint: int | None, iso: str | None) -> None:
    """Year-less dates: latest one not after publication + ~3 months; relative ones at the
    publication date's precision."""
    assert resolve(ref, published, hint) == iso  # type: ignore[arg-type]


def test_relative_months_resolve_against_the_reference() -> None:
    from claims.text.dateresolve import resolve

    assert resolve({"month": 6, "rel": "month:6:next"}, "2016-11-07") == "2017-06"
    assert resolve({"month": 9, "rel": "month:9:last"}, "2016-11-07") == "2016-09"
    assert resolve({"month": 11, "rel": "month:11:last"}, "2016-11-07") == "2015-11"
    assert resolve({"month": 6, "rel": "month:6:next_year"}, "2016-11-07") == "2017-06"
    assert resolve({"month": 6, "rel": "month:6:next"}, None) is None
