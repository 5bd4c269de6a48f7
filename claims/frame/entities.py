"""Named entities of a parsed doc: aliases, people's full names, nationalities.

Aliases (capitals for governments, spelling variants of leaders' names) and regions are data:
`claims/data/aliases.json`, read once.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, Any

from claims import datafiles

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

#: Where per-document indexes live in `doc.user_data` while claims are read (see `doc_cache`).
_CACHE_KEY = "claims:frame-cache"


@functools.cache
def _alias_data() -> dict[str, Any]:
    data: dict[str, Any] = datafiles.read("aliases.json")
    return data


_ENTITY_LABELS = frozenset({"PERSON", "GPE", "ORG", "NORP", "LOC", "FAC"})


NATIONALITIES: dict[str, str] = {
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


@functools.cache
def aliases() -> dict[str, str]:
    """Lowercased alias -> canonical name (`tokyo` -> `Japan`)."""
    return {k.lower(): v for k, v in _alias_data()["aliases"].items()}


@functools.cache
def regions() -> dict[str, str]:
    """Lowercased region -> the state that claims it (`hokkaido` -> `Japan`)."""
    return {k.lower(): v for k, v in _alias_data().get("regions", {}).items()}


def canonical(name: str, people: dict[str, str] | None = None) -> str:
    """Resolve an alias (`Tokyo` -> `Japan`, `Zelensky` -> `Volodymyr Zelenskyy`)."""
    s = re.sub(r"^(?:the|The)\s+", "", name.strip())
    s = re.sub(r"(?:'s|’s|'|’)$", "", s).strip()
    key = s.lower()
    table = aliases()
    if key in table:
        return table[key]
    if people and key in people:
        full = people[key]
        return table.get(full.lower(), full)
    return s


def doc_cache(doc: Doc) -> dict[str, Any]:
    """Indexes built once per document and reused for every figure (entities by position, nouns
    by lemma). `Doc.ents` builds every entity anew on each call: read per figure, a document of n
    figures cost n² (`drop_cache` when done, so the doc is left as it was)."""
    cache: dict[str, Any] | None = doc.user_data.get(_CACHE_KEY)
    if cache is None:
        cache = doc.user_data[_CACHE_KEY] = {}
    return cache


def drop_cache(doc: Doc) -> None:
    """Remove the indexes `doc_cache` added."""
    doc.user_data.pop(_CACHE_KEY, None)


def _ents_index(doc: Doc) -> tuple[tuple[Span, ...], list[int], list[int]]:
    cache = doc_cache(doc)
    index: tuple[tuple[Span, ...], list[int], list[int]] | None = cache.get("ents")
    if index is None:
        ents = tuple(doc.ents)  # sorted, never overlapping: starts and ends both ascend
        index = cache["ents"] = (ents, [e.start for e in ents], [e.end for e in ents])
    return index


def ents_within(doc: Doc, start: int, end: int) -> list[Span]:
    """The entities wholly inside tokens [start, end), in order (what `doc[start:end].ents` gives)."""
    ents, starts, ends = _ents_index(doc)
    lo = bisect_left(starts, start)
    hi = bisect_right(ends, end)
    return list(ents[lo:hi]) if lo < hi else []


def ents_touching(doc: Doc, start: int, end: int) -> list[Span]:
    """The entities with `ent.start <= end and ent.end >= start`, in order."""
    ents, starts, ends = _ents_index(doc)
    lo = bisect_left(ends, start)
    hi = bisect_right(starts, end)
    return list(ents[lo:hi]) if lo < hi else []


def people_of(doc: Doc) -> dict[str, str]:
    """Short name -> full name: surnames of PERSON entities of two or more words, and acronyms
    the document defines (`the Joint Response Plan (JRP)`: `JRP` -> `Joint Response Plan`), so
    that a later `the JRP` is the same subject as the plan's full name."""
    out: dict[str, str] = {}
    for ent in doc.ents:
        if ent.label_ == "PERSON" and len(ent) >= 2 and all(t.is_alpha or t.text in "-." for t in ent):
            out.setdefault(ent[-1].text.lower(), ent.text)
            out.setdefault(ent[0].text.lower(), ent.text)  # `Ishiba Shigeru` order too
    for short, full in acronyms_of(doc.text).items():
        out.setdefault(short.lower(), full)
    return out


#: `Long Form (LF)` or `Long Form, or LF,`: an acronym defined right after its long form.
_ACRONYM_DEF = re.compile(
    r"([A-Z][\w'’&.-]*(?:[ -][\w'’&.-]+){0,9})\s*(?:\(\s*|,\s+or\s+)([A-Z][A-Za-z]{1,7})\b\s*[),]"
)

_SMALL_WORDS = frozenset("of for the and on de in to at &".split())


def acronyms_of(text: str) -> dict[str, str]:
    """Acronym -> long form for every acronym the text defines; the long form is the shortest run
    of words before it whose initials spell it (small words like `of` may be skipped or counted:
    `Memorandum of Understanding (MOU)`, `Office for the Coordination of Humanitarian Affairs
    (OCHA)`). A parenthesis that is not such an acronym (`(UTC)` after a time) defines nothing."""
    out: dict[str, str] = {}
    for m in _ACRONYM_DEF.finditer(text):
        short = m.group(2)
        if sum(c.isupper() for c in short) < 2:
            continue
        words = m.group(1).replace("-", " ").split()
        for n in range(1, len(words) + 1):
            run = words[-n:]
            if not run[0][:1].isupper():
                continue
            caps = "".join(w[0] for w in run if w.lower() not in _SMALL_WORDS)
            every = "".join(w[0] for w in run)
            if short.lower() in (caps.lower(), every.lower()):
                out.setdefault(short, " ".join(m.group(1).split()[-_span_words(m.group(1), n) :]))
                break
    return out


def _span_words(phrase: str, n: int) -> int:
    """How many space-separated words of `phrase` hold its last `n` hyphen-or-space words."""
    count = 0
    for k, word in enumerate(reversed(phrase.split()), start=1):
        count += len(word.split("-"))
        if count >= n:
            return k
    return len(phrase.split())


#: Entities that are things with names of their own (`the liner Titanic`, `Hurricane Katrina`).
_THING_LABELS = frozenset({"PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})
_NAMED_THINGS = _ENTITY_LABELS | _THING_LABELS


def entity_text(tok: Token, labels: frozenset[str] = _ENTITY_LABELS) -> str | None:
    """The whole entity a token is part of (a nationality as its state), or None."""
    if tok.ent_type_ not in labels:
        return None
    doc = tok.doc
    start, end = tok.i, tok.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    text = doc[start:end].text
    if tok.ent_type_ == "NORP":
        return NATIONALITIES.get(text.lower(), text)
    return text


def nationality(tok: Token) -> str | None:
    """`Japanese` -> Japan (whether or not the NER tagged it), a GPE -> its name."""
    if tok.lower_ in NATIONALITIES:
        return NATIONALITIES[tok.lower_]
    return entity_text(tok) if tok.ent_type_ in ("GPE", "NORP") else None


def name_of(tok: Token) -> str | None:
    """The entity a subject token stands for: itself, a possessor, or a nationality modifier."""
    if (name := entity_text(tok)) is not None:
        return name
    for child in tok.children:
        if child.dep_ == "poss" and (name := entity_text(child)):
            return name
    # the thing's own name before its nationality: `the British ocean liner Titanic` is Titanic
    mods = [c for c in tok.children if c.dep_ in ("compound", "amod", "appos")]
    doc = tok.doc
    if tok.pos_ == "NOUN" and tok.i + 1 < len(doc) and doc[tok.i + 1].ent_iob_ == "B":
        # `the ocean liner Titanic`, `the agency FEMA`: the name right after a common noun is its
        # name, whatever the parse hung it on
        if name := entity_text(doc[tok.i + 1], _NAMED_THINGS - {"NORP"}):
            return name
    for child in sorted(mods, key=lambda c: c.ent_type_ == "NORP" or c.lower_ in NATIONALITIES):
        if name := entity_text(child, _NAMED_THINGS):
            return name
    if tok.pos_ == "PROPN":  # a name the NER missed (`Kyiv`): the proper-noun compound
        parts = [c for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
        return " ".join([*(c.text for c in parts), tok.text])
    return None
