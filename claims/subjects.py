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
    from collections.abc import Iterable

    from spacy.tokens import Doc, Span, Token

_ENTITY_LABELS = frozenset({"PERSON", "GPE", "ORG", "NORP", "LOC", "FAC"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_REPORTING_VERBS = frozenset(
    "say tell report announce estimate state claim add note write reveal confirm predict".split()
)
_NATIONALITIES: dict[str, str] = {
    "japanese": "Japan",
    "russian": "Russia",
    "ukrainian": "Ukraine",
    "chinese": "China",
    "american": "United States",
    "british": "United Kingdom",
    "german": "Germany",
    "french": "France",
    "taiwanese": "Taiwan",
    "korean": "South Korea",
    "indian": "India",
    "european": "European Union",
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
        if cur.head == cur:
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
        if cur.dep_ in ("conj", "xcomp", "advcl", "ccomp", "pcomp", "acl") and cur.head != cur:
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
    if (
        tok.dep_ in ("nummod", "quantmod", "amod", "compound")
        and tok.head.pos_ in ("NOUN", "PROPN")
        and tok.head.i >= span.end
    ):
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
    head = _counted_head(span)
    unit = getattr(span._, "claims_unit", None) if span.has_extension("claims_unit") else None
    kind = getattr(span._, "claims_kind", None) if span.has_extension("claims_kind") else None
    if unit in TERRITORY_UNITS and (name := _territory_claimant(span, head)) is not None:
        return canonical(name, people)
    if kind == "date" and (anchor := _date_anchor(span)) is not None:
        if (name := _event_agent(anchor)) is not None:
            return canonical(name, people)
    verb = governing_verb(span) if kind != "date" else _event_verb(span)
    for _ in range(3):
        if verb is None:
            break
        subj = _agent_token(verb) or _subject_token(verb)
        if subj is not None and subj.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
            subj = verb.head  # `Rahm Emanuel, who arrived in January 2022`
        if subj is None or span.start <= subj.i < span.end:
            break
        if subj.pos_ == "NOUN" and subj.lemma_.lower() in _MOVING_PEOPLE:
            # `188 Ukrainian refugees` parsed as the subject of the next verb: counted people,
            # whose nationality is not the actor; ask the verb this clause hangs from instead
            verb = verb.head if verb.dep_ in ("conj", "ccomp", "xcomp", "advcl") and verb.head != verb else None
            continue
        if subj.pos_ == "PRON" and (name := _antecedent(subj)) is not None:
            return canonical(name, people)
        if (name := _name_of(subj)) is not None:
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
                and (name := _nationality(child)) is not None
            ):
                return canonical(name, people)
    if kind == "percent":
        for child in root.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj" and (name := _nationality(obj)) is not None:
                        return canonical(name, people)
    sent = span.sent
    # the counted phrase itself (`2,700 Ukrainian refugees`, `four islands consisting of A, B
    # and C`) names who or what is counted, not the subject
    phrase_end = max(head.right_edge.i + 1 if head is not None else span.end, span.end)
    best: str | None = None
    for ent in sent.ents:
        if ent.label_ in ("GPE", "PERSON", "ORG") and ent.end <= span.start:
            best = ent.text
    if best is None and kind != "date" and (place := _destination(span, head)) is not None:
        best = place
    if best is None and moving:
        for ent in sent.ents:
            if ent.label_ in ("GPE", "PERSON", "ORG") and ent.start >= phrase_end:
                best = ent.text
                break
    return canonical(best, people) if best else None


def _destination(span: Span, head: Token | None) -> str | None:
    """Where the counted subjects of a verb are (`Around 2,000 remain in Japan`): a place named by
    `in`/`to`/`into` on the verb of which the figure's phrase is the subject (not `with Belarus`)."""
    verb = governing_verb(span)
    noun = head if head is not None else span.root
    if verb is None or noun.dep_ not in _SUBJECT_DEPS or noun.head != verb:
        return None
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "to", "into") and child.i > noun.i:
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.ent_type_ == "GPE":
                    return _entity_text(obj)
    return None


def _event_verb(span: Span) -> Token | None:
    """The verb of the event a date dates: its governing verb, or the `when` clause hanging on the
    date or on a copula (`This was evident earlier in February, when Ishiba flew to Washington`)."""
    root = span.root
    for tok in span:
        for child in tok.children:
            if (
                child.dep_ in ("relcl", "acl", "advcl")
                and child.pos_ == "VERB"
                and any(c.lower_ == "when" for c in child.children)
            ):
                return child
    verb = _governing_verb(root)
    if verb is not None and (verb.pos_ != "VERB" or verb.lemma_.lower() in ("be",)):
        for child in verb.children:
            if child.dep_ == "advcl" and child.pos_ == "VERB" and any(c.lower_ == "when" for c in child.children):
                return child
    return verb


def _agent_token(verb: Token) -> Token | None:
    """The `by` phrase of a passive verb (`were deployed by Poland`)."""
    for child in verb.children:
        if child.dep_ == "agent":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return obj
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
        if tok.dep_ in _SUBJECT_DEPS and tok.ent_type_ in labels:
            return _entity_text(tok)
    return None


#: Event nouns and who acts in them (`Russia's invasion`, `the Russian invasion`), collected per
#: document so that `the 2022 invasion` later in the text knows its agent.
def _event_agent(noun: Token) -> str | None:
    """Who acts in an event noun: its possessor, a nationality or entity modifier, its `by` or
    `between` phrase; else who that same event noun has had elsewhere in the document."""
    if (name := _own_agent(noun)) is not None:
        return name
    lemma = noun.lemma_.lower()
    for tok in noun.doc:
        if (
            tok.i != noun.i
            and tok.lemma_.lower() == lemma
            and tok.pos_ == "NOUN"
            and (name := _own_agent(tok)) is not None
        ):
            return name
    return None


def _own_agent(noun: Token) -> str | None:
    for child in noun.children:
        if child.dep_ == "poss" and (name := _entity_text(child)):
            return _NATIONALITIES.get(name.lower(), name)
    for child in noun.lefts:
        if child.dep_ in ("amod", "compound", "nmod") and (name := _nationality(child)):
            return name
    for child in noun.rights:
        if child.dep_ in ("prep", "agent") and child.lower_ in ("by", "between"):
            for obj in child.children:
                if obj.dep_ == "pobj" and (name := _name_of(obj)):
                    return name
    return None


def counted_phrase_end(span: Span) -> int:
    """End offset of the counted noun phrase right after a count (`four contested islands`,
    `eight Russian diplomats`, `27 occasions`): the figure's own end when the noun does not follow
    directly (only its modifiers may come between, no punctuation but a hyphen)."""
    end = span._.claims_chars[1] if span._.claims_chars else span.end_char
    doc = span.doc
    if not doc.has_annotation("DEP"):
        return end
    head = _counted_head(span)
    if head is None or head.i < span.end or head.i - span.end > 4:
        return end
    for tok in doc[span.end : head.i]:
        if (
            tok.like_num
            or tok.ent_type_ in ("DATE", "MONEY", "PERCENT")
            or (tok.is_punct and tok.text != "-")
            or tok.pos_ not in ("ADJ", "NOUN", "PROPN", "PUNCT", "VERB")
            or tok.head.i > head.i
        ):
            return end
    last = head
    for child in head.rights:  # `four southernmost Kuril Islands` (parsed as an apposition)
        if child.dep_ == "appos" and child.left_edge.i == last.i + 1 and child.pos_ == "PROPN":
            last = child
        break
    return max(end, last.idx + len(last.text))


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


def governing_verb(span: Span) -> Token | None:
    """The verb a figure belongs to, with one parser slip repaired.

    In a list of verb phrases (`Tokyo had admitted 188 refugees, issued visas to 300 more`) the
    small models often read the object right after a verb as the subject of the next verb. When a
    figure directly follows a verb that has no object of its own and its noun is the subject of a
    later verb, the verb before the figure governs it.
    """
    root = span.root
    verb = _governing_verb(root)
    doc = span.doc
    if verb is None or span.start == 0:
        return verb
    prev = doc[span.start - 1]
    if prev.pos_ != "VERB" or prev.i < span.sent.start or prev == verb:
        return verb
    noun = root.head if root.dep_ in ("nummod", "quantmod", "compound") else root
    if (
        noun.dep_ in _SUBJECT_DEPS
        and noun.head == verb
        and verb.i > noun.i
        and not any(c.dep_ in ("dobj", "obj", "attr") for c in prev.children)
    ):
        return prev
    return verb


def _own_clause(verb: Token) -> set[int]:
    """Token indices of `verb`'s own clause: its subtree without coordinated clauses (`X is five
    times as large, and is projected to be nine times as large by 2030`: the second clause is
    not the first's), plus the subject it shares with the clause it is coordinated with."""
    out = {t.i for t in verb.subtree}
    for child in verb.children:
        if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX"):
            out -= {t.i for t in child.subtree}
    if not any(c.dep_ in _SUBJECT_DEPS for c in verb.children):
        subj = _subject_token(verb)
        if subj is not None:
            out |= {t.i for t in subj.subtree}
    return out


def _content_words(doc: Doc, idx: set[int]) -> int:
    return sum(1 for i in idx if doc[i].is_alpha and not doc[i].is_stop and not doc[i].like_num)


def clause_tokens(span: Span) -> list[Token]:
    """The figure's clause: its governing verb with that verb's subject and objects.

    A participle or relative clause (`the arrangement with Japan, signed in 1960`) takes in the
    noun it describes; a clause with fewer than four content words takes in the clause it hangs
    from, and the sentence is the last resort.
    """
    doc, sent = span.doc, span.sent
    if not doc.has_annotation("DEP"):
        return list(sent)
    verb = governing_verb(span)
    if verb is None:
        return list(sent)
    idx = _own_clause(verb)
    cur = verb
    for _ in range(3):
        if cur.dep_ in ("acl", "relcl") and cur.head != cur:
            noun = cur.head
            idx |= {t.i for t in noun.subtree}
        if _content_words(doc, idx) >= 4 or cur.head == cur:
            break
        parent = _governing_verb(cur.head)
        if parent is None or parent == cur:
            break
        idx |= _own_clause(parent)
        cur = parent
    idx |= set(range(span.start, span.end))
    if _content_words(doc, idx) < 2:
        return list(sent)
    return [doc[i] for i in sorted(idx) if sent.start <= i < sent.end]


def clause_of(span: Span) -> Span:
    """The figure's clause as one contiguous span (first to last token of `clause_tokens`)."""
    toks = clause_tokens(span)
    return span.doc[toks[0].i : toks[-1].i + 1] if toks else span.sent


def context_of(clause: Iterable[Token], skip: tuple[int, int]) -> str:
    """Lowercased lemmas of the clause, stop words, numbers and months removed, aliases resolved."""
    out: list[str] = []
    aliases = _aliases()
    has_lemma: bool | None = None
    for tok in clause:
        if has_lemma is None:
            has_lemma = tok.doc.has_annotation("LEMMA")
        if skip[0] <= tok.i < skip[1] and tok.like_num:
            continue
        if not tok.is_alpha or tok.is_stop or tok.like_num:
            continue
        word = (tok.lemma_ if has_lemma and tok.lemma_ else tok.text).lower()
        if word in _MONTH_WORDS:
            continue
        out.append(aliases.get(word, word).lower())
    return " ".join(out)


#: Nouns that name a time, not an event (`the beginning of`, `the end of the year`).
_TIME_NOUNS = frozenset(
    "time year month week day decade century period beginning start end outbreak anniversary "
    "morning evening night weekend quarter half moment date hour era".split()
)
#: Verbs that say little by themselves: their object names what happened (`engaged in military
#: action`, `made an effort`, `had identical budgets`).
_LIGHT_VERBS = frozenset("be have make take engage give do get hold".split())
#: Prepositions whose phrase on the verb says what a figure is for or where it goes.
_VERB_TAIL_PREPS = frozenset("to into for against from".split())
_PHRASE_PREPS = frozenset("of to for from in on with against over into between before at among toward towards".split())
_SKIP_PREPS = frozenset("since by until till through throughout during after as like including".split())
_MAX_WORDS = 8


def _temporal(tok: Token) -> bool:
    return tok.ent_type_ in ("DATE", "TIME") or tok.lemma_.lower() in _TIME_NOUNS or tok.lower_ in _MONTH_WORDS


def _np(tok: Token, skip: set[int], depth: int = 0) -> list[Token]:
    """A compact noun phrase: modifiers, the noun, and one prepositional or infinitive tail
    (`full-scale invasion of Ukraine`, `aid to Ukraine`, `effort to reach out to people`)."""
    out: list[Token] = []
    for child in tok.lefts:
        if child.i in skip or child.like_num or child.ent_type_ in ("DATE", "TIME", "CARDINAL", "MONEY", "PERCENT"):
            continue
        if child.dep_ in ("amod", "compound", "nmod", "npadvmod") or (child.dep_ == "poss" and child.pos_ == "PROPN"):
            out += [
                t
                for t in child.subtree
                if t.i not in skip and not t.like_num and t.dep_ != "det" and t.ent_type_ not in ("DATE", "TIME")
            ]
    if tok.ent_type_ == "PERSON":  # `U.S. President Donald Trump`: the name is enough
        out = [t for t in out if t.ent_type_ == "PERSON" and t.ent_iob_ != "O"]
    out.append(tok)
    out += [c for c in tok.children if c.dep_ == "punct" and c.tag_ == "HYPH"]  # `bust-up`
    for child in tok.rights:  # `southernmost Kuril Islands`: an apposition right after the noun
        if child.dep_ == "appos" and child.left_edge.i == tok.i + 1 and child.pos_ == "PROPN":
            out += [t for t in child.subtree if t.i <= child.i]
        break
    if depth > 1:
        return out
    for child in tok.rights:
        if child.i in skip:
            continue
        if child.dep_ == "conj" and child.pos_ in ("NOUN", "PROPN") and depth == 1:
            cc = [c for c in tok.rights if c.dep_ == "cc" and c.i < child.i]
            out += cc[:1] + _np(child, skip, 2)
            continue
        if child.dep_ in ("prep", "dative") and child.lower_ in _PHRASE_PREPS:
            objs = [c for c in child.children if c.dep_ == "pobj" and c.i not in skip]
            if objs and not _temporal(objs[0]):
                out += [child, *_np(objs[0], skip, depth + 1)]
                break
        if child.dep_ in ("acl", "relcl") and child.pos_ == "VERB" and depth == 0:
            aux = [c for c in child.lefts if c.dep_ == "aux" and c.lower_ == "to"]
            if aux:
                out += [aux[0], child, *_verb_tail(child, skip, depth + 1)]
                break
    return out


def _verb_tail(verb: Token, skip: set[int], depth: int = 0) -> list[Token]:
    """What a verb does to what: its particle and its object, or its first telling prepositional
    phrase (`appeared before the Japanese parliament`, `annexed Crimea`)."""
    out: list[Token] = [c for c in verb.children if c.dep_ == "prt"]
    for child in verb.children:
        if (
            child.dep_ in ("dobj", "obj", "attr")
            and child.i not in skip
            and child.pos_ in ("NOUN", "PROPN")
            and not _temporal(child)
        ):
            return out + _np(child, skip, depth)
    for child in verb.rights:
        if child.dep_ in ("prep", "dative") and child.lower_ in _PHRASE_PREPS and child.i not in skip:
            objs = [c for c in child.children if c.dep_ == "pobj" and c.i not in skip]
            if objs and not _temporal(objs[0]) and objs[0].pos_ in ("NOUN", "PROPN"):
                return [*out, child, *_np(objs[0], skip, depth + 1)]
    for child in verb.children:
        if child.dep_ == "xcomp" and child.pos_ == "VERB" and depth == 0:
            aux = [c for c in child.lefts if c.dep_ == "aux"]
            return out + aux[:1] + [child, *_verb_tail(child, skip, depth + 1)]
    return out


def _render(tokens: list[Token], limit: int = _MAX_WORDS) -> str:
    """The tokens in text order, spaced as in the text, at most `limit` words."""
    seen: set[int] = set()
    toks: list[Token] = []
    for t in tokens:
        if t.i not in seen and not t.is_space:
            seen.add(t.i)
            toks.append(t)
    words = 0
    kept: list[Token] = []
    for t in toks:
        if not t.is_punct:
            words += 1
            if words > limit:
                break
        kept.append(t)
    kept.sort(key=lambda t: t.i)
    while kept and (kept[-1].is_punct or kept[-1].dep_ in ("cc", "prep", "det", "aux", "case", "poss")):
        kept.pop()
    while kept and kept[0].is_punct:
        kept.pop(0)
    out: list[str] = []
    for n, t in enumerate(kept):
        out.append(t.text)
        if n + 1 < len(kept):
            out.append(t.whitespace_ if kept[n + 1].i == t.i + 1 else " ")
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _phrase(parts: list[list[Token]], limit: int = _MAX_WORDS) -> str | None:
    """Join parts in the given order (not text order), each rendered as in the text."""
    out: list[str] = []
    budget = limit
    for part in parts:
        if not part or budget <= 0:
            continue
        text = _render(part, budget)
        if text:
            out.append(text)
            budget -= len(text.split())
    phrase = " ".join(out).strip()
    return phrase or None


def _date_anchor(span: Span) -> Token | None:
    """The noun a date is attached to (`the 2022 invasion`, `the bust-up ... on February 28`), when
    that noun names an event rather than a time."""
    root = span.root
    tok = root
    if tok.dep_ == "pobj" and tok.head.dep_ == "prep":
        tok = tok.head
    head = tok.head
    if head == tok or head.pos_ not in ("NOUN", "PROPN") or _temporal(head):
        return None
    if head.ent_type_ in ("PERSON", "GPE", "ORG", "NORP"):
        return None
    if tok.dep_ in ("prep", "compound", "nummod", "nmod", "amod", "npadvmod"):
        return head
    return None


def about_of(span: Span, kind: str, unit: str | None) -> str | None:
    """A short phrase of what is measured or what happened (at most about eight words).

    Quantities: the counted noun with its modifiers and prepositional tail, the verb, and the
    verb's telling prepositional phrase (`aid to Ukraine provided`, `Ukrainian refugees
    welcomed`, `soldiers deployed to border with Belarus`, `unemployment rate`). Dates: the event
    noun the date is attached to (`invasion of Ukraine`), else the event clause's verb with its
    object or prepositional phrase (`appeared before Japanese parliament`); light verbs (`engaged
    in`, `made`) give way to their object.
    """
    doc = span.doc
    if not doc.has_annotation("DEP"):
        return unit
    skip = set(range(span.start, span.end))
    for ent in doc.ents:  # dates never describe what is measured
        if ent.label_ in ("DATE", "TIME") and ent.start <= span.end and ent.end >= span.start:
            skip |= set(range(ent.start, ent.end))
    if kind == "date":
        return _date_about(span, skip)
    root = span.root
    verb = governing_verb(span)
    head = _measured_head(span, kind)
    parts: list[list[Token]] = []
    if head is not None:
        parts.append(_np(head, skip))
    elif kind in ("duration",):
        pass
    else:
        subj = None
        if verb is not None and (
            root.dep_ in ("attr", "acomp", "npadvmod", "nsubj", "dobj", "ROOT") or root.head == verb
        ):
            subj = _subject_token(verb)
        if subj is not None and subj.pos_ in ("NOUN", "PROPN") and not (span.start <= subj.i < span.end):
            parts.append(_np(subj, skip | {t.i for t in subj.subtree if t.dep_ == "prep"}))
        # `five times as large as Japan's`: the comparison says what the ratio is of
        for child in root.children if kind == "ratio" else ():
            if child.dep_ in ("amod", "acomp", "advmod") and child.pos_ == "ADJ":
                cut = {t.i for p in child.subtree if p.dep_ == "prep" and p.lower_ in _SKIP_PREPS for t in p.subtree}
                parts.append([t for t in child.subtree if t.i not in skip | cut and not _temporal(t)])
    has_tail = any(t.dep_ in ("prep", "dative") for p in parts for t in p)
    words: list[list[Token]] = list(parts)
    if verb is not None:
        shown: Token | None = verb
        if verb.lemma_.lower() in _LIGHT_VERBS or verb.pos_ != "VERB":
            # `is projected to be nine times as large`: the verb the copula hangs from
            shown = verb.head if verb.dep_ == "xcomp" and verb.head.pos_ == "VERB" else None
        if shown is None and verb.lemma_.lower() == "be":
            # `77% of Japanese were concerned`: the complement says what the share is
            words.append([c for c in verb.children if c.dep_ == "acomp" and c.i not in skip][:1])
        if shown is not None and shown.pos_ == "VERB" and shown.lemma_.lower() not in _LIGHT_VERBS:
            words.append([shown, *(c for c in shown.children if c.dep_ == "prt")])
            if kind == "duration" or not parts:
                words.append(_verb_tail(shown, skip | {t.i for t in (head.subtree if head is not None else [])}))
            elif not has_tail:
                tail = _verb_tail_prep(shown, skip | {t.i for t in (head or span.root).subtree})
                if tail:
                    words.append(tail)
    if kind == "duration":
        if root.dep_ == "pobj" and root.head.dep_ == "prep" and root.head.lower_ not in ("for",):
            words.append([root.head])
        words.append([root])
        for child in root.rights:
            if child.dep_ == "prep" and child.lower_ in _PHRASE_PREPS:
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs and not _temporal(objs[0]):
                    words.append([child, *_np(objs[0], skip, 1)])
                break
    phrase = _phrase(words)
    if phrase is None:
        return unit
    return phrase


def _verb_tail_prep(verb: Token, skip: set[int]) -> list[Token]:
    """The verb's first telling prepositional phrase (`deployed to the border with Belarus`)."""
    for child in verb.rights:
        if child.dep_ in ("prep", "dative") and child.lower_ in _VERB_TAIL_PREPS and child.i not in skip:
            objs = [c for c in child.children if c.dep_ == "pobj" and c.i not in skip]
            if objs and not _temporal(objs[0]) and objs[0].pos_ in ("NOUN", "PROPN"):
                return [child, *_np(objs[0], skip, 1)]
    return []


def _measured_head(span: Span, kind: str) -> Token | None:
    """The noun a figure measures: the counted noun (`188 Ukrainian refugees`), or for money
    and percents the noun after `in`/`of`/`for`/`on` (`11 billion euros in aid`, `9% of imports`)."""
    root = span.root
    if (
        root.dep_ in ("nummod", "quantmod", "compound")
        and root.head.pos_ in ("NOUN", "PROPN")
        and not (span.start <= root.head.i < span.end)
    ):
        return root.head
    if kind in ("money", "percent", "count", "quantity"):
        for child in root.children:
            if child.dep_ == "prep" and child.lower_ in ("in", "of", "for", "on"):
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs and not _temporal(objs[0]):
                    return objs[0]
    if kind == "count":
        nxt = _counted_head(span)
        if nxt is not None and not (span.start <= nxt.i < span.end):
            return nxt
    return None


def _date_about(span: Span, skip: set[int]) -> str | None:
    anchor = _date_anchor(span)
    if anchor is not None:
        return _phrase([_np(anchor, skip)])
    verb = _event_verb(span)
    if verb is None:
        return None
    if verb.pos_ != "VERB" or verb.lemma_.lower() == "be":
        # a copula: what is said of its subject (`defence budgets were identical`, `projected`)
        subj = _subject_token(verb)
        parts: list[list[Token]] = []
        if subj is not None and subj.pos_ in ("NOUN", "PROPN"):
            parts.append(_np(subj, skip))
        if verb.dep_ == "xcomp" and verb.head.pos_ == "VERB":
            parts.append([verb.head])
        else:
            parts.append(
                [
                    t
                    for c in verb.children
                    if c.dep_ in ("acomp", "attr") and c.i not in skip
                    for t in c.subtree
                    if t.i not in skip
                    and not _temporal(t)
                    and t.dep_ != "det"
                    and not t.like_num
                    and t.ent_type_ not in ("PERCENT", "MONEY", "CARDINAL")
                ][:4]
            )
        return _phrase(parts)
    if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN") and verb.tag_ == "VBN":
        # `the security arrangement with Japan, signed in 1960`
        return _phrase([_np(verb.head, skip | {t.i for t in verb.subtree}), [verb], _verb_tail(verb, skip)])
    if verb.lemma_.lower() in _LIGHT_VERBS:
        tail = _verb_tail(verb, skip)
        nouns = [t for t in tail if t.pos_ in ("NOUN", "PROPN")]
        if nouns:  # `engaged in military action`, `made an effort to reach out`: the object says it
            return _phrase(
                [[t for t in tail if t.dep_ != "prt" and not (t.head == verb and t.dep_ in ("prep", "dative"))]]
            )
    return _phrase([[verb, *(c for c in verb.children if c.dep_ == "prt")], _verb_tail(verb, skip)])
