"""What a figure measures, as a short phrase (the claim's `about`): the counted noun with its
modifiers and tail, the verb and its telling prepositional phrase, or the event a date dates.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from claims.frame.clauses import (
    counted_head,
    date_anchor,
    event_verb,
    governing_verb,
    is_temporal,
    subject_token,
)
from claims.frame.entities import ents_touching
from claims.frame.labels import table_label
from claims.frame.measure import measure_phrase, measure_words

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from claims.models import Frame


#: Verbs that say little by themselves: their object names what happened (`engaged in military
#: action`, `made an effort`, `had identical budgets`).
_LIGHT_VERBS = frozenset("be have make take engage give do get hold".split())


#: Prepositions whose phrase on the verb says what a figure is for or where it goes.
_VERB_TAIL_PREPS = frozenset("to into for against from".split())


_PHRASE_PREPS = frozenset("of to for from in on with against over into between before at among toward towards".split())


_SKIP_PREPS = frozenset("since by until till through throughout during after as like including".split())


_MAX_WORDS = 8


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
            if objs and not is_temporal(objs[0]):
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
            and not is_temporal(child)
        ):
            return out + _np(child, skip, depth)
    for child in verb.rights:
        if child.dep_ in ("prep", "dative") and child.lower_ in _PHRASE_PREPS and child.i not in skip:
            objs = [c for c in child.children if c.dep_ == "pobj" and c.i not in skip]
            if objs and not is_temporal(objs[0]) and objs[0].pos_ in ("NOUN", "PROPN"):
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
    for ent in ents_touching(doc, span.start, span.end):  # dates never describe what is measured
        if ent.label_ in ("DATE", "TIME"):
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
            subj = subject_token(verb)
        if subj is not None and subj.pos_ in ("NOUN", "PROPN") and not (span.start <= subj.i < span.end):
            parts.append(_np(subj, skip | {t.i for t in subj.subtree if t.dep_ == "prep"}))
        # `five times as large as Japan's`: the comparison says what the ratio is of
        for child in root.children if kind == "ratio" else ():
            if child.dep_ in ("amod", "acomp", "advmod") and child.pos_ == "ADJ":
                cut = {t.i for p in child.subtree if p.dep_ == "prep" and p.lower_ in _SKIP_PREPS for t in p.subtree}
                parts.append([t for t in child.subtree if t.i not in skip | cut and not is_temporal(t)])
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
                if objs and not is_temporal(objs[0]):
                    words.append([child, *_np(objs[0], skip, 1)])
                break
    phrase = _phrase(words) or _phrase([_own_tail(root, verb, skip)])
    return phrase if phrase is not None else unit


def _own_tail(root: Token, verb: Token | None, skip: set[int]) -> list[Token]:
    """What a bare sum is for, said right after it (`$33 billion in military grants`, `$5.3 billion
    pledged by governments`, `$5 billion is for missile defense`): better than a unit name."""
    for child in root.rights:
        if child.dep_ == "prep" and child.lower_ in ("in", "for", "on") and child.i not in skip:
            objs = [c for c in child.children if c.dep_ == "pobj" and c.pos_ == "NOUN" and not is_temporal(c)]
            if objs:
                return _np(objs[0], skip, 1)
        if child.dep_ == "acl" and child.pos_ == "VERB":
            return [child]
    if verb is not None and verb.lemma_ == "be" and root.dep_ in ("nsubj", "nsubjpass") and root.head == verb:
        for child in verb.rights:
            if child.dep_ == "prep" and child.lower_ == "for":
                objs = [c for c in child.children if c.dep_ == "pobj" and c.pos_ == "NOUN"]
                if objs:
                    return _np(objs[0], skip, 1)
    return []


def _verb_tail_prep(verb: Token, skip: set[int]) -> list[Token]:
    """The verb's first telling prepositional phrase (`deployed to the border with Belarus`)."""
    for child in verb.rights:
        if child.dep_ in ("prep", "dative") and child.lower_ in _VERB_TAIL_PREPS and child.i not in skip:
            objs = [c for c in child.children if c.dep_ == "pobj" and c.i not in skip]
            if objs and not is_temporal(objs[0]) and objs[0].pos_ in ("NOUN", "PROPN"):
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
                if objs and not is_temporal(objs[0]):
                    return objs[0]
    if kind == "count":
        nxt = counted_head(span)
        if nxt is not None and not (span.start <= nxt.i < span.end):
            return nxt
    return None


def _date_about(span: Span, skip: set[int]) -> str | None:
    anchor = date_anchor(span)
    if anchor is not None:
        return _phrase([_np(anchor, skip)])
    verb = event_verb(span)
    if verb is None:
        return None
    if verb.pos_ != "VERB" or verb.lemma_.lower() == "be":
        # a copula: what is said of its subject (`defence budgets were identical`, `projected`)
        subj = subject_token(verb)
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
                    and not is_temporal(t)
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


def counted_phrase_end(span: Span) -> int:
    """End offset of the counted noun phrase right after a count (`four contested islands`,
    `eight Russian diplomats`, `27 occasions`): the figure's own end when the noun does not follow
    directly (only its modifiers may come between, no punctuation but a hyphen)."""
    end = span._.claims_chars[1] if span._.claims_chars else span.end_char
    doc = span.doc
    if not doc.has_annotation("DEP"):
        return end
    head = counted_head(span)
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


_DIMENSION_PHRASES = {
    "length": "length",
    "area": "area",
    "mass": "weight",
    "volume": "volume",
    "speed": "speed",
    "temperature": "temperature",
    "magnitude": "magnitude",
    "data": "data size",
    "power": "power",
    "energy": "energy",
}


def attribute_of(span: Span, kind: str, unit: str | None, frame: Frame) -> str | None:
    """What is measured, as an editor writes it: the measure class's phrase ("death toll"), a
    share's base ("share of the population"), else the phrase around the figure."""
    if kind != "date" and (label := table_label(span)) is not None:
        return label  # `Estimated cost: $161.3 billion`: the line says what is measured
    phrase = measure_phrase(frame.measure, kind)
    if kind == "percent" and frame.base:
        return f"{phrase} (share of {frame.base})" if phrase else f"share of {frame.base}"
    about = about_of(span, kind, unit)
    if phrase and about and kind != "date":
        # the phrase around the figure says more when it starts with what is measured or with
        # whose it is ("aid provided to Moldova", "Belarusian refugees welcomed"), not with a verb
        first = about.split()[0]
        if first[:1].isupper() or first.lower() in measure_words(frame.measure):
            return about
    if phrase:
        return phrase
    if about and unit and about.strip().lower() in (unit.lower(), unit.lower() + "s"):
        about = None
    if not about and kind == "quantity" and frame.dimension in _DIMENSION_PHRASES:
        return _DIMENSION_PHRASES[frame.dimension]
    if not about and kind == "count" and unit:
        return unit if unit.endswith("s") else unit + "s"
    return about
