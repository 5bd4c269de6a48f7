"""What one figure measures: its measure class, content words, places, base and change.

The class comes from the nearest measure word to the figure (`claims/data/measures.json`): first
the counted phrase and the words right beside the figure ("300,000 injured", "4,540 people dead"),
then the clause's verb and its subject and object ("the death toll climbed to 11,300"), then the
rest of the clause. Nearest wins, so "1,500 passengers and crew died" is a death toll and "2,240
passengers and crew aboard" is people aboard.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from claims import datafiles
from claims.frame.events import names_event
from claims.frame.names import entity_key
from claims.frame.topic import TOPIC_LABELS, Topic
from claims.models import Frame
from claims.text.units import dimension_of_unit

if TYPE_CHECKING:
    from collections.abc import Sequence

    from spacy.tokens import Span, Token

_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_CHANGE_AFTER = frozenset({"more", "less", "fewer", "higher", "lower", "than", "larger", "smaller", "bigger"})
_CHANGE_VERBS = frozenset(
    "rise rose increase grow fall fell drop decline decrease climb jump surge slip slide plunge soar cut "
    "reduce raise widen narrow shrink gain lose boost lift".split()
)
_REPORTING_VERBS = frozenset("say put estimate record report count confirm tally show give list cite".split())
_MAX_WORDS = 12


@functools.cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = datafiles.read("measures.json")
    return data


@functools.cache
def _index() -> tuple[dict[str, list[str]], dict[str, str]]:
    """word -> measure classes (in file order), word -> event class."""
    words: dict[str, list[str]] = {}
    for name, spec in _data()["classes"].items():
        for w in spec["words"]:
            words.setdefault(w, []).append(name)
    events = {w: name for name, ws in _data()["events"].items() for w in ws}
    return words, events


def measure_words(measure: str | None) -> frozenset[str]:
    """The words that name a measure class (its lemmas and their plain plurals)."""
    spec = _data()["classes"].get(measure or "")
    words = set(spec["words"]) if spec else set()
    return frozenset(words | {w + "s" for w in words})


def recurring(event: str | None) -> bool:
    """An event that happens again and again (a meeting, an announcement): two dates of it are two
    occurrences, not a contradiction."""
    return event in _data()["recurring_events"]


def measure_phrase(measure: str | None, kind: str) -> str | None:
    """How an editor writes a measure class ("death toll"); dates: "date of the earthquake"."""
    if measure is None:
        return None
    if kind == "date":
        return f"date of the {measure}"
    spec = _data()["classes"].get(measure)
    return spec["phrase"] if spec else measure


def dimension_of(kind: str, unit: str | None) -> str:
    """The unit's dimension: money, percent, date, time, ratio, count, or a physical dimension."""
    if kind in ("money", "percent", "date", "ratio"):
        return kind
    if kind == "duration":
        return "time"
    if kind == "quantity":
        return dimension_of_unit(unit) or f"quantity:{(unit or '').lower()}"
    if kind == "percent" and unit == "percentage point":
        return "percentage point"  # a difference of shares, never compared with a share
    return "count"


def frame_of(span: Span, clause: Sequence[Token], topic: Topic, kind: str, unit: str | None) -> Frame:
    """The frame of the figure `span` in its `clause` (tokens), for an article with `topic`."""
    sent = span.sent
    words_index, events_index = _index()
    allowed = _allowed_classes(kind)
    measure: str | None = None
    best = (9, 1 << 30)
    for tier, tok in _ordered_tokens(span, clause):
        if kind == "date" and tier > 1:
            break  # a date is the date of the event it hangs on, not of any event in its clause
        lemma = tok.lemma_.lower() if tok.lemma_ else tok.lower_
        if kind == "date":
            cls = events_index.get(lemma) or events_index.get(tok.lower_)
            after = tok.nbor(1).lower_ if tok.i + 1 < len(tok.doc) else ""
            if lemma == "break" and after == "out":
                cls = "start"  # "fighting broke out on 15 April"; not "the ship broke apart"
            elif lemma == "go" and after == "down" and tok.pos_ in ("VERB", "AUX"):
                cls = "sinking"  # "the ship broke apart and went down"
            ok = cls is not None
        else:
            found = words_index.get(lemma) or words_index.get(tok.lower_) or []
            cls = next((c for c in found if c in allowed), None)
            ok = cls is not None
        if ok:
            dist = min(abs(tok.i - span.start), abs(tok.i - (span.end - 1)))
            if (tier, dist) < best:
                best, measure = (tier, dist), cls
    if measure == "received" and _promised(span):
        measure = "aid"  # "Israel will receive $38 billion of military aid": a pledge, seen from the recipient
    entities = tuple(dict.fromkeys(k for e in sent.ents if e.label_ in TOPIC_LABELS if (k := entity_key(e.text))))
    places = tuple(dict.fromkeys(k for e in _places(span) if (k := entity_key(e.text))))
    near = sorted(
        (t for t in clause if t.is_alpha and not t.is_stop and not (span.start <= t.i < span.end)),
        key=lambda t: abs(t.i - span.start),
    )[:_MAX_WORDS]
    words = tuple(t.lemma_.lower() for t in sorted(near, key=lambda t: t.i))
    return Frame(
        dimension=dimension_of(kind, unit),
        measure=measure,
        words=words,
        entities=entities,
        places=places,
        topic=topic.keys,
        base=_base(span) if kind == "percent" else _described(span) if kind == "quantity" else None,
        change=kind != "date" and (_is_change(span) or (_is_projection(span) and not _assessed(span, measure))),
        earlier=kind != "date" and _is_earlier(span, clause),
        part=kind != "date" and _is_part(span),
        rate=_rate(span) if kind in ("money", "count", "quantity") else None,
        editions=_editions(span),
    )


def _promised(span: Span) -> bool:
    """The figure's verb is in the future ("will receive", "is to get", "would be given")."""
    verb = _verb_of(span)
    if verb is None:
        return False
    return any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("will", "would", "shall", "to") for c in verb.children)


def _places(span: Span) -> list[Span]:
    """Places named in the figure's sentence, outside an attribution ("according to ... in Geneva")."""
    sent = span.sent
    out: list[Span] = []
    sources: list[Span] = []
    said_by = {  # "officials in Warsaw said": where the source is, not what is counted
        t.i
        for verb in sent
        if verb.lemma_.lower() in ("say", "tell", "report", "announce", "confirm", "add", "note")
        for subj in verb.children
        if subj.dep_ == "nsubj" and not subj.left_edge.i <= span.root.i <= subj.right_edge.i
        for t in subj.subtree
    }
    for e in sent.ents:
        if e.label_ not in _PLACE_LABELS or (e.start >= span.start and e.end <= span.end) or e.start in said_by:
            continue
        before = sent.doc[max(sent.start, e.start - 4) : e.start].text.lower()
        (sources if "according to" in before else out).append(e)
    return out or sources  # "According to officials in Turkey, 6,957 died there": Turkey


_THING_MEASURES = frozenset({"height", "length", "depth", "magnitude"})
OUTCOMES = frozenset(
    "death injury missing displaced affected survivor aboard damaged damage loss area magnitude height depth "
    "length distance speed rainfall temperature".split()
)
"""Measures of what an event did or what a thing is (a death toll, an area burned, a height): their
holder is the event or the thing, never the agency that counts or assesses them."""


def subject_for(
    subject: str | None, span: Span, topic: Topic, attribution: str | None, measure: str | None = None
) -> str | None:
    """The holder of the figure: the sentence's subject unless it is only the source of the
    figure ("the UN puts the toll at 3,958", "FEMA's estimate is 1,800 structures") or names
    nothing; then a place the sentence names before the figure ("Syria's toll stands at 5,914"),
    else the article's topic."""
    if subject and names_event(subject):
        return subject  # a named event (`the Lahaina wildfire`) holds its toll, not the agency counting
    key = entity_key(subject)
    labels = {e.label_ for e in span.doc.ents if e.label_ in TOPIC_LABELS and key and entity_key(e.text) == key}
    source_like = (
        (measure in OUTCOMES or measure in ("refugee", "displaced"))
        and bool(labels)
        and labels
        <= {
            "ORG",
            "PERSON",
            "NORP",
        }
    )
    if measure in _THING_MEASURES and labels and not labels & {"LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART"}:
        source_like = True  # a country does not have a height or a length; a mountain or a river does
    if subject and key and not source_like and not _is_reporter(subject, span, attribution):
        return subject
    before = [e for e in _places(span) if e.end <= span.start]
    if before:
        return before[-1].text
    # the topic, except a name this sentence gives as a counterpart or a member of what is
    # counted ("deployed to the border with Belarus", "three islands consisting of Lesbos")
    inside = {t.i for tok in span.sent if tok.i >= span.end and tok.lower_ in _COUNTERPART_PREPS for t in tok.subtree}
    others = {entity_key(e.text) for e in span.sent.ents if e.start in inside}
    return next((name for key, name in zip(topic.keys, topic.names, strict=True) if key not in others), None)


_COUNTERPART_PREPS = frozenset("with to against from of between".split())


def _is_reporter(subject: str, span: Span, attribution: str | None) -> bool:
    """The subject only reports a count ("the UN puts the toll at", "officials said"): not its holder."""
    if getattr(span._, "claims_kind", None) not in ("count", "percent", "quantity"):
        return False  # who pledges money holds it ("the EU announced 120 million euros"); dates: the actor
    if attribution and entity_key(attribution) == entity_key(subject):
        return True
    verb = _verb_of(span)
    if verb is None or verb.lemma_.lower() not in _REPORTING_VERBS:
        return False
    key = entity_key(subject)
    return any(
        c.dep_ in ("nsubj", "nsubjpass") and entity_key(" ".join(t.text for t in c.subtree)) == key
        for c in verb.children
    )


def _verb_of(span: Span) -> Token | None:
    """The nearest verb the figure hangs from (itself included)."""
    return next((t for t in [span.root, *span.root.ancestors] if t.pos_ == "VERB"), None)


def _allowed_classes(kind: str) -> frozenset[str]:
    return frozenset(n for n, spec in _data()["classes"].items() if kind in spec.get("kinds", ()))


def _ordered_tokens(span: Span, clause: Sequence[Token]) -> list[tuple[int, Token]]:
    """Tokens that may say what is measured, with a tier: 0 beside the figure or in its counted
    phrase, 1 the clause's verb with its subject and object, 2 the rest of the clause."""
    doc = span.doc
    sent = span.sent
    out: list[tuple[int, Token]] = []
    seen: set[int] = set()
    root = span.root
    head = root.head if root.dep_ in ("nummod", "quantmod", "compound", "npadvmod") else root
    near = [*span, *head.subtree] if head.i - root.i <= 4 else list(span)
    lo, hi = max(sent.start, span.start - 2), min(sent.end, span.end + 2)
    near += [doc[i] for i in range(lo, hi)]
    for tok in near:
        if tok.i not in seen:
            seen.add(tok.i)
            out.append((0, tok))
    verb = next((t for t in [root, *root.ancestors] if t.pos_ in ("VERB", "AUX")), None)
    if verb is not None:
        deps = _VERB_PARTS_DATE if getattr(span._, "claims_kind", None) == "date" else _VERB_PARTS
        # "the earthquakes that hit the region Monday": the relative clause's noun is its subject
        heads = [verb.head] if verb.dep_ == "relcl" else []
        for tok in [verb, *(c for c in verb.children if c.dep_ in deps), *heads]:
            for t in (tok, *(c for c in tok.children if c.dep_ in ("compound", "amod"))):
                if t.i not in seen:
                    seen.add(t.i)
                    out.append((1, t))
    for tok in clause:
        if tok.i not in seen:
            seen.add(tok.i)
            out.append((2, tok))
    return out


_VERB_PARTS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "acomp"})
_VERB_PARTS_DATE = _VERB_PARTS | {"advmod", "prt", "conj"}  # "came ashore", "broke out", "broke apart and went down"


def _base(span: Span) -> str | None:
    """What a share is of: "25% of the city" -> city."""
    doc = span.doc
    i = span.end
    if i < len(doc) and doc[i].lower_ == "of":
        for tok in doc[i + 1 : min(len(doc), i + 6)]:
            if tok.pos_ in ("NOUN", "PROPN"):
                head = tok
                while head.head.i > head.i and head.head.pos_ in ("NOUN", "PROPN") and head.dep_ == "compound":
                    head = head.head
                return head.lemma_.lower()
    return None


_EARLIER = frozenset("initial initially earlier previous previously original originally former prior".split())


def _is_earlier(span: Span, clause: Sequence[Token]) -> bool:
    """A figure the text gives as superseded: "initial estimates of 270", "the previous figure of
    115", "up from 5.2 million", "had been reported"."""
    doc = span.doc
    before = doc[max(span.sent.start, span.start - 3) : span.start]
    if [t.lower_ for t in before][-2:] in (["up", "from"], ["down", "from"], ["downward", "from"], ["upward", "from"]):
        return True
    after = doc[span.end : min(len(doc), span.end + 1)]
    if before and before[-1].lower_ == "from" and after and after[0].lower_ == "to":
        return True  # "from 115 to at least 97": the first figure is the earlier one
    return _marked(span, _EARLIER)


def _marked(span: Span, words: frozenset[str]) -> bool:
    """One of `words` qualifies this figure: beside it, on the noun or verb it hangs from ("the
    11,300 previously given", "initial estimates, in which only 270"), or on a phrase of those
    ("In its previous report, ... said that 11,300"), never on another figure's words."""
    doc = span.doc
    own = set(range(span.start, span.end))
    lo, hi = max(span.sent.start, span.start - 2), min(span.sent.end, span.end + 2)
    if any(doc[i].lower_ in words for i in range(lo, hi) if i not in own):
        return True
    for anc in span.root.ancestors:
        for child in anc.children:
            if child.i in own or child.left_edge.i <= span.root.i <= child.right_edge.i:
                continue  # the branch holding the figure itself
            if child.dep_ in ("amod", "advmod") and child.lower_ in words:
                if any(g.dep_ == "npadvmod" for g in child.children):
                    continue  # "hit an iceberg two hours earlier": when, not a superseded figure
                return True
            if (
                child.dep_ in ("prep", "npadvmod")
                and any(t.lower_ in words for t in child.subtree if not _is_figure(t))
                and not any(_is_figure(t) for t in child.subtree)
            ):
                return True
        if anc.pos_ == "VERB" and anc.dep_ not in ("relcl", "acl", "xcomp", "ccomp", "conj", "advcl"):
            break
    return False


def _is_figure(tok: Token) -> bool:
    return tok.like_num or tok.ent_type_ in ("CARDINAL", "MONEY", "PERCENT", "QUANTITY")


_PART = frozenset("another additional further remaining".split())
_WHOLE = frozenset("combined together altogether overall totaled totalled totaling totalling".split())
_WHOLE_PHRASES = ("in total", "all told")
_PART_PHRASES = ("of which", "of them", "of that number", "of those", "including", "among them")


def _is_part(span: Span) -> bool:
    """A share of a figure given beside it: "another 2,000", "of which $5 billion", "including 300"."""
    doc = span.doc
    before = doc[max(span.sent.start, span.start - 4) : span.start]
    if before and before[-1].lower_ in _PART:
        return True
    if _marked(span, _WHOLE) or any(t.lower_ in _WHOLE for t in span.sent if not span.start <= t.i < span.end):
        return True  # "dead and missing combined came to 7,800": a sum, the others are its parts
    after = doc[span.end : min(span.sent.end, span.end + 5)].text.lower()
    if any(p in after for p in _WHOLE_PHRASES):
        return True  # "11 million IDPs in total": a sum of groups given apart
    text = before.text.lower().rstrip(" ,:;—–-")
    return any(text.endswith(p) or f"{p} " in text for p in _PART_PHRASES)


_RATE_WORDS = (
    "a year",
    "per year",
    "each year",
    "every year",
    "annually",
    "per annum",
    "a month",
    "per month",
    "monthly",
    "a day",
    "per day",
    "daily",
    "a week",
    "per week",
    "weekly",
)


def _rate(span: Span) -> str | None:
    """A figure per period ("$3.8 billion a year", "annually"): not comparable with a total."""
    doc = span.doc
    after = doc[span.end : min(span.sent.end, span.end + 4)].text.lower()
    for phrase in _RATE_WORDS:
        if after.startswith(phrase) or f" {phrase}" in f" {after}"[: len(phrase) + 8]:
            word = phrase.split()[-1]
            return {"annually": "year", "annum": "year", "monthly": "month", "daily": "day", "weekly": "week"}.get(
                word, word
            )
    return None


def _editions(span: Span) -> tuple[str, ...]:
    """Years that name which edition of a thing the figure is about ("the 2018 JRP", "the 2019
    plan", "FY2024 budget"), not when it happened ("in 2019"); a year relative to the article
    ("last year's plan", "Last year the appeal took in ... toward a $950 million target") is kept as
    `y-1` / `y+0` / `y+1`, resolved against the claim's own date when two claims are compared."""
    out = []
    for tok in span.sent:
        if span.start <= tok.i < span.end:
            continue
        text = _year_of(tok)
        if text:
            if tok.head.head.lower_ in _COMPARED_WITH and tok.head.dep_ == "pobj":
                continue  # "a drop of 3 points on its 2022 score": what it is compared with
            out.append(text)
    # Years on the figure's own clause win over the sentence's ("2027 defence spending will total
    # 186 billion, while this year's budget provides 187 billion": 187 is this year's).
    local: list[str] = []
    for anc in [span.root, *span.root.ancestors]:
        for child in anc.children:
            if child.left_edge.i <= span.root.i <= child.right_edge.i:
                continue
            local += [y for t in child.subtree if (y := _year_of(t)) and t.head.i in (child.i, anc.i)]
        if anc.pos_ == "VERB" and anc.dep_ not in ("relcl", "acl", "xcomp", "conj"):
            break
    for anc in [span.root, *span.root.ancestors]:
        for child in anc.children:
            if child.left_edge.i <= span.root.i <= child.right_edge.i:
                continue
            # "Last year the plan took in ...", "last year's budget set aside ..."
            for year in (child, *(g for g in child.children if g.dep_ == "poss")):
                if year.lemma_.lower() != "year" or year.dep_ not in ("npadvmod", "poss", "compound", "nmod"):
                    continue
                shift = next((_RELATIVE_YEAR[c.lower_] for c in year.children if c.lower_ in _RELATIVE_YEAR), None)
                if shift is not None:
                    local.append(f"y{shift}")
        if anc.pos_ == "VERB" and anc.dep_ not in ("relcl", "acl", "xcomp", "conj"):
            break
    return tuple(dict.fromkeys(local or out))


def _year_of(tok: Token) -> str | None:
    """ "2018" of "the 2018 JRP", "FY2024 budget": a year naming a thing, not a date."""
    text = tok.text.upper().removeprefix("FY")
    if len(text) == 4 and text.isdigit() and text[:2] in ("19", "20"):
        if tok.dep_ in ("compound", "nummod", "amod", "nmod") and tok.head.pos_ in ("NOUN", "PROPN"):
            return text
    return None


_COMPARED_WITH = frozenset("on than from since over versus vs compared".split())
_RELATIVE_YEAR = {"last": "-1", "previous": "-1", "this": "+0", "current": "+0", "next": "+1"}


_MODALS = frozenset("will would could may might shall".split())
_LEVEL_VERBS = frozenset(
    "reach hit rise grow exceed total top climb fall drop increase decrease cost need surpass double have be".split()
)
_FORECAST = frozenset("expect forecast project predict anticipate".split())


def _is_projection(span: Span) -> bool:
    """A forecast, not a figure that holds: "would reach 100,000", "is expected to hit 3%"; also a
    revision of one ("estimated that 100,000 refugees would arrive in six months, and has now
    revised that figure to 245,000")."""
    verb = _verb_of(span)
    if (
        verb is not None
        and verb.lemma_.lower() in _REVISING
        and any(_is_forecast_verb(t) for t in span.sent if t.i < span.start and t.pos_ in ("VERB", "AUX"))
    ):
        return True
    for tok in [span.root, *span.root.ancestors]:
        if tok.pos_ in ("VERB", "AUX"):
            if any(c.dep_ == "aux" and c.lower_ in _MODALS for c in tok.children):
                return tok.lemma_.lower() in _LEVEL_VERBS  # "would reach 100,000"; not "would return four islands"
            if tok.lemma_.lower() in _FORECAST or (tok.dep_ == "xcomp" and tok.head.lemma_.lower() in _FORECAST):
                return True
            if tok.dep_ not in ("xcomp", "conj"):
                return False
    return False


_ASSESSING = frozenset("estimate assess calculate reckon".split())


def _assessed(span: Span, measure: str | None) -> bool:
    """What an event did, assessed in the future tense ("the assessment estimates that total damage
    will exceed 14.9 billion dollars"): a tally of what happened, not a forecast."""
    if measure not in OUTCOMES:
        return False
    return any(t.lemma_.lower() in _ASSESSING and t.pos_ == "VERB" for t in span.root.ancestors)


_REVISING = frozenset("revise raise lower cut upgrade downgrade adjust".split())


def _is_forecast_verb(tok: Token) -> bool:
    """ "would reach", "will exceed", "expected to hit": a verb that states a forecast."""
    if any(c.dep_ == "aux" and c.lower_ in _MODALS for c in tok.children):
        return tok.lemma_.lower() in _LEVEL_VERBS | {"arrive", "flee", "need", "require"}
    return tok.lemma_.lower() in _FORECAST


def _described(span: Span) -> str | None:
    """The thing a quantity describes when the figure modifies a noun ("a magnitude 6.7
    aftershock", "a 57 km tunnel"): the magnitude of an aftershock is not the mainshock's."""
    root = span.root
    head = root.head
    nxt = span.doc[span.end] if span.end < len(span.doc) else None
    if nxt is not None and nxt.lemma_.lower() in _SHOCKS:
        return nxt.lemma_.lower()
    if head.i >= span.end and head.pos_ == "NOUN" and root.dep_ in _MODIFIER_DEPS:
        return head.lemma_.lower()
    return None


_MODIFIER_DEPS = frozenset({"nummod", "compound", "amod", "npadvmod", "quantmod"})


_SHOCKS = frozenset("earthquake quake aftershock foreshock tremor mainshock shock".split())


def _is_change(span: Span) -> bool:
    """A difference or change: "$10 billion more", "four metres higher than", "rose by 2%", "up 5%",
    "added 284 kilometres to its length"."""
    doc = span.doc
    if getattr(span._, "claims_change", None):
        return True  # the extractor read "<verb> [by] X to Y": X is the change
    verb = _verb_of(span)
    if verb is not None and verb.lemma_.lower() in ("add", "subtract", "shave", "knock"):
        return True
    after = doc[span.end : min(len(doc), span.end + 2)]
    if any(t.lower_ in _CHANGE_AFTER for t in after):
        return True
    before = doc[max(span.sent.start, span.start - 3) : span.start]
    words = [t.lower_ for t in before]
    if "by" in words[-2:]:
        return any(t.lemma_.lower() in _CHANGE_VERBS for t in before) or any(
            a.lemma_.lower() in _CHANGE_VERBS for a in span.root.ancestors
        )
    if not words or words[-1] not in ("up", "down") or span._.claims_kind != "percent":
        return False
    verb = before[-2] if len(before) > 1 else None  # "ended up 69 per cent" is a level
    return verb is None or verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() in _CHANGE_VERBS
