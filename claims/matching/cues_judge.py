"""The event-cue judge's verdict on one pair: events, counterparts, recurrence (see `cues`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from claims.compare import compare
from claims.matching import cues
from claims.models import MatchResult
from claims.text.partialdate import days_apart
from claims.text.synonyms import lexicon

if TYPE_CHECKING:
    from claims.matching.cues import _Features
    from claims.models import Claim, ClaimRef


LINK_THRESHOLD: float = 0.70

SUGGEST_THRESHOLD: float = 0.55

_WEIGHTS: dict[str, dict[str, float]] = {
    # What is measured by a date is the event and who it involves, so event cue and counterpart
    # carry most of the weight. `about` (rules-3: a short phrase such as "annexed Crimea" or
    # "telephone conversation between Hayashi and Blinken") overlaps `context`, so it weighs little.
    "date": {"event": 0.30, "counterpart": 0.25, "ctx": 0.25, "about": 0.05, "who": 0.15},
    "value": {"ctx": 0.35, "about": 0.15, "event": 0.25, "counterpart": 0.15, "who": 0.10},
}

RECURRING_GAP_DAYS = 7  # two dates of a call/meeting/visit further apart: two occurrences

DATE_SUGGEST_CTX = 0.75  # a date pair without a shared object is shown at most as a suggestion, and only this close


def _date_event(fa: _Features, fb: _Features) -> tuple[float, str]:
    """Dates measure events: both need a strong event cue, and the same one."""
    ea, eb = fa.cues.event, fb.cues.event
    if not ea or not eb:
        return 0.0, "no event named beside a date"
    if ea == eb:
        return 1.0, f"same event ({ea})"
    return 0.0, f"different events ({ea} vs {eb})"


def _date_gap(a: Claim, b: Claim) -> int | None:
    return days_apart(a.date or "", b.date or "")


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
            if fuzz.token_set_ratio(a.attribution.lower(), b.attribution.lower(), processor=None, score_cutoff=90)
            else 0.5
        )
    else:
        attrib = 0.7 if not a.attribution and not b.attribution else 0.6
    return 0.5 * same_subject + 0.5 * attrib


def _judge(a: ClaimRef, b: ClaimRef, fa: _Features, fb: _Features, ctx: float) -> MatchResult | None:
    """Score one pair; compare it if the score reaches SUGGEST_THRESHOLD (None: not the same thing)."""
    ca, cb = a.claim, b.claim
    lex = lexicon()
    is_date = ca.kind == "date"
    event, event_why = _date_event(fa, fb) if is_date else _event_agreement(fa, fb)
    if event == 0.0:
        return None  # different events (or, for dates, no event at all)
    topical = (cues._info(lex, ca).block or "").endswith("|" + cues.TOPICAL_SUBJECT)
    if topical:
        # Places: who administers, claims or recognises them is not what is counted, and the verbs
        # around a place count (administer, recognise, return) are not what is measured either.
        # A name shared anywhere in the two sentences is needed; a conflict stays a suggestion.
        shared = cues._info(lex, ca).sentence_entities(ca) & cues._info(lex, cb).sentence_entities(cb)
        if not shared:
            return None  # "four islands" of what? Nothing named in common: not the same places
        event, event_why = 0.5, "place count: events not compared"
        counter, counter_why, shared_person = 1.0, "shared place or party " + ", ".join(sorted(shared)), False
    else:
        counter, counter_why, shared_person = _counterparts(ca, fa, cb, fb)
        if counter == 0.0:
            return None  # different counterparts: not the same measured thing
    about = (
        fuzz.token_set_ratio(fa.about, fb.about, processor=None, score_cutoff=0) / 100.0
        if fa.about and fb.about
        else 0.5
    )
    who = _who(ca, cb)
    components = {
        "ctx": round(ctx, 3),
        "about": round(about, 3),
        "event": event,
        "counterpart": counter,
        "who": round(who, 3),
    }
    weights = _WEIGHTS["date" if is_date else "value"]
    score = sum(weights[k] * components[k] for k in weights)
    cap = 1.0
    why_cap = ""
    if is_date:
        primary = fa.cues.event
        if primary in lex.recurring:
            gap = _date_gap(ca, cb)
            if gap is not None and gap > RECURRING_GAP_DAYS:
                return None  # calls and meetings recur: dates weeks apart are two occurrences
            if not shared_person:
                cap, why_cap = LINK_THRESHOLD - 0.01, "recurring event without a shared person"
        elif counter < 1.0:
            if ctx < DATE_SUGGEST_CTX:
                return None  # same kind of event, nothing says it is the same one
            cap, why_cap = LINK_THRESHOLD - 0.01, "no shared object or participant"
    score = round(min(score, cap), 3)
    if score < SUGGEST_THRESHOLD:
        return None
    label, verdict, severity = compare(a, b, coverage=(fa.coverage, fb.coverage))
    if topical and label == "conflict" and score >= LINK_THRESHOLD:
        score, why_cap = LINK_THRESHOLD - 0.01, "place counts conflict only on an editor's word"
    why = "; ".join(
        part
        for part in (
            f"context {ctx:.0%}",
            f"about {about:.0%}" if fa.about and fb.about else "",
            event_why,
            counter_why,
            why_cap,
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
