"""Named events and what they did: `the Lahaina wildfire`, `Storm Daniel`, `the quake` named before.

A toll, a magnitude or the damage of a named event belongs to the event, not to the place it hit
or the agency that counted it. Works on the dependency parse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from claims.frame.clauses import event_verb, governing_verb, verb_over
from claims.frame.entities import doc_cache

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


#: Nouns of events that have outcomes (a toll, a magnitude, damage) and are named after a place
#: or by a name of their own: `the Lahaina wildfire`, `Hawaii's wildfires`, `Storm Daniel`.
EVENT_NOUNS = frozenset(
    "fire wildfire wildfires blaze bushfire flood floods flooding earthquake quake aftershock tsunami "
    "eruption storm hurricane typhoon cyclone tornado landslide mudslide avalanche drought heatwave "
    "sinking shipwreck crash derailment collision explosion blast collapse".split()
)

#: Words that make a figure an outcome of an event (deaths, damage, a magnitude), not an act of
#: the people or bodies named beside it (a pledge, a purchase).
OUTCOME_WORDS = frozenset(
    "dead death die kill fatality life toll injure injury injured missing unaccounted displace displaced "
    "evacuate evacuee homeless destroy damage damaged burn burned structure building home house acre "
    "hectare loss losses cost magnitude depth survivor victim body strike hit sink".split()
)


def named_event(span: Span, head: Token | None) -> str | None:
    """The named event a figure is an outcome of (`the dead from the Lahaina wildfire`, `losses
    caused by Hawaii's wildfires`, `the M 7.8 Pazarcik earthquake had a depth of`): an event noun
    with a name on it in the figure's sentence, when the figure counts what the event did. The
    event, not the place it hit or the agency that counted, holds such a figure; a generic `the
    fire` names nothing (then the usual rules apply)."""
    sent = span.sent
    words = {t.lemma_.lower() for t in (span.root, *((head,) if head is not None else ()))}
    verb = governing_verb(span) if getattr(span._, "claims_kind", None) != "date" else event_verb(span)
    if verb is not None:  # the figure's clause: `raised its figure for the damage ... to $14 billion`
        words |= {t.lemma_.lower() for t in sent if verb_over(t) == verb}
    words |= {t.lemma_.lower() for t in (*span, *_beside(span))}
    if not words & OUTCOME_WORDS:
        return None
    best: tuple[int, str] | None = None
    for tok in sent:
        if span.start <= tok.i < span.end or (tok.lower_ not in EVENT_NOUNS and tok.lemma_.lower() not in EVENT_NOUNS):
            continue
        if (name := _event_name(tok) or _named_before(tok)) is not None:
            dist = abs(tok.i - span.start)
            if best is None or dist < best[0]:
                best = (dist, name)
    return best[1] if best else None


def names_event(name: str) -> bool:
    """`Lahaina wildfire`, `Pazarcik earthquake`: a subject that names an event by its kind, which
    holds its outcomes whatever the NER tagged the place in its name as (often a person)."""
    words = name.lower().split()
    return len(words) > 1 and (words[-1] in EVENT_NOUNS or words[0] in _NAMED_STORMS)


_NAMED_STORMS = frozenset("storm hurricane typhoon cyclone".split())


def _named_before(noun: Token) -> str | None:
    """`the quake`, `a magnitude 7.8 earthquake`: the same event named earlier in the document
    (`the Pazarcik earthquake`), the nearest before it; None when the document never named one."""
    cache = doc_cache(noun.doc)
    named: list[tuple[int, str, str]] | None = cache.get("named events")
    if named is None:
        named = cache["named events"] = [
            (tok.i, tok.lemma_.lower(), name)
            for tok in noun.doc
            if (tok.lower_ in EVENT_NOUNS or tok.lemma_.lower() in EVENT_NOUNS) and (name := _event_name(tok))
        ]
    family = _EVENT_FAMILY.get(noun.lemma_.lower(), noun.lemma_.lower())
    return next(
        (name for i, lem, name in reversed(named) if i < noun.i and _EVENT_FAMILY.get(lem, lem) == family), None
    )


#: Words for one kind of event (`the quake` is the earthquake named before, `the blaze` the fire).
_EVENT_FAMILY = {
    "quake": "earthquake",
    "wildfire": "fire",
    "wildfires": "fire",
    "blaze": "fire",
    "bushfire": "fire",
    "floods": "flood",
    "flooding": "flood",
    "hurricane": "storm",
    "typhoon": "storm",
    "cyclone": "storm",
    "shipwreck": "sinking",
}


def _beside(span: Span) -> list[Token]:
    """The few words around a figure (`the toll at 3,958`, `3,958 deaths`)."""
    doc = span.doc
    lo, hi = max(span.sent.start, span.start - 3), min(span.sent.end, span.end + 2)
    return [doc[i] for i in range(lo, hi) if not span.start <= i < span.end]


def _event_name(noun: Token) -> str | None:
    """`the Lahaina wildfire` -> `Lahaina wildfire`, `Hawaii's devastating wildfires` -> `Hawaii
    wildfires`, `Storm Daniel` -> itself; None for an event noun with no name on it."""
    if noun.ent_type_ and noun.ent_type_ not in ("DATE", "TIME", "CARDINAL", "QUANTITY", "ORG"):
        doc = noun.doc
        start, end = noun.i, noun.i + 1
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        ent = doc[start:end]
        if noun.i not in (ent.start, ent.end - 1):
            return None  # `National Hurricane Center`: a body, not a storm
        cut = max((t.i + 1 for t in ent if t.dep_ == "case"), default=ent.start)
        own = [t for t in doc[cut : ent.end] if t.pos_ != "DET"]
        return " ".join(t.text for t in own) or None  # `Storm Daniel`, `Hawaii's Lahaina Fire` -> `Lahaina Fire`
    if any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in noun.children):
        return None  # `a Mediterranean storm` is a kind of event, not a named one
    if noun.dep_ == "compound" and noun.head.ent_type_ and noun.head.pos_ == "PROPN":
        return None  # `Storm` of `Storm Daniel`: the name is read from its head
    names = [  # places hit by an event are often tagged as people (`the Lahaina wildfire`)
        c
        for c in noun.lefts
        if c.dep_ in ("compound", "poss", "nmod", "amod")
        and c.pos_ in ("PROPN", "NOUN")
        and (c.pos_ == "PROPN" or c.ent_type_ in ("GPE", "LOC", "FAC", "EVENT"))
        and c.ent_type_ not in ("DATE", "TIME", "CARDINAL", "QUANTITY", "NORP")
        and not any(t.like_num for t in c.subtree)  # `M 7.8` is a reading, not a name
    ]
    if not names:
        return None
    if any(c.dep_ != "poss" for c in names):  # `Hawaii's Lahaina Fire`: its own name, not where it was
        names = [c for c in names if c.dep_ != "poss"]
    parts = [" ".join(t.text for t in c.subtree if t.dep_ != "case" and t.pos_ != "DET") for c in names]
    return " ".join([*parts, noun.text])
