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

import functools
import logging
import re
from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz

from claims import match_cues as cues
from claims.compare import compare
from claims.embed import embed
from claims.frame.measure import recurring
from claims.frame.names import entity_key
from claims.models import MatchResult

if TYPE_CHECKING:
    from collections.abc import Sequence

    from claims.models import Claim, ClaimRef, Frame, Label

log = logging.getLogger(__name__)

LINK_THRESHOLD: float = 0.62
SUGGEST_THRESHOLD: float = 0.45
MAX_KEYS = 7
MAX_VALUE_RATIO = 10.0  # figures further apart than this measure different things
MAX_PAIRS_IN_ARTICLE = 50
"""Matches kept between claims of one article. An article contradicting itself is worth flagging,
but no input may multiply conflicts: 150 similar sentences once made 7,605 conflicts (issue 15).
Pairs past the cap are dropped and the cut is logged."""
MAX_CANDIDATES = 200  # per new claim: the most similar by embedding are judged in detail
_GENERIC_COUNT_UNITS = frozenset({"year", "time", "occasion", "anniversary", "rank", "percent", "fraction"})
_WEIGHTS = {"measure": 0.30, "similarity": 0.25, "words": 0.15, "story": 0.30}

BLOCK_WINDOW = 2000
"""How many of a key's most recent claims a new claim is compared with. A hot key (every dollar
figure about the United States) would otherwise grow with the archive; the newest claims are the
ones an editor is reconciling, so matching cost stays flat and recall on years-old claims in a hot
key is what is given up."""

CLAIM_CACHE_SIZE = 50_000
"""Distinct claims whose derived features `_features` keeps (least recently used first out)."""


def block_keys(claim: Claim) -> list[str]:
    """`kind|dimension|entity` keys of a claim, or none when it should never be matched."""
    frame = claim.frame
    if frame is None:  # extracted before rules-4 (or built by hand): the event-cue judge's state block
        legacy = cues.block_key(claim)
        return [legacy] if legacy else []
    if frame.change:
        return []
    if claim.kind == "date":
        if not claim.date or len(claim.date) < 7:
            return []  # a bare year situates a sentence; it is not the date of an event
    elif claim.value is None and claim.low is None and claim.high is None:
        return []
    elif claim.kind == "money" and not claim.unit:
        return []
    elif claim.kind == "count" and (claim.unit or "") in _GENERIC_COUNT_UNITS:
        return []
    base = f"{claim.kind}|{frame.dimension}"
    names = dict.fromkeys([*frame.topic[:4], entity_key(claim.subject), *frame.places[:2]])
    return [f"{base}|{name}" for name in names if name][:MAX_KEYS]


def block_key(claim: Claim) -> str | None:
    """The first of `block_keys` (stored on the claim row for display and statistics)."""
    keys = block_keys(claim)
    return keys[0] if keys else None


class _Features:
    """What matching derives from one claim alone, computed once per distinct claim."""

    __slots__ = ("keys", "story", "text", "vector", "words")

    def __init__(self, claim: Claim) -> None:
        frame = claim.frame
        self.keys = frozenset(block_keys(claim))
        self.story = frozenset((*frame.topic, *frame.entities)) if frame else frozenset()
        self.words = " ".join(sorted(set(frame.words))) if frame else ""
        self.text = " ".join(filter(None, (claim.about, " ".join(frame.words) if frame else "")))
        self.vector: np.ndarray | None = None


@functools.lru_cache(maxsize=CLAIM_CACHE_SIZE)
def _features(claim: Claim) -> _Features:
    return _Features(claim)


def clear_cache() -> None:
    """Forget every claim's cached features (tests)."""
    _features.cache_clear()


def _vectors(feats: Sequence[_Features]) -> None:
    todo = [f for f in feats if f.vector is None]
    if todo:
        for f, v in zip(todo, embed([f.text for f in todo]), strict=True):
            f.vector = v


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


def _by_cues(a: ClaimRef, b: ClaimRef) -> MatchResult | None:
    """The event-cue judge's verdict, for a pair in one of its state blocks (`claims.match_cues`)."""
    ma, mb = a.claim.frame, b.claim.frame
    if a.claim.kind != "date" and ma is not None and mb is not None and ma.measure != mb.measure:
        return None  # the frame already says these measure different things (checked before the cues' work)
    lex = cues.lexicon()
    ia, ib = cues._info(lex, a.claim), cues._info(lex, b.claim)
    if ia.block is None or ia.block != ib.block:
        return None
    if a.article_id == b.article_id and a.claim.sentence.strip() == b.claim.sentence.strip():
        return None
    ctx = cues._ctx_scored(ia.context, ia.context_tokens, ib.context, ib.context_tokens)
    if not ctx:
        return None
    fa, fb = ia.features(a.claim, 0), ib.features(b.claim, 0)
    result = cues._judge(a, b, fa, fb, ctx)
    ma, mb = a.claim.frame, b.claim.frame
    if result is not None and a.claim.kind != "date" and ma is not None and mb is not None:
        if ma.measure != mb.measure or ma.change or mb.change or ma.rate != mb.rate:
            return None  # the cues' vocabulary is the seeds' politics; the frame says these differ
        if result.label == "conflict":
            return None  # a conflict between framed figures needs the frame judge's own evidence
    return result


def _judge(a: ClaimRef, b: ClaimRef, fa: _Features, fb: _Features, cosine: float) -> MatchResult | None:
    """Score one pair; compare it if the score reaches SUGGEST_THRESHOLD (None: not the same thing)."""
    ca, cb = a.claim, b.claim
    ma, mb = ca.frame, cb.frame
    if ma is None or mb is None or ca.kind != cb.kind or ma.dimension != mb.dimension:
        return None
    if ca.kind == "duration":
        return None  # how long something lasts: only the cue judge's agreement, never a conflict
    same_article = a.article_id == b.article_id
    if same_article and ca.sentence.strip() == cb.sentence.strip() and not _restates(ca, cb):
        return None  # two figures of one sentence are two things (two events, aid vs loans)
    shared = fa.story & fb.story
    if not same_article and not shared:
        return None  # no entity in common: another story
    story = 1.0 if same_article else min(1.0, len(shared) / 2)
    kin = _kindred(ma, mb)
    if ma.measure and mb.measure and ma.measure != mb.measure and not kin:
        return None
    measure = 1.0 if ma.measure and (ma.measure == mb.measure or kin) else 0.4
    if ca.kind == "date" and measure < 1.0 and (ma.measure or mb.measure) is None:
        return None  # neither date names its event
    if ca.kind == "date" and measure < 1.0 and not _same_day(ca, cb):
        return None  # one event unnamed: only the very same day corroborates, nothing contradicts
    if ma.base and mb.base and ma.base != mb.base:
        return None  # shares of different wholes
    pa, pb = set(ma.places), set(mb.places)
    if pa and pb and not pa & pb:
        return None  # the same measure for different places
    if ma.editions and mb.editions and not set(ma.editions) & set(mb.editions):
        return None  # the 2018 plan is not the 2019 plan
    if not _values_close(ca, cb):
        return None
    similarity = max(0.0, min(1.0, (cosine - 0.2) / 0.6))
    words = fuzz.token_set_ratio(fa.words, fb.words, processor=None) / 100.0 if fa.words and fb.words else 0.0
    components = {
        "measure": measure,
        "similarity": round(similarity, 3),
        "words": round(words, 3),
        "story": round(story, 3),
    }
    score = round(sum(_WEIGHTS[k] * components[k] for k in _WEIGHTS), 3)
    if score < SUGGEST_THRESHOLD:
        return None
    label, verdict, severity = compare(a, b)
    if label != "different_scope" and (kin or ma.rate != mb.rate):
        what = "a figure per " + (ma.rate or mb.rate or "") + " vs a total" if ma.rate != mb.rate else kin
        label, verdict, severity = "different_scope", f"{verdict}; different coverage ({what})", None
    if ca.kind == "date" and label != "agree" and recurring(ma.measure):
        return None  # two dates of a meeting or an announcement are two occurrences
    revised = same_article and ca.sentence.strip() == cb.sentence.strip()
    if ma.earlier != mb.earlier and (label == "conflict" or (label == "agree" and revised)):
        label, verdict, severity = _earlier_figure(a, b, label, verdict, severity)
    if label == "conflict" and pa != pb and pa and pb:
        only = ", ".join(sorted(pa ^ pb))
        label, verdict, severity = "different_scope", f"{verdict}; different coverage (places: {only})", None
    if label == "conflict" and ma.part != mb.part:
        label, verdict, severity = "different_scope", f"{verdict}; one figure is a part of the other", None
    linked = score >= LINK_THRESHOLD
    if label == "conflict" and measure < 1.0:
        linked = False  # a conflict needs both figures to name what they measure, and the same
    why = "; ".join(
        part
        for part in (
            f"both {ca.about}" if ma.measure and ma.measure == mb.measure and ca.about else "",
            f"same story ({', '.join(sorted(shared)[:3])})" if shared else "same article",
            f"similar wording {similarity:.0%}",
            "" if linked else "suggestion: needs an editor",
        )
        if part
    )
    return MatchResult(
        a=a.id,
        b=b.id,
        label=label,
        score=score,
        components=components,
        reason=f"{verdict} [matched on {why}]",
        linked=linked,
        severity=severity if label == "conflict" else None,
    )


_REVISION = re.compile(r"\b(?:revis|correct|updat|rais|lower|cut|down from|up from)", re.IGNORECASE)


def _restates(a: Claim, b: Claim) -> bool:
    """Two figures of one sentence are one measure only when one revises the other ("revised the
    toll down to 97 from 115")."""
    fa, fb = a.frame, b.frame
    if not (fa and fb and a.sentence == b.sentence):
        return False
    if fa.earlier != fb.earlier and _REVISION.search(a.sentence):
        return True
    # "1,517 lives lost according to the Senate committee and 1,503 according to the Board of Trade"
    return bool(fa.measure and fa.measure == fb.measure and len(_SOURCED.findall(a.sentence)) >= 2)


_SOURCED = re.compile(r"\baccording to\b|\bestimated by\b|\bfigures? (?:from|of)\b", re.IGNORECASE)


MONOTONE = frozenset({"death", "injury", "refugee", "damaged", "case", "vaccinated"})
"""Measures that can only grow over one event: given lower later, the lower figure corrects."""


def _earlier_figure(
    a: ClaimRef, b: ClaimRef, label: Label, verdict: str, severity: float | None
) -> tuple[Label, str, float | None]:
    """One figure is given as superseded ("initial estimates", "the previous toll"): a later,
    higher figure of a growing count is a new state, not a contradiction; a lower one corrects it."""
    old, new = (a.claim, b.claim) if a.claim.frame and a.claim.frame.earlier else (b.claim, a.claim)
    vo, vn = _magnitude(old), _magnitude(new)
    measure = old.frame.measure if old.frame else None
    if measure in MONOTONE and vo is not None and vn is not None and vn < vo:
        gap = (vo - vn) / vo
        return (
            "conflict",
            f"correction: {verdict}; the earlier figure {old.text!r} was revised down",
            (severity if severity is not None else round(gap / (0.25 + gap), 3)),
        )
    return "different_scope", f"{verdict}; {old.text!r} is an earlier figure, not a contradiction", None


_FAMILIES = (frozenset({"damage", "loss", "cost"}), frozenset({"aid", "request", "received", "spending"}))


def _kindred(ma: Frame, mb: Frame) -> str:
    """Two different measures of one family ("insured losses" and "cost to rebuild" of one fire;
    a pledge and what was received), or a sum and one of its parts ("dead and missing combined"):
    linked as different scope, never compared as one figure. "" when not kindred."""
    if not ma.measure or not mb.measure or ma.measure == mb.measure:
        return ""
    if any(ma.measure in f and mb.measure in f for f in _FAMILIES):
        return f"{ma.measure} vs {mb.measure}"
    if ma.part != mb.part:
        return f"a sum vs one of its parts ({ma.measure}, {mb.measure})"
    return ""


def _same_day(a: Claim, b: Claim) -> bool:
    """Both dates name the same day ("15 April 1912", "April 15, 1912")."""
    return bool(a.date and a.date == b.date and len(a.date) == 10)


def _values_close(a: Claim, b: Claim) -> bool:
    """Figures of one measure are within MAX_VALUE_RATIO of each other (dates: always)."""
    if a.kind == "date":
        return True
    va, vb = _magnitude(a), _magnitude(b)
    if va is None or vb is None or va <= 0 or vb <= 0:
        return True
    if a.kind == "money" and (a.unit or "").upper() != (b.unit or "").upper():
        return True  # different currencies: compare converts, and says whether it could
    return max(va, vb) / min(va, vb) <= MAX_VALUE_RATIO


def _magnitude(c: Claim) -> float | None:
    for v in (c.value, c.low, c.high):
        if v is not None:
            return abs(v)
    return None
