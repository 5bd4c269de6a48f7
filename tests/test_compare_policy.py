"""The comparison policy an editor agrees with (issue 13): a table of sentence pairs from many beats,
the order of severities across kinds, the ECB reference rates at the claims' dates, and symmetry.

Each claim is built the way extraction stores it (value, qualifier and the literal rounding of the
written digits in low/high, `claims/normalise.py`), from a figure written as in the sentence.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.compare import compare, coverage_of, is_monotone
from claims.models import Claim, ClaimRef, Period
from claims.rates import conversion, describe, rate
from claims.text.normalise import currency_code, interval, qualifier_of
from claims.text.numbers import magnitude_of, parse_number, rounding_step

_FIG = re.compile(
    r"^(?P<q>more than|at least|about|around|nearly|some|roughly|an estimated|less than|up to|over|under)?\s*"
    r"(?P<cur>US\$|\$|€|£|¥|Rs|SAR|PKR|LYD)?\s*(?P<n>[\d,.]+)\s*"
    r"(?P<mag>trillion|billion|million|bn|m|k)?\b\s*(?P<curw>euros?|yen|dollars|pounds|rupees)?",
    re.I,
)


def claim(
    sentence: str,
    figure: str,
    *,
    about: str,
    kind: str = "count",
    unit: str | None = None,
    as_of: str | None = None,
    published: str = "2024-05-10",
    period: Period | None = None,
    id: int = 1,
) -> ClaimRef:
    """A stored claim for `figure` in `sentence`, normalised as extraction would store it."""
    m = _FIG.match(figure)
    assert m, figure
    q = qualifier_of(m.group("q"))
    mag = magnitude_of(m.group("mag")) if m.group("mag") else 1.0
    number = parse_number(m.group("n"))
    value, low, high = interval(number * mag, q, rounding_step(m.group("n"), mag))
    if kind == "money":
        unit = currency_code(m.group("cur") or m.group("curw") or "") or (m.group("cur") or "").strip()
    assert figure in sentence, (figure, sentence)
    start = sentence.index(figure)
    c = Claim(
        kind=kind,  # type: ignore[arg-type]
        text=figure,
        start=start,
        end=start + len(figure),
        sentence=sentence,
        value=value,
        low=low,
        high=high,
        qualifier=q,
        unit=unit,
        about=about,
        as_of=as_of,
        period=period,
    )
    return ClaimRef(id=id, article_id=id, source=f"source {id}", published=published, claim=c)


def when(sentence: str, iso: str, text: str, *, about: str, id: int = 1) -> ClaimRef:
    """A date claim."""
    start = sentence.index(text)
    c = Claim(kind="date", text=text, start=start, end=start + len(text), sentence=sentence, date=iso, about=about)
    return ClaimRef(id=id, article_id=id, source=f"source {id}", published="2024-05-10", claim=c)


def pair(
    name: str,
    label: str,
    a: tuple[str, str],
    b: tuple[str, str],
    *,
    about: str,
    kind: str = "count",
    unit: str | None = None,
    as_of: tuple[str | None, str | None] = (None, None),
    published: tuple[str, str] = ("2024-05-10", "2024-05-10"),
) -> object:
    ca = claim(a[0], a[1], about=about, kind=kind, unit=unit, as_of=as_of[0], published=published[0], id=1)
    cb = claim(b[0], b[1], about=about, kind=kind, unit=unit, as_of=as_of[1], published=published[1], id=2)
    return pytest.param(ca, cb, label, id=name)


def dates(name: str, label: str, a: tuple[str, str, str], b: tuple[str, str, str], *, about: str) -> object:
    return pytest.param(when(*a, about=about, id=1), when(*b, about=about, id=2), label, id=name)


D = ("2023-09-14", "2023-09-14")  # the same day
ROWS = [
    # --- disasters -------------------------------------------------------------------------------
    pair(
        "displaced-2m-vs-1.5m",
        "conflict",
        ("The floods displaced 2 million people.", "2 million"),
        ("The floods displaced 1.5 million people.", "1.5 million"),
        about="people displaced",
        as_of=D,
    ),
    pair(
        "displaced-2m-vs-2.1m",
        "agree",
        ("The floods displaced 2 million people.", "2 million"),
        ("Officials said 2.1 million people were displaced.", "2.1 million"),
        about="people displaced",
        as_of=D,
    ),
    pair(
        "toll-more-than-11000-vs-11300",
        "agree",
        ("The flood killed more than 11,000 people.", "more than 11,000"),
        ("The flood killed 11,300 people.", "11,300"),
        about="death toll",
        as_of=D,
    ),
    pair(
        "toll-correction-given-lower-later",
        "conflict",
        ("The flood in Derna killed 11,300 people.", "11,300"),
        ("The flood in Derna killed 3,958 people.", "3,958"),
        about="death toll",
        as_of=("2023-09-14", "2023-09-19"),
    ),
    pair(
        "toll-rising-later-is-new-scope",
        "different_scope",
        ("The flood killed 3,958 people.", "3,958"),
        ("The flood killed 4,345 people.", "4,345"),
        about="death toll",
        as_of=("2023-09-14", "2023-09-21"),
    ),
    pair(
        "toll-revised-down-115-97",
        "conflict",
        ("The landslide killed 115 people, officials said.", "115"),
        ("The toll was revised to 97 dead after double counting.", "97"),
        about="death toll",
        as_of=("2024-05-02", "2024-05-09"),
    ),
    pair(
        "missing-falls-later-not-correction",
        "different_scope",
        ("Some 10,100 people are still missing.", "10,100"),
        ("Still missing: 9,000 people.", "9,000"),
        about="people missing",
        as_of=("2023-09-14", "2023-09-20"),
    ),
    pair(
        "shelters-fall-later",
        "different_scope",
        ("There are 40,000 people in shelters.", "40,000"),
        ("There are 25,000 people in shelters.", "25,000"),
        about="people in shelters",
        as_of=("2023-02-10", "2023-03-10"),
    ),
    pair(
        "deaths-turkey-vs-turkey-syria",
        "different_scope",
        ("The quake killed 50,783 people in Turkey and Syria.", "50,783"),
        ("The quake killed 44,218 people in Turkey.", "44,218"),
        about="death toll",
        as_of=D,
    ),
    pair(
        "direct-vs-all-deaths",
        "different_scope",
        ("The storm caused 60 direct deaths.", "60"),
        ("The storm caused 150 deaths.", "150"),
        about="deaths",
        as_of=D,
    ),
    pair(
        "civilians-vs-all-killed",
        "different_scope",
        ("The strikes killed 40 civilians.", "40"),
        ("The strikes killed 95 people.", "95"),
        about="people killed",
        as_of=D,
    ),
    pair(
        "sinking-1496-vs-1517",
        "conflict",
        ("The sinking killed 1,496 people.", "1,496"),
        ("The sinking killed 1,517 people.", "1,517"),
        about="death toll",
        as_of=("1912-04-20", "1912-04-20"),
    ),
    pair(
        "evacuated-about-vs-exact",
        "agree",
        ("About 30,000 people were evacuated.", "About 30,000"),
        ("Officials evacuated 31,500 people.", "31,500"),
        about="people evacuated",
        as_of=D,
    ),
    pair(
        "injured-some-vs-far",
        "conflict",
        ("Some 500 people were injured.", "Some 500"),
        ("A total of 800 people were injured.", "800"),
        about="people injured",
        as_of=D,
    ),
    # --- refugees and migration -------------------------------------------------------------------
    pair(
        "refugees-registered-vs-all",
        "different_scope",
        ("Poland hosts 950,000 registered refugees.", "950,000"),
        ("Poland hosts 1.6 million refugees.", "1.6 million"),
        about="refugees hosted",
        as_of=D,
    ),
    pair(
        "refugees-estimated-vs-plain",
        "agree",
        ("An estimated 1.6 million refugees live in Poland.", "1.6 million"),
        ("Poland hosts 1.6 million refugees.", "1.6 million"),
        about="refugees hosted",
        as_of=D,
    ),
    pair(
        "fled-later-higher",
        "different_scope",
        ("Some 3 million have fled since February.", "3 million"),
        ("More than 5 million have fled since February.", "5 million"),
        about="people who fled",
        as_of=("2022-03-15", "2022-05-01"),
    ),
    pair(
        "fled-later-lower-correction",
        "conflict",
        ("5.2 million people have fled since February.", "5.2 million"),
        ("4.1 million people have fled since February.", "4.1 million"),
        about="people who fled",
        as_of=("2022-05-01", "2022-05-20"),
    ),
    pair(
        "arrivals-same-day-agree",
        "agree",
        ("Arrivals reached 12,400 on Sunday.", "12,400"),
        ("Arrivals reached 12,400, the ministry said.", "12,400"),
        about="arrivals",
        as_of=D,
    ),
    pair(
        "admitted-188-vs-190-later",
        "different_scope",
        ("By March 24 Japan had admitted 188 refugees.", "188"),
        ("Japan has admitted 190 refugees.", "190"),
        about="refugees admitted",
        as_of=("2022-03-24", "2022-03-26"),
    ),
    # --- budgets and aid ---------------------------------------------------------------------------
    pair(
        "eur-11bn-vs-11.2bn",
        "agree",
        ("Germany pledged 11 billion euros in aid.", "11 billion euros"),
        ("Germany pledged 11.2 billion euros in aid.", "11.2 billion euros"),
        about="aid pledged",
        kind="money",
        as_of=D,
    ),
    pair(
        "aid-vs-humanitarian-aid",
        "agree",
        ("The EU pledged €120 million in aid.", "€120 million"),
        ("The EU pledged €120 million in humanitarian aid.", "€120 million"),
        about="aid pledged",
        kind="money",
        as_of=D,
    ),
    pair(
        "emergency-aid-vs-assistance-conflict",
        "conflict",
        ("The EU announced €120 million in emergency aid.", "€120 million"),
        ("The EU announced €90 million in assistance.", "€90 million"),
        about="aid pledged",
        kind="money",
        as_of=D,
    ),
    pair(
        "military-vs-humanitarian-aid",
        "different_scope",
        ("Japan gave $500 million in military aid.", "$500 million"),
        ("Japan gave $100 million in humanitarian aid.", "$100 million"),
        about="aid",
        kind="money",
        as_of=D,
    ),
    pair(
        "loans-vs-aid",
        "different_scope",
        ("The bank approved $1.5 billion in loans.", "$1.5 billion"),
        ("The bank approved $900 million in aid.", "$900 million"),
        about="support approved",
        kind="money",
        as_of=D,
    ),
    pair(
        "grants-vs-loans",
        "different_scope",
        ("Donors gave $200 million in grants.", "$200 million"),
        ("Donors gave $700 million in loans.", "$700 million"),
        about="support",
        kind="money",
        as_of=D,
    ),
    pair(
        "pledged-vs-delivered",
        "different_scope",
        ("Donors pledged $2 billion.", "$2 billion"),
        ("Donors have delivered $600 million.", "$600 million"),
        about="aid",
        kind="money",
        as_of=D,
    ),
    pair(
        "tranche-vs-total",
        "different_scope",
        ("The US sent an additional $300 million.", "$300 million"),
        ("US aid totals $1.2 billion.", "$1.2 billion"),
        about="aid",
        kind="money",
        as_of=D,
    ),
    pair(
        "annual-vs-multi-year",
        "different_scope",
        ("The defence budget is $50 billion a year.", "$50 billion"),
        ("Defence spending will be $200 billion over five years.", "$200 billion"),
        about="defence budget",
        kind="money",
        as_of=D,
    ),
    pair(
        "budget-25pct-gap",
        "conflict",
        ("The ministry's budget is $40 billion.", "$40 billion"),
        ("The ministry's budget is $30 billion.", "$30 billion"),
        about="budget",
        kind="money",
        as_of=D,
    ),
    pair(
        "budget-gbp-same",
        "agree",
        ("The NHS budget is £165bn.", "£165bn"),
        ("The NHS budget is £165 billion.", "£165 billion"),
        about="budget",
        kind="money",
        as_of=D,
    ),
    pair(
        "yen-vs-dollars-2022-rate",
        "agree",
        ("Japan pledged ¥500 billion.", "¥500 billion"),
        ("Japan pledged $3.8 billion.", "$3.8 billion"),
        about="aid pledged",
        kind="money",
        as_of=("2022-06-15", "2022-06-15"),
    ),
    pair(
        "euro-vs-dollars-conflict",
        "conflict",
        ("The EU pledged €5 billion.", "€5 billion"),
        ("The EU pledged $8 billion.", "$8 billion"),
        about="aid pledged",
        kind="money",
        as_of=("2023-03-01", "2023-03-01"),
    ),
    pair(
        "pkr-vs-usd-not-compared",
        "different_scope",
        ("Pakistan asked for PKR 900 billion.", "PKR 900 billion"),
        ("Pakistan asked for $16 billion.", "$16 billion"),
        about="flood needs",
        kind="money",
        as_of=D,
    ),
    pair(
        "sar-vs-sar-compared",
        "conflict",
        ("Riyadh approved SAR 1.25 trillion in spending.", "SAR 1.25 trillion"),
        ("Riyadh approved SAR 1.1 trillion in spending.", "SAR 1.1 trillion"),
        about="spending",
        kind="money",
        as_of=D,
    ),
    pair(
        "aid-delivered-so-far-lower-later",
        "conflict",
        ("Aid delivered so far: $900 million.", "$900 million"),
        ("Aid delivered so far: $400 million.", "$400 million"),
        about="aid delivered",
        kind="money",
        as_of=("2024-01-10", "2024-03-10"),
    ),
    # --- elections ----------------------------------------------------------------------------------
    pair(
        "turnout-percent-agree",
        "agree",
        ("Turnout was 66.2%.", "66.2"),
        ("Turnout was about 66 percent.", "about 66"),
        about="turnout",
        kind="percent",
        unit="percent",
        as_of=D,
    ),
    pair(
        "turnout-percent-conflict",
        "conflict",
        ("Turnout was 61.4%.", "61.4"),
        ("Turnout was 66.2%.", "66.2"),
        about="turnout",
        kind="percent",
        unit="percent",
        as_of=D,
    ),
    pair(
        "votes-more-than",
        "agree",
        ("She won more than 74 million votes.", "more than 74 million"),
        ("She won 74.2 million votes.", "74.2 million"),
        about="votes won",
        as_of=D,
    ),
    pair(
        "seats-conflict",
        "conflict",
        ("The party won 326 seats.", "326"),
        ("The party won 324 seats.", "324"),
        about="seats won",
        as_of=D,
    ),
    pair(
        "seats-later-results",
        "agree",
        ("The party won 411 seats.", "411"),
        ("The party won 411 seats, final results show.", "411"),
        about="seats won",
        as_of=("2024-07-05", "2024-07-06"),
    ),
    # --- health -------------------------------------------------------------------------------------
    pair(
        "cases-to-date-lower-later",
        "conflict",
        ("Cases to date: 12,500.", "12,500"),
        ("Cases to date: 11,900.", "11,900"),
        about="cases",
        as_of=("2024-02-01", "2024-02-08"),
    ),
    pair(
        "cases-children-vs-all",
        "different_scope",
        ("There were 300 cases among children.", "300"),
        ("There were 1,200 cases.", "1,200"),
        about="cases",
        as_of=D,
    ),
    pair(
        "hospitalised-falls",
        "different_scope",
        ("Some 800 patients are hospitalised.", "800"),
        ("Some 500 patients are hospitalised.", "500"),
        about="patients hospitalised",
        as_of=("2024-02-01", "2024-02-08"),
    ),
    pair(
        "vaccinated-around",
        "agree",
        ("Around 4 million people were vaccinated.", "Around 4 million"),
        ("Health officials vaccinated 4.3 million people.", "4.3 million"),
        about="people vaccinated",
        as_of=D,
    ),
    pair(
        "hospital-beds-conflict",
        "conflict",
        ("The hospital has 1,200 beds.", "1,200"),
        ("The hospital has 950 beds.", "950"),
        about="hospital beds",
        as_of=D,
    ),
    # --- company results ----------------------------------------------------------------------------
    pair(
        "revenue-1.234-vs-1.236",
        "conflict",
        ("Revenue was $1.234 million.", "$1.234 million"),
        ("Revenue was $1.236 million.", "$1.236 million"),
        about="revenue",
        kind="money",
        as_of=D,
    ),
    pair(
        "revenue-44bn-vs-44.3bn",
        "agree",
        ("Revenue was $44bn.", "$44bn"),
        ("Revenue was $44.3 billion.", "$44.3 billion"),
        about="revenue",
        kind="money",
        as_of=D,
    ),
    pair(
        "profit-quarters",
        "different_scope",
        ("Profit was $2.1 billion.", "$2.1 billion"),
        ("Profit was $3.4 billion.", "$3.4 billion"),
        about="quarterly profit",
        kind="money",
        as_of=("2023-03", "2023-06"),
    ),
    pair(
        "staff-about",
        "agree",
        ("The firm employs about 12,000 people.", "about 12,000"),
        ("The firm employs 12,600 people.", "12,600"),
        about="employees",
        as_of=D,
    ),
    pair(
        "margin-conflict",
        "conflict",
        ("The margin was 12%.", "12"),
        ("The margin was 9%.", "9"),
        about="operating margin",
        kind="percent",
        unit="percent",
        as_of=D,
    ),
    # --- sport ---------------------------------------------------------------------------------------
    pair(
        "transfer-fee-eur-gbp",
        "agree",
        ("He joined for €100 million.", "€100 million"),
        ("He joined for £86 million.", "£86 million"),
        about="transfer fee",
        kind="money",
        as_of=("2023-08-01", "2023-08-01"),
    ),
    pair(
        "attendance-conflict",
        "conflict",
        ("A crowd of 74,310 watched.", "74,310"),
        ("A crowd of 81,000 watched.", "81,000"),
        about="attendance",
        as_of=D,
    ),
    pair(
        "goals-season-vs-career",
        "different_scope",
        ("He scored 36 goals this year.", "36"),
        ("He scored 250 goals over 10 years.", "250"),
        about="goals",
        as_of=D,
    ),
    # --- geography -----------------------------------------------------------------------------------
    pair(
        "everest-about-vs-precise",
        "agree",
        ("Everest is about 8,849 m high.", "about 8,849"),
        ("Everest is 8,848.86 m high.", "8,848.86"),
        about="height",
        kind="quantity",
        unit="m",
        as_of=D,
    ),
    pair(
        "everest-conflict",
        "conflict",
        ("Everest is 8,848 m high.", "8,848"),
        ("Everest is 8,611 m high.", "8,611"),
        about="height",
        kind="quantity",
        unit="m",
        as_of=D,
    ),
    pair(
        "magnitude-7.8-vs-7.7",
        "conflict",
        ("The quake had a magnitude of 7.8.", "7.8"),
        ("The quake had a magnitude of 7.7.", "7.7"),
        about="magnitude",
        kind="quantity",
        unit="magnitude",
        as_of=D,
    ),
    pair(
        "area-rounded",
        "agree",
        ("The island covers 1.2 million km2.", "1.2 million"),
        ("The island covers 1,180,000 km2.", "1,180,000"),
        about="land area",
        kind="quantity",
        unit="km2",
        as_of=D,
    ),
    pair(
        "population-city-vs-country",
        "different_scope",
        ("Some 3.7 million people live in Berlin.", "3.7 million"),
        ("Some 84 million people live in Germany.", "84 million"),
        about="population",
        as_of=D,
    ),
    # --- transport -------------------------------------------------------------------------------------
    pair(
        "passengers-daily-vs-annual",
        "different_scope",
        ("The line carries 40,000 passengers a day.", "40,000"),
        ("The line carries 14 million passengers a year.", "14 million"),
        about="passengers",
        as_of=D,
    ),
    pair(
        "rail-length-conflict",
        "conflict",
        ("The line is 140 km long.", "140"),
        ("The line is 225 km long.", "225"),
        about="length",
        kind="quantity",
        unit="km",
        as_of=D,
    ),
    pair(
        "flights-cancelled-at-least",
        "agree",
        ("At least 1,200 flights were cancelled.", "At least 1,200"),
        ("Airlines cancelled 1,340 flights.", "1,340"),
        about="flights cancelled",
        as_of=D,
    ),
    pair(
        "cost-up-to",
        "conflict",
        ("The bridge will cost up to $2 billion.", "up to $2 billion"),
        ("The bridge will cost $2.6 billion.", "$2.6 billion"),
        about="cost",
        kind="money",
        as_of=D,
    ),
    # --- dates of one event --------------------------------------------------------------------------
    dates(
        "quake-date-two-days",
        "conflict",
        ("The quake struck on 6 February.", "2023-02-06", "6 February"),
        ("The quake struck on 8 February.", "2023-02-08", "8 February"),
        about="date of earthquake",
    ),
    dates(
        "quake-date-month-holds-day",
        "agree",
        ("The quake struck in February.", "2023-02", "February"),
        ("The quake struck on 6 February.", "2023-02-06", "6 February"),
        about="date of earthquake",
    ),
    dates(
        "election-year-off-by-one",
        "conflict",
        ("The vote was held in 2019.", "2019", "2019"),
        ("The vote was held in 2020.", "2020", "2020"),
        about="election date",
    ),
    dates(
        "opening-date-a-month",
        "conflict",
        ("The line opened on 1 March.", "2024-03-01", "1 March"),
        ("The line opened on 31 March.", "2024-03-31", "31 March"),
        about="opening date",
    ),
]


@pytest.mark.parametrize(("a", "b", "label"), ROWS)
def test_policy_table(a: ClaimRef, b: ClaimRef, label: str) -> None:
    """Each pair gets the verdict an editor gives it, in either order, and the reason shows what was used."""
    got, reason, severity = compare(a, b)
    assert got == label, reason
    back, _, severity_back = compare(b, a)
    assert (back, severity_back) == (got, severity)
    if got == "conflict":
        assert severity is not None and 0 < severity <= 1
    else:
        assert severity is None
    if a.claim.kind != "date" and not reason.startswith("not compared"):
        # every side names the interval (or the rule) it was read as
        assert reason.count("“") >= 2 and re.search(r": (exact|rounded|about|bound|range)", reason), reason


def _severity(name: str) -> float:
    row = next(p for p in ROWS if p.id == name)  # type: ignore[attr-defined]
    a, b, _label = row.values  # type: ignore[attr-defined]
    got, reason, severity = compare(a, b)
    assert got == "conflict" and severity is not None, reason
    return severity


def test_severity_order_across_kinds() -> None:
    """One scale: near misses low, a two-day date slip mid, a 25 % gap 0.5, a collapse of a toll high."""
    s = {
        name: _severity(name)
        for name in (
            "revenue-1.234-vs-1.236",
            "sinking-1496-vs-1517",
            "magnitude-7.8-vs-7.7",
            "seats-conflict",
            "quake-date-two-days",
            "budget-25pct-gap",
            "displaced-2m-vs-1.5m",
            "opening-date-a-month",
            "toll-correction-given-lower-later",
            "election-year-off-by-one",
        )
    }
    assert s["revenue-1.234-vs-1.236"] < s["seats-conflict"] < s["sinking-1496-vs-1517"] < 0.1
    assert s["magnitude-7.8-vs-7.7"] < 0.1
    assert 0.25 < s["quake-date-two-days"] < s["budget-25pct-gap"]
    assert s["budget-25pct-gap"] == pytest.approx(0.5, abs=0.01)  # $40bn vs $30bn: 25 %
    assert s["displaced-2m-vs-1.5m"] == pytest.approx(s["budget-25pct-gap"], abs=0.01)
    assert s["budget-25pct-gap"] < s["toll-correction-given-lower-later"] < s["opening-date-a-month"]
    # a year given one year off is one step at year precision: less than two day-steps
    assert 0.1 < s["election-year-off-by-one"] < s["quake-date-two-days"]


def test_reasons_show_figures_at_the_precision_that_differs() -> None:
    _, reason, _ = compare(*next(p for p in ROWS if p.id == "revenue-1.234-vs-1.236").values[:2])  # type: ignore[attr-defined]
    assert "USD 1.234m" in reason and "USD 1.236m" in reason
    _, reason, _ = compare(*next(p for p in ROWS if p.id == "displaced-2m-vs-1.5m").values[:2])  # type: ignore[attr-defined]
    assert "1.9m–2.1m: rounded, capped at ±5%" in reason


def test_correction_reason() -> None:
    row = next(p for p in ROWS if p.id == "toll-correction-given-lower-later")
    _, reason, _ = compare(*row.values[:2])  # type: ignore[attr-defined]
    assert "correction: “3,958” as of 2023-09-19 given lower later" in reason


def test_coverage_and_monotone_words() -> None:
    mil = claim("Japan gave $500 million in military aid.", "$500 million", about="aid", kind="money")
    emergency = claim("Japan gave $500 million in emergency assistance.", "$500 million", about="aid", kind="money")
    assert "aid type:military" in coverage_of(mil.claim)
    assert not {m for m in coverage_of(emergency.claim) if not m.startswith("aid type:humanitarian")}
    loans = claim("It lent $100 million in aid and $200 million in loans.", "$200 million", about="x", kind="money")
    assert "form:loan" in coverage_of(loans.claim)
    first = claim("It lent $100 million in aid and $200 million in loans.", "$100 million", about="x", kind="money")
    assert "form:loan" not in coverage_of(first.claim)
    assert is_monotone(claim("The flood killed 3,958 people.", "3,958", about="death toll").claim)
    assert not is_monotone(claim("Some 10,100 people are still missing.", "10,100", about="people missing").claim)
    assert not is_monotone(claim("The line carries 40,000 passengers a day.", "40,000", about="passengers").claim)


# -- ECB reference rates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "ccy", "per_eur", "used"),
    [
        # three dates (a weekday, a Saturday, a holiday run) x five currencies
        (date(2022, 6, 15), "USD", 1.0431, date(2022, 6, 15)),
        (date(2022, 6, 15), "JPY", 140.5, date(2022, 6, 15)),
        (date(2022, 6, 18), "GBP", None, date(2022, 6, 17)),
        (date(2022, 6, 18), "CHF", None, date(2022, 6, 17)),
        (date(2023, 12, 26), "INR", None, date(2023, 12, 22)),
        (date(2023, 12, 26), "USD", None, date(2023, 12, 22)),
        (date(2019, 3, 1), "TRY", None, date(2019, 3, 1)),
    ],
)
def test_ecb_rate_of_the_day(day: date, ccy: str, per_eur: float | None, used: date) -> None:
    """The last fixing on or before the day, from the bundled ECB series."""
    r = rate(ccy, day)
    assert r is not None and r.day == used and r.per_eur > 0
    if per_eur is not None:
        assert r.per_eur == pytest.approx(per_eur, rel=0.01)


def test_ecb_rates_move_with_the_date() -> None:
    """Never one rate for every year: JPY per USD differs between 2021, 2022 and 2024."""
    got = [conversion("USD", "JPY", d) for d in ("2021-01-15", "2022-06-15", "2024-06-14")]
    assert all(c is not None for c in got)
    values = [c.rate for c in got if c is not None]
    assert values[0] < 110 < 130 < values[1] < 140 < 150 < values[2]
    assert describe(got[1]).endswith("JPY/USD, ECB reference rate of 2022-06-15")  # type: ignore[arg-type]


def test_currency_the_series_lacks() -> None:
    """PKR, SAR, LYD: no ECB rate; compared only with the same currency, and the reason says so."""
    for ccy in ("PKR", "SAR", "LYD"):
        assert rate(ccy, date(2023, 6, 1)) is None
    a = claim("Pakistan asked for PKR 900 billion.", "PKR 900 billion", about="needs", kind="money", as_of="2023-06-01")
    b = claim("Pakistan asked for $16 billion.", "$16 billion", about="needs", kind="money", as_of="2023-06-01", id=2)
    label, reason, severity = compare(a, b)
    assert (label, severity) == ("different_scope", None)
    assert "not compared: no ECB reference rate for PKR" in reason


def test_rouble_after_the_series_stopped_is_not_converted() -> None:
    """The ECB stopped quoting RUB on 2022-03-01: a 2024 rouble figure gets no stale rate."""
    assert rate("RUB", date(2022, 2, 15)) is not None
    assert rate("RUB", date(2024, 6, 1)) is None
    clamped = rate("RUB", date(2022, 3, 20))
    assert clamped is not None and clamped.day == date(2022, 3, 1) and "after the last RUB rate" in clamped.note


def test_conversion_reason_names_rate_and_date() -> None:
    a = claim("Japan pledged ¥500 billion.", "¥500 billion", about="aid", kind="money", as_of="2022-06-15")
    b = claim("Japan pledged $3.8 billion.", "$3.8 billion", about="aid", kind="money", as_of="2022-06-15", id=2)
    _, reason, _ = compare(a, b)
    assert "JPY/USD, ECB reference rate of 2022-06-15" in reason


# -- one verdict per pair ---------------------------------------------------------------------------------

_KINDS = st.sampled_from(["count", "money", "percent"])
_QUALS = st.sampled_from(["exact", "approx", "more_than", "at_least", "less_than", "at_most", "range"])
_DATES = st.sampled_from([None, "2022-03", "2022-03-24", "2022-03-26", "2022-06-15", "2023"])
_WORDS = st.sampled_from(
    [
        "aid",
        "military aid",
        "humanitarian aid",
        "loans",
        "deaths",
        "direct deaths",
        "people who fled",
        "people still missing",
        "refugees in Poland",
        "refugees in Poland and Germany",
        "a year",
        "",
    ]
)


@st.composite
def claims(draw: st.DrawFn, kind: str, id: int) -> ClaimRef:
    q = draw(_QUALS)
    v = draw(st.floats(min_value=1, max_value=1e10, allow_nan=False))
    step = draw(st.sampled_from([0.0, 0.5, 5e5]))
    if q == "range":
        hi = v * draw(st.floats(min_value=1, max_value=3))
        value, low, high = None, v, hi
    else:
        value, low, high = interval(v, q, step)  # type: ignore[arg-type]
    words = draw(_WORDS)
    unit = draw(st.sampled_from(["USD", "EUR", "JPY", "PKR"])) if kind == "money" else None
    text = f"{v:.6g}"
    c = Claim(
        kind=kind,  # type: ignore[arg-type]
        text=text,
        start=0,
        end=len(text),
        sentence=f"Officials reported {text} {words}.",
        value=value,
        low=low,
        high=high,
        qualifier=q,
        unit=unit,
        about=words or None,
        as_of=draw(_DATES),
        period=draw(st.sampled_from([None, Period(start="2022-02", end="2022-12"), Period(start="2022-02")])),
    )
    return ClaimRef(id=id, article_id=id, source=f"s{id}", published=draw(_DATES), claim=c)


@st.composite
def pairs(draw: st.DrawFn) -> tuple[ClaimRef, ClaimRef]:
    kind = draw(_KINDS)
    return draw(claims(kind, 1)), draw(claims(kind, 2))


@settings(max_examples=300, deadline=None)
@given(pairs())
def test_symmetric_label_and_severity(ab: tuple[ClaimRef, ClaimRef]) -> None:
    """compare(a, b) and compare(b, a) give the same label and severity, whichever arrives first."""
    a, b = ab
    la, _, sa = compare(a, b)
    lb, _, sb = compare(b, a)
    assert (la, sa) == (lb, sb)
