"""Decide how two claims about the same measured thing relate: agree, conflict or different_scope.

Pure functions of the two claims (no database, no NLP pipeline). The rules, in order:
- different kinds are not compared;
- dates of one event: agree when they overlap at their precision (2022-02 holds 2022-02-24),
  else conflict;
- each figure stands for the interval the tolerance policy gives it (`claims/tolerance.py`: capped
  rounding, ±10 % for `about`, bounds and ranges as stated); money in two currencies is converted at
  the ECB reference rate of the converted claim's as-of date (`claims/rates.py`); a currency the
  ECB series lacks is compared only with the same currency; durations are compared in days;
- coverage: when a word that really narrows what is counted differs (`coverage_of`: military vs
  humanitarian aid, direct vs all deaths, loans vs aid, delivered vs pledged, one year vs several,
  a tranche vs the whole, civilians vs everyone, registered refugees, the places named), the pair
  is `different_scope` whatever the values, and the reason names the words;
- overlapping intervals agree, whatever their time scope: a figure restated later corroborates;
- disjoint intervals conflict when the time scope is the same (as-of dates overlap, or the same
  period, or both figures carry only their articles' publication dates and those are at most
  `REPORTING_WINDOW_DAYS` apart);
- a count that can only grow (`is_monotone`: deaths in one event, people who have fled, cases to
  date, aid delivered so far) given lower at a later date is a correction: conflict;
- otherwise (different time scope) `different_scope`, shown to editors but never counted as a
  conflict (precision first: a false conflict costs an editor's trust).

Every verdict is the same whichever claim comes first, severity included.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from claims import rates
from claims.errors import InvalidInput
from claims.text.partialdate import bounds, overlaps
from claims.text.synonyms import lexicon
from claims.tolerance import Span, date_severity, overlap, span, value_severity

if TYPE_CHECKING:
    from datetime import date

    from claims.models import Claim, ClaimRef, Label

# Two figures that state no as-of date of their own, published this close together, speak of the
# same moment (the news cycle): disjoint values then conflict. A stated as-of date ("by March 24")
# is taken at its word and gets no window.
REPORTING_WINDOW_DAYS = 3
_EPS = 1e-9

Interval = tuple[float | None, float | None]


def compare(
    a: ClaimRef, b: ClaimRef, *, coverage: tuple[frozenset[str], frozenset[str]] | None = None
) -> tuple[Label, str, float | None]:
    """(label, reason, severity) for two claims already judged to measure the same thing.

    Severity is set for conflicts only, on one scale for every kind (`claims/tolerance.py`):
    x / (1 + x) where x is the gap in clear-discrepancy units, a 25 % relative gap between the
    stated figures or four steps of the dates' precision; 0.5 is "as far apart as 2 million and
    1.5 million". `coverage` is accepted for callers that computed their own and ignored: coverage
    is read by `coverage_of`, the same way for both claims, so the verdict cannot depend on order.
    """
    del coverage
    ca, cb = a.claim, b.claim
    if ca.kind != cb.kind:
        return "different_scope", f"not comparable: {ca.kind} vs {cb.kind}", None
    if ca.kind == "date":
        return _compare_dates(ca, cb)
    common = _common_spans(a, b)
    if isinstance(common, str):
        return "different_scope", f"not compared: {common}", None
    sa, sb, note_a, note_b = common
    what = _what(ca, cb)
    digits = _digits(ca, cb)
    shown_a, shown_b = _show(ca, sa, note_a, digits), _show(cb, sb, note_b, digits)

    narrower = coverage_difference(a, b)
    if narrower:
        return "different_scope", f"{what}: {shown_a} vs {shown_b}; different coverage ({narrower})", None
    if overlap((sa.lo, sa.hi), (sb.lo, sb.hi)):
        if _grew(a, b, sa, sb) and not same_scope(a, b)[0]:
            grew = f"{what}: {shown_a} and {shown_b}: a running count that grew between two dates"
            return "different_scope", grew, None
        return "agree", f"{what}: {shown_a} and {shown_b} are compatible", None
    severity = value_severity((sa.stated_lo, sa.stated_hi), (sb.stated_lo, sb.stated_hi))
    correction = _correction(a, b, sa, sb)
    if correction:
        return "conflict", f"{what}: correction: {correction} ({shown_a} vs {shown_b})", severity
    same, scope_why = same_scope(a, b)
    if same:
        return "conflict", f"{what}: {shown_a} vs {shown_b} ({scope_why})", severity
    if _correction(a, b, sa, sb, rising=True):
        grew = f"{what}: {shown_a} then {shown_b}: a running count that grew, not a contradiction"
        return "different_scope", grew, None
    return "different_scope", f"{what}: {shown_a} vs {shown_b}; {scope_why}, not a contradiction", None


# -- intervals ---------------------------------------------------------------------------------


def interval(claim: Claim) -> Interval | None:
    """The interval the claim stands for under the tolerance policy (None: no figure)."""
    s = span(claim)
    return None if s is None else (s.lo, s.hi)


def _scale(s: Span, factor: float) -> Span:
    def f(x: float | None) -> float | None:
        return None if x is None else x * factor

    return Span(f(s.lo), f(s.hi), f(s.stated_lo), f(s.stated_hi), s.rule)


def _common_spans(a: ClaimRef, b: ClaimRef) -> tuple[Span, Span, str, str] | str:
    """Both spans in one unit and a note on any conversion for each side; or why not comparable."""
    ca, cb = a.claim, b.claim
    sa, sb = span(ca), span(cb)
    if sa is None or sb is None:
        return "a claim has no value"
    if ca.kind == "money":
        ua, ub = (ca.unit or "").upper(), (cb.unit or "").upper()
        if not ua or not ub:
            return "currency unknown"
        if ua == ub:
            return sa, sb, "", ""
        for ccy in (ua, ub):
            if not rates.has_rate(ccy):
                return f"no ECB reference rate for {ccy}; compared only with figures in {ccy}"
        # The target currency depends on the currencies, not on the order: USD, else EUR, else
        # the first alphabetically. The other side converts at its own claim's date.
        target = next((c for c in ("USD", "EUR") if c in (ua, ub)), min(ua, ub))
        src_is_a = ub == target
        src, dst_ref = (a, b) if src_is_a else (b, a)
        when = _when(src) or _when(dst_ref)
        if when is None:
            return f"no date to pick an ECB reference rate for {src.claim.unit}"
        conv = rates.conversion(src.claim.unit or "", target, when)
        if conv is None:
            return f"no ECB reference rate for {src.claim.unit.upper() if src.claim.unit else '?'} at {when}"
        src_span = sa if src_is_a else sb
        converted = _scale(src_span, conv.rate)
        note = f"≈ {_money(target, _point(converted), 3)} at {rates.describe(conv)}"
        if src_is_a:
            return converted, sb, note, ""
        return sa, converted, "", note
    if ca.kind == "duration":
        if (ca.unit or "") == (cb.unit or ""):
            return sa, sb, "", ""
        lex = lexicon()
        da, db = lex.days_per(ca.unit), lex.days_per(cb.unit)
        if da is None or db is None:
            return f"units {ca.unit} and {cb.unit} do not convert"
        return _scale(sa, da), _scale(sb, db), "in days", "in days"
    return sa, sb, "", ""


def _when(ref: ClaimRef) -> str | None:
    """The date a claim's figure is true at: as-of, else its period's end, else publication."""
    c = ref.claim
    return c.as_of or (c.period.end if c.period else None) or ref.published


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


# -- time scope ----------------------------------------------------------------------------------


def same_scope(a: ClaimRef, b: ClaimRef) -> tuple[bool, str]:
    """Whether two figures are true at the same time, and a phrase saying why (or why not)."""
    ca, cb = a.claim, b.claim
    pa = ca.period if ca.period and (ca.period.start or ca.period.end) else None
    pb = cb.period if cb.period and (cb.period.start or cb.period.end) else None
    as_of_a, as_of_b = ca.as_of or a.published, cb.as_of or b.published
    if pa and pb:
        end_a, end_b = pa.end or as_of_a, pb.end or as_of_b
        starts = pa.start is None or pb.start is None or _overlaps(pa.start, pb.start)
        ends = end_a is not None and end_b is not None and _overlaps(end_a, end_b)
        span_a, span_b = _span(pa.start, end_a), _span(pb.start, end_b)
        if starts and ends:
            return True, f"same period {span_a}"
        first, second = sorted((span_a, span_b))
        return False, f"different periods ({first} vs {second})"
    if pa or pb:
        period, point = (pa, as_of_b) if pa else (pb, as_of_a)
        assert period is not None
        span_ = _span(period.start, period.end or (as_of_a if pa else as_of_b))
        return False, f"a total over {span_} vs a figure as of {point or 'an unknown date'}"
    if as_of_a is None or as_of_b is None:
        # A figure whose time is stated nowhere (no as-of, an undated article) is taken at the
        # other's time: an unknown time is not a different one, and what pairs the two is that
        # they measure the same thing (a sinking's death toll, a mountain's height).
        known = as_of_a or as_of_b
        return True, f"no time stated for one figure, taken as {known}" if known else "no time stated for either figure"
    if _overlaps(as_of_a, as_of_b):
        return True, f"both as of {as_of_a}" if as_of_a == as_of_b else f"as of {as_of_a} and {as_of_b}"
    if _implied(a) and _implied(b) and _days_apart(as_of_a, as_of_b) <= REPORTING_WINDOW_DAYS:
        return True, f"reported {as_of_a} and {as_of_b}, no as-of date stated"
    first, second = sorted((as_of_a, as_of_b))
    return False, f"as of different dates ({first} vs {second}): a running figure changes over time"


def _implied(ref: ClaimRef) -> bool:
    """The claim states no as-of date of its own: its time is only when the article appeared."""
    return ref.claim.as_of is None or ref.claim.as_of == ref.published


def _days_apart(x: str, y: str) -> int:
    try:
        x0, x1 = bounds(x)
        y0, y1 = bounds(y)
    except InvalidInput:
        return 1 << 30
    if x0 <= y1 and y0 <= x1:
        return 0
    return (y0 - x1).days if x1 < y0 else (x0 - y1).days


def _span(start: str | None, end: str | None) -> str:
    return f"{start or '…'}..{end or '…'}"


def _overlaps(x: str, y: str) -> bool:
    try:
        return overlaps(x, y)
    except InvalidInput:
        return False


# -- monotone counts -------------------------------------------------------------------------------

_MONOTONE = re.compile(
    r"\b(?:death toll|deaths?|dead|killed|died|fatalit(?:y|ies)|lives (?:were )?lost|bodies|"
    r"fled|(?:have|has|had) been (?:displaced|evacuated|uprooted)|displaced since|arrivals|"
    r"evacuated|cumulative(?:ly)?|so far|to date|since the start|confirmed cases|cases|"
    r"infections|injured|wounded)\b",
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


def is_monotone(claim: Claim) -> bool:
    """Whether the figure is a running count that can only grow (deaths in one event, people who
    have fled, cases to date, aid delivered so far), read from `about`, the unit and the figure's
    clause; words for counts that can fall (missing, in shelters, still, per day) rule it out."""
    if claim.kind not in ("count", "money", "quantity"):
        return False
    text = " ".join(x for x in (claim.about, claim.unit, _region(claim)) if x)
    if _NOT_MONOTONE.search(text):
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


# -- coverage ----------------------------------------------------------------------------------------

_AID_WORD = r"(?:aid|assistance|support|relief|package|funding|help|donations?)"
# axis -> (value an unmarked claim takes, or None when unmarked is compatible with every value;
# value -> pattern). "aid", "humanitarian aid", "emergency aid" and "assistance" are one thing: an
# unmarked aid figure is humanitarian; military, financial or reconstruction aid narrows it.
_AXES: dict[str, tuple[str | None, dict[str, str]]] = {
    "aid type": (
        "humanitarian",
        {
            "humanitarian": r"\b(?:humanitarian|emergency|relief|life-?saving)\b",
            "military": r"\b(?:military|defen[cs]e|weapons?|arms|lethal|security assistance)\b",
            "financial": r"\b(?:financial|economic|budget(?:ary)? support|macro-?financial|fiscal)\b",
            "reconstruction": r"\b(?:reconstruction|rebuilding)\b",
            "energy": r"\benergy\b",
        },
    ),
    "form": ("any", {"loan": r"\b(?:loans?|lending|credit lines?|credits)\b", "grant": r"\bgrants?\b"}),
    "stage": (
        "pledged",
        {
            "pledged": r"\b(?:pledged?|promised|committed|commitments?|earmarked|announced)\b",
            "delivered": r"\b(?:delivered|disbursed|paid out|handed over|spent)\b",
        },
    ),
    "part": ("whole", {"tranche": r"\b(?:additional|another|further|extra|fresh|tranche|instal?ments?)\b"}),
    "directness": ("all", {"direct": r"\bdirect(?:ly)?\b", "indirect": r"\bindirect(?:ly)?\b"}),
    "who": (
        "all",
        {
            "civilians": r"\bcivilians?\b",
            "children": r"\b(?:children|child|minors?)\b",
            "soldiers": r"\b(?:soldiers|troops|servicemen|combatants|military personnel)\b",
        },
    ),
    "registration": ("all", {"registered": r"\bregistered\b"}),
    "span": (
        None,
        {
            "one year": r"\b(?:annual(?:ly)?|a year|per year|each year|yearly|per annum|this year|last year)\b",
            "several years": (
                r"\b(?:multi-?year|over (?:the )?(?:next |past |last )?(?:\w+ )?years|cumulative(?:ly)?)\b"
            ),
            "one month": r"\b(?:monthly|a month|per month|each month)\b",
            "one day": r"\b(?:daily|a day|per day|each day)\b",
        },
    ),
}
_AXIS_RES = {axis: {v: re.compile(p, re.I) for v, p in values.items()} for axis, (_, values) in _AXES.items()}
_AID_RE = re.compile(rf"\b{_AID_WORD}\b", re.I)
_NOT_PLACES = frozenset(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday The A An".split()
)
_PLACE_RE = re.compile(
    r"\b(?:in|across|throughout|inside|within)\s+(?:the\s+)?"
    r"((?:[A-Z][\w'-]+)(?:[ ][A-Z][\w'-]+)*(?:\s*(?:,|and|&)\s+(?:the\s+)?[A-Z][\w'-]+(?:[ ][A-Z][\w'-]+)*)*)"
)
_FIGURE_RE = re.compile(r"\d[\d,.]*+(?!\s*(?:years?|months?|weeks?|days?)\b)")
_CUT_RE = re.compile(r"[;:()\u2014]|\s\u2013\s")


def _region(claim: Claim) -> str:
    """The figure's clause in its sentence: from the previous figure or clause cut to the next."""
    sentence, figure = claim.sentence or "", claim.text or ""
    at = sentence.find(figure) if figure else -1
    if at < 0:
        return sentence
    f0, f1 = at, at + len(figure)
    left = 0
    for m in _FIGURE_RE.finditer(sentence, 0, f0):
        left = m.end()
    for m in _CUT_RE.finditer(sentence, left, f0):
        left = m.end()
    right = len(sentence)
    nxt = _FIGURE_RE.search(sentence, f1)
    if nxt:
        right = nxt.start()
    cut = _CUT_RE.search(sentence, f1, right)
    if cut:
        right = cut.start()
    return sentence[left:right]


@functools.lru_cache(maxsize=50_000)
def coverage_of(claim: Claim) -> frozenset[str]:
    """The narrowing words of a claim as `axis:value` marks (`aid type:military`, `form:loan`,
    `place:Syria`), read from the figure's clause in its sentence and from `about`.

    Only words that change what is counted count: a type of aid other than humanitarian, loans or
    grants, delivered vs pledged, a tranche vs the whole, direct or indirect, civilians, children or
    soldiers, registered, one year vs several, the places a figure is given for. Adjectives that do
    not (emergency, humanitarian, total, new, latest) are not marks.
    """
    text = " ".join(x for x in (_region(claim), claim.about or "") if x)
    marks: set[str] = set()
    aid = bool(_AID_RE.search(text))
    for axis, values in _AXIS_RES.items():
        if axis in ("aid type", "stage") and not (aid or claim.kind == "money"):
            continue
        for value, rx in values.items():
            if rx.search(text):
                marks.add(f"{axis}:{value}")
    for m in _PLACE_RE.finditer(text):
        for name in re.split(r"\s*(?:,|\band\b|&)\s*", m.group(1)):
            name = re.sub(r"^the\s+", "", name.strip(), flags=re.I).removesuffix("'s")
            if name and name.split()[0] not in _NOT_PLACES:
                marks.add(f"place:{name}")
    return frozenset(marks)


def coverage_difference(a: ClaimRef, b: ClaimRef) -> str:
    """The narrowing words that differ between two claims ('military vs humanitarian'), or ''."""
    ma, mb = coverage_of(a.claim), coverage_of(b.claim)
    parts: list[str] = []
    for axis, (default, _values) in (*_AXES.items(), ("place", (None, {}))):
        va = {m.split(":", 1)[1] for m in ma if m.startswith(axis + ":")}
        vb = {m.split(":", 1)[1] for m in mb if m.startswith(axis + ":")}
        if axis in ("aid type", "stage") and a.claim.kind != "money" and not (va or vb):
            continue
        if default is None:
            if not va or not vb or va == vb:
                continue
        else:
            va, vb = va or {default}, vb or {default}
            if va == vb:
                continue
        first, second = sorted((", ".join(sorted(va)) or "-", ", ".join(sorted(vb)) or "-"))
        parts.append(f"{axis}: {first} vs {second}")
    return "; ".join(parts)


# -- dates -------------------------------------------------------------------------------------


def _compare_dates(ca: Claim, cb: Claim) -> tuple[Label, str, float | None]:
    what = _what(ca, cb)
    if not ca.date or not cb.date:
        return "different_scope", f"{what}: a claim has no date to compare", None
    try:
        a0, a1 = bounds(ca.date)
        b0, b1 = bounds(cb.date)
    except InvalidInput as exc:
        return "different_scope", f"{what}: not compared ({exc})", None
    first, second = sorted((ca.date, cb.date))
    if a0 <= b1 and b0 <= a1:
        if ca.date == cb.date:
            return "agree", f"{what}: both {ca.date}", None
        return "agree", f"{what}: {first} and {second} overlap at their precision", None
    gap = _gap_days((a0, a1), (b0, b1))
    # Severity counts steps of the coarser precision between the two dates' middles: 2019 vs 2020
    # is one year-step apart, 6 vs 8 February two day-steps.
    precision = max((a1 - a0).days + 1, (b1 - b0).days + 1)
    middles = abs(((a0 - b0) + (a1 - b1)).days) // 2
    severity = date_severity(middles, precision)
    unit = "day" if gap == 1 else "days"
    return "conflict", f"{what}: {ca.date} vs {cb.date} ({gap} {unit} apart)", severity


def _gap_days(a: tuple[date, date], b: tuple[date, date]) -> int:
    return (b[0] - a[1]).days if a[1] < b[0] else (a[0] - b[1]).days


# -- wording -------------------------------------------------------------------------------------


def _what(ca: Claim, cb: Claim) -> str:
    for c in sorted((ca, cb), key=lambda c: (c.about is None, c.about or "")):
        if c.about:
            return c.about
    return f"{ca.subject}: {ca.kind}" if ca.subject else ca.kind


def _digits(ca: Claim, cb: Claim) -> int:
    """Significant digits that show each stated figure as written, so two different figures never
    display alike (1.234m vs 1.236m, not 1.23m vs 1.24m); at least 3."""
    pts = [x for c in (ca, cb) for x in ((c.value,) if c.value is not None else (c.low, c.high)) if x]
    return max([3, *(len(f"{abs(x):.10e}".split("e")[0].replace(".", "").rstrip("0")) for x in pts)])


def _show(claim: Claim, s: Span, note: str, digits: int) -> str:
    """`“2 million” (2m, taken as 1.9m-2.1m: rounded, capped at ±5%) as of 2022-06-15`.

    A converted money figure shows its own amount, the conversion (`note`) and the interval used
    in the other currency.
    """
    unit = ""
    if claim.kind == "money":
        unit = _converted_ccy(note) or (claim.unit or "")

    def fmt(x: float | None, d: int) -> str:
        if x is None:
            return "…"
        if claim.kind == "money":
            return _money(unit, x, d)
        return f"{_number(x, d)}{'%' if claim.kind == 'percent' else ''}"

    lo, hi = s.stated_lo, s.stated_hi
    if lo is not None and hi is not None and abs(hi - lo) <= _EPS * max(1.0, abs(hi)):
        stated = fmt(lo, digits)
    elif lo is None and hi is not None:
        stated = f"≤{fmt(hi, digits)}"
    elif hi is None and lo is not None:
        stated = f"≥{fmt(lo, digits)}"
    elif lo is not None and hi is not None:
        stated = f"{fmt(lo, digits)}\u2013{fmt(hi, digits)}"
    else:
        stated = "any value"
    if note and claim.kind == "money":
        own = claim.value if claim.value is not None else claim.low
        stated = f"{_money(claim.unit or '', own, digits)} {note}" if own is not None else note
    elif note:
        stated = f"{stated} {note}"
    if (s.lo, s.hi) != (s.stated_lo, s.stated_hi):
        meaning = f"{stated}, taken as {fmt(s.lo, digits + 1)}\u2013{fmt(s.hi, digits + 1)}: {s.rule}"
    else:
        meaning = f"{stated}: {s.rule}"
    scope = f" as of {claim.as_of}" if claim.as_of else ""
    return f"“{claim.text}” ({meaning}){scope}"


def _converted_ccy(note: str) -> str:
    m = re.match(r"≈ ([A-Z]{3}) ", note)
    return m.group(1) if m else ""


def _number(x: float, digits: int = 3) -> str:
    if abs(x) >= 1e6:
        return _magnitude(x, digits)
    if float(x).is_integer():
        return f"{x:,.0f}"
    whole = len(str(int(abs(x)))) if abs(x) >= 1 else 0
    decimals = max(2, digits - whole)
    return f"{x:,.{decimals}f}".rstrip("0").rstrip(".")


def _magnitude(x: float, digits: int = 3) -> str:
    for div, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(x) >= div:
            return f"{x / div:.{digits}g}{suffix}"
    return _number(x, digits)


def _money(ccy: str, x: float, digits: int = 3) -> str:
    return f"{ccy.upper()} {_magnitude(x, digits)}"
