"""Find stored claims about the same measured thing as a new claim, then compare them.

Blocking first: `block_key` is stored in an indexed column, so the candidates of a claim are one
equality lookup, never a scan. Inside a block rapidfuzz ranks the pre-normalised `context`
strings (lemmas, numbers removed) and a few cheap cues decide:
- `ctx`: rapidfuzz `token_set_ratio` of the contexts after synonym canonicalisation;
- `about`: the same on the short `about` phrases (0.5 when either is missing);
- `event`: the cue nearest each figure in its sentence (call, meeting, visit, invasion; refugees
  admitted vs remaining; aid vs loans). Different cues veto the pair;
- `counterpart`: the states named around each figure other than the subject's own (Kishida's call
  with Zelensky vs his call with Putin). Disjoint counterparts veto the pair;
- `who`: same raw subject and attribution (a small bonus; other sources corroborate too).
Precision first: a date links only on a shared event cue, and a recurring event (a call, a
meeting, a visit) only with a shared counterpart; otherwise the pair is at most a suggestion.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

from claims.compare import compare
from claims.models import MatchResult
from claims.synonyms import CueKind, Cues, lexicon

if TYPE_CHECKING:
    from collections.abc import Sequence

    from claims.models import Claim, ClaimRef

LINK_THRESHOLD: float = 0.70
SUGGEST_THRESHOLD: float = 0.55
CTX_CUTOFF = 30  # token_set_ratio (after synonyms) below this: not the same measured thing
SHORTLIST_CUTOFF = 20  # first pass on the stored contexts as they are, before synonyms: lenient
MAX_CANDIDATES = 64  # per new claim, best by context, scored in detail (bounds work in huge blocks)
_PARALLEL_CELLS = 20_000  # cdist spreads over all cores only for a matrix this large

_WEIGHTS: dict[str, dict[str, float]] = {
    # What is measured by a date is the event, so the event cue carries most of the weight.
    "date": {"event": 0.40, "ctx": 0.30, "about": 0.15, "who": 0.15},
    "value": {"ctx": 0.40, "about": 0.25, "event": 0.20, "who": 0.15},
}
# Kinds that are never matched: too little says what they measure ("78-year-old", "27 occasions"
# come out as counts of a generic unit).
_GENERIC_COUNT_UNITS = frozenset({"year", "time", "occasion", "anniversary", "rank", "percent"})


def block_key(claim: Claim) -> str | None:
    """`kind|unit class|subject state`, or None when the claim should never be matched.

    Subject-less claims get no key (precision first: "the $44bn project" with no subject could be
    anyone's). Subjects resolve to the state they speak for (Putin -> Russia, Tokyo -> Japan);
    any currency is "money"; count units go to their synonym class (evacuee -> refugee);
    durations to "time"; ratios to "ratio".
    """
    lex = lexicon()
    subject = lex.subject_class(claim.subject)
    if subject is None:
        return None
    kind = claim.kind
    if kind == "date":
        if not claim.date:
            return None
        unit_class = "date"
    else:
        if claim.value is None and claim.low is None and claim.high is None:
            return None
        if kind == "money":
            if not claim.unit:
                return None
            unit_class = "money"
        elif kind == "percent":
            unit_class = "percent"
        elif kind == "ratio":
            unit_class = "ratio"
        else:
            unit_class = lex.unit_class_of(claim.unit) or ""
            if not unit_class or (kind == "count" and unit_class in _GENERIC_COUNT_UNITS):
                return None
            if kind == "duration" and unit_class != "time":
                return None
    return f"{kind}|{unit_class}|{subject}"


def match_claims(new: Sequence[ClaimRef], candidates: Sequence[ClaimRef]) -> list[MatchResult]:
    """Pair each new claim with the claims of its block, score, and compare those worth it.

    `candidates` are the stored claims of the new claims' blocks; the new claims themselves are
    candidates too (an article that gives two dates for one event contradicts itself). Each
    unordered pair appears once, `a` being a new claim; a claim is never paired with itself.
    Results below SUGGEST_THRESHOLD are dropped; between the thresholds `linked` is False.
    """
    lex = lexicon()
    pool: dict[int, ClaimRef] = {ref.id: ref for ref in candidates}
    for ref in new:
        pool.setdefault(ref.id, ref)
    blocks: dict[str, list[ClaimRef]] = defaultdict(list)
    for ref in pool.values():
        key = block_key(ref.claim)
        if key is not None:
            blocks[key].append(ref)

    by_key: dict[str, list[ClaimRef]] = defaultdict(list)
    seen_new: set[int] = set()
    for ref in new:
        key = block_key(ref.claim)
        if key is not None and ref.id not in seen_new:
            seen_new.add(ref.id)
            by_key[key].append(ref)

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
            query_ctx = lex.canonicalise(query_ref.claim.context)
            for j, _ in hits:
                other = block[j]
                pair = (min(query_ref.id, other.id), max(query_ref.id, other.id))
                if other.id == query_ref.id or pair in done:
                    continue
                done.add(pair)
                ctx_score = fuzz.token_set_ratio(
                    query_ctx, lex.canonicalise(other.claim.context), processor=None, score_cutoff=CTX_CUTOFF
                )
                if not ctx_score:
                    continue
                fa = features.setdefault(query_ref.id, _Features.of(query_ref.claim))
                fb = features.setdefault(other.id, _Features.of(other.claim))
                result = _judge(query_ref, other, fa, fb, ctx_score / 100.0)
                if result is not None:
                    results.append(result)
    return results


def _context_hits(texts: list[str], choices: list[str]) -> list[list[tuple[int, float]]]:
    """For each query text, (choice index, token_set_ratio) above SHORTLIST_CUTOFF, best first.

    One query: `process.extract` (1:n). Several: one `cdist` matrix over the block, threaded only
    when the matrix is large enough to pay for the threads (rapidfuzz#129).
    """
    if len(texts) == 1:
        found = process.extract(
            texts[0],
            choices,
            scorer=fuzz.token_set_ratio,
            processor=None,
            score_cutoff=SHORTLIST_CUTOFF,
            limit=MAX_CANDIDATES + 1,  # +1: the query itself is in its own block
        )
        return [[(idx, float(score)) for _, score, idx in found]]
    matrix = process.cdist(
        texts,
        choices,
        scorer=fuzz.token_set_ratio,
        processor=None,
        score_cutoff=SHORTLIST_CUTOFF,
        dtype=np.uint8,
        workers=-1 if len(texts) * len(choices) >= _PARALLEL_CELLS else 1,
    )
    out: list[list[tuple[int, float]]] = []
    for row in matrix:
        idx = np.flatnonzero(row >= SHORTLIST_CUTOFF)
        idx = idx[np.argsort(row[idx], kind="stable")[::-1][: MAX_CANDIDATES + 1]]
        out.append([(int(j), float(row[j])) for j in idx])
    return out


class _Features:
    """Per-claim cues, computed once per call however many pairs the claim is in."""

    __slots__ = ("about", "cues", "state")

    def __init__(self, cues: Cues, state: str | None, about: str) -> None:
        self.cues = cues
        self.state = state
        self.about = about

    @classmethod
    def of(cls, claim: Claim) -> _Features:
        lex = lexicon()
        prefer: CueKind = "event" if claim.kind == "date" else "measure"
        return cls(
            lex.cues(claim.sentence, claim.text, prefer=prefer),
            lex.subject_class(claim.subject),
            lex.canonicalise(claim.about or ""),
        )


def _event_agreement(fa: _Features, fb: _Features) -> tuple[float, str]:
    pa, pb = fa.cues.primary, fb.cues.primary
    if pa and pb:
        if pa == pb:
            return 1.0, f"same event cue ({pa})"
        if pa in fb.cues.found and pb in fa.cues.found:
            return 0.5, f"event cues {pa} / {pb} both present"
        return 0.0, f"different events ({pa} vs {pb})"
    return 0.5, "no event cue on one side"


def _counterparts(a: Claim, fa: _Features, b: Claim, fb: _Features) -> tuple[float, str, bool]:
    """Do the two figures involve the same other party? (score, why, a person is shared)

    People first (Kishida's call with Putin vs Hayashi's call with Blinken), then the states
    named beside the subject's own (a call with Zelensky vs a call with Putin). Disjoint on
    either level: different events. Only a shared person lets a recurring event link: a state
    named in passing ("the crisis in Ukraine") is a topic, not a party to the call.
    """
    lex = lexicon()
    subjects = {s for s in (lex.canonical_subject(a.subject), lex.canonical_subject(b.subject)) if s}
    pa, pb = fa.cues.people - subjects, fb.cues.people - subjects
    if pa and pb and not pa & pb:
        return 0.0, f"different people ({', '.join(sorted(pa))} vs {', '.join(sorted(pb))})", False
    own = {s for s in (fa.state, fb.state) if s}
    ca, cb = fa.cues.states - own, fb.cues.states - own
    if ca and cb and not ca & cb:
        return 0.0, f"different counterparts ({', '.join(sorted(ca))} vs {', '.join(sorted(cb))})", False
    shared = (pa & pb) or (ca & cb)
    if shared:
        return 1.0, "shared counterpart " + ", ".join(sorted(shared)), bool(pa & pb)
    return 0.5, "", False


def _who(a: Claim, b: Claim) -> float:
    same_subject = 1.0 if (a.subject or "").casefold() == (b.subject or "").casefold() else 0.6
    if a.attribution and b.attribution:
        attrib = (
            1.0
            if fuzz.token_set_ratio(
                a.attribution.lower(), b.attribution.lower(), processor=None, score_cutoff=90
            )
            else 0.5
        )
    else:
        attrib = 0.7 if not a.attribution and not b.attribution else 0.6
    return 0.5 * same_subject + 0.5 * attrib


def _judge(a: ClaimRef, b: ClaimRef, fa: _Features, fb: _Features, ctx: float) -> MatchResult | None:
    """Score one pair; compare it if the score reaches SUGGEST_THRESHOLD."""
    ca, cb = a.claim, b.claim
    event, event_why = _event_agreement(fa, fb)
    counter, counter_why, shared_person = _counterparts(ca, fa, cb, fb)
    if event == 0.0 or counter == 0.0:
        return None  # different events or different counterparts: not the same measured thing
    about = (
        fuzz.token_set_ratio(fa.about, fb.about, processor=None, score_cutoff=0) / 100.0
        if fa.about and fb.about
        else 0.5
    )
    who = _who(ca, cb)
    components = {"ctx": round(ctx, 3), "about": round(about, 3), "event": event, "who": round(who, 3)}
    weights = _WEIGHTS["date" if ca.kind == "date" else "value"]
    score = sum(weights[k] * components[k] for k in weights)
    cap = 1.0
    if ca.kind == "date":
        primary = fa.cues.primary
        if event < 1.0:
            cap = LINK_THRESHOLD - 0.01  # a date links only on a shared event cue
        elif primary in lexicon().recurring and not shared_person:
            cap = LINK_THRESHOLD - 0.01  # leaders call and meet often: need the same other person
    components["counterpart"] = counter
    score = round(min(score, cap), 3)
    if score < SUGGEST_THRESHOLD:
        return None
    label, verdict, severity = compare(a, b)
    why = "; ".join(
        part
        for part in (
            f"context {ctx:.0%}",
            f"about {about:.0%}" if fa.about and fb.about else "",
            event_why,
            counter_why,
            "suggestion: needs an editor" if score < LINK_THRESHOLD else "",
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
        linked=score >= LINK_THRESHOLD,
        severity=severity if label == "conflict" else None,
    )
