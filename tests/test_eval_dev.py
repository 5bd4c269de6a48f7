"""Scoring of the relations development corpus (tools.eval.dev): pure figures on hand-built
inputs, and one run of the real corpus through ingest and a real database."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from itertools import combinations
from typing import TYPE_CHECKING

import msgspec
import pytest

from claims.models import Claim
from claims.settings import PROJECT_ROOT, Settings
from tests.nlp_fixtures import MODEL
from tools.eval.dev import (
    Corpus,
    CorpusRun,
    DevReport,
    GoldClaim,
    Passage,
    Relation,
    StoredClaim,
    StoredMatch,
    content_lemmas,
    evaluate_dev,
    format_dev_report,
    gold_pairs,
    normalise_subject,
    score_dev,
    subject_matches,
)

if TYPE_CHECKING:
    from spacy.language import Language

DEV_CORPUS = PROJECT_ROOT.parent / "shared" / "gold" / "relations.dev.json"

TEXTS = {
    "P1": "The flood killed 100 people in Derna, officials said.",
    "P2": "The flood in Derna killed 90 people, the UN said.",
    "P3": "The storm cost 100 people their homes in Benghazi.",
}


def _words(texts: Sequence[str]) -> list[frozenset[str]]:
    """A stand-in lemmatiser: lowercase words less a plural s, a few stopwords dropped."""
    stop = {"the", "of", "in", "a"}
    return [frozenset(w.lower().removesuffix("s") for w in t.split() if w.lower() not in stop) for t in texts]


def _gold(pid: str, n: int, span: str, value: float, subject: str = "Derna", about: str = "deaths") -> GoldClaim:
    start = TEXTS[pid].index(span)
    return GoldClaim(
        id=f"{pid}#{n}",
        text=span,
        start=start,
        end=start + len(span),
        kind="count",
        value=value,
        unit="person",
        subject=subject,
        about=about,
    )


def _corpus(*relations: Relation) -> Corpus:
    return Corpus(
        passages=[
            Passage(id="P1", topic="t", source="S1", text=TEXTS["P1"], claims=[_gold("P1", 1, "100 people", 100)]),
            Passage(id="P2", topic="t", source="S2", text=TEXTS["P2"], claims=[_gold("P2", 1, "90 people", 90)]),
            Passage(
                id="P3",
                topic="t",
                source="S3",
                text=TEXTS["P3"],
                claims=[_gold("P3", 1, "100 people", 100, subject="Benghazi", about="people made homeless")],
            ),
        ],
        relations=list(relations),
    )


def _stored(cid: int, pid: str, span: str, value: float, subject: str | None, about: str | None) -> StoredClaim:
    start = TEXTS[pid].index(span)
    claim = Claim(
        kind="count",
        text=span,
        start=start,
        end=start + len(span),
        sentence=TEXTS[pid],
        value=value,
        unit="person",
        subject=subject,
        about=about,
    )
    return StoredClaim(id=cid, passage=pid, claim=claim)


CLAIMS = [
    _stored(1, "P1", "100 people", 100, "Derna", "people killed"),
    _stored(2, "P2", "90 people", 90, "the city of Derna", "deaths"),
    _stored(3, "P3", "100 people", 100, "Benghazi", "homes"),
]


def _run(*matches: StoredMatch, claims: Sequence[StoredClaim] = CLAIMS) -> CorpusRun:
    return CorpusRun(texts=dict(TEXTS), claims=list(claims), matches=list(matches))


def _match(a: int, b: int, label: str, linked: bool = True) -> StoredMatch:
    return StoredMatch(a=a, b=b, label=label, linked=linked, score=0.9 if linked else 0.6, reason=f"{label} rule")


CONFLICT = Relation(label="conflict", claims=["P1#1", "P2#1"], reason="two tolls at once")
TRAP = Relation(label="none", claims=["P1#1", "P3#1"], reason="same number, other thing")


def test_conflict_pair_found() -> None:
    report = score_dev(_corpus(CONFLICT, TRAP), _run(_match(1, 2, "conflict")), _words)
    assert (report.conflict_recall.hits, report.conflict_recall.total) == (1, 1)
    assert (report.conflict_precision.hits, report.conflict_precision.total) == (1, 1)
    assert report.traps_unlinked.value == 1.0
    assert report.misses == [] and report.false_conflicts == []
    assert report.pairs == {"agree": 0, "conflict": 1, "different_scope": 0, "none": 1}


def test_conflict_left_as_suggestion_is_missed_and_counted() -> None:
    report = score_dev(_corpus(CONFLICT), _run(_match(1, 2, "conflict", linked=False)), _words)
    assert report.conflict_recall.value == 0.0
    assert report.suggestions["conflict"] == 1 and report.unlinked_suggestions == 1
    assert report.conflict_precision.total == 0  # a suggestion is no stored conflict
    (miss,) = report.misses
    assert (miss.expected, miss.predicted, miss.a, miss.b) == ("conflict", "none", "P1#1", "P2#1")
    assert "suggestion" in miss.why and miss.a_sentence == TEXTS["P1"]
    assert "[conflict -> none] P1#1 x P2#1" in format_dev_report(report, verbose=True)


def test_conflict_absent_says_why() -> None:
    report = score_dev(_corpus(CONFLICT), _run(), _words)
    (miss,) = report.misses
    assert miss.predicted == "none" and miss.why.startswith("no stored match")


def test_trap_linked_is_a_miss() -> None:
    report = score_dev(_corpus(TRAP), _run(_match(1, 3, "agree")), _words)
    assert (report.traps_unlinked.hits, report.traps_unlinked.total) == (0, 1)
    (miss,) = report.misses
    assert (miss.expected, miss.predicted, miss.why) == ("none", "agree", "agree rule")


def test_unlinked_suggestion_on_a_trap_keeps_it_unlinked() -> None:
    report = score_dev(_corpus(TRAP), _run(_match(1, 3, "conflict", linked=False)), _words)
    assert report.traps_unlinked.value == 1.0 and report.suggestions["none"] == 1


def test_precision_counts_an_unexpected_conflict() -> None:
    report = score_dev(_corpus(CONFLICT, TRAP), _run(_match(1, 2, "conflict"), _match(1, 3, "conflict")), _words)
    assert (report.conflict_precision.hits, report.conflict_precision.total) == (1, 2)
    (wrong,) = report.false_conflicts
    assert (wrong.a, wrong.b, wrong.gold) == ("P1#1", "P3#1", "none")
    assert report.traps_unlinked.value == 0.0


def test_conflict_between_claims_outside_the_gold_counts_against_precision() -> None:
    extra = _stored(4, "P3", "Benghazi", 1, "Benghazi", "x")
    report = score_dev(
        _corpus(CONFLICT), _run(_match(1, 2, "conflict"), _match(3, 4, "conflict"), claims=[*CLAIMS, extra]), _words
    )
    assert (report.conflict_precision.hits, report.conflict_precision.total) == (1, 2)
    assert report.false_conflicts[0].gold == "not a gold pair"


def test_pair_with_an_unextracted_claim_is_a_miss() -> None:
    report = score_dev(_corpus(CONFLICT, TRAP), _run(claims=CLAIMS[:2]), _words)
    assert report.not_extracted == {"agree": 0, "conflict": 0, "different_scope": 0, "none": 1}
    assert report.traps_unlinked.value == 0.0
    (trap,) = [m for m in report.misses if m.expected == "none"]
    assert trap.predicted == "not extracted" and trap.why == "claim not extracted: P3#1"
    assert report.extraction.recall == pytest.approx(2 / 3)


def test_extraction_and_frame_figures() -> None:
    report = score_dev(_corpus(), _run(), _words)
    assert report.extraction.strict_f1 == 1.0 and report.extraction.gold == 3 == report.extraction.predicted
    # "the city of Derna" contains "Derna" as a whole word; every subject is right
    assert (report.subject.hits, report.subject.total) == (3, 3)
    # "people killed" vs "deaths": no shared word for the stand-in lemmatiser; "homes" vs
    # "people made homeless" neither; "deaths" vs "deaths" yes
    assert (report.attribute.hits, report.attribute.total) == (1, 3)
    assert {m.claim for m in report.attribute_misses} == {"P1#1", "P3#1"}


def test_subject_matching_is_alias_aware() -> None:
    assert normalise_subject("The Titanic's") == "titanic"
    assert subject_matches("the Titanic's", "Titanic")
    assert subject_matches("Derna", "Derna dam collapses")  # whole words inside
    assert not subject_matches("Dern", "Derna dam collapses")
    assert subject_matches("UN", "United Nations")  # claims/data/aliases.json
    assert subject_matches("Tokyo", "Japan")
    assert subject_matches("Cox's Bazar camps", "Cox’s Bazar camp")  # token_set_ratio
    assert subject_matches("Ankara", "Turkey", canonical=lambda s: "Turkey" if s.lower() == "ankara" else s)
    assert not subject_matches(None, "Japan")
    assert not subject_matches("Syria", "Turkey")


def test_gold_pairs_expand_groups() -> None:
    corpus = _corpus(Relation(label="agree", claims=["P1#1", "P2#1", "P3#1"]))
    assert [(p.a, p.b) for p in gold_pairs(corpus)] == [("P1#1", "P2#1"), ("P1#1", "P3#1"), ("P2#1", "P3#1")]


@pytest.mark.model
def test_content_lemmas_overlap_on_lemmas(model_nlp: Language) -> None:
    toll, killed, homes = content_lemmas(model_nlp)(["death toll (official figure)", "deaths recorded", "the homes"])
    assert "death" in toll & killed
    assert "the" not in homes and "home" in homes


def _in_unit(x: float) -> bool:
    return 0.0 <= x <= 1.0


@pytest.mark.model
@pytest.mark.skipif(not DEV_CORPUS.is_file(), reason="shared/gold/relations.dev.json is not beside the project")
def test_dev_corpus_end_to_end_through_the_database() -> None:
    """The real corpus, ingested into a fresh database; the report is well-formed (no thresholds:
    the figures move as matching improves)."""
    doc = json.loads(DEV_CORPUS.read_text(encoding="utf-8"))
    want_pairs = {"agree": 0, "conflict": 0, "different_scope": 0, "none": 0}
    for rel in doc["relations"]:
        want_pairs[rel["label"]] += len(list(combinations(rel["claims"], 2)))
    settings = Settings(database_url=os.environ.get("DATABASE_URL"), spacy_model=MODEL)

    report = evaluate_dev(DEV_CORPUS, settings)

    assert report.passages == len(doc["passages"])
    assert report.extraction.gold == sum(len(p["claims"]) for p in doc["passages"])
    assert report.extraction.predicted > 0 and report.duplicates == []
    assert report.pairs == want_pairs
    figures = [report.subject, report.attribute, report.agree, report.different_scope, report.conflict_recall]
    figures += [report.conflict_precision, report.agree_scope, report.traps_unlinked]
    for f in figures:
        assert _in_unit(f.value) and 0 <= f.hits <= f.total
    e = report.extraction
    for x in (e.precision, e.recall, e.f1, e.strict_precision, e.strict_recall, e.strict_f1, e.normalised):
        assert _in_unit(x)
    assert (report.agree.total, report.different_scope.total) == (want_pairs["agree"], want_pairs["different_scope"])
    assert (report.conflict_recall.total, report.traps_unlinked.total) == (want_pairs["conflict"], want_pairs["none"])
    assert report.conflict_precision.total == report.linked_conflicts
    right = sum(f.hits for f in (report.agree, report.different_scope, report.conflict_recall, report.traps_unlinked))
    assert right + len(report.misses) == sum(want_pairs.values())
    assert sum(report.not_extracted.values()) == sum(m.predicted == "not extracted" for m in report.misses)
    assert report.seconds > 0 and report.database
    assert msgspec.json.decode(msgspec.json.encode(report), type=DevReport) == report
    text = format_dev_report(report, verbose=True)
    assert "conflict recall" in text and "traps unlinked" in text and "Relation pairs missed" in text
