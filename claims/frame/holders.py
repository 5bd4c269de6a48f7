"""Who holds a figure when the verb's subject does not say: the place a figure is in, where
people on the move go, whose property or pledge it is, and what `the city` or `the ship` refers to.

Works on the dependency parse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from claims.frame.clauses import SUBJECT_DEPS, governing_verb, verb_over
from claims.frame.entities import entity_text, name_of, nationality
from claims.frame.events import OUTCOME_WORDS

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def located_in(span: Span, head: Token | None) -> str | None:
    """The place a figure's own phrase is in (`347,815 in Turkey, 474,461 in Lebanon`, `at least
    11,300 people were killed in Derna`, `turnout of 61% in Ohio`): an `in` phrase on the counted
    noun or the number itself, or on the verb the figure's phrase is the subject of. Beats the
    nearest name before the figure, which in a list is the previous item's place."""
    nouns = [t for t in (head, span.root) if t is not None]
    verb = governing_verb(span)
    noun = head if head is not None else span.root
    if verb is not None and noun.dep_ in SUBJECT_DEPS and noun.head == verb:
        nouns.append(verb)
    elif verb is not None and noun.dep_ == "dobj" and noun.head == verb and noun.lemma_.lower() in OUTCOME_WORDS:
        # `In Syria, rescue groups counted 2,470 deaths`: where the deaths were, not who counted
        return next(
            (
                name
                for child in verb.children
                if child.dep_ == "prep" and child.lower_ == "in"
                for obj in child.children
                if obj.dep_ == "pobj" and obj.ent_type_ in ("GPE", "LOC") and (name := entity_text(obj))
            ),
            None,
        ) or _in_phrase(nouns, span)
    return _in_phrase(nouns, span)


def _in_phrase(nouns: list[Token], span: Span) -> str | None:
    """The place of an `in` phrase after the figure on one of `nouns`."""
    for tok in nouns:
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "in" and child.i >= span.start:
                for obj in child.children:
                    if obj.dep_ == "pobj" and obj.ent_type_ in ("GPE", "LOC") and (name := entity_text(obj)):
                        return name
    return None


def destination(span: Span, head: Token | None) -> str | None:
    """Where the counted subjects of a verb are (`Around 2,000 remain in Japan`): a place named by
    `in`/`to`/`into` on the verb of which the figure's phrase is the subject (not `with Belarus`)."""
    verb = governing_verb(span)
    noun = head if head is not None else span.root
    if verb is None or noun.dep_ not in SUBJECT_DEPS or noun.head != verb:
        return None
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "to", "into") and child.i > noun.i:
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.ent_type_ == "GPE":
                    return entity_text(obj)
        if child.dep_ == "dobj" and verb.lemma_.lower() in _ARRIVE_VERBS and child.ent_type_ == "GPE":
            return entity_text(child)  # `reach Chad`, `entered Poland`
    return None


_ARRIVE_VERBS = frozenset("reach enter cross".split())

#: Nouns of a count or estimate: their possessor made it, it is not what the figure is about.
SOURCE_NOUNS = frozenset("estimate estimation measurement count tally projection forecast calculation figure".split())

#: Nouns of money given or promised: a name on them (`a U.S. commitment of $1.15 billion`, `the
#: EU's pledge of 120 million euros`) is the giver, whoever announced it.
_PLEDGE_NOUNS = frozenset("commitment pledge contribution donation grant loan package budget".split())


def pledge_holder(span: Span) -> str | None:
    """The giver named on the pledge noun a figure is `of` (`a U.S. commitment of $1.15 billion`)."""
    root = span.root
    prep = root.head if root.dep_ == "pobj" else None
    if prep is None or prep.lower_ != "of" or prep.head.lemma_.lower() not in _PLEDGE_NOUNS:
        return None
    for child in prep.head.children:
        if child.dep_ in ("poss", "compound", "amod", "nmod") and (
            name := nationality(child) or entity_text(child, frozenset({"GPE", "ORG"}))
        ):
            return name
    return None


#: Nouns of a property a named thing has (`Lake Baikal's depth`, `the length of the Amazon`).
_PROPERTIES = frozenset("length height depth area population size elevation width altitude".split())


def property_holder(span: Span, verb: Token | None) -> str | None:
    """Whose property a figure gives (`the survey put Lake Baikal's depth at 1,642 metres`, `added
    176 miles to the Amazon's length`, `a population of 15 million in Lagos` not): the possessor
    or `of` object of a property noun in the figure's clause or phrase."""
    sent = span.sent
    for tok in sent:
        if tok.lemma_.lower() not in _PROPERTIES or span.start <= tok.i < span.end:
            continue
        if not (tok.head.i in range(span.start, span.end) or span.root.head == tok or verb_over(tok) == verb):
            continue
        for child in tok.children:
            if child.dep_ == "poss" and (name := entity_text(child, _HOLDER_LABELS)):
                return name
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj" and (name := entity_text(obj, _HOLDER_LABELS)):
                        return name
    return None


_HOLDER_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG", "PRODUCT", "PERSON"})


#: Common nouns that, with `the`/`this`, refer back to a name, by the kind of name they fit:
#: `the city` a place, `the storm` an event, `the agency` a body, `the ship` a vessel, `the peak`
#: any other thing.
_BACK_REFERENCES: dict[str, frozenset[str]] = {
    "place": frozenset(
        "city town village capital country nation state island archipelago region province county "
        "district municipality territory".split()
    ),
    "event": frozenset("storm hurricane typhoon cyclone earthquake quake fire wildfire blaze flood".split()),
    "body": frozenset("company firm carrier airline bank agency team club party league".split()),
    "vessel": frozenset("ship vessel liner boat ferry tanker submarine yacht freighter".split()),
    "thing": frozenset(
        "plane aircraft jet airliner train mountain peak "
        "summit volcano river lake glacier dam bridge tower stadium plan programme program fund appeal "
        "agreement accord treaty deal tournament".split()
    ),
}

_NOT_NAMES = frozenset({"PERSON", "NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"})


def _fits(kind: str, tok: Token, name: str) -> bool:
    """Whether a name can be what a `the <noun>` of this kind refers back to."""
    label = tok.ent_type_
    if kind == "vessel" and label == "PERSON":
        return True  # ships are named like people, and tagged so
    if label in _NOT_NAMES:
        return False
    if kind == "place":
        return label in ("GPE", "LOC", "FAC", "")
    if kind == "event":  # `Hurricane Katrina`, `Storm Daniel`: named by their kind
        return label == "EVENT" or any(w.lower() in _BACK_REFERENCES["event"] for w in name.split())
    if kind == "body":
        return label in ("ORG", "")
    return label != "GPE"


def noun_antecedent(noun: Token) -> str | None:
    """What a definite common noun refers back to (`the ship sank`, `the city recorded`, `the
    world's tallest peak stands at`): the nearest preceding subject, in its sentence or the two
    before, that is a name of a fitting kind; for `the city` or `the town`, the nearest place.
    None for a noun that is not such a back-reference (the caller then falls back to the topic)."""
    lemma = noun.lemma_.lower()
    kind = next((k for k, nouns in _BACK_REFERENCES.items() if lemma in nouns), None)
    if kind is None or not any(
        (c.dep_ == "det" and c.lower_ in ("the", "this", "that")) or c.dep_ == "poss" for c in noun.children
    ):
        return None
    doc = noun.doc
    lo = noun.sent.start
    for _ in range(2):
        if lo > 0:
            lo = doc[lo - 1].sent.start
    settlement = lemma in _SETTLEMENTS
    for i in range(noun.i - 1, lo - 1, -1):
        tok = doc[i]
        if settlement and tok.ent_type_ == "GPE" and tok.ent_iob_ == "B":
            return entity_text(tok)  # `around New Orleans the levees broke ... 80 percent of the city`
        if tok.dep_ in SUBJECT_DEPS and tok.pos_ != "PRON":
            if (name := name_of(tok)) is not None and _fits(kind, tok, name):
                return name
    return None


#: Place nouns whose antecedent is the nearest town named, whatever its role in its sentence.
_SETTLEMENTS = frozenset("city town village capital municipality".split())
