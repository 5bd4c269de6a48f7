"""When two figures are true, and counts that can only grow (the time side of `claims.compare`).

Two figures with the same time scope (as-of dates overlap, the same period, or both only dated by
articles published at most `REPORTING_WINDOW_DAYS` apart) can contradict each other; otherwise they
are different scopes. A running count that can only grow (`is_monotone`) given lower at a later
date corrects the earlier one; given clearly higher, it grew.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from claims.coverage import _region
from claims.errors import InvalidInput
from claims.text.partialdate import bounds, days_apart, overlaps

if TYPE_CHECKING:
    from claims.models import Claim, ClaimRef
    from claims.tolerance import Span


# Two figures that state no as-of date of their own, published this close together, speak of the
# same moment (the news cycle): disjoint values then conflict. A stated as-of date ("by March 24")
# is taken at its word and gets no window.
REPORTING_WINDOW_DAYS = 3


def _when(ref: ClaimRef) -> str | None:
    """The date a claim's figure is true at: as-of, else its period's end, else publication."""
    c = ref.claim
    return c.as_of or (c.period.end if c.period else None) or ref.published


def _a_first(a: ClaimRef, b: ClaimRef) -> bool | None:
    """Whether `a`'s figure holds entirely before `b`'s (False: entirely after; None: the times
    overlap or one is unknown)."""
    wa, wb = _when(a), _when(b)
    if wa is None or wb is None:
        return None
    try:
        a0, a1 = bounds(wa)
        b0, b1 = bounds(wb)
    except InvalidInput:
        return None
    if a1 < b0:
        return True
    if b1 < a0:
        return False
    return None


GREW_MARGIN = 0.10
"""How much more a later running count must state to be a new state rather than a restatement."""


def _point(s: Span) -> float:
    if s.stated_lo is not None and s.stated_hi is not None:
        return (s.stated_lo + s.stated_hi) / 2
    return s.stated_lo if s.stated_lo is not None else (s.stated_hi or 0.0)


def _grew(a: ClaimRef, b: ClaimRef, sa: Span, sb: Span) -> bool:
    """Both are running counts of different dates and the later one states clearly more ("more
    than 11,000" on 8 February, 50,978 on 24 February): compatible bounds, but two states of the
    count, not a confirmation."""
    if not (is_monotone(a.claim) and is_monotone(b.claim)):
        return False
    a_first = _a_first(a, b)
    if a_first is None:
        return False
    early, late = (sa, sb) if a_first else (sb, sa)
    return _point(late) > _point(early) * (1 + GREW_MARGIN)


_RUNNING = re.compile(
    r"\b(?:has|have) (?:reached|risen|climbed|grown|passed|surpassed|topped|hit)\b|\b(?:now|so far|to date|"
    r"(?:still|is|are) rising|kept climbing|climbed to|rose to|risen to|stands at|currently)\b",
    re.I,
)
_REVISED_DOWN = re.compile(
    r"\b(?:revised|revising|revises|corrected|correcting) (?:\w+ )?(?:down|downward)|\blowered\b|\bdowngraded\b|"
    r"\bcorrect(?:ed|s)? (?:its|the|their) (?:earlier|previous|initial)\b",
    re.I,
)


def undated_later(a: ClaimRef, b: ClaimRef, sa: Span, sb: Span, *, overlapping: bool = False) -> bool:
    """One figure has no time at all (no as-of, no period, an undated text: a reference tally) and
    is clearly higher than a dated figure of a running count one of the texts gives as still in
    progress ("has reached 1,343", "now puts the toll at 3,958", "has kept climbing ... now stands
    at 50,978"): the tally may be the later state of the count, so the two are neither a
    contradiction nor a confirmation. A figure revised down is not in progress: it corrects.
    `overlapping`: the intervals overlap ("more than 11,000" and 50,978); the stated figures must
    then differ by more than `GREW_MARGIN`."""
    for undated, dated, su, sd in ((a, b, sa, sb), (b, a, sb, sa)):
        cu, cd = undated.claim, dated.claim
        if cu.as_of or (cu.period and cu.period.end) or undated.published or not (cd.as_of or dated.published):
            continue  # a count "since 6 February" with no date of its own is still undated
        if not (is_monotone(cu) and is_monotone(cd)):
            continue
        sentences = f"{cu.sentence or ''} {cd.sentence or ''}"
        if not _RUNNING.search(sentences) or _REVISED_DOWN.search(sentences):
            continue
        if overlapping:
            if _point(su) > _point(sd) * (1 + GREW_MARGIN):
                return True
        elif su.lo is not None and sd.hi is not None and su.lo > sd.hi:
            return True
    return False


FIXED_AT_EVENT = frozenset({"magnitude", "aboard"})
"""Measures fixed when the event happens (an earthquake's magnitude, the people aboard a voyage):
figures reported on different days are still about one moment, so they can contradict."""


def same_scope(a: ClaimRef, b: ClaimRef) -> tuple[bool, str]:
    """Whether two figures are true at the same time, and a phrase saying why (or why not)."""
    ca, cb = a.claim, b.claim
    fa, fb = ca.frame, cb.frame
    if fa and fb and fa.measure and fa.measure == fb.measure and fa.measure in FIXED_AT_EVENT:
        return True, f"the {fa.measure} of one event does not change over time"
    pa = ca.period if ca.period and (ca.period.start or ca.period.end) else None
    pb = cb.period if cb.period and (cb.period.start or cb.period.end) else None
    as_of_a, as_of_b = _edition_time(a) or ca.as_of or a.published, _edition_time(b) or cb.as_of or b.published
    if pa and pb:
        end_a, end_b = pa.end or as_of_a, pb.end or as_of_b
        starts = pa.start is None or pb.start is None or _overlaps(pa.start, pb.start)
        ends = end_a is not None and end_b is not None and _overlaps(end_a, end_b)
        span_a, span_b = _span(pa.start, end_a), _span(pb.start, end_b)
        if starts and ends:
            return True, f"same period {span_a}"
        first, second = sorted((span_a, span_b))
        return False, f"different periods ({first} vs {second})"
    # A count "since October", as of 12 January, is the running total as of 12 January: the same
    # time as another figure of the count as of that day.
    open_a = pa is not None and pa.start is not None and pa.end is None
    open_b = pb is not None and pb.start is not None and pb.end is None
    if (open_a and not pb and as_of_a and as_of_b) or (open_b and not pa and as_of_a and as_of_b):
        assert as_of_a is not None and as_of_b is not None
        if _overlaps(as_of_a, as_of_b):
            return True, f"a running total as of {as_of_a if open_a else as_of_b}, the other's date"
    if pa or pb:
        period, point = (pa, as_of_b) if pa else (pb, as_of_a)
        assert period is not None
        span_ = _span(period.start, period.end or (as_of_a if pa else as_of_b))
        unknown = b if pa else a
        if point is None and not _unplaced(unknown):
            # a figure with no time at all is taken at the other's ("1,760 dead" in a text whose
            # other figure is for "15 June to October 2022")
            return True, f"no time stated for one figure, taken as {span_}"
        if point is not None and period.end and _overlaps(period.end, point):
            # "over June to October 2022" and "as of 29 October 2022": the total to the same end
            return True, f"a total over {span_} and a figure as of {point}, at the same end"
        return False, f"a total over {span_} vs a figure as of {point or 'an unknown date'}"
    if as_of_a is None or as_of_b is None:
        # A figure whose time is stated nowhere (no as-of, an undated article) is taken at the
        # other's time: an unknown time is not a different one, and what pairs the two is that
        # they measure the same thing (a sinking's death toll, a mountain's height).
        # But a running count whose sentence gives a day the extractor could not place ("the
        # estimate on 15 January", "by 24 January" in an undated text) has a time of its own.
        unplaced = next((u for r, w in ((a, as_of_a), (b, as_of_b)) if w is None and (u := _unplaced(r))), "")
        if unplaced:
            return False, f"one figure is dated “{unplaced}”, a day that could not be placed in a year"
        known = as_of_a or as_of_b
        return True, f"no time stated for one figure, taken as {known}" if known else "no time stated for either figure"
    if _overlaps(as_of_a, as_of_b):
        return True, f"both as of {as_of_a}" if as_of_a == as_of_b else f"as of {as_of_a} and {as_of_b}"
    if _implied(a) and _implied(b) and _days_apart(as_of_a, as_of_b) <= REPORTING_WINDOW_DAYS:
        return True, f"reported {as_of_a} and {as_of_b}, no as-of date stated"
    first, second = sorted((as_of_a, as_of_b))
    return False, f"as of different dates ({first} vs {second}): a running figure changes over time"


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DAY_NO_YEAR = re.compile(
    r"\b(?i:on|by|since|until|as of|through)\s+"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?)\b(?!,?\s*\d{{4}})"
)


def _unplaced(ref: ClaimRef) -> str:
    """The day-and-month time phrase of a running count that has no as-of date ("on 15 January"
    in an article with no date), or ""."""
    c = ref.claim
    if c.as_of or c.period or not is_monotone(c):
        return ""
    m = _DAY_NO_YEAR.search(c.sentence or "")
    return m.group(0) if m else ""


def _edition_time(ref: ClaimRef) -> str | None:
    """The year of the one edition a level names ("The 2018 plan ended up 69 per cent funded",
    reported in 2019), when the claim states no as-of of its own: the figure is about that year.
    Not for running counts, whose figure is as of the report."""
    c = ref.claim
    if not _implied(ref) or c.period or c.frame is None or is_monotone(c):
        return None
    years = [e for e in c.frame.editions if e.isdigit()]
    return years[0] if len(years) == 1 else None


def _implied(ref: ClaimRef) -> bool:
    """The claim states no as-of date of its own: its time is only when the article appeared."""
    return ref.claim.as_of is None or ref.claim.as_of == ref.published


def _days_apart(x: str, y: str) -> int:
    gap = days_apart(x, y)
    return 1 << 30 if gap is None else gap


def _span(start: str | None, end: str | None) -> str:
    return f"{start or '…'}..{end or '…'}"


def _overlaps(x: str, y: str) -> bool:
    try:
        return overlaps(x, y)
    except InvalidInput:
        return False


_MONOTONE = re.compile(
    r"\b(?:death toll|deaths?|dead|killed|died|fatalit(?:y|ies)|lives (?:were )?lost|bodies|"
    r"fled|(?:have|has|had) been (?:displaced|evacuated|uprooted)|displaced since|arrivals|"
    r"evacuated|cumulative(?:ly)?|so far|to date|since the start|confirmed cases|cases|"
    r"infections|injured|wounded|damaged|destroyed)\b",
    re.I,
)

_MONEY_MONOTONE = re.compile(r"\b(?:delivered|disbursed|spent|so far|to date|since)\b", re.I)

# Counts that can fall: people still missing (they are found), in shelters, in hospital, active
# cases, anything per day or per year.
_NOT_MONOTONE = re.compile(
    r"\b(?:missing|remain(?:s|ed|ing)?|still|currently|active|hospitali[sz]ed|in hospital|shelters?|"
    r"sheltering|stranded|trapped|unaccounted|per (?:day|week|month|year)|a (?:day|week|month|year)|"
    r"annual(?:ly)?|daily|weekly|monthly|yearly|rate)\b",
    re.I,
)


_NEAR = 45  # characters either side of a figure that may qualify it


def is_monotone(claim: Claim) -> bool:
    """Whether the figure is a running count that can only grow (deaths in one event, people who
    have fled, cases to date, aid delivered so far), read from `about`, the unit and the figure's
    clause; words for counts that can fall (missing, in shelters, still, per day) rule it out when
    they qualify the figure itself (within a few words of it: "survivors trapped beneath buildings
    ..., killing more than 11,000" is a death toll)."""
    if claim.kind not in ("count", "money", "quantity"):
        return False
    region = _region(claim)
    text = " ".join(x for x in (claim.about, claim.unit, region) if x)
    at = region.find(claim.text) if claim.text else -1
    near = region if at < 0 else region[max(0, at - _NEAR) : at + len(claim.text) + _NEAR]
    if _NOT_MONOTONE.search(" ".join(x for x in (claim.about, claim.unit, near) if x)):
        return False
    if claim.kind == "money":
        return bool(_MONEY_MONOTONE.search(text))
    return bool(_MONOTONE.search(text))


def _correction(a: ClaimRef, b: ClaimRef, sa: Span, sb: Span, *, rising: bool = False) -> str:
    """'given lower later' when both are running counts and the later one is entirely lower (or,
    with `rising`, entirely higher: a count that grew between two reports)."""
    if not (is_monotone(a.claim) and is_monotone(b.claim)):
        return ""
    pa, pb = a.claim.period, b.claim.period
    if pa and pb and pa.start and pb.start and not _overlaps(pa.start, pb.start):
        return ""  # counted from different starts
    a_first = _a_first(a, b)
    if a_first is None:
        return ""
    earlier, later, e_span, l_span = (a, b, sa, sb) if a_first else (b, a, sb, sa)
    if rising:
        grew = e_span.hi is not None and l_span.lo is not None and e_span.hi < l_span.lo
        return "grew" if grew else ""
    if l_span.hi is None or e_span.lo is None or not l_span.hi < e_span.lo:
        return ""
    return (
        f"“{later.claim.text}” as of {_when(later)} given lower later than "
        f"“{earlier.claim.text}” as of {_when(earlier)}; a count that can only grow"
    )
