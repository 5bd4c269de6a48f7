"""The event-cue judge run on its own (its state blocks, a rapidfuzz shortlist per block).

This was the whole matcher until rules-4; `claims.matching.retrieval` now only asks the cue judge
about single pairs. Kept for comparison runs and its tests.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

from claims.matching import cues
from claims.matching.cues_judge import _judge
from claims.text.synonyms import lexicon

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from claims.matching.cues import _ClaimInfo, _Features
    from claims.models import ClaimRef, MatchResult


SHORTLIST_CUTOFF = 20  # first pass on the stored contexts as they are, before synonyms: lenient

MAX_CANDIDATES = 64  # per new claim, best by context, scored in detail (bounds work in huge blocks)

_PARALLEL_CELLS = 20_000  # cdist spreads over all cores only for a matrix this large


def match_claims(new: Sequence[ClaimRef], candidates: Sequence[ClaimRef]) -> list[MatchResult]:
    """Pair each new claim with the claims of its block, score, and compare those worth it.

    `candidates` are the stored claims of the new claims' blocks; the new claims themselves are
    candidates too (an article that gives two dates for one event contradicts itself). Each
    unordered pair appears once, `a` being a new claim; a claim is never paired with itself.
    Results below SUGGEST_THRESHOLD are dropped; between the thresholds `linked` is False.

    What depends on one claim only (block key, canonical context, cues, counterparts) comes from
    `_info`, a bounded cache keyed by the claim's content, so the stored candidates an ingest
    fetches again for every article are analysed once, not once per article.
    """
    lex = lexicon()
    pool: dict[int, ClaimRef] = {ref.id: ref for ref in candidates}
    for ref in new:
        pool.setdefault(ref.id, ref)
    infos: dict[int, _ClaimInfo] = {}  # per call: by id, the first claim seen with that id
    blocks: dict[str, list[ClaimRef]] = defaultdict(list)
    for ref in pool.values():
        info = infos[ref.id] = cues._info(lex, ref.claim)
        if info.block is not None:
            blocks[info.block].append(ref)

    by_key: dict[str, list[ClaimRef]] = defaultdict(list)
    seen_new: set[int] = set()
    for ref in new:
        key = cues._info(lex, ref.claim).block
        if key is not None and ref.id not in seen_new:
            seen_new.add(ref.id)
            by_key[key].append(ref)

    occurrence = _Occurrences(pool.values())
    features: dict[int, _Features] = {}
    results: list[MatchResult] = []
    done: set[tuple[int, int]] = set()
    for key, queries in by_key.items():
        block = blocks[key]
        if len(block) < 2:
            continue
        # First pass over the whole block on the stored lemma contexts (C speed, no Python per
        # candidate); synonyms are applied only to the shortlist.
        choices = [r.claim.context for r in block]
        texts = [q.claim.context for q in queries]
        for query_ref, hits in zip(queries, _context_hits(texts, choices), strict=True):
            qid = query_ref.id
            query_info = cues._info(lex, query_ref.claim)
            query_sentence = query_ref.claim.sentence.strip()
            fa: _Features | None = None
            for j, _ in hits:
                other = block[j]
                oid = other.id
                if oid == qid:
                    continue
                pair = (qid, oid) if qid < oid else (oid, qid)
                if pair in done:
                    continue
                done.add(pair)
                if other.article_id == query_ref.article_id and other.claim.sentence.strip() == query_sentence:
                    continue  # two figures of one sentence are two things (two events, aid vs loans)
                other_info = infos[oid]
                ctx_score = cues._ctx_scored(
                    query_info.context, query_info.context_tokens, other_info.context, other_info.context_tokens
                )
                if not ctx_score:
                    continue
                if fa is None:
                    fa = features.get(qid) or features.setdefault(
                        qid, query_info.features(query_ref.claim, occurrence.of(query_ref))
                    )
                fb = features.get(oid) or features.setdefault(
                    oid, other_info.features(other.claim, occurrence.of(other))
                )
                result = _judge(query_ref, other, fa, fb, ctx_score)
                if result is not None:
                    results.append(result)
    return results


class _Occurrences:
    """Which occurrence of its text in its sentence a claim is (0 for the first).

    A claim carries its sentence but not where in it the figure sits; claims of one article with
    the same text in the same sentence are numbered by their article offsets. Worked out only for
    the claims that get compared: grouping a whole pool of full blocks on every call cost more
    than a tenth of a bulk ingest's matching.
    """

    def __init__(self, refs: Iterable[ClaimRef]) -> None:
        self._by_article: dict[int, list[ClaimRef]] = defaultdict(list)
        for ref in refs:
            self._by_article[ref.article_id].append(ref)

    def of(self, ref: ClaimRef) -> int:
        claim = ref.claim
        group = [
            r
            for r in self._by_article.get(ref.article_id, ())
            if r.claim.sentence == claim.sentence and r.claim.text == claim.text
        ]
        if len(group) < 2:
            return 0
        group.sort(key=lambda r: (r.claim.start, r.id))
        return next((i for i, r in enumerate(group) if r.id == ref.id), 0)


def _context_hits(texts: list[str], choices: list[str]) -> list[list[tuple[int, float]]]:
    """For each query text, (choice index, token_set_ratio) above SHORTLIST_CUTOFF, best first.

    One query: `process.extract` (1:n). Several: one `cdist` matrix over the block, threaded only
    when the matrix is large enough to pay for the threads (rapidfuzz#129). Each distinct context
    is scored once: a block often holds the same context many times (wire copy, follow-ups that
    restate a figure; in the generated benchmark corpus 13 times over), and every choice then gets
    its context's score, so the hits are what scoring every choice gives (tests/test_match.py).
    """
    distinct = list(dict.fromkeys(choices))
    if len(texts) == 1:
        found = process.extract(
            texts[0],
            distinct,
            scorer=fuzz.token_set_ratio,
            processor=None,
            score_cutoff=SHORTLIST_CUTOFF,
            limit=None if len(distinct) < len(choices) else MAX_CANDIDATES + 1,  # +1: the query's own
        )
        if len(distinct) == len(choices):
            return [[(idx, float(score)) for _, score, idx in found]]
        members: dict[str, list[int]] = defaultdict(list)
        for j, choice in enumerate(choices):
            members[choice].append(j)
        # process.extract orders by score, then by position: the same over the expanded choices
        hits = sorted(((j, float(score)) for text, score, _ in found for j in members[text]), key=_best_first)
        return [hits[: MAX_CANDIDATES + 1]]
    matrix = process.cdist(
        texts,
        distinct,
        scorer=fuzz.token_set_ratio,
        processor=None,
        score_cutoff=SHORTLIST_CUTOFF,
        dtype=np.uint8,
        workers=-1 if len(texts) * len(distinct) >= _PARALLEL_CELLS else 1,
    )
    if len(distinct) < len(choices):
        position = {choice: i for i, choice in enumerate(distinct)}
        matrix = matrix[:, np.fromiter((position[c] for c in choices), dtype=np.intp, count=len(choices))]
    out: list[list[tuple[int, float]]] = []
    for row in matrix:
        idx = np.flatnonzero(row >= SHORTLIST_CUTOFF)
        idx = idx[np.argsort(row[idx], kind="stable")[::-1][: MAX_CANDIDATES + 1]]
        out.append([(int(j), float(row[j])) for j in idx])
    return out


def _best_first(hit: tuple[int, float]) -> tuple[float, int]:
    return -hit[1], hit[0]
