"""Find stored claims about the same measured thing as a new claim, then compare them.

Matching works for any story, with no closed list of subjects (DESIGN: "Matching the same thing"):

- **Retrieval by who it is about.** A claim's block keys are `kind|dimension|entity` for the
  entities of its article's topic, its subject and the places of its clause (`count|count|derna`,
  `money|money|katrina`). Keys live in an indexed table, and each key's newest `BLOCK_WINDOW`
  claims are the candidates, so matching one article costs the same however large the archive.
- **Judged by what is measured.** Inside the candidates a pair needs: a shared story (a topic or
  sentence entity in common), the same measure class where both have one (a death toll never
  meets people injured; a date's event: an earthquake never meets its anniversary), the same base
  for shares, no disjoint places (Lebanon vs Jordan in one article), values within a factor of
  `MAX_VALUE_RATIO`, and enough similarity of what is measured: a cosine of small embeddings
  ("death toll" meets "people were killed") and rapidfuzz on the content lemmas.
- **Precision first.** Two figures of one sentence are never paired; changes ("up 3%", "$10bn
  more") are never matched with levels; a pair scoring between the thresholds is a suggestion for
  a person, never a conflict on its own.
Every match keeps its score components and a reason an editor can read.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from claims.matching.features import _features, _vectors
from claims.matching.judge import _by_cues, _judge

if TYPE_CHECKING:
    from collections.abc import Sequence

    from claims.models import ClaimRef, MatchResult

log = logging.getLogger(__name__)


MAX_PAIRS_IN_ARTICLE = 50
"""Matches kept between claims of one article. An article contradicting itself is worth flagging,
but no input may multiply conflicts: 150 similar sentences once made 7,605 conflicts (issue 15).
Pairs past the cap are dropped and the cut is logged."""

MAX_CANDIDATES = 200  # per new claim: the most similar by embedding are judged in detail


def match_claims(new: Sequence[ClaimRef], candidates: Sequence[ClaimRef]) -> list[MatchResult]:
    """Pair each new claim with the candidates sharing one of its block keys, judge, compare.

    `candidates` are the stored claims of the new claims' keys; the new claims are candidates too
    (an article that gives two dates for one event contradicts itself). Each unordered pair
    appears once, `a` being a new claim. Results below SUGGEST_THRESHOLD are dropped; between the
    thresholds `linked` is False.
    """
    pool: dict[int, ClaimRef] = {ref.id: ref for ref in candidates}
    for ref in new:
        pool.setdefault(ref.id, ref)
    by_key: dict[str, list[ClaimRef]] = defaultdict(list)
    for ref in pool.values():
        for key in _features(ref.claim).keys:
            by_key[key].append(ref)
    results: list[MatchResult] = []
    done: set[tuple[int, int]] = set()
    inside: dict[int, int] = defaultdict(int)  # pairs kept inside each article
    cut: dict[int, int] = defaultdict(int)  # and those left out past the cap
    for query in new:
        fq = _features(query.claim)
        others: dict[int, ClaimRef] = {}
        for key in fq.keys:
            for ref in by_key.get(key, ()):
                if ref.id != query.id:
                    others.setdefault(ref.id, ref)
        pending = []
        for oid, other in others.items():
            pair = (query.id, oid) if query.id < oid else (oid, query.id)
            if pair in done:
                continue
            done.add(pair)
            pending.append(other)
        if not pending:
            continue
        feats = [_features(o.claim) for o in pending]
        _vectors([fq, *feats])
        assert fq.vector is not None
        sims = np.stack([f.vector for f in feats if f.vector is not None]) @ fq.vector
        order = np.argsort(-sims, kind="stable")[:MAX_CANDIDATES]
        for j in order:
            other = pending[int(j)]
            result = None
            if query.claim.kind == "date":
                # dated political events first (calls, meetings, an invasion: the cue judge knows
                # their counterparts and recurrences), then any story's events by their class
                result = _by_cues(query, other) or _judge(query, other, fq, feats[int(j)], float(sims[int(j)]))
            else:
                result = _judge(query, other, fq, feats[int(j)], float(sims[int(j)])) or _by_cues(query, other)
            if result is not None:
                if other.article_id == query.article_id:
                    if inside[query.article_id] >= MAX_PAIRS_IN_ARTICLE:
                        cut[query.article_id] += 1
                        continue
                    inside[query.article_id] += 1
                results.append(result)
    for article_id, n in cut.items():
        log.warning(
            "article %d: %d more pairs inside the article not kept (cap %d)", article_id, n, MAX_PAIRS_IN_ARTICLE
        )
    return results
