"""Counts, written numbers, magnitudes, vague magnitudes, ratios, fractions, durations, measures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from claims.extraction import extract
from tests.nlp_fixtures import approx_eq, find

if TYPE_CHECKING:
    from spacy.language import Language


COUNTS = [
    # sentence, figure, value, low, high, qualifier, unit (blank pipeline's noun heuristic)
    ("Tokyo welcomed more than 2,700 Ukrainian refugees.", "more than 2,700", 2700, 2700, None, "more_than", "refugee"),
    ("Japan expelled eight Russian diplomats.", "eight", 8, 8, 8, "exact", "diplomat"),
    ("Moscow administers four contested islands.", "four", 4, 4, 4, "exact", "island"),
    ("Tokyo admitted 188 Ukrainian refugees.", "188", 188, 188, 188, "exact", "refugee"),
    ("Around 2,000 remain in Japan.", "Around 2,000", 2000, 1800, 2200, "approx", None),
    ("The army has 1.5 million soldiers.", "1.5 million", 1.5e6, 1.45e6, 1.55e6, "exact", "soldier"),
    ("The city has 3m residents.", "3m", 3e6, 2.5e6, 3.5e6, "exact", "resident"),
    ("They seized a dozen tanks.", "a dozen", 12, 12, 12, "exact", "tank"),
    ("Some 40 ships sailed.", "Some 40", 40, 36, 44, "approx", "ship"),
    ("Fewer than 100 workers stayed.", "Fewer than 100", 100, 0, 100, "less_than", "worker"),
    ("At least 27 people died.", "At least 27", 27, 27, None, "at_least", None),
    ("Up to 500 troops will go.", "Up to 500", 500, 0, 500, "at_most", "troop"),
    ("Twenty-five delegates voted.", "Twenty-five", 25, 25, 25, "exact", "delegate"),
]


@pytest.mark.parametrize(("sentence", "figure", "value", "low", "high", "qualifier", "unit"), COUNTS)
def test_counts(
    blank_nlp: Language,
    sentence: str,
    figure: str,
    value: float,
    low: float,
    high: float | None,
    qualifier: str,
    unit: str | None,
) -> None:
    """Counts carry the qualifier in their span and what is counted as a singular noun."""
    claim = find(extract(sentence, nlp=blank_nlp).claims, figure)
    assert (claim.kind, claim.text, claim.qualifier, claim.unit) == ("count", figure, qualifier, unit)
    assert approx_eq(claim.value, value) and approx_eq(claim.low, low) and approx_eq(claim.high, high)


@pytest.mark.parametrize(
    ("sentence", "figure", "low", "high"),
    [
        ("Between 2,000 and 3,000 people fled.", "2,000 and 3,000", 2000, 3000),
        ("About 2-3 million people fled.", "2-3 million", 2e6, 3e6),
        ("Tens of thousands of people marched.", "Tens of thousands", 10_000, 99_999),
        ("Hundreds of thousands of people marched.", "Hundreds of thousands", 100_000, 999_999),
        ("It took 10 to 12 officials.", "10 to 12", 10, 12),
    ],
)
def test_count_ranges(blank_nlp: Language, sentence: str, figure: str, low: float, high: float) -> None:
    claims = extract(sentence, nlp=blank_nlp).claims
    claim = find(claims, figure)
    assert (claim.kind, claim.qualifier, claim.value) == ("count", "range", None)
    assert (claim.low, claim.high) == (low, high)


@pytest.mark.parametrize(
    ("sentence", "figure", "kind", "value", "unit"),
    [
        ("China's budget is five times as large as Japan's.", "five times", "ratio", 5, "times"),
        ("It will be nine times as large by 2030.", "nine times", "ratio", 9, "times"),
        ("Prices rose 3 times faster.", "3 times", "ratio", 3, "times"),
        ("Output grew tenfold, or 10-fold.", "10-fold", "ratio", 10, "times"),
        ("Two-thirds of voters agreed.", "Two-thirds", "ratio", 0.6667, "fraction"),
        ("He spent five years in Tokyo.", "five years", "duration", 5, "year"),
        ("Reserves last 240 days.", "240 days", "duration", 240, "day"),
        ("LNG for 3 weeks remains.", "3 weeks", "duration", 3, "week"),
        ("Talks went on for two decades.", "two decades", "duration", 2, "decade"),
        ("The pipeline is 1,200 km long.", "1,200 km", "quantity", 1200, "kilometre"),
        ("They shipped 2 million tonnes of grain.", "2 million tonnes", "quantity", 2e6, "tonne"),
    ],
)
def test_ratios_durations_quantities(
    blank_nlp: Language, sentence: str, figure: str, kind: str, value: float, unit: str
) -> None:
    """The word after the number decides the kind: `times as`, `-fold`, time units, measures."""
    claim = find(extract(sentence, nlp=blank_nlp).claims, figure)
    assert (claim.kind, claim.text, claim.unit) == (kind, figure, unit)
    assert approx_eq(claim.value, value, rel=1e-3)


@pytest.mark.model
@pytest.mark.parametrize(
    ("sentence", "figure", "unit", "subject"),
    [
        ("Moscow still administers four contested islands.", "four", "island", "Russia"),
        ("Tokyo had already admitted 188 Ukrainian refugees.", "188", "refugee", "Japan"),
        ("Japan went on to expel eight Russian diplomats.", "eight", "diplomat", "Japan"),
        ("Kyiv has received 300 Leopard tanks.", "300", "tank", "Ukraine"),
        ("Washington sent more than 50 advisers to the region.", "more than 50", "adviser", "United States"),
        ("Zelensky named 12 new ministers.", "12", "minister", "Volodymyr Zelenskyy"),
    ],
)
def test_counted_noun_and_subject(model_nlp: Language, sentence: str, figure: str, unit: str, subject: str) -> None:
    """With the parse: what is counted, and who (aliases resolved) the figure is about."""
    claim = find(extract(sentence, nlp=model_nlp).claims, figure)
    assert (claim.kind, claim.unit, claim.subject) == ("count", unit, subject)


@pytest.mark.model
@pytest.mark.parametrize(
    ("sentence", "figure", "low", "high", "unit"),
    [
        ("Tens of thousands of people fled the city.", "Tens of thousands", 10_000, 99_999, "people"),
    ],
)
def test_vague_amounts_count_the_noun_after_of(
    model_nlp: Language, sentence: str, figure: str, low: float, high: float, unit: str
) -> None:
    """`tens of thousands of people`: a range, counting what follows the partitive `of`."""
    claim = find(extract(sentence, nlp=model_nlp).claims, figure)
    assert (claim.kind, claim.qualifier, claim.low, claim.high, claim.unit) == ("count", "range", low, high, unit)


@pytest.mark.model
def test_context_is_lemmas_of_the_clause(model_nlp: Language) -> None:
    """Context: lowercased lemmas, aliases resolved, stop words and numbers dropped."""
    claim = find(
        extract("Tokyo has welcomed more than 2,700 Ukrainian refugees.", nlp=model_nlp).claims, "more than 2,700"
    )
    assert claim.context == "japan welcome ukrainian refugee"
    assert claim.about == "Ukrainian refugees welcomed"


@pytest.mark.model
def test_as_of_and_period_scope_figures(model_nlp: Language) -> None:
    """`By <date>,` scopes the figures after it; `since <date>` gives an open period."""
    ex = extract(
        "A survey ran in late February 2022. By March 24, Tokyo had admitted 188 Ukrainian refugees. "
        "Tokyo has welcomed more than 2,700 refugees since the 2022 invasion.",
        published="2022-11-27",
        nlp=model_nlp,
    )
    admitted = find(ex.claims, "188")
    assert admitted.as_of == "2022-03-24"
    welcomed = find(ex.claims, "more than 2,700")
    assert welcomed.as_of == "2022-11-27"
    assert welcomed.period is not None and welcomed.period.start == "2022"
    assert welcomed.period.end is None


@pytest.mark.parametrize(
    ("sentence", "figure", "value", "low", "high", "qualifier"),
    [
        ("x is equal to one hundred and seventy.", "one hundred and seventy", 170, 170, 170, "exact"),
        (
            "It is bigger or equal than three thousand nine hundred and sixty five.",
            "bigger or equal than three thousand nine hundred and sixty five",
            3965,
            3965,
            None,
            "at_least",
        ),
        ("Seven hundred refugees arrived.", "Seven hundred", 700, 700, 700, "exact"),
        ("Exports exceeded 3000 crates.", "exceeded 3000", 3000, 3000, None, "more_than"),
        ("Sales surpass 3000 units.", "surpass 3000", 3000, 3000, None, "more_than"),
        ("About 500 or more units sold.", "500 or more", 500, 500, None, "at_least"),
        ("Scores of 30 or less count.", "30 or less", 30, 0, 30, "at_most"),
        ("His score is equal to or more than 30.", "equal to or more than 30", 30, 30, None, "at_least"),
        ("His score is less than or equal to 30.", "less than or equal to 30", 30, 0, 30, "at_most"),
        ("His score is more than 5000 or equal to it.", "more than 5000 or equal to it", 5000, 5000, None, "at_least"),
        ("The dam is more than 60 years old.", "more than 60 years", 60, 60, None, "more_than"),
    ],
)
def test_bounds_and_spelled_numbers(
    blank_nlp: Language, sentence: str, figure: str, value: float, low: float, high: float | None, qualifier: str
) -> None:
    """Comparison phrases become the right bound; compound spelled numbers parse whole."""
    claim = find(extract(sentence, nlp=blank_nlp).claims, figure)
    assert claim.qualifier == qualifier
    assert approx_eq(claim.value, value) and approx_eq(claim.low, low) and approx_eq(claim.high, high)


@pytest.mark.parametrize(
    ("sentence", "figure", "low", "high"),
    [
        ("The number is above 1000 and below 1500.", "above 1000 and below 1500", 1000, 1500),
        ("There were at most 100 and at least 20 boats.", "at most 100 and at least 20", 20, 100),
        (
            "Sales greater than 30 and less than or equal to 40 count.",
            "greater than 30 and less than or equal to 40",
            30,
            40,
        ),
        (
            "It is higher or equal than one hundred, lower or equal than three hundred.",
            "higher or equal than one hundred, lower or equal than three hundred",
            100,
            300,
        ),
        ("He scores between negative ten and fifteen.", "negative ten and fifteen", -10, 15),
        ("It took 20 through 100 days.", "20 through 100", 20, 100),
    ],
)
def test_two_bounds_make_one_range(blank_nlp: Language, sentence: str, figure: str, low: float, high: float) -> None:
    claim = find(extract(sentence, nlp=blank_nlp).claims, figure)
    assert (claim.qualifier, claim.low, claim.high) == ("range", low, high)


def test_bounds_that_cannot_hold_together_stay_apart(blank_nlp: Language) -> None:
    """`more than 40 and less than 10` is two statements, not an empty range."""
    claims = extract("More than 40 and less than 10 are two ranges.", nlp=blank_nlp).claims
    bounds = [(c.text, c.qualifier) for c in claims if c.qualifier != "exact"]
    assert bounds == [("More than 40", "more_than"), ("less than 10", "less_than")]


@pytest.mark.parametrize(
    ("sentence", "figure", "value", "qualifier"),
    [
        ("More than half of the refugees stayed.", "More than half", 0.5, "more_than"),
        ("One in five Ukrainians left.", "One in five", 0.2, "exact"),
        ("How about 2 in 5 or more.", "2 in 5 or more", 0.4, "at_least"),
        ("More than 1/2 of the people came.", "More than 1/2", 0.5, "more_than"),
    ],
)
def test_shares(blank_nlp: Language, sentence: str, figure: str, value: float, qualifier: str) -> None:
    claim = find(extract(sentence, nlp=blank_nlp).claims, figure)
    assert (claim.kind, claim.qualifier, claim.unit) == ("ratio", qualifier, "fraction")
    assert approx_eq(claim.value, value)


@pytest.mark.parametrize(
    "sentence",
    [
        "Half the team left.",
        "The 9/11 attacks changed it.",
        "He works 24/7.",
        "About half a million came.",
        "It rose in 10 years.",
    ],
)
def test_not_shares(blank_nlp: Language, sentence: str) -> None:
    assert not [c for c in extract(sentence, nlp=blank_nlp).claims if c.kind == "ratio"]


@pytest.mark.model
def test_elided_counted_noun_is_carried_from_the_count_before(model_nlp: Language) -> None:
    """`... 2,700 Ukrainian refugees. Around 2,000 remain`: 2,000 refugees; `300 more` likewise."""
    ex = extract(
        "Tokyo has welcomed more than 2,700 Ukrainian evacuees since 2022. Around 2,000 remain in Japan, "
        "and 300 more are expected.",
        nlp=model_nlp,
    )
    assert [find(ex.claims, f).unit for f in ("2,700", "Around 2,000", "300")] == ["evacuee"] * 3


@pytest.mark.model
def test_no_noun_is_carried_across_a_gap(model_nlp: Language) -> None:
    ex = extract("Ships carried 40 tanks. The talks went well. Around 2,000 remain.", nlp=model_nlp)
    assert find(ex.claims, "Around 2,000").unit is None


@pytest.mark.model
@pytest.mark.parametrize(
    ("sentence", "figure", "subject"),
    [
        # territory counts are about their claimant, wherever the sentence names it
        (
            "Washington supports Tokyo and has recognized Japanese sovereignty over the four disputed islands.",
            "four",
            "Japan",
        ),
        ("Talks aimed at the three southern islands being returned to Finland.", "three", "Finland"),
        ("Norway's two northern islands were occupied by Russia.", "two", "Norway"),
        ("A dispute over four Hokkaido islands, which were occupied by Russia, went on.", "four", "Japan"),
        # without a claimant, who holds them
        ("Moscow still administers four contested islands.", "four", "Russia"),
        # the nationality of counted things that belong to someone; not of people on the move
        ("The cooperation has led to more than 200 Japanese private-sector projects.", "more than 200", "Japan"),
        ("More than 2,700 Ukrainian refugees came to Germany.", "More than 2,700", "Germany"),
    ],
)
def test_subject_rules(model_nlp: Language, sentence: str, figure: str, subject: str) -> None:
    assert find(extract(sentence, nlp=model_nlp).claims, figure).subject == subject


@pytest.mark.model
@pytest.mark.parametrize(
    ("sentence", "figure", "about"),
    [
        # the counted noun with its modifiers, the verb, and the verb's telling phrase
        ("Germany has provided 2 billion euros in aid to Moldova.", "2 billion euros", "aid provided to Moldova"),
        (
            "Poland has welcomed more than 3,000 Belarusian refugees since 2020.",
            "more than 3,000",
            "Belarusian refugees welcomed",
        ),
        ("1,200 soldiers were deployed to the border with Belarus.", "1,200", "soldiers deployed to border"),
        # a copula: what its subject is
        ("The unemployment rate was 2.5 percent in December.", "2.5 percent", "unemployment rate"),
    ],
)
def test_about_is_a_short_phrase(model_nlp: Language, sentence: str, figure: str, about: str) -> None:
    claim = find(extract(sentence, published="2023-02-10", nlp=model_nlp).claims, figure)
    assert claim.about == about
    assert len(claim.about.split()) <= 8


@pytest.mark.model
@pytest.mark.parametrize(
    ("sentence", "figure", "subject"),
    [
        # a prepositional object after the figure is not its subject
        ("1,200 soldiers were deployed to the border with Belarus.", "1,200", None),
        # ... nor is a member of a list inside the counted phrase
        ("The treaty covers three islands consisting of Lesbos, Chios and Samos.", "three", None),
        # a pronoun subject stands for the person named before it
        ("By the time Merkel left office, she had met Erdogan on 19 occasions.", "19", "Merkel"),
        # an object read by the parser as the next verb's subject still belongs to the verb before it
        (
            "Berlin had already admitted 500 Syrian refugees, issued visas to 200 more, and launched a taskforce.",
            "500",
            "Germany",
        ),
    ],
)
def test_subject_is_the_clause_subject(model_nlp: Language, sentence: str, figure: str, subject: str | None) -> None:
    claim = find(extract(sentence, nlp=model_nlp).claims, figure)
    assert claim.subject == subject


@pytest.mark.model
def test_context_covers_the_verb_and_its_subject(model_nlp: Language) -> None:
    ex = extract(
        "Berlin had already admitted 500 Syrian refugees, issued visas to 200 more, and launched a taskforce.",
        nlp=model_nlp,
    )
    assert {"germany", "admit", "syrian", "refugee"} <= set(find(ex.claims, "500").context.split())


@pytest.mark.model
@pytest.mark.parametrize(
    ("sentence", "span"),
    [
        ("Moscow still administers four contested islands.", "four contested islands"),
        ("Brazil went on to expel six Venezuelan diplomats.", "six Venezuelan diplomats"),
        ("She had met Erdogan on 19 occasions.", "19 occasions"),
    ],
)
def test_count_span_takes_the_counted_noun(model_nlp: Language, sentence: str, span: str) -> None:
    claim = find(extract(sentence, nlp=model_nlp).claims, span)
    assert claim.text == span


@pytest.mark.model
def test_in_date_scopes_a_figure_of_its_clause(model_nlp: Language) -> None:
    ex = extract("The unemployment rate was 2.5 percent in December.", published="2023-02-10", nlp=model_nlp)
    assert find(ex.claims, "2.5 percent").as_of == "2022-12"


@pytest.mark.model
def test_scope_of_a_coordinated_clause_stays_there(model_nlp: Language) -> None:
    ex = extract(
        "Canada's budget is three times as large as Mexico's, and is projected to be six times as large by 2030.",
        published="2024-05-01",
        nlp=model_nlp,
    )
    assert find(ex.claims, "three times").as_of == "2024-05-01"
    assert find(ex.claims, "six times").as_of == "2030"


@pytest.mark.model
def test_dates_listed_after_a_count_do_not_scope_it(model_nlp: Language) -> None:
    ex = extract(
        "Both countries fought two wars, first in 1904-05 and then in 1945.", published="2022-11-27", nlp=model_nlp
    )
    assert find(ex.claims, "two").as_of == "2022-11-27"
