"""The matching lexicon: synonyms, event cues, unit classes and entities, loaded from data.

Matching must see `welcome` and `admit`, `telephone conversation` and `phone call`, `Tokyo` and
`Japan` as the same thing, and must see a call and a meeting as different things. The words live
in `claims/data/synonyms.json` (plus the extractor's `aliases.json` for subject spellings) so an
editor can extend them without touching code; this module compiles them once.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Literal

import msgspec

from claims import datafiles

CueKind = Literal["event", "measure"]

# Figures other than the claim's own, used to cut a sentence into one region per figure.
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan\\.|Feb\\.|Mar\\.|Apr\\.|Jun\\.|Jul\\.|Aug\\.|Sept?\\.|Oct\\.|Nov\\.|Dec\\."
)
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
    "fifty|hundred|thousand|million|billion|trillion|dozen"
)
_FIGURE = re.compile(
    rf"(?<![\w$€£¥])[$€£¥]?\d[\d,.]*(?:\s*(?:%|percent|per cent|bn|m|k)\b)?"
    rf"|\b(?:{_MONTHS})(?!\w)"
    rf"|(?i:\b(?:{_NUMBER_WORDS})\b)"
)
# Where one figure's clause ends and the next one's begins.
_BOUNDARY = re.compile(r"[,;:()\u2014\u2013]|\b(?:and|but|while|whereas|which|when|where|who)\b", re.I)
_CUE_WINDOW = 120  # characters: a cue further from the figure than this says nothing about it
_TOKEN = re.compile(r"[a-z][a-z'_-]*")
# A cue right after one of these is the topic of the event, not the event ("talks about sanctions").
_TOPIC_BEFORE = re.compile(
    r"\b(?:about|regarding|concerning|over|on the subject of)(?:\s+(?:the|a|an|its|their|new))?\s*$", re.I
)


class Term(msgspec.Struct, frozen=True, kw_only=True):
    patterns: list[str]
    cue: CueKind | None = None
    recurring: bool = False
    weak: bool = False


class _Data(msgspec.Struct, frozen=True, kw_only=True):
    terms: dict[str, Term]
    unit_classes: dict[str, list[str]]
    duration_days: dict[str, float]
    state_of: dict[str, str]
    demonyms: dict[str, str]
    extra_aliases: dict[str, str]
    coverage: list[str]
    topical_units: list[str] = msgspec.field(default_factory=list)


class Cues(msgspec.Struct, frozen=True, kw_only=True):
    """What the sentence says around one figure.

    `primary` is the cue nearest the figure (event cues first for dates, measure cues first for
    quantities; weak cues such as "said", or a topic as in "talks about sanctions", only where
    nothing else is near); `event` the nearest *strong* event cue (not weak, not a topic: what a
    date can be the date of); `found` every cue in the figure's clause region; `states` the states
    its entities speak for; `people` the people (and bodies) named there; `entities` every
    canonical entity named there; `coverage` the modifiers that narrow what a figure covers.
    """

    primary: str | None
    found: frozenset[str]
    states: frozenset[str]
    people: frozenset[str]
    coverage: frozenset[str]
    event: str | None = None
    entities: frozenset[str] = frozenset()


def _read_json(name: str) -> Any:
    try:
        return datafiles.read(name)
    except FileNotFoundError:
        return None


class Lexicon:
    """Compiled lexicon; build once via `lexicon()`."""

    def __init__(self) -> None:
        raw = _read_json("synonyms.json")
        data = msgspec.convert({k: v for k, v in raw.items() if not k.startswith("_")}, _Data)
        self.terms = data.terms
        self.duration_days = data.duration_days
        self.state_of = data.state_of
        self.coverage = frozenset(data.coverage)
        self.unit_class = {alias: cls for cls, aliases in data.unit_classes.items() for alias in (cls, *aliases)}
        self.recurring = frozenset(name for name, t in data.terms.items() if t.recurring)
        self.cue_kind = {name: t.cue for name, t in data.terms.items() if t.cue}
        self.weak = frozenset(name for name, t in data.terms.items() if t.weak)

        # Subject aliases: the extractor's table (single source of spellings) plus ours.
        aliases_doc = _read_json("aliases.json") or {}
        alias: dict[str, str] = {k.lower(): v for k, v in aliases_doc.get("aliases", {}).items()}
        alias.update(data.extra_aliases)
        for canonical in {*alias.values(), *data.state_of, *data.state_of.values(), *data.demonyms.values()}:
            alias.setdefault(canonical.lower(), canonical)
        self.subject_alias = dict(alias)
        self.demonyms = frozenset(data.demonyms)
        self.topical_units = frozenset(data.topical_units)
        alias.update(data.demonyms)  # "Japanese Foreign Minister" names Japan in a sentence
        self.entity_alias = alias

        term_groups = "|".join(f"(?P<t_{i}>{'|'.join(t.patterns)})" for i, t in enumerate(data.terms.values()))
        self._term_names = {f"t_{i}": name for i, name in enumerate(data.terms)}
        self._terms_re = re.compile(rf"(?<![\w-])(?:{term_groups})(?![\w])", re.I)

        by_length = sorted(alias, key=len, reverse=True)
        # Lemma contexts are lowercase: match every alias case-insensitively there.
        self._ctx_entities_re = re.compile(r"(?<![\w])(" + "|".join(re.escape(a) for a in by_length) + r")(?![\w])")
        # In raw sentences short aliases (US, UN, Abe, Xi) must keep their capitals, or "us" and
        # "un-" would name states; long names may run into a glued next word ("ZelenskyKishida").
        parts = []
        for a in by_length:
            bare = a.replace(".", "")
            if len(bare) <= 3:
                variants = {a.upper(), a.title(), a[:1].upper() + a[1:]}
                parts.append("(?:" + "|".join(re.escape(v) for v in sorted(variants)) + r")(?![\w])")
            elif len(bare) >= 5:
                parts.append(f"(?i:{re.escape(a)})")
            else:
                parts.append(f"(?i:{re.escape(a)})(?![a-z])")
        self._sentence_entities_re = re.compile(r"(?<![\w])(" + "|".join(parts) + ")")

    # -- subjects and units -------------------------------------------------------------------

    @functools.lru_cache(maxsize=65_536)  # noqa: B019 - one Lexicon per process
    def canonical_subject(self, subject: str | None) -> str | None:
        """Canonical spelling of a subject (`Tokyo` -> `Japan`, `Zelensky` -> `Volodymyr Zelenskyy`)."""
        if not subject or not subject.strip():
            return None
        key = re.sub(r"\s+", " ", subject.strip().lower())
        key = key.removeprefix("the ")
        return self.subject_alias.get(key, subject.strip())

    @functools.lru_cache(maxsize=65_536)  # noqa: B019 - one Lexicon per process
    def subject_class(self, subject: str | None) -> str | None:
        """The state a subject speaks for (`Vladimir Putin` -> `Russia`): the blocking subject.

        A leader's claims about an event are claims about his state's event (Putin announcing the
        operation, Russia invading); counterpart and event cues then keep different events apart.
        """
        canonical = self.canonical_subject(subject)
        if canonical is None:
            return None
        return self.state_of.get(canonical, canonical)

    @functools.lru_cache(maxsize=4_096)  # noqa: B019 - one Lexicon per process
    def unit_class_of(self, unit: str | None) -> str | None:
        if not unit:
            return None
        key = re.sub(r"\s+", " ", unit.strip().lower())
        if key in self.unit_class:
            return self.unit_class[key]
        singular = key[:-1] if key.endswith("s") and not key.endswith("ss") else key
        return self.unit_class.get(singular, singular)

    def days_per(self, unit: str | None) -> float | None:
        if not unit:
            return None
        key = unit.strip().lower()
        return self.duration_days.get(key) or self.duration_days.get(key.removesuffix("s"))

    # -- text -----------------------------------------------------------------------------------

    def canonicalise(self, text: str) -> str:
        """Lowercase text with synonyms and entity aliases replaced by one token each."""
        return _canonicalise(self, text)

    def _canonicalise_uncached(self, text: str) -> str:
        text = text.lower()
        text = self._ctx_entities_re.sub(lambda m: self.entity_alias[m.group(1)].lower().replace(" ", "_"), text)
        text = self._terms_re.sub(lambda m: self._term_names[m.lastgroup or ""], text)
        return " ".join(_TOKEN.findall(text))

    def cues(self, sentence: str, figure: str, *, prefer: CueKind, occurrence: int = 0) -> Cues:
        """Cues of the clause region around `figure` in `sentence`.

        The region runs from the previous figure to the next one, cut at a clause boundary
        between them, so in "oil reserves for 240 days and LNG for 3 weeks" the 240 days get oil
        and the 3 weeks get LNG. `occurrence` picks which of several identical figures in the
        sentence is meant ("$100 million in aid and an additional $100 million in loans").
        """
        start, end, fig = _region(sentence, figure, occurrence)
        region = sentence[start:end]
        found: set[str] = set()
        best: tuple[bool, bool, int, str] | None = None  # (other kind, weak/topic, distance, name)
        best_event: tuple[int, str] | None = None  # nearest strong event cue
        for m in self._terms_re.finditer(region):
            name = self._term_names[m.lastgroup or ""]
            kind = self.cue_kind.get(name)
            if kind is None:
                continue
            found.add(name)
            if fig is None:
                continue
            f0, f1 = fig[0] - start, fig[1] - start
            dist = f0 - m.end() if m.end() <= f0 else max(0, m.start() - f1)
            if dist > _CUE_WINDOW:
                continue
            topic = bool(_TOPIC_BEFORE.search(region, 0, m.start()))
            rank = (kind != prefer, name in self.weak or topic, dist, name)
            if best is None or rank < best:
                best = rank
            if kind == "event" and name not in self.weak and not topic:
                if best_event is None or (dist, name) < best_event:
                    best_event = (dist, name)
        primary = best[3] if best else None
        entities = {
            ent
            for m in self._sentence_entities_re.finditer(region)
            if (ent := self.entity_alias.get(m.group(1).lower()))
        }
        states = {self.state_of.get(ent, ent) for ent in entities}
        # Coverage modifiers must sit in the figure's own clause: "military aid to Ukraine, the
        # defence ministry said" is military aid, not defence aid.
        tight = region
        if fig is not None:
            f0, f1 = fig[0] - start, fig[1] - start
            cuts = [m.end() for m in _BOUNDARY.finditer(region, 0, f0)]
            after = _BOUNDARY.search(region, f1)
            tight = region[cuts[-1] if cuts else 0 : after.start() if after else len(region)]
        words = set(re.findall(r"[a-z]+", tight.lower()))
        return Cues(
            primary=primary,
            found=frozenset(found),
            states=frozenset(states),
            people=frozenset(ent for ent in entities if ent in self.state_of),
            coverage=frozenset(words & self.coverage),
            event=best_event[1] if best_event else None,
            entities=frozenset(entities),
        )

    def actor_state(self, sentence: str, figure: str, subject_state: str | None, occurrence: int = 0) -> str | None:
        """The state acting on a figure whose extracted subject is only the nationality of what is
        counted: in "Tokyo had admitted 188 Ukrainian refugees" the subject is Japan, not Ukraine.

        Returns the state of the last entity named before the figure in its clause when the word
        right after the figure is a demonym of `subject_state`; None when that is not the case.
        """
        if not subject_state:
            return None
        start, _end, fig = _region(sentence, figure, occurrence)
        if fig is None:
            return None
        after = re.match(r"\s+(?:[a-z-]+\s+){0,2}?([A-Z][a-z]+)\b", sentence[fig[1] :])
        if not after or self.entity_alias.get(after.group(1).lower()) != subject_state:
            return None
        if after.group(1).lower() not in self.demonyms:
            return None
        actor = None
        for m in self._sentence_entities_re.finditer(sentence, start, fig[0]):
            key = m.group(1).lower()
            if key in self.demonyms:
                continue  # "Japanese" before a figure describes, it does not act
            ent = self.entity_alias.get(key)
            if ent:
                actor = self.state_of.get(ent, ent)
        return actor if actor and actor != subject_state else None

    def coverage_of(self, text: str | None) -> frozenset[str]:
        if not text:
            return frozenset()
        return frozenset(set(re.findall(r"[a-z]+", text.lower())) & self.coverage)


@functools.lru_cache(maxsize=200_000)
def _canonicalise(lex: Lexicon, text: str) -> str:
    return lex._canonicalise_uncached(text)


def _find_figure(sentence: str, figure: str, occurrence: int = 0) -> int:
    """Offset of the `occurrence`-th whole-word occurrence of `figure` (case-insensitive
    fallback; the first occurrence when there are fewer), or -1."""
    if not figure:
        return -1
    for flags in (0, re.I):
        hits = [m.start() for m in re.finditer(rf"(?<![\w]){re.escape(figure)}(?![\w])", sentence, flags)]
        if not hits:
            hits = [m.start() for m in re.finditer(re.escape(figure), sentence, flags)]
        if hits:
            return hits[occurrence] if 0 <= occurrence < len(hits) else hits[0]
    return -1


def _region(sentence: str, figure: str, occurrence: int = 0) -> tuple[int, int, tuple[int, int] | None]:
    """(start, end, figure span) of the figure's clause region; whole sentence if not found."""
    at = _find_figure(sentence, figure, occurrence)
    if at < 0:
        return 0, len(sentence), None
    f0, f1 = at, at + len(figure)
    left_end, right_start = 0, len(sentence)
    has_left = has_right = False
    for m in _FIGURE.finditer(sentence):
        if m.end() <= f0:
            left_end, has_left = m.end(), True
        elif m.start() >= f1 and not has_right:
            right_start, has_right = m.start(), True
    start = left_end
    if has_left:
        cuts = [m.end() for m in _BOUNDARY.finditer(sentence, left_end, f0)]
        start = cuts[-1] if cuts else left_end
    end = right_start
    if has_right:
        cut = _BOUNDARY.search(sentence, f1, right_start)
        end = cut.start() if cut else right_start
    return start, end, (f0, f1)


@functools.cache
def lexicon() -> Lexicon:
    """The process-wide lexicon (data files are read once)."""
    return Lexicon()
