"""Who a figure is about, who says so, and the lemma context used for matching.

Works on the dependency parse when the pipeline has one, and degrades to simple text rules on a
blank pipeline. Aliases (capitals for governments, spelling variants of leaders' names) are data:
`claims/data/aliases.json`.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_ENTITY_LABELS = frozenset({"PERSON", "GPE", "ORG", "NORP", "LOC", "FAC"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_REPORTING_VERBS = frozenset(
    "say tell report announce estimate state claim add note write reveal confirm predict".split()
)
_NATIONALITIES: dict[str, str] = {
    "japanese": "Japan", "russian": "Russia", "ukrainian": "Ukraine", "chinese": "China",
    "american": "United States", "british": "United Kingdom", "german": "Germany", "french": "France",
    "taiwanese": "Taiwan", "korean": "South Korea", "indian": "India", "european": "European Union",
}
_ACCORDING_TO = re.compile(
    r"\b[Aa]ccording to (?:the )?((?:[A-Z][\w&'’.-]*)(?:\s(?:[A-Z][\w&'’.-]*|of|for|the|and|on|de))*)"
)
_TRAILING_CONNECTORS = re.compile(r"(?:\s(?:of|for|the|and|on|de))+$")
_MONTH_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


@functools.cache
def _aliases() -> dict[str, str]:
    raw = json.loads(resources.files("claims").joinpath("data", "aliases.json").read_text("utf-8"))
    return {k.lower(): v for k, v in raw["aliases"].items()}


def canonical(name: str, people: dict[str, str] | None = None) -> str:
    """Resolve an alias (`Tokyo` -> `Japan`, `Zelensky` -> `Volodymyr Zelenskyy`)."""
    s = re.sub(r"^(?:the|The)\s+", "", name.strip())
    s = re.sub(r"(?:'s|’s|'|’)$", "", s).strip()
    key = s.lower()
    aliases = _aliases()
    if key in aliases:
        return aliases[key]
    if people and key in people:
        full = people[key]
        return aliases.get(full.lower(), full)
    return s


def people_of(doc: Doc) -> dict[str, str]:
    """Surname -> full name for PERSON entities of two or more words in the document."""
    out: dict[str, str] = {}
    for ent in doc.ents:
        if ent.label_ == "PERSON" and len(ent) >= 2 and all(t.is_alpha or t.text in "-." for t in ent):
            out.setdefault(ent[-1].text.lower(), ent.text)
            out.setdefault(ent[0].text.lower(), ent.text)  # `Ishiba Shigeru` order too
    return out


def _entity_text(tok: Token) -> str | None:
    if tok.ent_type_ not in _ENTITY_LABELS:
        return None
    doc = tok.doc
    start, end = tok.i, tok.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    text = doc[start:end].text
    if tok.ent_type_ == "NORP":
        return _NATIONALITIES.get(text.lower(), text)
    return text


def _governing_verb(tok: Token) -> Token | None:
    cur = tok
    for _ in range(12):
        if cur.pos_ in ("VERB", "AUX"):
            return cur
        if cur.head is cur:
            return None
        cur = cur.head
    return None


def _subject_token(verb: Token) -> Token | None:
    cur: Token | None = verb
    for _ in range(4):
        if cur is None:
            return None
        for child in cur.children:
            if child.dep_ in _SUBJECT_DEPS:
                return child
        if cur.dep_ == "relcl":
            return cur.head
        if cur.dep_ in ("conj", "xcomp", "advcl", "ccomp", "pcomp", "acl") and cur.head is not cur:
            cur = cur.head
            continue
        return None
    return None


def _name_of(tok: Token) -> str | None:
    """The entity a subject token stands for: itself, a possessor, or a nationality modifier."""
    if (name := _entity_text(tok)) is not None:
        return name
    for child in tok.children:
        if child.dep_ == "poss" and (name := _entity_text(child)):
            return name
    for child in tok.children:
        if child.dep_ in ("compound", "amod") and (name := _entity_text(child)):
            return name
    if tok.pos_ == "PROPN":  # a name the NER missed (`Kyiv`): the proper-noun compound
        parts = [c for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
        return " ".join([*(c.text for c in parts), tok.text])
    return None


def _counted_head(span: Span) -> Token | None:
    """The noun a figure counts (`188 Ukrainian refugees` -> refugees), from the parse."""
    tok = span[-1]
    if tok.dep_ in ("nummod", "quantmod", "amod", "compound") and tok.head.pos_ in ("NOUN", "PROPN") \
            and tok.head.i >= span.end:
        return tok.head
    nxt = span.doc[span.end] if span.end < len(span.doc) else None
    if nxt is not None and nxt.pos_ in ("NOUN", "PROPN"):
        return nxt
    return None


def _nationality(tok: Token) -> str | None:
    """`Japanese` -> Japan (whether or not the NER tagged it), a GPE -> its name."""
    if tok.lower_ in _NATIONALITIES:
        return _NATIONALITIES[tok.lower_]
    return _entity_text(tok) if tok.ent_type_ in ("GPE", "NORP") else None


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
                if child.dep_ in ("amod", "poss", "compound", "nmod") and (name := _nationality(child)):
                    return name
    if m := _CLAIMANT_AFTER.search(sent.text, max(0, span.end_char - sent.start_char)):
        return m.group(1)
    if head is not None:
        for child in head.children:
            if child.dep_ == "poss" and (name := _nationality(child) or _entity_text(child)):
                return name
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj" and (name := _nationality(obj)):
                        return name
        regions = _regions()
        for child in head.lefts:
            if child.lower_ in regions:
                return regions[child.lower_]
    return None


@functools.cache
def _regions() -> dict[str, str]:
    raw = json.loads(resources.files("claims").joinpath("data", "aliases.json").read_text("utf-8"))
    return {k.lower(): v for k, v in raw.get("regions", {}).items()}


#: Counted nouns whose nationality says who is counted, not who acts (`Tokyo admitted 188
#: Ukrainian refugees`): their modifier never becomes the subject.
_MOVING_PEOPLE = frozenset(
    "refugee evacuee migrant immigrant emigrant asylum-seeker seeker tourist visitor student "
    "worker national citizen resident exile".split()
)
#: Counted nouns that are places: their subject is the claimant (see `_territory_claimant`).
TERRITORY_UNITS = frozenset(
    "island islet territory region province oblast prefecture archipelago".split()
)


def subject_of(span: Span, people: dict[str, str]) -> str | None:
    """The entity the figure is about.

    In order: for a count of territory, its claimant; the governing verb's subject; the
    nationality of what is counted (`200 Japanese projects`: Japan; not for people on the move:
    `188 Ukrainian refugees` admitted by Tokyo are Tokyo's figure); else the nearest entity.
    """
    doc = span.doc
    if not doc.has_annotation("DEP"):
        return None
    root = span.root
    head = _counted_head(span)
    unit = getattr(span._, "claims_unit", None) if span.has_extension("claims_unit") else None
    if unit in TERRITORY_UNITS and (name := _territory_claimant(span, head)) is not None:
        return canonical(name, people)
    verb = _governing_verb(root)
    for _ in range(3):
        if verb is None:
            break
        subj = _subject_token(verb)
        if subj is None or span.start <= subj.i < span.end:
            break
        if subj.pos_ == "NOUN" and subj.lemma_.lower() in _MOVING_PEOPLE:
            # `188 Ukrainian refugees` parsed as the subject of the next verb: counted people,
            # whose nationality is not the actor; ask the verb this clause hangs from instead
            verb = verb.head if verb.dep_ in ("conj", "ccomp", "xcomp", "advcl") and verb.head is not verb else None
            continue
        if (name := _name_of(subj)) is not None:
            return canonical(name, people)
        break
    if head is not None and head.lemma_.lower() not in _MOVING_PEOPLE and unit not in _MOVING_PEOPLE:
        for child in head.lefts:
            if child.dep_ in ("amod", "compound", "nmod") and child.i >= span.end \
                    and (name := _nationality(child)) is not None:
                return canonical(name, people)
    sent = span.sent
    # the counted phrase itself (`2,700 Ukrainian refugees`) names who is counted, not the subject
    phrase_end = head.i + 1 if head is not None else span.end
    best: str | None = None
    for ent in sent.ents:
        if ent.label_ in ("GPE", "PERSON", "ORG") and ent.end <= span.start:
            best = ent.text
    if best is None:
        for ent in sent.ents:
            if ent.label_ in ("GPE", "PERSON", "ORG") and ent.start >= phrase_end:
                best = ent.text
                break
    return canonical(best, people) if best else None


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
                    name = _entity_text(child)
                    if name:
                        return canonical(name, people)
    return None


def clause_of(span: Span) -> Span:
    """The clause around a figure: its governing verb's subtree, or the sentence."""
    sent = span.sent
    if not span.doc.has_annotation("DEP"):
        return sent
    verb = _governing_verb(span.root)
    if verb is None:
        return sent
    left = max(verb.left_edge.i, sent.start)
    right = min(verb.right_edge.i + 1, sent.end)
    if right - left < 3:
        return sent
    return span.doc[left:right]


def context_of(clause: Span, skip: tuple[int, int]) -> str:
    """Lowercased lemmas of the clause, stop words, numbers and months removed, aliases resolved."""
    out: list[str] = []
    has_lemma = clause.doc.has_annotation("LEMMA")
    aliases = _aliases()
    for tok in clause:
        if skip[0] <= tok.i < skip[1] and tok.like_num:
            continue
        if not tok.is_alpha or tok.is_stop or tok.like_num:
            continue
        word = (tok.lemma_ if has_lemma and tok.lemma_ else tok.text).lower()
        if word in _MONTH_WORDS:
            continue
        word = aliases.get(word, word).lower()
        if tok.ent_type_ == "NORP":
            word = word
        out.append(word)
    return " ".join(out)


def about_of(span: Span, kind: str, unit: str | None) -> str | None:
    """A short phrase of what is measured: counted noun with its modifiers, plus the verb."""
    doc = span.doc
    if not doc.has_annotation("DEP"):
        return unit
    root = span.root
    head: Token | None = None
    if root.dep_ in ("nummod", "quantmod", "compound") and root.head.pos_ in ("NOUN", "PROPN"):
        head = root.head
    elif kind in ("money", "percent"):
        for child in root.children:
            if child.dep_ == "prep" and child.text.lower() in ("in", "of", "for", "on"):
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs:
                    head = objs[0]
                    break
    words: list[str] = []
    if head is not None and not (span.start <= head.i < span.end):
        mods = [c for c in head.lefts if c.dep_ in ("amod", "compound", "nmod") and not c.like_num]
        words = [t.text for t in mods] + [head.text]
        for child in head.rights:
            if child.dep_ == "prep" and child.text.lower() in ("to", "for", "of", "from", "in"):
                obj = [c for c in child.children if c.dep_ == "pobj"]
                if obj:
                    words += [child.text, *(t.text for t in obj[0].subtree if not t.is_punct)][:5]
                break
    elif unit:
        words = [unit]
    verb = _governing_verb(root)
    if verb is not None and verb.pos_ == "VERB":
        words.append(verb.text)
    phrase = " ".join(words).strip()
    return phrase or None
