"""The frame judge: is a retrieved pair the same measured thing, and how do its figures compare?

Inside the candidates a pair needs: a shared story (a topic or sentence entity in common), the same
measure class where both have one (a death toll never meets people injured; a date's event: an
earthquake never meets its anniversary), the same base for shares, no disjoint places (Lebanon vs
Jordan in one article), values within a factor of `MAX_VALUE_RATIO`, and enough similarity of what
is measured: a cosine of small embeddings ("death toll" meets "people were killed") and rapidfuzz on
the content lemmas. Precision first: two figures of one sentence are never paired; changes are
never matched with levels; a pair scoring between the thresholds is a suggestion for a person,
never a conflict on its own.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from claims.compare import compare, is_monotone
from claims.frame.measure import recurring
from claims.frame.names import entity_key
from claims.matching import cues, cues_judge
from claims.models import MatchResult

if TYPE_CHECKING:
    from claims.matching.features import _Features
    from claims.models import Claim, ClaimRef, Frame, Label


LINK_THRESHOLD: float = 0.62

SUGGEST_THRESHOLD: float = 0.45

MAX_VALUE_RATIO = 10.0  # figures further apart than this measure different things

_WEIGHTS = {"measure": 0.30, "similarity": 0.25, "words": 0.15, "story": 0.30}


def _by_cues(a: ClaimRef, b: ClaimRef) -> MatchResult | None:
    """The event-cue judge's verdict, for a pair in one of its state blocks (`claims.match_cues`)."""
    ma, mb = a.claim.frame, b.claim.frame
    if a.claim.kind != "date" and ma is not None and mb is not None and ma.measure != mb.measure:
        return None  # the frame already says these measure different things (checked before the cues' work)
    lex = cues.lexicon()
    ia, ib = cues._info(lex, a.claim), cues._info(lex, b.claim)
    if ia.block is None or ia.block != ib.block:
        return None
    if a.article_id == b.article_id and a.claim.sentence.strip() == b.claim.sentence.strip():
        return None
    ctx = cues._ctx_scored(ia.context, ia.context_tokens, ib.context, ib.context_tokens)
    if not ctx:
        return None
    fa, fb = ia.features(a.claim, 0), ib.features(b.claim, 0)
    result = cues_judge._judge(a, b, fa, fb, ctx)
    ma, mb = a.claim.frame, b.claim.frame
    if result is not None and a.claim.kind != "date" and ma is not None and mb is not None:
        if ma.measure != mb.measure or ma.change or mb.change or ma.rate != mb.rate:
            return None  # the cues' vocabulary is the seeds' politics; the frame says these differ
        if result.label == "conflict":
            return None  # a conflict between framed figures needs the frame judge's own evidence
    return result


def _judge(a: ClaimRef, b: ClaimRef, fa: _Features, fb: _Features, cosine: float) -> MatchResult | None:
    """Score one pair; compare it if the score reaches SUGGEST_THRESHOLD (None: not the same thing)."""
    ca, cb = a.claim, b.claim
    ma, mb = ca.frame, cb.frame
    if ma is None or mb is None or ca.kind != cb.kind or ma.dimension != mb.dimension:
        return None
    if ca.kind == "duration":
        return None  # how long something lasts: only the cue judge's agreement, never a conflict
    same_article = a.article_id == b.article_id
    if same_article and ca.sentence.strip() == cb.sentence.strip() and not _restates(ca, cb):
        return None  # two figures of one sentence are two things (two events, aid vs loans)
    shared = fa.story & fb.story
    if not same_article and not shared:
        return None  # no entity in common: another story
    kin = _kindred(ma, mb)
    named_alike = bool(ma.measure and ma.measure == mb.measure)
    story = 1.0 if same_article or (named_alike and _same_holder(ca, cb, ma, mb)) else min(1.0, len(shared) / 2)
    if ma.measure and mb.measure and ma.measure != mb.measure and not kin:
        return None
    measure = 1.0 if ma.measure and (ma.measure == mb.measure or kin) else 0.4
    if ca.kind == "date" and measure < 1.0 and (ma.measure or mb.measure) is None:
        return None  # neither date names its event
    if ca.kind == "date" and measure < 1.0 and not _same_day(ca, cb):
        return None  # one event unnamed: only the very same day corroborates, nothing contradicts
    if ma.base and mb.base and ma.base != mb.base:
        return None  # shares of different wholes
    if ma.base != mb.base and {ma.base, mb.base} & _SECONDARY:
        return None  # "a magnitude 6.7 aftershock" is not the earthquake's magnitude
    pa, pb = set(ma.places), set(mb.places)
    if pa and pb and not pa & pb and not (ca.kind == "date" and named_alike and _same_holder(ca, cb, ma, mb)):
        return None  # the same measure for different places (but Katrina's landfall near New Orleans is in Louisiana)
    ea, eb = editions(a), editions(b)
    if ea and eb and not ea & eb:
        return None  # the 2018 plan is not the 2019 plan
    if not _values_close(ca, cb):
        return None
    similarity = max(0.0, min(1.0, (cosine - 0.2) / 0.6))
    words = fuzz.token_set_ratio(fa.words, fb.words, processor=None) / 100.0 if fa.words and fb.words else 0.0
    components = {
        "measure": measure,
        "similarity": round(similarity, 3),
        "words": round(words, 3),
        "story": round(story, 3),
    }
    score = round(sum(_WEIGHTS[k] * components[k] for k in _WEIGHTS), 3)
    if score < SUGGEST_THRESHOLD:
        return None
    label, verdict, severity = compare(a, b)
    if label != "different_scope" and (kin or ma.rate != mb.rate):
        what = "a figure per " + (ma.rate or mb.rate or "") + " vs a total" if ma.rate != mb.rate else kin
        label, verdict, severity = "different_scope", f"{verdict}; different coverage ({what})", None
    if ca.kind == "date" and label != "agree" and recurring(ma.measure):
        return None  # two dates of a meeting or an announcement are two occurrences
    revised = same_article and ca.sentence.strip() == cb.sentence.strip()
    if ma.earlier != mb.earlier and (label == "conflict" or (label == "agree" and revised)):
        label, verdict, severity = _earlier_figure(a, b, label, verdict, severity)
    if label == "conflict" and pa != pb and pa and pb:
        only = ", ".join(sorted(pa ^ pb))
        label, verdict, severity = "different_scope", f"{verdict}; different coverage (places: {only})", None
    if label == "conflict" and bool(ea) != bool(eb) and not (is_monotone(ca) or is_monotone(cb)):
        named, other = (ea, b) if ea else (eb, a)
        year = _year(other)
        if year and year not in named:
            label, severity = "different_scope", None
            verdict = f"{verdict}; different editions ({', '.join(sorted(named))} vs one reported in {year})"
    if label == "conflict" and same_article and _other_holders(ca, cb, ma, mb):
        return None  # one article's figures for two holders (one donor's pledge, another's) are two things
    if label == "conflict" and ma.part != mb.part:
        label, verdict, severity = "different_scope", f"{verdict}; one figure is a part of the other", None
    linked = score >= LINK_THRESHOLD
    if label == "conflict" and measure < 1.0:
        linked = False  # a conflict needs both figures to name what they measure, and the same
    why = "; ".join(
        part
        for part in (
            f"both {ca.about}" if ma.measure and ma.measure == mb.measure and ca.about else "",
            f"same story ({', '.join(sorted(shared)[:3])})" if shared else "same article",
            f"similar wording {similarity:.0%}",
            "" if linked else "suggestion: needs an editor",
        )
        if part
    )
    return MatchResult(
        a=a.id,
        b=b.id,
        label=label,
        score=score,
        components=components,
        reason=f"{verdict} [matched on {why}]",
        linked=linked,
        severity=severity if label == "conflict" else None,
    )


_REVISION = re.compile(r"\b(?:revis|correct|updat|rais|lower|cut|down from|up from)", re.IGNORECASE)


def _restates(a: Claim, b: Claim) -> bool:
    """Two figures of one sentence are one measure only when one revises the other ("revised the
    toll down to 97 from 115")."""
    fa, fb = a.frame, b.frame
    if not (fa and fb and a.sentence == b.sentence):
        return False
    if fa.earlier != fb.earlier and _REVISION.search(a.sentence):
        return True
    # "1,517 lives lost according to the Senate committee and 1,503 according to the Board of Trade"
    return bool(fa.measure and fa.measure == fb.measure and len(_SOURCED.findall(a.sentence)) >= 2)


_SOURCED = re.compile(r"\baccording to\b|\bestimated by\b|\bfigures? (?:from|of)\b", re.IGNORECASE)

MONOTONE = frozenset({"death", "injury", "refugee", "damaged", "case", "vaccinated"})
"""Measures that can only grow over one event: given lower later, the lower figure corrects."""


def _earlier_figure(
    a: ClaimRef, b: ClaimRef, label: Label, verdict: str, severity: float | None
) -> tuple[Label, str, float | None]:
    """One figure is given as superseded ("initial estimates", "the previous toll"): a later,
    higher figure of a growing count is a new state, not a contradiction; a lower one corrects it."""
    old, new = (a.claim, b.claim) if a.claim.frame and a.claim.frame.earlier else (b.claim, a.claim)
    vo, vn = _magnitude(old), _magnitude(new)
    measure = old.frame.measure if old.frame else None
    if measure in MONOTONE and vo is not None and vn is not None and vn < vo:
        gap = (vo - vn) / vo
        return (
            "conflict",
            f"correction: {verdict}; the earlier figure {old.text!r} was revised down",
            (severity if severity is not None else round(gap / (0.25 + gap), 3)),
        )
    return "different_scope", f"{verdict}; {old.text!r} is an earlier figure, not a contradiction", None


_FAMILIES = (frozenset({"damage", "loss", "cost"}), frozenset({"aid", "request", "received", "spending"}))


def _kindred(ma: Frame, mb: Frame) -> str:
    """Two different measures of one family ("insured losses" and "cost to rebuild" of one fire;
    a pledge and what was received), or a sum and one of its parts ("dead and missing combined"):
    linked as different scope, never compared as one figure. "" when not kindred."""
    if not ma.measure or not mb.measure or ma.measure == mb.measure:
        return ""
    if any(ma.measure in f and mb.measure in f for f in _FAMILIES):
        return f"{ma.measure} vs {mb.measure}"
    if ma.part != mb.part:
        return f"a sum vs one of its parts ({ma.measure}, {mb.measure})"
    return ""


def _other_holders(ca: Claim, cb: Claim, ma: Frame, mb: Frame) -> bool:
    """Both figures name a holder, different ones, neither named beside the other figure."""
    ka, kb = entity_key(ca.subject), entity_key(cb.subject)
    return bool(ka and kb and ka != kb and ka not in mb.entities and kb not in ma.entities)


def _same_holder(ca: Claim, cb: Claim, ma: Frame, mb: Frame) -> bool:
    """Both figures are about the same holder: the same subject, or each article's main topic named
    by the other ("Hurricane Katrina" in both; a Titanic article and a Titanic sentence)."""
    ka, kb = entity_key(ca.subject), entity_key(cb.subject)
    if ka and ka == kb:
        return True
    if not ma.topic or not mb.topic:
        return False
    return ma.topic[0] in (*mb.topic, *mb.entities) and mb.topic[0] in (*ma.topic, *ma.entities)


_SECONDARY = frozenset({"aftershock", "foreshock", "tremor"})


def editions(ref: ClaimRef) -> frozenset[str]:
    """The years naming which edition of a thing a figure is about ("the 2018 plan"), relative
    years ("last year's plan") resolved against the claim's own date."""
    frame = ref.claim.frame
    if frame is None or not frame.editions:
        return frozenset()
    year = _year(ref)
    out = set()
    for e in frame.editions:
        if e.startswith("y"):
            if year:
                out.add(str(int(year) + int(e[1:])))
        else:
            out.add(e)
    return frozenset(out)


def _year(ref: ClaimRef) -> str | None:
    """The year a figure is given for: its as-of date, else its article's publication."""
    when = ref.claim.as_of or ref.published
    return when[:4] if when and when[:4].isdigit() else None


def _same_day(a: Claim, b: Claim) -> bool:
    """Both dates name the same day ("15 April 1912", "April 15, 1912")."""
    return bool(a.date and a.date == b.date and len(a.date) == 10)


def _values_close(a: Claim, b: Claim) -> bool:
    """Figures of one measure are within MAX_VALUE_RATIO of each other (dates: always)."""
    if a.kind == "date":
        return True
    va, vb = _magnitude(a), _magnitude(b)
    if va is None or vb is None or va <= 0 or vb <= 0:
        return True
    if a.kind == "money" and (a.unit or "").upper() != (b.unit or "").upper():
        return True  # different currencies: compare converts, and says whether it could
    return max(va, vb) / min(va, vb) <= MAX_VALUE_RATIO


def _magnitude(c: Claim) -> float | None:
    for v in (c.value, c.low, c.high):
        if v is not None:
            return abs(v)
    return None
