"""Recognizers-Text English specs as an outside test suite for `claims.extract`.

Which cases run and why the others are skipped is decided in `tools.eval.peer` (`SKIP_REASONS`);
docs/EVAL.md carries the table (`python -m tools.eval --peer --write-docs`). The floors below
are what the extractor reaches today minus a small margin, so a regression fails while the issue's
target (>= 0.90 on CurrencyModel and NumberRangeModel) stays visible in `TARGETS`. DimensionModel,
AgeModel and DurationParser are held at >= 0.90 as well.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims.models import Claim, Extraction
from tools.eval.peer import (
    DEFAULT_PEER_DIR,
    PEER_FILES,
    SKIP_REASONS,
    PeerCase,
    PeerExpect,
    PeerReport,
    format_peer_report,
    judge_case,
    peer_report,
    select_peer_cases,
)

TARGETS: dict[str, float] = {"CurrencyModel.json": 0.90, "NumberRangeModel.json": 0.90}
"""The issue's goal for the selected cases."""

FLOORS: dict[str, float] = {
    # measured with extractor rules-2: 1.00, 0.99, 1.00, 0.95, 0.97 (see docs/EVAL.md);
    # rules-1 had 0.20 (0.75 with the split-symbol fix), 0.46, 0.54, 0.42, 0.34
    "CurrencyModel.json": 0.95,
    "NumberRangeModel.json": 0.93,
    "PercentModel.json": 0.90,
    "DateParser.json": 0.89,
    "DatePeriodParser.json": 0.90,
    # measured 1.00 (63/63), 1.00 (18/18), 1.00 (13/13: halves, compounds and seconds now run; was
    # 8/8); the floor for new selections: 0.90
    "DimensionModel.json": 0.95,
    "AgeModel.json": 0.94,
    "DurationParser.json": 0.92,
}
"""Measured pass rate minus a small margin (see docs/EVAL.md for the measured figures)."""


def load(file: str) -> list[dict[str, object]]:
    return json.loads((Path(DEFAULT_PEER_DIR) / file).read_text(encoding="utf-8"))


def test_peer_specs_are_carried_with_their_licence() -> None:
    """The project carries the specs it tests against, with the MIT licence beside them."""
    assert (Path(DEFAULT_PEER_DIR) / "LICENSE").is_file()
    for file in PEER_FILES:
        assert load(file), file


@pytest.mark.parametrize("file", PEER_FILES)
def test_every_case_is_run_or_skipped_for_a_documented_reason(file: str) -> None:
    cases = load(file)
    run, skipped = select_peer_cases(file, cases)
    assert len(run) + sum(skipped.values()) == len(cases)
    assert set(skipped) <= set(SKIP_REASONS), set(skipped) - set(SKIP_REASONS)


def test_selection_reads_units_intervals_and_reference_dates() -> None:
    """Spot checks of how expectations are derived from the specs."""
    money = {c.index: c for c in select_peer_cases("CurrencyModel.json", load("CurrencyModel.json"))[0]}
    assert money[0].expects[0].value == 75e6 and money[0].expects[0].units == ("USD",)
    assert money[54].expects[0].units == ("JPY",)  # five million yen
    assert money[15].expects[0].value == pytest.approx(0.5)  # 50 cents -> USD 0.50
    assert money[156].expects == []  # "All 70 of us.": no money may be found
    ranges = {c.index: c for c in select_peer_cases("NumberRangeModel.json", load("NumberRangeModel.json"))[0]}
    between = ranges[2].expects[0]
    assert (between.low, between.high, between.qualifier) == (20.0, 30.0, "range")
    assert ranges[74].expects[0].qualifier == "at_most"  # up to 700
    assert ranges[18].expects[0].qualifier == "at_least"  # no less than thirty
    dates = {c.index: c for c in select_peer_cases("DateParser.json", load("DateParser.json"))[0]}
    assert dates[1].published == "2016-11-07"
    assert set(dates[1].expects[0].dates) == {"2016-10-02", "2017-10-02"}  # past or future reading
    periods = {c.index: c for c in select_peer_cases("DatePeriodParser.json", load("DatePeriodParser.json"))[0]}
    assert periods[108].expects[0].dates == ("1970s",)
    dims = {c.index: c for c in select_peer_cases("DimensionModel.json", load("DimensionModel.json"))[0]}
    assert dims[0].expects[0].value == pytest.approx(200 * 0.45359237e-3)  # 200lbs in tonnes
    assert dims[27].expects[0].value == pytest.approx(188 * 1.609344)  # 188 miles an hour in km/h
    assert dims[45].expects == []  # "I'm a man.": no quantity may be found
    ages = {c.index: c for c in select_peer_cases("AgeModel.json", load("AgeModel.json"))[0]}
    assert ages[2].kind == "age" and ages[2].expects[0].text == "29 years old"
    durations = {c.index: c for c in select_peer_cases("DurationParser.json", load("DurationParser.json"))[0]}
    assert (durations[13].expects[0].value, durations[13].expects[0].units) == (2.0, ("week",))
    assert (durations[54].expects[0].value, durations[54].expects[0].units) == (20.0, ("year",))
    assert (durations[42].expects[0].value, durations[42].expects[0].units) == (2.5, ("hour",))  # two and a half
    assert durations[43].expects[0].value == pytest.approx(416.69)  # 1 year 1 month 21 days, in days
    assert 44 not in durations  # `2 days 1 month`: units not written largest first


def test_age_and_duration_judging() -> None:
    """An age may not be read as a count; a duration matches in its unit or in days."""
    age = PeerCase(
        file="AgeModel.json",
        index=0,
        input="I'm only 29 years old!",
        published=None,
        kind="age",
        expects=[PeerExpect(text="29 years old", start=9, end=21)],
    )
    count = _claim("29 years", 9, kind="count", value=29.0)
    duration = _claim("29 years", 9, kind="duration", value=29.0, unit="year")
    assert not judge_case(age, Extraction(text=age.input, claims=[count], extractor_version="t")).passed
    assert judge_case(age, Extraction(text=age.input, claims=[duration], extractor_version="t")).passed
    dur = PeerCase(
        file="DurationParser.json",
        index=0,
        input="I'll leave for two decades.",
        published=None,
        kind="duration",
        expects=[PeerExpect(text="two decades", start=15, end=26, value=20.0, units=("year",))],
    )
    decades = _claim("two decades", 15, kind="duration", value=2.0, unit="decade")
    months = _claim("two decades", 15, kind="duration", value=2.0, unit="month")
    assert judge_case(dur, Extraction(text=dur.input, claims=[decades], extractor_version="t")).passed
    assert not judge_case(dur, Extraction(text=dur.input, claims=[months], extractor_version="t")).passed


def _claim(text: str, start: int, **kw: object) -> Claim:
    return Claim(text=text, start=start, end=start + len(text), sentence="", **kw)  # type: ignore[arg-type]


def test_judge_case_requires_overlap_and_value() -> None:
    case = PeerCase(
        file="NumberRangeModel.json",
        index=0,
        input="Fewer than a thousand pandas live.",
        published=None,
        kind="range",
        expects=[PeerExpect(text="Fewer than a thousand", start=0, end=21, high=1000.0, qualifier="less_than")],
    )
    text = case.input
    good = _claim(
        "Fewer than a thousand pandas",
        0,
        kind="count",
        value=1000.0,
        low=0.0,
        high=1000.0,
        qualifier="less_than",
    )
    wrong = _claim("Fewer than a thousand pandas", 0, kind="count", value=1000.0, high=1000.0, qualifier="at_most")
    assert judge_case(case, Extraction(text=text, claims=[good], extractor_version="t")).passed
    outcome = judge_case(case, Extraction(text=text, claims=[wrong], extractor_version="t"))
    assert not outcome.passed and "qualifier at_most != less_than" in outcome.detail
    assert not judge_case(case, Extraction(text=text, claims=[], extractor_version="t")).passed


@pytest.fixture(scope="module")
def report() -> PeerReport:
    from claims.settings import Settings
    from claims.text.nlp import get_nlp

    return peer_report(get_nlp(Settings().spacy_model))


@pytest.mark.model
@pytest.mark.parametrize("file", sorted(FLOORS))
def test_peer_pass_rate_floor(report: PeerReport, file: str) -> None:
    """Selected cases of each spec file pass at least at the recorded floor."""
    result = next(f for f in report.files if f.file == file)
    assert result.run > 0
    assert result.rate >= FLOORS[file], format_peer_report(PeerReport(files=[result]), verbose=True)


@pytest.mark.model
@pytest.mark.parametrize("file", sorted(TARGETS))
def test_peer_targets_are_met(report: PeerReport, file: str) -> None:
    """The issue's goal: >= 0.90 on the selected CurrencyModel and NumberRangeModel cases."""
    assert report.rate(file) >= TARGETS[file]
