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
from claims.frame.events import named_event
from claims.frame.holders import SOURCE_NOUNS, destination, located_in, noun_antecedent, pledge_holder, property_holder

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
    if kind is not None and (name := named_event(span, head)) is not None:
        return name
    if kind == "date" and (anchor := date_anchor(span)) is not None:
        if (name := _event_agent(anchor)) is not None:
            return canonical(name, people)
    verb = governing_verb(span) if kind != "date" else event_verb(span)
    if kind != "date" and (name := property_holder(span, verb) or pledge_holder(span)) is not None:
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
            if (place := destination(span, head)) is not None:
                return canonical(place, people)
            verb = verb.head if verb.dep_ in ("conj", "ccomp", "xcomp", "advcl") and verb.head != verb else None
            continue
        if subj.pos_ == "PRON" and (name := _antecedent(subj)) is not None:
            return canonical(name, people)
        if subj.lemma_.lower() in SOURCE_NOUNS and not subj.ent_type_:
            break  # `the Government's estimate of the displaced is 1.5 million`: who counted, not whose
        if (name := name_of(subj)) is not None:
            return canonical(name, people)
        if (name := noun_antecedent(subj)) is not None:
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
                    if obj.dep_ == "pobj" and (name := nationality(obj) or noun_antecedent(obj)) is not None:
                        return canonical(name, people)  # `77% of Japanese`, `80 percent of the city`
    sent = span.sent
    # the counted phrase itself (`2,700 Ukrainian refugees`, `four islands consisting of A, B
    # and C`) names who or what is counted, not the subject
    phrase_end = max(head.right_edge.i + 1 if head is not None else span.end, span.end)
    if (place := located_in(span, head)) is not None:
        return canonical(place, people)
    best: str | None = None
    sent_ents = ents_within(doc, sent.start, sent.end)
    for ent in sent_ents:
        if ent.label_ in ("GPE", "PERSON", "ORG") and ent.end <= span.start and not _counts_only(ent):
            best = ent.text
    if best is None and kind != "date" and (place := destination(span, head)) is not None:
        best = place
    if best is None and moving:
        for ent in sent_ents:
            if ent.label_ in ("GPE", "PERSON", "ORG") and ent.start >= phrase_end:
                best = ent.text
                break
    return canonical(best, people) if best else None


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


def _counts_only(ent: Span) -> bool:
    """`the Government's estimate`, `FEMA's count`: a name that made a count, not one it is about."""
    root = ent.root
    return root.dep_ in ("poss", "compound") and root.head.lemma_.lower() in SOURCE_NOUNS


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
