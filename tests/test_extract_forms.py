"""Issue 14: extraction for the whole of the news, in many phrasings.

Units (converted with pint to one canonical unit per dimension), changes that are not ranges,
earlier figures with their own time, money forms and ambiguous signs, percent forms, partial
dates and periods, space-grouped thousands, and numbers that are not claims.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.extraction import extract
from claims.models import Period
from claims.text.units import to_canonical
from tests.nlp_fixtures import find

if TYPE_CHECKING:
    from spacy.language import Language

PUB = "2024-05-10"

# sentence, figure, canonical unit, value in the unit written, written unit code
QUANTITIES = [
    ("The phone has 512GB of storage.", "512GB", "gigabyte", 512, "GB"),
    ("It ships with a 1TB drive.", "1TB", "gigabyte", 1, "TB"),
    ("The file is 100 MB.", "100 MB", "gigabyte", 100, "MB"),
    ("The link runs at 300 megabits.", "300 megabits", "gigabyte", 300, "megabits"),
    ("The car reached 70mph on the motorway.", "70mph", "kilometre per hour", 70, "mph"),
    ("Winds reached 127 mph at landfall.", "127 mph", "kilometre per hour", 127, "mph"),
    ("The jet flew at 188 miles an hour.", "188 miles an hour", "kilometre per hour", 188, "miles an hour"),
    ("Gusts hit 150 km/h in the north.", "150 km/h", "kilometre per hour", 150, "km/h"),
    ("The train can run at 320 kph.", "320 kph", "kilometre per hour", 320, "kph"),
    ("The ship sailed at 22 knots.", "22 knots", "kilometre per hour", 22, "knots"),
    ("The engine makes 300 bhp.", "300 bhp", "kilowatt", 300, "bhp"),
    ("The engine makes 300bhp.", "300bhp", "kilowatt", 300, "bhp"),
    ("The plant will produce 1,200 MW.", "1,200 MW", "kilowatt", 1200, "MW"),
    ("The farm adds 2 gigawatts of capacity.", "2 gigawatts", "kilowatt", 2, "gigawatts"),
    ("The country used 300 TWh last year.", "300 TWh", "kilowatt hour", 300, "TWh"),
    ("A household uses 2,700 kWh a year.", "2,700 kWh", "kilowatt hour", 2700, "kWh"),
    ("The park covers 1,200 km².", "1,200 km²", "square kilometre", 1200, "km²"),
    ("The lake covers 85 km2.", "85 km2", "square kilometre", 85, "km2"),
    (
        "The forest spans 9,800 square kilometres.",
        "9,800 square kilometres",
        "square kilometre",
        9800,
        "square kilometres",
    ),
    (
        "The reserve spans 9,800 square kilometers.",
        "9,800 square kilometers",
        "square kilometre",
        9800,
        "square kilometers",
    ),
    ("The island covers 40 sq km.", "40 sq km", "square kilometre", 40, "sq km"),
    (
        "Declarations covered about 90,000 square miles.",
        "about 90,000 square miles",
        "square kilometre",
        90000,
        "square miles",
    ),
    ("The state covers 1,000 sq mi.", "1,000 sq mi", "square kilometre", 1000, "sq mi"),
    ("Fires burned 64,000 hectares.", "64,000 hectares", "square kilometre", 64000, "hectares"),
    ("The fire burned 2,170 acres.", "2,170 acres", "square kilometre", 2170, "acres"),
    ("The flat has 660 square meters.", "660 square meters", "square kilometre", 660, "square meters"),
    ("The office has 5,000 square feet.", "5,000 square feet", "square kilometre", 5000, "square feet"),
    ("The Nile runs 4,160 miles.", "4,160 miles", "kilometre", 4160, "miles"),
    ("The Nile runs 6,695 km.", "6,695 km", "kilometre", 6695, "km"),
    ("The river is 6,695 kilometres long.", "6,695 kilometres", "kilometre", 6695, "kilometres"),
    ("The wreck lies 12,000 feet down.", "12,000 feet", "kilometre", 12000, "feet"),
    ("The wreck lies some 700 nautical miles away.", "some 700 nautical miles", "kilometre", 700, "nautical miles"),
    ("The peak stands at 8,848.86m.", "8,848.86m", "kilometre", 8848.86, "m"),
    ("He is 1.8m tall.", "1.8m", "kilometre", 1.8, "m"),
    ("The wall is 8,844.43 metres high.", "8,844.43 metres", "kilometre", 8844.43, "metres"),
    ("It has a 2.5mm jack.", "2.5mm", "kilometre", 2.5, "mm"),
    ("The rifle fires 7.62mm rounds.", "7.62mm", "kilometre", 7.62, "mm"),
    ("Snow fell to a depth of 30 cm.", "30 cm", "kilometre", 30, "cm"),
    ("The screen is 6 inches wide.", "6 inches", "kilometre", 6, "inches"),
    ("A plane carried 14 tons of supplies.", "14 tons", "tonne", 14, "tons"),
    ("The country exported 2 million tonnes of wheat.", "2 million tonnes", "tonne", 2e6, "tonnes"),
    ("Output reached 291,890 metric tons.", "291,890 metric tons", "tonne", 291890, "metric tons"),
    ("The submarine weighs 25 lakh tonnes.", "25 lakh tonnes", "tonne", 2.5e6, "tonnes"),
    ("You weigh 200lbs.", "200lbs", "tonne", 200, "lbs"),
    ("The bag weighs 20 kg.", "20 kg", "tonne", 20, "kg"),
    ("The dose is 150 micrograms.", "150 micrograms", "tonne", 150, "micrograms"),
    ("Police seized 3 kilograms of cocaine.", "3 kilograms", "tonne", 3, "kilograms"),
    ("The tank holds 10 gallons.", "10 gallons", "cubic metre", 10, "gallons"),
    ("Production fell to 500,000 barrels.", "500,000 barrels", "cubic metre", 500000, "barrels"),
    ("The pipeline carries 55 bcm a year.", "55 bcm", "cubic metre", 55, "bcm"),
    ("Dams released 30 million cubic metres of water.", "30 million cubic metres", "cubic metre", 30e6, "cubic metres"),
    ("Add 75ml of milk.", "75ml", "cubic metre", 75, "ml"),
    ("Temperatures reached 46.1C in the city.", "46.1C", "degree Celsius", 46.1, "degC"),
    ("Temperatures reached 46.1 degrees Celsius.", "46.1 degrees Celsius", "degree Celsius", 46.1, "degrees Celsius"),
    ("The thermometer showed 100°F.", "100°F", "degree Celsius", 100, "°F"),
    ("It was 98 degrees Fahrenheit.", "98 degrees Fahrenheit", "degree Celsius", 98, "degrees Fahrenheit"),
    ("The world has warmed by 1.1°C.", "1.1°C", "degree Celsius", 1.1, "°C"),
]


@pytest.mark.parametrize(("sentence", "figure", "unit", "written", "code"), QUANTITIES)
def test_quantities_in_canonical_units(
    blank_nlp: Language, sentence: str, figure: str, unit: str, written: float, code: str
) -> None:
    claim = find(extract(sentence, published=PUB, nlp=blank_nlp).claims, figure)
    assert (claim.kind, claim.unit) == ("quantity", unit)
    want = to_canonical((float(written),), code)
    assert want is not None and want[0] is not None
    assert claim.value == pytest.approx(want[0], rel=1e-6)
    assert claim.low is not None and claim.low <= claim.value
    assert claim.high is None or claim.high >= claim.value


@pytest.mark.parametrize(
    ("sentence", "figure", "value"),
    [
        ("A magnitude 7.8 earthquake struck Turkey.", "magnitude 7.8", 7.8),
        ("A 7.8-magnitude quake hit the region.", "7.8-magnitude", 7.8),
        ("A 7.8 magnitude earthquake struck.", "7.8 magnitude", 7.8),
        ("The M 7.8 earthquake struck at night.", "M 7.8", 7.8),
        ("A magnitude-6.7 aftershock followed.", "magnitude-6.7", 6.7),
        ("The quake had a magnitude of 6.1.", "magnitude of 6.1", 6.1),
    ],
)
def test_earthquake_magnitudes(blank_nlp: Language, sentence: str, figure: str, value: float) -> None:
    claims = extract(sentence, published=PUB, nlp=blank_nlp).claims
    claim = find(claims, figure)
    assert (claim.kind, claim.unit, claim.value) == ("quantity", "magnitude", value)
    assert not [c for c in claims if c.kind == "count"]


def test_miles_and_km_are_comparable(blank_nlp: Language) -> None:
    """`4,160 miles` and `6,695 km` are the same length at the text's precision."""
    claims = extract("The Nile runs 4,160 miles, or 6,695 km.", nlp=blank_nlp).claims
    a, b = find(claims, "4,160 miles"), find(claims, "6,695 km")
    assert a.unit == b.unit == "kilometre"
    assert a.low is not None and a.high is not None and b.low is not None and b.high is not None
    assert a.low <= b.high and b.low <= a.high


def test_quantity_range(blank_nlp: Language) -> None:
    claim = find(extract("Floodwaters of 15 to 20 feet were reported.", nlp=blank_nlp).claims, "15 to 20 feet")
    assert (claim.kind, claim.qualifier, claim.unit) == ("quantity", "range", "kilometre")
    assert claim.low == pytest.approx(0.004572) and claim.high == pytest.approx(0.006096)


@pytest.mark.parametrize(
    "sentence",
    [
        "The road was extended from 120 km to 150 km.",
        "The range grew from 120 km to 150 km last year.",
    ],
)
def test_from_to_with_units_is_two_levels(blank_nlp: Language, sentence: str) -> None:
    claims = [c for c in extract(sentence, published=PUB, nlp=blank_nlp).claims if c.kind == "quantity"]
    assert [(c.text, c.qualifier) for c in claims] == [("120 km", "exact"), ("150 km", "exact")]


# -- changes are not ranges -----------------------------------------------------------------------
CHANGES = [
    ("The index fell 0.4 per cent to 4,120.", "0.4 per cent", "4,120"),
    ("The deficit widened by $12 billion to $95 billion.", "$12 billion", "$95 billion"),
    ("The population grew by 2 million to 67 million.", "2 million", "67 million"),
    ("Exports rose 5% to $3 billion.", "5%", "$3 billion"),
    ("The toll climbed by 300 to 4,500.", None, "4,500"),
    ("Shares jumped 12% to $45.", "12%", "$45"),
    ("Spending increased by $12 billion to $95 billion.", "$12 billion", "$95 billion"),
    ("The index rose 2.5 per cent to 4,310.", "2.5 per cent", "4,310"),
    ("Debt was cut by €2bn to €40bn.", "€2bn", "€40bn"),
    ("Sales slipped 3% to £1.2 billion.", "3%", "£1.2 billion"),
]


@pytest.mark.parametrize(("sentence", "change", "level"), CHANGES)
def test_a_change_and_a_level_are_two_claims(
    blank_nlp: Language, sentence: str, change: str | None, level: str
) -> None:
    claims = extract(sentence, nlp=blank_nlp).claims
    assert all(c.qualifier != "range" for c in claims), claims
    find(claims, level)
    if change is not None:
        find(claims, change)


@pytest.mark.parametrize(
    ("sentence", "earlier", "later"),
    [
        ("Unemployment rose from 5.2% to 6.1%.", "5.2%", "6.1%"),
        ("The toll was revised from 115 to 97.", "115", "97"),
        ("Prices went from $3 to $5.", "$3", "$5"),
        ("Turnout fell from 70 percent to 62 percent.", "70 percent", "62 percent"),
    ],
)
def test_from_to_after_a_change_verb_is_two_levels(
    blank_nlp: Language, sentence: str, earlier: str, later: str
) -> None:
    claims = extract(sentence, nlp=blank_nlp).claims
    assert all(c.qualifier != "range" for c in claims)
    find(claims, earlier), find(claims, later)


def test_change_signal_is_set_on_the_span(blank_nlp: Language) -> None:
    """The first figure of `<verb> X to Y` carries `Span._.claims_change` for the frame code."""
    from claims.text.components.common import SPAN_KEY

    doc = blank_nlp("The index fell 0.4 per cent to 4,120.")
    spans = sorted(doc.spans[SPAN_KEY], key=lambda s: s.start_char)
    assert [(s.text, bool(s._.claims_change)) for s in spans] == [("0.4 per cent", True), ("4,120", False)]


@pytest.mark.parametrize(
    ("sentence", "figure", "low", "high"),
    [
        ("Prices climbed 3 to 4 percent.", "3 to 4 percent", 3, 4),
        ("Between 2,000 and 3,000 people fled.", "2,000 and 3,000", 2000, 3000),
        ("It took 10 to 12 officials.", "10 to 12", 10, 12),
    ],
)
def test_real_ranges_stay_ranges(blank_nlp: Language, sentence: str, figure: str, low: float, high: float) -> None:
    claim = find(extract(sentence, nlp=blank_nlp).claims, figure)
    assert (claim.qualifier, claim.low, claim.high) == ("range", low, high)


_VERBS = [
    "rose",
    "fell",
    "increased",
    "decreased",
    "climbed",
    "dropped",
    "widened",
    "narrowed",
    "grew",
    "jumped",
    "slipped",
    "declined",
    "surged",
    "plunged",
    "gained",
]
_AMOUNTS = st.sampled_from(["$", "€", "£", ""]).flatmap(
    lambda cur: st.tuples(
        st.integers(1, 999),
        st.integers(1, 999),
        st.sampled_from([" billion", " million", "bn", "m"] if cur else [" per cent", "%", " percent"]),
    ).map(lambda t, cur=cur: (f"{cur}{t[0]}{t[2]}", f"{cur}{t[1]}{t[2]}"))
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    verb=st.sampled_from(_VERBS),
    by=st.booleans(),
    subject=st.sampled_from(["The deficit", "Exports", "The index"]),
    amounts=_AMOUNTS,
)
def test_verb_by_x_to_y_never_yields_a_range(
    blank_nlp: Language, verb: str, by: bool, subject: str, amounts: tuple[str, str]
) -> None:
    """Property: `<verb> [by] X to Y` never gives one range claim."""
    x, y = amounts
    sentence = f"{subject} {verb} {'by ' if by else ''}{x} to {y} last year."
    claims = extract(sentence, published=PUB, nlp=blank_nlp).claims
    assert not [c for c in claims if c.qualifier == "range"], (sentence, claims)


# -- earlier figures carry their own time -----------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "figure", "as_of"),
    [
        ("About 6.5 million people have fled, up from 5.2 million a month earlier.", "5.2 million", "2024-04"),
        ("Inflation was 3.1%, down from 4.5% a year ago.", "4.5%", "2023"),
        ("Exports reached $5 billion, up from $4 billion last year.", "$4 billion", "2023"),
        ("The toll stood at 300 a week ago.", "300", "2024-05-03"),
        ("The company sold 2,000 cars, compared with 1,500 in 2019.", "1,500", "2019"),
        ("Rents rose to $2,000, up from $1,500 two years earlier.", "$1,500", "2022"),
        ("Turnout was 62%, down from 70% the previous year.", "70%", "2023"),
    ],
)
def test_earlier_figures_take_their_time(blank_nlp: Language, sentence: str, figure: str, as_of: str) -> None:
    assert find(extract(sentence, published=PUB, nlp=blank_nlp).claims, figure).as_of == as_of


def test_the_level_keeps_the_publication_date(blank_nlp: Language) -> None:
    claims = extract(
        "About 6.5 million people have fled, up from 5.2 million a month earlier.", published=PUB, nlp=blank_nlp
    ).claims
    assert find(claims, "6.5 million").as_of == PUB


# -- money ---------------------------------------------------------------------------------------
MONEY = [
    ("The deal is worth $US2 billion.", "$US2 billion", 2e9, "USD"),
    ("The fund pledged SAR 100 million.", "SAR 100 million", 1e8, "SAR"),
    ("The fund pledged SAR 2 billion.", "SAR 2 billion", 2e9, "SAR"),
    ("A stamp now costs 50p.", "50p", 0.5, "GBP"),
    ("A coffee costs 35 cents.", "35 cents", 0.35, "USD"),
    ("Nigeria's budget is 21.8 trillion naira.", "21.8 trillion naira", 21.8e12, "NGN"),
    ("Kenya spent 3 billion Kenyan shillings.", "3 billion Kenyan shillings", 3e9, "KES"),
    ("The ministry spent 5 billion hryvnias.", "5 billion hryvnias", 5e9, "UAH"),
    ("The club paid 40 million Swiss francs.", "40 million Swiss francs", 40e6, "CHF"),
    ("Sweden spent kr 5 billion on defence.", "kr 5 billion", 5e9, "SEK"),
    ("India set aside Rs 10 billion.", "Rs 10 billion", 1e10, "INR"),
    ("It cost US$ 920 million.", "US$ 920 million", 920e6, "USD"),
    ("Ghana borrowed 2 billion Ghanaian cedis.", "2 billion Ghanaian cedis", 2e9, "GHS"),
    ("Egypt raised 10 billion Egyptian pounds.", "10 billion Egyptian pounds", 1e10, "EGP"),
]


@pytest.mark.parametrize(("sentence", "figure", "value", "code"), MONEY)
def test_money_forms(blank_nlp: Language, sentence: str, figure: str, value: float, code: str) -> None:
    claim = find(extract(sentence, nlp=blank_nlp).claims, figure)
    assert (claim.kind, claim.unit) == ("money", code)
    assert claim.value == pytest.approx(value)


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "figure", "code"),
    [
        ("Pakistan said the floods caused Rs 10 billion in damage. Pakistan asked for help.", "Rs 10 billion", "PKR"),
        ("Australia will spend $3 billion on submarines, Australia's minister said.", "$3 billion", "AUD"),
        ("Canada pledged $500 million. Canada's premier said more would come.", "$500 million", "CAD"),
        ("Norway spent kr 12 billion on aid. Norway's minister said so.", "kr 12 billion", "NOK"),
        ("Japan pledged $5 billion to Ukraine. Japan is a donor.", "$5 billion", "USD"),
        ("The company raised $20 million in New York.", "$20 million", "USD"),
        ("Pakistan's floods did ₨ 3.2 trillion of damage. Pakistan needs aid.", "₨ 3.2 trillion", "PKR"),
        ("China's exports hit ¥2 trillion, China's customs said.", "¥2 trillion", "CNY"),
    ],
)
def test_ambiguous_signs_follow_the_article_country(model_nlp: Language, text: str, figure: str, code: str) -> None:
    assert find(extract(text, nlp=model_nlp).claims, figure).unit == code


@pytest.mark.parametrize(
    "sentence", ["ALL 5 solutions were tested.", "TOP 10 tips for travel.", "They earned 10pm overtime."]
)
def test_codes_that_are_words_are_not_money(blank_nlp: Language, sentence: str) -> None:
    assert not [c for c in extract(sentence, nlp=blank_nlp).claims if c.kind == "money"]


# -- percents ------------------------------------------------------------------------------------
PERCENTS = [
    ("Inflation rose to 2.1pc in May.", "2.1pc", 2.1, "percent"),
    ("Growth slowed to 1.5 pc.", "1.5 pc", 1.5, "percent"),
    ("Yields hit 4.2pct.", "4.2pct", 4.2, "percent"),
    ("Unemployment is 5%.", "5%", 5, "percent"),
    ("Turnout was 62 per cent.", "62 per cent", 62, "percent"),
    ("The bank raised rates by 0.25 percentage points.", "0.25 percentage points", 0.25, "percentage point"),
    ("Rates rose one percentage point.", "one percentage point", 1, "percentage point"),
    ("The Fed raised rates by 25 basis points.", "25 basis points", 0.25, "percentage point"),
    ("Spreads widened 50bps.", "50bps", 0.5, "percentage point"),
    ("The share fell by 3 percentage points.", "3 percentage points", 3, "percentage point"),
]


@pytest.mark.parametrize(("sentence", "figure", "value", "unit"), PERCENTS)
def test_percent_forms(blank_nlp: Language, sentence: str, figure: str, value: float, unit: str) -> None:
    """Percentage points are kind `percent` with unit `percentage point`: never compared with percents."""
    claim = find(extract(sentence, nlp=blank_nlp).claims, figure)
    assert (claim.kind, claim.unit) == ("percent", unit)
    assert claim.value == pytest.approx(value)


# -- dates ---------------------------------------------------------------------------------------
DATES = [
    ("Refugees have arrived since June of 2018.", "June of 2018", "2018-06", None),
    ("Growth slowed in mid-2023.", "mid-2023", "2023", ("2023-05", "2023-08")),
    ("Prices fell in late 2022.", "late 2022", "2022", ("2022-09", "2022-12")),
    ("Work began in early 2020.", "early 2020", "2020", ("2020-01", "2020-04")),
    ("Profits rose in the first quarter of 2024.", "the first quarter of 2024", "2024", ("2024-01", "2024-03")),
    ("Profits rose in the second quarter of 2023.", "the second quarter of 2023", "2023", ("2023-04", "2023-06")),
    ("Sales fell in the fourth quarter of 2021.", "the fourth quarter of 2021", "2021", ("2021-10", "2021-12")),
    ("Sales fell in Q3 2023.", "Q3 2023", "2023", ("2023-07", "2023-09")),
    ("Sales fell in Q1 2022.", "Q1 2022", "2022", ("2022-01", "2022-03")),
    ("Output rose in H1 2024.", "H1 2024", "2024", ("2024-01", "2024-06")),
    ("Output rose in the second half of 2023.", "the second half of 2023", "2023", ("2023-07", "2023-12")),
    ("The company lost money in fiscal 2023.", "fiscal 2023", "2023", None),
    ("Spending is set for FY2019.", "FY2019", "2019", None),
    (
        "Pakistan's floods (14 June 2022 – October 2022) struck Sindh.",
        "14 June 2022 – October 2022",
        "2022-06-14",
        ("2022-06-14", "2022-10"),
    ),
    (
        "Over the period from 15 June to October 2022, the floods left 1,739 people dead.",
        "15 June to October 2022",
        "2022-06-15",
        ("2022-06-15", "2022-10"),
    ),
    (
        "Hurricane Katrina, August 25-31, 2005, was deadly.",
        "August 25-31, 2005",
        "2005-08-25",
        ("2005-08-25", "2005-08-31"),
    ),
    (
        "During 10–11 September 2023, two dams collapsed.",
        "10–11 September 2023",
        "2023-09-10",
        ("2023-09-10", "2023-09-11"),
    ),
    ("The plan covers the March-December 2018 period.", "March-December 2018", "2018-03", ("2018-03", "2018-12")),
    (
        "The conference ran from 4 to 22 January, 1995.",
        "4 to 22 January, 1995",
        "1995-01-04",
        ("1995-01-04", "1995-01-22"),
    ),
    ("He served from March 2019 to June 2021.", "March 2019 to June 2021", "2019-03", ("2019-03", "2021-06")),
    ("The war lasted 2014-2020.", "2014-2020", "2014", ("2014", "2020")),
]


@pytest.mark.parametrize(("sentence", "figure", "date", "period"), DATES)
def test_partial_dates_and_periods(
    blank_nlp: Language, sentence: str, figure: str, date: str, period: tuple[str, str] | None
) -> None:
    claims = [c for c in extract(sentence, published=PUB, nlp=blank_nlp).claims if c.kind == "date"]
    assert len(claims) == 1, claims
    claim = find(claims, figure)
    assert claim.date == date
    assert claim.period == (Period(start=period[0], end=period[1]) if period else None)


def test_a_period_scopes_the_figures_after_it(blank_nlp: Language) -> None:
    claims = extract(
        "Over the period from 15 June to October 2022, the floods left 1,739 people dead.", published=PUB, nlp=blank_nlp
    ).claims
    assert find(claims, "1,739").period == Period(start="2022-06-15", end="2022-10")


# -- numbers -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "figure", "value"),
    [
        ("The country hosted 347 815 refugees.", "347 815", 347815),
        ("Lebanon hosted 1 011 366 refugees.", "1 011 366", 1011366),
        ("Jordan hosted 10 052 migrants.", "10 052", 10052),
    ],
)
def test_space_grouped_thousands(blank_nlp: Language, sentence: str, figure: str, value: float) -> None:
    assert find(extract(sentence, nlp=blank_nlp).claims, figure).value == value


NOT_COUNTS = [
    "A 50-year-old man was arrested.",
    "The suspect, aged 34, fled.",
    "Over a quarter are children younger than 5.",
    "Children under the age of 12 were evacuated.",
    "Arsenal won 3-1 against Chelsea.",
    "The team lost 2-0 at home.",
    "They drew 1-1 with Spurs.",
    "It was a 4-2 victory.",
    "The meeting starts at 10:30.",
    "At about 6 a.m., Katrina came ashore.",
    "The vote closes at 6pm.",
    "Troops moved at 0800 GMT.",
    "He finished 3rd in the race.",
    "She celebrated her 21st birthday.",
    "It was located at 37.226°N 37.014°E.",
]


@pytest.mark.parametrize("sentence", NOT_COUNTS)
def test_not_counts(blank_nlp: Language, sentence: str) -> None:
    claims = extract(sentence, published=PUB, nlp=blank_nlp).claims
    assert not [c for c in claims if c.kind in ("count", "ratio") and c.unit != "fraction"], claims


@pytest.mark.model
@pytest.mark.parametrize(
    "sentence",
    [
        "John Smith, 50, was arrested on Tuesday.",
        "The storm remains among the three deadliest hurricanes ever.",
        "It has the 10 biggest firms in the region.",
    ],
)
def test_not_counts_with_the_parse(model_nlp: Language, sentence: str) -> None:
    claims = extract(sentence, published=PUB, nlp=model_nlp).claims
    assert not [c for c in claims if c.kind == "count"], claims


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        ("Thousands of people marched.", []),
        ("Billions of dollars were lost.", []),
        ("Tens of thousands of people marched.", ["Tens of thousands"]),
        ("More than hundreds of people marched.", ["More than hundreds"]),
    ],
)
def test_one_word_vague_amounts_are_no_claims(blank_nlp: Language, sentence: str, kept: list[str]) -> None:
    assert [c.text.split(" of people")[0] for c in extract(sentence, nlp=blank_nlp).claims] == kept
