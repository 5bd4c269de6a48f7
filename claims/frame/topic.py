"""What an article is about: the entities of its title, its lead and its most-mentioned names.

A figure whose sentence names no subject ("the city", "the storm", or nothing) is about the
article's topic; two articles share a story when their topics share an entity. Computed once per
document from the entities spaCy already found, so it costs one pass over `doc.ents`.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

import msgspec

from claims.frame.names import entity_key

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

TOPIC_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG", "EVENT", "PRODUCT", "NORP", "WORK_OF_ART", "PERSON"})
TOPIC_SIZE = 6
"""Entity keys kept per article: enough for a story's places and actors, few enough to mean it."""

_TITLE_NAME = re.compile(r"(?:[A-Z][\w’'.-]*[A-Za-z](?:\s+(?:of|the|de|al|el)\s+|\s+|–|-)?)+")
_WEIGHT_TITLE, _WEIGHT_LEAD = 3, 2
_DASHED = re.compile(r"(?<=[a-z])[–—-](?=[A-Z])")


class Topic(msgspec.Struct, frozen=True, kw_only=True):
    """Entity keys of an article, most telling first, with the display name of each."""

    keys: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def main(self) -> str | None:
        """The name a subject-less figure is about."""
        return self.names[0] if self.names else None


def topic_of(doc: Doc, title: str | None = None) -> Topic:
    """Rank the article's entities: title names weigh 3, the lead's 2, every other mention 1."""
    score: Counter[str] = Counter()
    first: dict[str, int] = {}
    names: dict[str, str] = {}

    def add(key: str | None, name: str, weight: int, pos: int) -> None:
        if key is None:
            return
        score[key] += weight
        first.setdefault(key, pos)
        names.setdefault(key, name)

    if title:
        for i, m in enumerate(_TITLE_NAME.finditer(title)):
            for name in _DASHED.split(m.group(0).strip(" -–")):  # "Turkey-Syria" (any dash): two names
                name = _CONNECTOR_END.sub("", name)
                if " " not in name and name.lower() in doc.text and name not in doc.text:
                    continue  # "Sinking of the RMS Titanic": the text writes "sinking", not a name
                if name.lower() in _CALENDAR:
                    continue  # "Sudan war displacement since April 2023": a date, not a name
                add(entity_key(name), name, _WEIGHT_TITLE, -100 + i)
    lead_end = _lead_end(doc)
    for ent in doc.ents:
        if ent.label_ in TOPIC_LABELS:
            for name in _DASHED.split(_display(ent)):
                add(entity_key(name), name, _WEIGHT_LEAD if ent.start_char < lead_end else 1, ent.start_char)
    ranked = sorted(score, key=lambda k: (-score[k], first[k]))[:TOPIC_SIZE]
    return Topic(keys=tuple(ranked), names=tuple(names[k] for k in ranked))


_CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
_CONNECTOR_END = re.compile(r"(?:\s+(?:of|the|de|al|el))+$")


def _lead_end(doc: Doc) -> int:
    """End of the lead: the first sentence (or the first 300 characters when unparsed)."""
    if doc.has_annotation("SENT_START"):
        for sent in doc.sents:
            return sent.end_char
    return min(len(doc.text), 300)


def _display(ent: Span) -> str:
    text = ent.text.strip()
    return text[4:] if text.lower().startswith("the ") else text
