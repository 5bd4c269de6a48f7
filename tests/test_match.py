"""match_claims(): blocking, scoring and the precision-first rules, on hand-built multi-article scenarios.

The claims mirror what the extractor gives for the seed articles (sentence, lemma context,
subject, about, as-of); the scenarios include the gold relations of shared/gold/seeds.gold.json
and its negatives (different events that share a date, a number or the same people).
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from claims.matching import LINK_THRESHOLD, SUGGEST_THRESHOLD, block_key, match_claims
from claims.models import Claim, ClaimRef, MatchResult, Period


def ref(id: int, article: int, published: str | None, **kw: Any) -> ClaimRef:
    """A stored claim of one article; offsets do not matter to matching."""
    kw.setdefault("start", 0)
    kw.setdefault("end", len(kw["text"]))
    return ClaimRef(id=id, article_id=article, source=f"source {article}", published=published, claim=Claim(**kw))


# --- seed-like claims ------------------------------------------------------------------------------
INV26 = ref(
    1,
    3,
    "2022-03",
    kind="date",
    text="February 26",
    date="2022-02-26",
    subject="Russia",
    about="start of full-scale invasion of Ukraine",
    as_of="2022-03",
    sentence="Since February 26, Russia has engaged in full and continuous military action, amounting to a full-scale invasion of Ukraine.",
    context="since russia engage full continuous military action amount full-scale invasion ukraine",
)
INV24 = ref(
    2,
    3,
    "2022-03",
    kind="date",
    text="February 24",
    date="2022-02-24",
    subject="Vladimir Putin",
    about="announced special military operation",
    as_of="2022-03",
    sentence="In the early hours of February 24, Putin announced a “special military operation” in Ukraine under the guise of carrying out the “demilitarization and denazification” of the country.",
    context="early hour putin announce special military operation ukraine guise carry demilitarization denazification country",
)
INV24_OTHER = ref(
    3,
    9,
    "2023-02-24",
    kind="date",
    text="24 February 2022",
    date="2022-02-24",
    subject="Moscow",
    about="Russia launched its full-scale invasion",
    as_of="2023-02-24",
    sentence="Moscow launched its full-scale invasion of Ukraine on 24 February 2022.",
    context="moscow launch full-scale invasion ukraine",
)
G7_24 = ref(
    4,
    3,
    "2022-03",
    kind="date",
    text="February 24",
    date="2022-02-24",
    subject="G7",
    about="virtual G7 meeting condemned invasion",
    as_of="2022-03",
    sentence="A virtual G7 meeting later, on February 24, condemned the invasion as a “threat to the rules-based international order”.",
    context="virtual meeting later condemn invasion threat rule-base international order",
)
CALL15 = ref(
    5,
    3,
    "2022-03",
    kind="date",
    text="February 15",
    date="2022-02-15",
    subject="Fumio Kishida",
    about="Kishida-Zelensky call",
    as_of="2022-03",
    sentence="On February 15, during a call between Kishida and Ukrainian President Volodymyr ZelenskyKishida declared his support for Ukraine’s sovereignty and territorial integrity.",
    context="call kishida ukrainian president volodymyr zelenskykishida declare support ukraine sovereignty territorial integrity",
)
CALL17 = ref(
    6,
    3,
    "2022-03",
    kind="date",
    text="February 17",
    date="2022-02-17",
    subject="Fumio Kishida",
    about="Kishida-Putin phone call",
    as_of="2022-03",
    sentence="On February 17, Kishida again pledged continued diplomatic efforts during a phone call with Vladimir Putin, where Moscow assured that it was not planning an invasion.",
    context="kishida pledge continue diplomatic effort phone call vladimir putin",
)
MEET11 = ref(
    7,
    1,
    "2022-02",
    kind="date",
    text="February 11",
    date="2022-02-11",
    subject="Yoshimasa Hayashi",
    about="Blinken-Hayashi meeting in Melbourne",
    as_of="2022-02",
    sentence="On February 11 in Melbourne, US Secretary of State Anthony Blinken and Japanese Foreign Minister Yoshimasa Hayashi discussed the situation around Ukraine.",
    context="melbourne us secretary state anthony blinken japanese foreign minister yoshimasa hayashi discuss situation around ukraine",
)
TEL26 = ref(
    8,
    3,
    "2022-03",
    kind="date",
    text="February 26",
    date="2022-02-26",
    subject="Yoshimasa Hayashi",
    about="Hayashi-Blinken telephone conversation",
    as_of="2022-03",
    sentence="In a telephone conversation on February 26 between Japanese Foreign Minister Yoshimasa Hayashi and US Secretary of State Antony Blinken, both agreed on the need to respond to the Russian invasion.",
    context="telephone conversation japanese foreign minister yoshimasa hayashi us secretary state antony blinken agree need respond russian invasion",
)
TEL27 = ref(
    9,
    10,
    "2022-03-01",
    kind="date",
    text="February 27",
    date="2022-02-27",
    subject="Hayashi",
    about="Hayashi and Blinken phone talks",
    as_of="2022-03-01",
    sentence="Hayashi held phone talks with Blinken on February 27 about sanctions on Russia.",
    context="hayashi hold phone talk blinken sanction russia",
)
NT_DAY = ref(
    10,
    1,
    "2022-02",
    kind="date",
    text="February 7th",
    date="2022-02-07",
    subject="Japan",
    about="Northern Territories Day",
    as_of="2022-02",
    sentence="On February 7th, as Japan observes Northern Territories day, I want to be crystal clear, the United States supports Japan on the issue of the Northern Territories.",
    context="japan observe northern territories day want crystal clear united states support japan issue northern territories",
)
WH_VISIT = ref(
    11,
    2,
    "2025-03",
    kind="date",
    text="Feb. 7, 2025",
    date="2025-02-07",
    subject="Ishiba Shigeru",
    about="visit to the White House",
    as_of="2025-03",
    sentence="Japanese Prime Minister Ishiba Shigeru (center) walks with U.S. President Donald Trump (right) during a visit to the White House, Feb. 7, 2025.",
    context="japanese prime minister ishiba shigeru center walk us president donald trump right visit white house",
)
ANNEX14 = ref(
    12,
    3,
    "2022-03",
    kind="date",
    text="2014",
    date="2014",
    subject="Russia",
    about="annexation of Crimea",
    as_of="2022-03",
    sentence="Tokyo's response to Russia's annexation of Crimea in 2014 was muted compared with the full-scale invasion.",
    context="tokyo response russia annexation crimea mute compare full-scale invasion",
)
R188 = ref(
    20,
    4,
    "2022-11-27",
    kind="count",
    text="188",
    value=188,
    low=188,
    high=188,
    unit="refugee",
    subject="Japan",
    about="Ukrainian refugees admitted by 24 March 2022",
    as_of="2022-03-24",
    sentence="By March 24, when President Joe Biden bowed to international pressure and announced that the US would accept refugees from Ukraine, Tokyo had already admitted 188 Ukrainian refugees, issued visas to 300 more, and launched a government-wide taskforce to coordinate refugee policy.",
    context="tokyo already admit ukrainian refugee",
)
R2700 = ref(
    21,
    0,
    "2025-02-21",
    kind="count",
    text="more than 2,700",
    value=2700,
    low=2700,
    qualifier="more_than",
    unit="evacuee",
    subject="Tokyo",
    about="Ukrainian refugees welcomed since 2022",
    as_of="2025-02-21",
    period=Period(start="2022"),
    sentence="But flattery works in East Asia and in part is behind Tokyo having welcomed more than 2,700 Ukrainian refugees since the 2022 invasion.",
    context="tokyo welcome ukrainian refugee since invasion",
)
R2000 = ref(
    22,
    0,
    "2025-02-21",
    kind="count",
    text="Around 2,000",
    value=2000,
    low=1800,
    high=2200,
    qualifier="approx",
    unit="refugee",
    subject="Japan",
    about="Ukrainian refugees remaining in Japan",
    as_of="2025-02-21",
    sentence="Around 2,000 remain in Japan today according to Kyodo, but just how long they will continue to be welcome should Tokyo follow a possible shunning of Kyiv by Washington remains to be seen.",
    context="remain japan today accord kyodo",
)
AID_SENTENCE = "In addition to $100 million in emergency humanitarian assistance and an additional $100 million in loans, the Japanese government has supplied Ukrainian forces with bulletproof vests."
EUR11 = ref(
    30,
    2,
    "2025-03",
    kind="money",
    text="11 billion euros",
    value=11e9,
    low=10.5e9,
    high=11.5e9,
    unit="EUR",
    subject="Japan",
    about="aid to Ukraine",
    as_of="2024-12",
    period=Period(start="2022-02", end="2024-12"),
    attribution="Kiel Institute for the World Economy",
    sentence="According to the Kiel Institute for the World Economy, a German economic think tank, Japan has provided 11 billion euros in aid to Ukraine from the beginning of Russia’s invasion of Ukraine in February 2022 through December 2024.",
    context="accord kiel institute world economy german economic think tank japan provide aid ukraine beginning russia invasion ukraine",
)
USD100_AID = ref(
    31,
    4,
    "2022-11-27",
    kind="money",
    text="$100 million",
    value=1e8,
    low=1e8,
    high=1e8,
    unit="USD",
    subject="Japan",
    about="emergency humanitarian assistance to Ukraine",
    as_of="2022-11-27",
    sentence=AID_SENTENCE,
    context="addition emergency humanitarian assistance additional loan japanese government supply ukrainian force",
)
USD100_LOAN = ref(
    32,
    4,
    "2022-11-27",
    kind="money",
    text="an additional $100 million",
    value=1e8,
    low=1e8,
    high=1e8,
    unit="USD",
    subject="Japan",
    about="loans to Ukraine",
    as_of="2022-11-27",
    sentence=AID_SENTENCE,
    context="addition emergency humanitarian assistance additional loan japanese government supply ukrainian force",
)
RESERVES = "However, Kishida said that Japan would not be affected by any energy shortages because there are enough crude oil reserves for 240 days and LNG for 3 weeks."
OIL240 = ref(
    40,
    3,
    "2022-03",
    kind="duration",
    text="240 days",
    value=240,
    low=240,
    high=240,
    unit="day",
    subject="Japan",
    about="crude oil reserves",
    as_of="2022-03",
    sentence=RESERVES,
    context="kishida say japan affect energy shortage enough crude oil reserve lng",
)
LNG3 = ref(
    41,
    3,
    "2022-03",
    kind="duration",
    text="3 weeks",
    value=3,
    low=3,
    high=3,
    unit="week",
    subject="Japan",
    about="LNG reserves",
    as_of="2022-03",
    sentence=RESERVES,
    context="kishida say japan affect energy shortage enough crude oil reserve lng",
)
LNG21 = ref(
    42,
    11,
    "2022-03-05",
    kind="duration",
    text="21 days",
    value=21,
    low=21,
    high=21,
    unit="day",
    subject="Japan",
    about="LNG stockpiles",
    as_of="2022-03-05",
    sentence="Japan holds LNG stockpiles for about 21 days of consumption.",
    context="japan hold lng stockpile consumption",
)


def island(id: int, article: int, published: str, subject: str, sentence: str, context: str, about: str) -> ClaimRef:
    return ref(
        id,
        article,
        published,
        kind="count",
        text="four islands",
        value=4,
        low=4,
        high=4,
        unit="island",
        subject=subject,
        about=about,
        as_of=published,
        sentence=sentence,
        context=context,
    )


ISL1 = island(
    50,
    1,
    "2022-02",
    "Japan",
    "The United States supports Japan and has recognized Japanese sovereignty over the four disputed Islands since the 1950s.",
    "united states support japan recognize japanese sovereignty dispute island",
    "disputed islands (Northern Territories)",
)
ISL3 = island(
    51,
    3,
    "2022-03",
    "Japan",
    "A dispute over the Northern Territories, four Hokkaido islands consisting of Habomai, Shikotan, Kunashiri and Etorofu, favored this approach.",
    "dispute northern territories hokkaido island consist habomai shikotan kunashiri etorofu",
    "disputed islands (Northern Territories)",
)
ISL4 = island(
    52,
    4,
    "2022-11-27",
    "Japan",
    "The Abe government hoped its silence would help negotiations over a treaty that would lead to the four southernmost Kuril Islands being returned to Japan.",
    "abe government hope silence negotiation treaty lead southernmost kuril island return japan",
    "disputed Kuril islands returned to Japan",
)
ISL3B = island(
    53,
    5,
    "2023-01",
    "Tokyo",
    "Tokyo still claims the Northern Territories, four islands off Hokkaido occupied since 1945.",
    "tokyo still claim northern territories island hokkaido occupy",
    "disputed islands (Northern Territories)",
)

# (claims, {pair: (label, linked)} that must come out, pairs that must NOT come out)
Pair = tuple[int, int]
SCENARIOS = [
    pytest.param([INV26, INV24], {(1, 2): ("conflict", True)}, [], id="one-article-two-invasion-dates"),
    pytest.param([INV24, INV24_OTHER], {(2, 3): ("agree", True)}, [], id="invasion-date-corroborated-across-articles"),
    pytest.param([INV26, INV24_OTHER], {(1, 3): ("conflict", True)}, [], id="invasion-date-conflict-across-articles"),
    pytest.param([INV24, G7_24], {}, [(2, 4)], id="g7-meeting-same-day-not-invasion"),
    pytest.param([CALL15, CALL17], {}, [(5, 6)], id="kishida-call-zelensky-vs-putin"),
    pytest.param([MEET11, TEL26], {}, [(7, 8)], id="blinken-hayashi-meeting-vs-phone-call"),
    pytest.param([CALL17, TEL26], {}, [(6, 8)], id="kishida-putin-call-vs-hayashi-blinken-call"),
    pytest.param(
        [TEL26, TEL27], {(8, 9): ("conflict", True)}, [], id="same-call-two-dates-links-on-shared-counterpart"
    ),
    pytest.param([NT_DAY, WH_VISIT], {}, [(10, 11)], id="northern-territories-day-vs-white-house-visit"),
    pytest.param([INV26, ANNEX14], {}, [(1, 12)], id="annexation-vs-invasion"),
    pytest.param([R188, R2700], {(20, 21): ("different_scope", True)}, [], id="cumulative-refugees-different-as-of"),
    pytest.param([R2700, R2000], {}, [(21, 22)], id="refugees-admitted-vs-remaining"),
    pytest.param([EUR11, USD100_AID], {(30, 31): ("different_scope", True)}, [], id="total-vs-humanitarian-tranche"),
    pytest.param([USD100_AID, USD100_LOAN], {}, [(31, 32)], id="aid-vs-loans-same-sentence"),
    pytest.param([OIL240, LNG3], {}, [(40, 41)], id="oil-days-vs-lng-weeks-same-sentence"),
    pytest.param([LNG3, LNG21], {(41, 42): ("agree", True)}, [], id="lng-weeks-vs-days-restated"),
    # Worded differently, restatements may reach only a suggestion; the label is what matters.
    pytest.param([ISL3, ISL4], {(51, 52): ("agree", False)}, [], id="four-islands-restated-differently-worded"),
    pytest.param([ISL3, ISL3B], {(51, 53): ("agree", True)}, [], id="four-islands-restated-closely"),
]


def _by_pair(results: list[MatchResult]) -> dict[Pair, MatchResult]:
    out: dict[Pair, MatchResult] = {}
    for r in results:
        pair = (min(r.a, r.b), max(r.a, r.b))
        assert pair not in out, f"pair {pair} reported twice"
        out[pair] = r
    return out


@pytest.mark.parametrize(("claims", "expected", "forbidden"), SCENARIOS)
def test_scenarios_new_article_against_stored(
    claims: list[ClaimRef], expected: dict[Pair, tuple[str, bool]], forbidden: list[Pair]
) -> None:
    """The last article's claims arrive new; the earlier ones are stored candidates."""
    last = claims[-1].article_id
    new = [c for c in claims if c.article_id == last]
    stored = [c for c in claims if c.article_id != last]
    got = _by_pair(match_claims(new, stored))
    for pair, (label, linked) in expected.items():
        assert pair in got, f"missing {pair}; got {got}"
        assert (got[pair].label, got[pair].linked) == (label, linked), got[pair].reason
    for pair in forbidden:
        assert pair not in got, got[pair].reason


@pytest.mark.parametrize(("claims", "expected", "forbidden"), SCENARIOS)
def test_scenarios_all_at_once(
    claims: list[ClaimRef], expected: dict[Pair, tuple[str, bool]], forbidden: list[Pair]
) -> None:
    """Order of arrival must not matter: every claim new at once gives the same verdicts."""
    got = _by_pair(match_claims(claims, []))
    assert {p: (r.label, r.linked) for p, r in got.items() if p in expected} == expected
    assert not set(forbidden) & set(got)


def test_all_seed_claims_together_give_only_the_gold_relations() -> None:
    """Everything in one pool: the gold relations appear, no false conflict anywhere."""
    pool = [
        INV26,
        INV24,
        G7_24,
        CALL15,
        CALL17,
        MEET11,
        TEL26,
        NT_DAY,
        WH_VISIT,
        ANNEX14,
        R188,
        R2700,
        R2000,
        EUR11,
        USD100_AID,
        USD100_LOAN,
        OIL240,
        LNG3,
        ISL1,
        ISL3,
        ISL4,
    ]
    got = _by_pair(match_claims(pool, []))
    conflicts = {p for p, r in got.items() if r.label == "conflict"}
    assert conflicts == {(1, 2)}
    assert all(r.label == "agree" for p, r in got.items() if set(p) <= {50, 51, 52})
    assert got[(20, 21)].label == "different_scope"
    assert got[(30, 31)].label == "different_scope"


def test_result_shape() -> None:
    """Every result carries its evidence: components, a readable reason, a score in [0, 1]."""
    results = match_claims([INV26], [INV24, R188])
    assert len(results) == 1
    r = results[0]
    assert (r.a, r.b) == (1, 2)  # a is the new claim
    assert set(r.components) >= {"ctx", "about", "event", "who", "counterpart"}
    assert 0.0 <= r.score <= 1.0 and r.linked == (r.score >= LINK_THRESHOLD)
    assert "2022-02-26 vs 2022-02-24" in r.reason and "invasion" in r.reason
    assert r.severity is not None and 0 < r.severity < 1


def test_never_pairs_a_claim_with_itself_and_each_pair_once() -> None:
    """A claim listed both as new and as candidate is not its own match; A-B is not also B-A."""
    results = match_claims([INV26, INV24], [INV26, INV24, INV24_OTHER])
    pairs = [(min(r.a, r.b), max(r.a, r.b)) for r in results]
    assert all(r.a != r.b for r in results)
    assert len(pairs) == len(set(pairs)) == 3
    assert all(r.a in {1, 2} for r in results)


def test_candidates_outside_the_block_are_ignored() -> None:
    """The DB hands over one block; anything else passed in is not matched (blocking is the contract)."""
    assert match_claims([R188], [INV24, EUR11, OIL240]) == []


def test_recurring_event_without_counterpart_is_only_a_suggestion() -> None:
    """Leaders call each other often: a call with no named counterpart never links on its own."""
    bare = ref(
        60,
        12,
        "2022-03",
        kind="date",
        text="February 20",
        date="2022-02-20",
        subject="Fumio Kishida",
        about="Kishida phone call",
        as_of="2022-03",
        sentence="On February 20, Kishida held a phone call to discuss the crisis in Ukraine.",
        context="kishida hold phone call discuss crisis ukraine",
    )
    for r in match_claims([bare], [CALL15, CALL17]):
        assert r.linked is False and r.score < LINK_THRESHOLD


@pytest.mark.parametrize(
    ("claim", "key"),
    [
        (INV24.claim, "date|date|Russia"),  # Putin speaks for Russia
        (INV24_OTHER.claim, "date|date|Russia"),  # Moscow -> Russia
        (R2700.claim, "count|refugee|Japan"),  # evacuee -> refugee, Tokyo -> Japan
        (EUR11.claim, "money|money|Japan"),
        (USD100_AID.claim, "money|money|Japan"),  # any currency is money
        (LNG3.claim, "duration|time|Japan"),
        (OIL240.claim, "duration|time|Japan"),
        (G7_24.claim, "date|date|G7"),
        (
            Claim(
                kind="percent",
                text="9%",
                start=0,
                end=2,
                sentence="",
                value=9,
                unit="percent",
                subject="Japan",
            ),
            "percent|percent|Japan",
        ),
        (
            Claim(
                kind="ratio",
                text="five times",
                start=0,
                end=10,
                sentence="",
                value=5,
                unit="times",
                subject="China",
            ),
            "ratio|ratio|China",
        ),
        (
            Claim(
                kind="count",
                text="2,000",
                start=0,
                end=5,
                sentence="",
                value=2000,
                unit="displaced person",
                subject="Kyiv",
            ),
            "count|refugee|Ukraine",
        ),
        (
            Claim(kind="date", text="Feb 15", start=0, end=6, sentence="", date="2022-02-15", subject="Zelensky"),
            "date|date|Ukraine",
        ),
        (
            Claim(
                kind="date",
                text="Feb 15",
                start=0,
                end=6,
                sentence="",
                date="2022-02-15",
                subject="Volodymyr Zelenskyy",
            ),
            "date|date|Ukraine",
        ),
    ],
)
def test_block_key(claim: Claim, key: str) -> None:
    """kind | unit class | the state the subject speaks for."""
    assert block_key(claim) == key


@pytest.mark.parametrize(
    "claim",
    [
        Claim(kind="money", text="$44bn", start=0, end=5, sentence="", value=44e9, unit="USD"),  # no subject
        Claim(kind="date", text="1945", start=0, end=4, sentence="", date="1945"),  # no subject
        Claim(kind="date", text="this week", start=0, end=9, sentence="", subject="Japan"),  # no date
        Claim(
            kind="count",
            text="78-year-old",
            start=0,
            end=11,
            sentence="",
            value=78,
            unit="year",
            subject="Donald Trump",
        ),
        Claim(
            kind="count",
            text="third anniversary",
            start=0,
            end=17,
            sentence="",
            value=3,
            unit="anniversary",
            subject="Ukraine",
        ),
        Claim(kind="count", text="some", start=0, end=4, sentence="", subject="Japan", unit="refugee"),  # no value
        Claim(kind="money", text="millions", start=0, end=8, sentence="", value=1e6, subject="Japan"),  # no currency
    ],
)
def test_low_information_claims_get_no_key(claim: Claim) -> None:
    """No key means never matched: precision first."""
    assert block_key(claim) is None


def test_thresholds_are_ordered() -> None:
    assert 0.0 < SUGGEST_THRESHOLD < LINK_THRESHOLD < 1.0


def _hits_scoring_every_choice(texts: list[str], choices: list[str]) -> list[list[tuple[int, float]]]:
    """What `_context_hits` gave before it scored each distinct context once: the reference."""
    from rapidfuzz import fuzz, process

    from claims.matching.cues_shortlist import MAX_CANDIDATES, SHORTLIST_CUTOFF

    if len(texts) == 1:
        found = process.extract(
            texts[0], choices, scorer=fuzz.token_set_ratio, processor=None,
            score_cutoff=SHORTLIST_CUTOFF, limit=MAX_CANDIDATES + 1,
        )  # fmt: skip
        return [[(idx, float(score)) for _, score, idx in found]]
    matrix = process.cdist(
        texts, choices, scorer=fuzz.token_set_ratio, processor=None, score_cutoff=SHORTLIST_CUTOFF, dtype=np.uint8
    )
    out = []
    for row in matrix:
        idx = np.flatnonzero(row >= SHORTLIST_CUTOFF)
        idx = idx[np.argsort(row[idx], kind="stable")[::-1][: MAX_CANDIDATES + 1]]
        out.append([(int(j), float(row[j])) for j in idx])
    return out


def test_context_hits_score_each_distinct_context_once_with_the_same_result() -> None:
    from claims.matching.cues_shortlist import _context_hits

    rng = random.Random(7)
    words = "russia ukraine invasion begin full scale war aid pledge japan billion euro refugee arrive island".split()
    for _ in range(400):
        pool = [" ".join(rng.sample(words, rng.randint(1, 6))) for _ in range(rng.randint(1, 40))]
        choices = [rng.choice(pool) for _ in range(rng.randint(1, 300))]  # many repeats, as in real blocks
        texts = [" ".join(rng.sample(words, rng.randint(1, 6))) for _ in range(rng.choice((1, 1, 2, 5)))]
        assert _context_hits(texts, choices) == _hits_scoring_every_choice(texts, choices)
