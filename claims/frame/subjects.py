"""Who a figure is about and who says so.

Works on the dependency parse when the pipeline has one; gives None on a blank pipeline.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from claims.frame.clauses import (
    SUBJECT_DEPS,
    agent_token,
    counted_head,
    date_anchor,
    event_verb,
    governing_verb,
    subject_token,
    verb_over,
)
from claims.frame.entities import (
    NATIONALITIES,
    canonical,
    doc_cache,
    entity_text,
    ents_within,
    name_of,
    nationality,
    regions,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


_REPORTING_VERBS = frozenset(
    "say tell report announce estimate state claim add note write reveal confirm predict".split()
)


_ACCORDING_TO = re.compile(
    r"\b[Aa]ccording to (?:the )?((?:[A-Z][\w&'’.-]*)(?:\s(?:[A-Z][\w&'’.-]*|of|for|the|and|on|de))*)"
)


_TRAILING_CONNECTORS = re.compile(r"(?:\s(?:of|for|the|and|on|de))+$")


_CLAIMANT_AFTER = re.compile(
    r"\b(?:(?:be(?:ing)?\s|been\s)?(?:returned|return|returning|handed\s(?:back|over)|given\sback|"
    r"transferred|belong(?:s|ed|ing)?)\sto|claimed\sby)\s(?:the\s)?"
    r"((?:[A-Z][\w'’-]*)(?:\s[A-Z][\w'’-]*)*)"
)


def _territory_claimant(span: Span, head: Token | None) -> str | None:
    """Whose a counted territory is (`Japanese sovereignty over the four islands`, `the four
    islands being returned to Japan`, `Japan's four islands`, `four Hokkaido islands`).

    The claimant, not whoever holds or discusses the land, is what a territory count is about;
    None when the sentence names no claimant (then the usual subject rules apply).
    """
    sent = span.sent
    for tok in sent:
        if tok.lower_ == "sovereignty":
            for child in tok.children:
                if child.dep_ in ("amod", "poss", "compound", "nmod") and (name := nationality(child)):
                    return name
    if m := _CLAIMANT_AFTER.search(sent.text, max(0, span.end_char - sent.start_char)):
        return m.group(1)
    if head is not None:
        for child in head.children:
            if child.dep_ == "poss" and (name := nationality(child) or entity_text(child)):
                return name
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj" and (name := nationality(obj)):
                        return name
        claimed = regions()
        for child in head.lefts:
            if child.lower_ in claimed:
                return claimed[child.lower_]
    return None


#: Counted nouns whose nationality says who is counted, not who acts (`Tokyo admitted 188
#: Ukrainian refugees`): their modifier never becomes the subject.
_MOVING_PEOPLE = frozenset(
    "refugee evacuee migrant immigrant emigrant asylum-seeker seeker tourist visitor student "
    "worker national citizen resident exile".split()
)


#: Counted nouns that are places: their subject is the claimant (see `_territory_claimant`).
TERRITORY_UNITS = frozenset("island islet territory region province oblast prefecture archipelago".split())


def subject_of(span: Span, people: dict[str, str]) -> str | None:
    """The entity the figure is about.

    In order: for a count of territory, its claimant; for a date attached to an event noun (`the
    bust-up between Trump and Zelenskyy on February 28`, `Russia's 2022 invasion`), who acts in
    that event; the governing verb's subject or, in the passive, its agent (a pronoun resolved to
    the nearest preceding subject of its kind); the nationality of what is counted (`200 Japanese
    projects`: Japan; not for people on the move: `188 Ukrainian refugees` admitted by Tokyo are
    Tokyo's figure); for a share, the people it is a share of (`77% of Japanese`); else the nearest
    entity before the figure, or for people on the move where they went. A prepositional object
    after the figure (`deployed to the border with Belarus`) or a member of a list inside the
    counted phrase (`four islands consisting of Habomai, ...`) is never the subject.
    """
    doc = span.doc
    if not doc.has_annotation("DEP"):
        return None
    root = span.root
    head = counted_head(span)
    unit = getattr(span._, "claims_unit", None) if span.has_extension("claims_unit") else None
    kind = getattr(span._, "claims_kind", None) if span.has_extension("claims_kind") else None
    if unit in TERRITORY_UNITS and (name := _territory_claimant(span, head)) is not None:
        return canonical(name, people)
    if kind is not None and (name := _named_event(span, head)) is not None:
        return name
    if kind == "date" and (anchor := date_anchor(span)) is not None:
        if (name := _event_agent(anchor)) is not None:
            return canonical(name, people)
    verb = governing_verb(span) if kind != "date" else event_verb(span)
    if kind != "date" and (name := _property_holder(span, verb)) is not None:
        return canonical(name, people)
    for _ in range(3):
        if verb is None:
            break
        subj = agent_token(verb) or subject_token(verb)
        if subj is not None and subj.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
            subj = verb.head  # `Rahm Emanuel, who arrived in January 2022`
        if subj is None or span.start <= subj.i < span.end:
            break
        if subj.pos_ == "NOUN" and subj.lemma_.lower() in _MOVING_PEOPLE:
            # `188 Ukrainian refugees` parsed as the subject of the next verb: counted people,
            # whose nationality is not the actor; where they go (`would reach Chad`) is whose
            # figure it is, else ask the verb this clause hangs from
            if (place := _destination(span, head)) is not None:
                return canonical(place, people)
            verb = verb.head if verb.dep_ in ("conj", "ccomp", "xcomp", "advcl") and verb.head != verb else None
            continue
        if subj.pos_ == "PRON" and (name := _antecedent(subj)) is not None:
            return canonical(name, people)
        if (name := name_of(subj)) is not None:
            return canonical(name, people)
        if (name := _noun_antecedent(subj)) is not None:
            return canonical(name, people)
        break
    if kind == "date" and verb is not None:
        # `On February 15, during a call between Kishida and Zelensky, ...`: the event noun the
        # clause hangs on names who took part
        for child in verb.children:
            if child.dep_ in ("prep", "agent"):
                for obj in child.children:
                    if obj.dep_ == "pobj" and obj.pos_ == "NOUN" and (name := _own_agent(obj)) is not None:
                        return canonical(name, people)
    moving = (head is not None and head.lemma_.lower() in _MOVING_PEOPLE) or unit in _MOVING_PEOPLE
    if head is not None and not moving:
        for child in head.lefts:
            if (
                child.dep_ in ("amod", "compound", "nmod")
                and child.i >= span.end
                and (name := nationality(child)) is not None
            ):
                return canonical(name, people)
    if kind == "percent":
        for child in root.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj" and (name := nationality(obj)) is not None:
                        return canonical(name, people)
    sent = span.sent
    # the counted phrase itself (`2,700 Ukrainian refugees`, `four islands consisting of A, B
    # and C`) names who or what is counted, not the subject
    phrase_end = max(head.right_edge.i + 1 if head is not None else span.end, span.end)
    if (place := _located_in(span, head)) is not None:
        return canonical(place, people)
    best: str | None = None
    sent_ents = ents_within(doc, sent.start, sent.end)
    for ent in sent_ents:
        if ent.label_ in ("GPE", "PERSON", "ORG") and ent.end <= span.start:
            best = ent.text
    if best is None and kind != "date" and (place := _destination(span, head)) is not None:
        best = place
    if best is None and moving:
        for ent in sent_ents:
            if ent.label_ in ("GPE", "PERSON", "ORG") and ent.start >= phrase_end:
                best = ent.text
                break
    return canonical(best, people) if best else None


#: Nouns of events that have outcomes (a toll, a magnitude, damage) and are named after a place
#: or by a name of their own: `the Lahaina wildfire`, `Hawaii's wildfires`, `Storm Daniel`.
EVENT_NOUNS = frozenset(
    "fire wildfire wildfires blaze bushfire flood floods flooding earthquake quake aftershock tsunami "
    "eruption storm hurricane typhoon cyclone tornado landslide mudslide avalanche drought heatwave "
    "sinking shipwreck crash derailment collision explosion blast collapse".split()
)

#: Words that make a figure an outcome of an event (deaths, damage, a magnitude), not an act of
#: the people or bodies named beside it (a pledge, a purchase).
_OUTCOME_WORDS = frozenset(
    "dead death die kill fatality life toll injure injury injured missing unaccounted displace displaced "
    "evacuate evacuee homeless destroy damage damaged burn burned structure building home house acre "
    "hectare loss losses cost magnitude depth survivor victim body strike hit sink".split()
)


def _named_event(span: Span, head: Token | None) -> str | None:
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
    if not words & _OUTCOME_WORDS:
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


def _located_in(span: Span, head: Token | None) -> str | None:
    """The place a figure's own phrase is in (`347,815 in Turkey, 474,461 in Lebanon`, `at least
    11,300 people were killed in Derna`, `turnout of 61% in Ohio`): an `in` phrase on the counted
    noun or the number itself, or on the verb the figure's phrase is the subject of. Beats the
    nearest name before the figure, which in a list is the previous item's place."""
    nouns = [t for t in (head, span.root) if t is not None]
    verb = governing_verb(span)
    noun = head if head is not None else span.root
    if verb is not None and noun.dep_ in SUBJECT_DEPS and noun.head == verb:
        nouns.append(verb)
    for tok in nouns:
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "in" and child.i >= span.start:
                for obj in child.children:
                    if obj.dep_ == "pobj" and obj.ent_type_ in ("GPE", "LOC") and (name := entity_text(obj)):
                        return name
    return None


def _destination(span: Span, head: Token | None) -> str | None:
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

#: Nouns of a property a named thing has (`Lake Baikal's depth`, `the length of the Amazon`).
_PROPERTIES = frozenset("length height depth area population size elevation width altitude".split())


def _property_holder(span: Span, verb: Token | None) -> str | None:
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


def _noun_antecedent(noun: Token) -> str | None:
    """What a definite common-noun subject refers back to (`the ship sank`, `the city recorded`,
    `the world's tallest peak stands at`): the nearest preceding subject, in its sentence or the
    two before, that is a name of a fitting kind. None for a noun that is not such a back-reference
    (the caller then falls back to the article's topic)."""
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
    for i in range(noun.i - 1, lo - 1, -1):
        tok = doc[i]
        if tok.dep_ in SUBJECT_DEPS and tok.pos_ != "PRON":
            if (name := name_of(tok)) is not None and _fits(kind, tok, name):
                return name
    return None


_PERSON_PRONOUNS = frozenset("he she him her his".split())


_STATE_PRONOUNS = frozenset("it they its their".split())


def _antecedent(pron: Token) -> str | None:
    """The entity a subject pronoun stands for: the nearest subject before it (in its sentence
    or the two before) that is a person for `he`/`she`, a state or body for `it`/`they`."""
    word = pron.lower_
    if word in _PERSON_PRONOUNS:
        labels: tuple[str, ...] = ("PERSON",)
    elif word in _STATE_PRONOUNS:
        labels = ("GPE", "ORG", "NORP")
    else:
        return None
    doc = pron.doc
    lo = pron.sent.start
    for _ in range(2):
        if lo > 0:
            lo = doc[lo - 1].sent.start
    for i in range(pron.i - 1, lo - 1, -1):
        tok = doc[i]
        if tok.dep_ in SUBJECT_DEPS and tok.ent_type_ in labels:
            return entity_text(tok)
    return None


#: Event nouns and who acts in them (`Russia's invasion`, `the Russian invasion`), collected per
#: document so that `the 2022 invasion` later in the text knows its agent.
def _event_agent(noun: Token) -> str | None:
    """Who acts in an event noun: its possessor, a nationality or entity modifier, its `by` or
    `between` phrase; else who that same event noun has had elsewhere in the document."""
    if (name := _own_agent(noun)) is not None:
        return name
    return _first_agent(noun.doc, noun.lemma_.lower())


def _first_agent(doc: Doc, lemma: str) -> str | None:
    """The agent of the first noun with this lemma that names one in the document (found once
    per lemma: a scan of the whole document per date made a page of dates cost n²)."""
    cache = doc_cache(doc)
    nouns: dict[str, list[int]] | None = cache.get("nouns")
    if nouns is None:
        nouns = cache["nouns"] = {}
        for tok in doc:
            if tok.pos_ == "NOUN":
                nouns.setdefault(tok.lemma_.lower(), []).append(tok.i)
    agents: dict[str, str | None] = cache.setdefault("agents", {})
    if lemma not in agents:
        # the noun asking has no agent of its own (else it would not ask), so it is never the one found
        agents[lemma] = next((name for i in nouns.get(lemma, ()) if (name := _own_agent(doc[i])) is not None), None)
    return agents[lemma]


def _own_agent(noun: Token) -> str | None:
    for child in noun.children:
        if child.dep_ == "poss" and (name := entity_text(child)):
            return NATIONALITIES.get(name.lower(), name)
    for child in noun.lefts:
        if child.dep_ in ("amod", "compound", "nmod") and (name := nationality(child)):
            return name
    for child in noun.rights:
        if child.dep_ in ("prep", "agent") and child.lower_ in ("by", "between"):
            for obj in child.children:
                if obj.dep_ == "pobj" and (name := name_of(obj)):
                    return name
    return None


def attribution_of(sent: Span, people: dict[str, str]) -> str | None:
    """`According to X` or the subject of a reporting verb (`Kyodo said`)."""
    if m := _ACCORDING_TO.search(sent.text):
        return _TRAILING_CONNECTORS.sub("", m.group(1)).rstrip(".,")
    if not sent.doc.has_annotation("DEP"):
        return None
    for tok in sent:
        if tok.pos_ == "VERB" and tok.lemma_ in _REPORTING_VERBS:
            for child in tok.children:
                if child.dep_ == "nsubj" and child.ent_type_ in ("ORG", "PERSON", "GPE", "NORP"):
                    name = entity_text(child)
                    if name:
                        return canonical(name, people)
    return None
