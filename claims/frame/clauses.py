"""Clause navigation on the dependency parse: a figure's governing verb, its clause, the event a
date dates, and the lemma context used for matching.

Degrades to the whole sentence on a blank pipeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from claims.frame.entities import aliases

if TYPE_CHECKING:
    from collections.abc import Iterable

    from spacy.tokens import Doc, Span, Token


SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


_MONTH_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


#: Nouns that name a time, not an event (`the beginning of`, `the end of the year`).
_TIME_NOUNS = frozenset(
    "time year month week day decade century period beginning start end outbreak anniversary "
    "morning evening night weekend quarter half moment date hour era".split()
)


def is_temporal(tok: Token) -> bool:
    """The token names a time (a date entity, `year`, a month), not an event or a thing."""
    return tok.ent_type_ in ("DATE", "TIME") or tok.lemma_.lower() in _TIME_NOUNS or tok.lower_ in _MONTH_WORDS


def verb_over(tok: Token) -> Token | None:
    """The nearest verb at or above `tok` in the parse (at most 12 steps up), or None."""
    cur = tok
    for _ in range(12):
        if cur.pos_ in ("VERB", "AUX"):
            return cur
        if cur.head == cur:
            return None
        cur = cur.head
    return None


def subject_token(verb: Token) -> Token | None:
    """The subject of `verb`, or of the clause it is coordinated with or hangs from."""
    cur: Token | None = verb
    for _ in range(4):
        if cur is None:
            return None
        for child in cur.children:
            if child.dep_ in SUBJECT_DEPS:
                return child
        if cur.dep_ == "relcl":
            return cur.head
        if cur.dep_ in ("conj", "xcomp", "advcl", "ccomp", "pcomp", "acl") and cur.head != cur:
            cur = cur.head
            continue
        return None
    return None


def agent_token(verb: Token) -> Token | None:
    """The `by` phrase of a passive verb (`were deployed by Poland`)."""
    for child in verb.children:
        if child.dep_ == "agent":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return obj
    return None


def counted_head(span: Span) -> Token | None:
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


def governing_verb(span: Span) -> Token | None:
    """The verb a figure belongs to, with one parser slip repaired.

    In a list of verb phrases (`Tokyo had admitted 188 refugees, issued visas to 300 more`) the
    small models often read the object right after a verb as the subject of the next verb. When a
    figure directly follows a verb that has no object of its own and its noun is the subject of a
    later verb, the verb before the figure governs it.
    """
    root = span.root
    verb = verb_over(root)
    doc = span.doc
    if verb is None or span.start == 0:
        return verb
    prev = doc[span.start - 1]
    if prev.pos_ != "VERB" or prev.i < span.sent.start or prev == verb:
        return verb
    noun = root.head if root.dep_ in ("nummod", "quantmod", "compound") else root
    if (
        noun.dep_ in SUBJECT_DEPS
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
    if not any(c.dep_ in SUBJECT_DEPS for c in verb.children):
        subj = subject_token(verb)
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
        parent = verb_over(cur.head)
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
    table = aliases()
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
        out.append(table.get(word, word).lower())
    return " ".join(out)


def event_verb(span: Span) -> Token | None:
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
    verb = verb_over(root)
    if verb is not None and (verb.pos_ != "VERB" or verb.lemma_.lower() in ("be",)):
        for child in verb.children:
            if child.dep_ == "advcl" and child.pos_ == "VERB" and any(c.lower_ == "when" for c in child.children):
                return child
    return verb


def date_anchor(span: Span) -> Token | None:
    """The noun a date is attached to (`the 2022 invasion`, `the bust-up ... on February 28`), when
    that noun names an event rather than a time."""
    root = span.root
    tok = root
    if tok.dep_ == "pobj" and tok.head.dep_ == "prep":
        tok = tok.head
    head = tok.head
    if head == tok or head.pos_ not in ("NOUN", "PROPN") or is_temporal(head):
        return None
    if head.ent_type_ in ("PERSON", "GPE", "ORG", "NORP"):
        return None
    if tok.dep_ in ("prep", "compound", "nummod", "nmod", "amod", "npadvmod"):
        return head
    return None
