"""When a figure holds: the as-of dates and periods a sentence states, which figures they scope,
and which dates are claims of their own rather than the time of a report.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from claims.frame.clauses import governing_verb
from claims.models import Period
from claims.text.dateresolve import earlier_time, resolve
from claims.text.dates import DateRef, part_period

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


_AS_OF_CUE = re.compile(r"(?:\b(?:[Bb]y|[Aa]s of|[Aa]s at|[Aa]s on)\s(?:the end of\s)?)$")


_SINCE_CUE = re.compile(r"\b[Ss]ince\s(?:the\s)?(?:(?:early|late|mid|start of|end of)[-\s])?$")


_FROM_CUE = re.compile(r"\b(?:[Ff]rom|[Bb]etween)\b")


#: `2.5 percent in December`, `on March 3`: a date that scopes a figure of its own clause.
_IN_CUE = re.compile(r"\b(?:[Ii]n|[Oo]n|[Dd]uring|[Aa]t the end of|[Ii]n late|[Ii]n early|[Ii]n mid-?)\s(?:the\s)?$")


_TO_CUE = re.compile(r"^\s*(?:through|to|until|till|and|-|–)\s*$")


_REPORTING = frozenset(
    "say tell announce report update carry publish issue state add confirm note release quote post "
    "write cite speak".split()
)


#: Nouns a year names rather than dates (`the 2019 Joint Response Plan`, `the 2018 budget`).
_DOCUMENT_NOUNS = frozenset(
    "study report plan survey census paper analysis estimate assessment review strategy document "
    "response budget edition version model season appeal programme program law act".split()
)


def _noun_after(span: Span) -> str:
    """The head noun of the noun run right after `span` (`2019 Joint Response Plan` -> `Plan`)."""
    doc = span.doc
    last = ""
    for t in doc[span.end : min(len(doc), span.end + 5)]:
        if t.pos_ in ("NOUN", "PROPN", "ADJ"):
            last = t.lemma_ or t.text
            continue
        break
    return last


def date_is_claim(span: Span) -> bool:
    """Dates that say when something was *reported*, or only roughly when, are no claims (they still
    scope the figures of their sentence): a relative period (`this year`, `last week`, `this
    morning`), a weekday or `yesterday` on a reporting verb (`the UN said on Tuesday`), and a bare
    year used as a modifier (`a 2010 study`, `the 2019 plan`, `Pakistan's 2022 floods`)."""
    ref = span._.claims_date_ref or {}
    rel = str(ref.get("rel", ""))
    if not rel.startswith("month:") and (
        (rel.split("_")[0] in ("this", "last", "next") and "week" in rel) or rel.endswith(("_month", "_year"))
    ):
        return False
    if re.match(r"(?i)(?:this|last)\s(?:morning|afternoon|evening|night)$", span.text):
        return False
    doc = span.doc
    text = doc.text
    before = text[max(span.sent.start_char, span.start_char - 12) : span.start_char]
    if re.search(r"\b[Aa]s\s(?:of|at|on)\s$", before):
        return False  # `as of Aug. 11, 2023, a total of 2,719`: the figure's as-of, not a claim
    para = text.rfind("\n", 0, span.start_char) + 1
    if re.fullmatch(r"\s*[A-Z][A-Za-z .'’-]{1,30},\s", text[para : span.start_char]) and re.match(
        r"\s?(?:\(|[–—-]\s|:)", text[span.end_char : span.end_char + 3]
    ):
        return False  # a dateline: `ISLAMABAD, Oct 29 (NNN-APP) -`
    if not doc.has_annotation("DEP"):
        return True
    if rel.startswith("weekday:") or rel in ("today", "yesterday"):
        tok = span.root
        for _ in range(4):
            if tok.pos_ in ("VERB", "AUX") or tok.head is tok:
                break
            tok = tok.head
        if tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in _REPORTING:
            return False
    if set(ref) == {"year"} and len(span) == 1:
        prev = doc[span.start - 1] if span.start > 0 else None
        nxt = doc[span.end] if span.end < len(doc) else None
        if (
            prev is not None
            and nxt is not None
            and nxt.pos_ in ("NOUN", "PROPN", "ADJ")
            and (
                prev.lower_ in ("a", "an")
                or (
                    prev.lower_ in ("the", "its", "their", "this", "that")
                    and _noun_after(span).lower() in _DOCUMENT_NOUNS
                )
            )
        ):
            return False
    return True


class Scope(NamedTuple):
    """A date stated in a sentence and how it scopes figures (as of it, since it, over a period)."""

    start: int
    end: int
    cue: str  # "as_of" | "since" | "period" | "in"
    iso: str
    until: str | None = None
    token: int = -1  # first token of the date (`in` scopes only)


#: Before a figure: it is an earlier or compared figure (`up from 5.2 million`, `compared with 3%`).
_EARLIER_BEFORE = re.compile(r"(?:\b(?:from|than|with|against|versus|vs\.?)\s(?:\w+\s)?)$", re.IGNORECASE)


_DATE_AFTER = re.compile(r"^(?:\s[a-z][\w-]*){0,2}?\s(?:in|on|during|at\sthe\send\sof)\s(?:the\s)?$")


def earlier_as_of(
    text: str, span: Span, end: int, group: list[Span], resolved: dict[int, str | None], published: str | None
) -> str | None:
    """The time a figure was true at when the text attaches one right after it: `5.2 million a
    month earlier`, `3% a year ago`, `2,000 last year`; and, for an earlier or compared figure
    (`up from 5.2 million in 2019`), a date right after it."""
    start = (span._.claims_chars or (span.start_char, span.end_char))[0]
    after = text[end : end + 60]
    when = earlier_time(after, published)
    if when is not None:
        return when
    if not _EARLIER_BEFORE.search(text[max(0, start - 30) : start]):
        return None
    for d in group:
        if d._.claims_kind == "date" and d.start_char >= end and _DATE_AFTER.match(text[end : d.start_char]):
            return resolved.get(d.start_char)
    return None


def period_of(ref: DateRef, start_iso: str | None, published: str | None) -> Period | None:
    """The period a date states: a range's two ends, or the months of a part of a year."""
    if start_iso is None:
        return None
    if "end" in ref:
        end_ref = dict(ref["end"])
        if "year" not in end_ref and start_iso[:4].isdigit():
            end_ref["year"] = int(start_iso[:4])
        end_iso = resolve(end_ref, published)  # type: ignore[arg-type]
        return Period(start=start_iso, end=end_iso) if end_iso else None
    months = part_period(ref)
    return Period(start=months[0], end=months[1]) if months else None


def sentence_scopes(
    text: str,
    group: list[Span],
    resolved: dict[int, str | None],
    has_figures: bool,
    periods: dict[int, Period] | None = None,
) -> tuple[list[Scope], set[int]]:
    """As-of dates and periods stated in a sentence, and date spans used up as period bounds.

    A date that states a period of its own (`from 15 June to October 2022`, `in mid-2023`) scopes
    the figures after it as that period; it stays a date claim (never used up)."""
    scopes: list[Scope] = []
    consumed: set[int] = set()
    periods = periods or {}
    dates = [s for s in group if s._.claims_kind == "date" and resolved.get(s.start_char)]
    if not dates:
        return scopes, consumed
    sent_start = group[0].sent.start_char
    for i, span in enumerate(dates):
        before = text[max(sent_start, span.start_char - 40) : span.start_char]
        iso = resolved[span.start_char]
        assert iso is not None
        own = periods.get(span.start_char)
        if own is not None and not _AS_OF_CUE.search(before) and not _SINCE_CUE.search(before):
            lead = text[max(sent_start, span.start_char - 25) : span.start_char]
            attached = _IN_CUE.search(before) and _attached_to_clause(span) and not _in_list(text, dates, i)
            if re.search(r"\b(?:[Ff]rom|[Bb]etween|[Oo]ver|[Dd]uring|[Tt]hroughout)\s(?:the\s)?$", lead) or attached:
                scopes.append(Scope(span.start_char, span.end_char, "period", own.start or iso, own.end))
            continue
        if _AS_OF_CUE.search(before):
            scopes.append(Scope(span.start_char, span.end_char, "as_of", iso))
        elif _SINCE_CUE.search(before):
            scopes.append(Scope(span.start_char, span.end_char, "since", iso))
        elif i + 1 < len(dates) and _TO_CUE.match(text[span.end_char : dates[i + 1].start_char]):
            lead = text[max(sent_start, span.start_char - 120) : span.start_char]
            if _FROM_CUE.search(lead):
                nxt = dates[i + 1]
                scopes.append(Scope(span.start_char, nxt.end_char, "period", iso, resolved[nxt.start_char]))
                if has_figures:
                    consumed |= {span.start_char, nxt.start_char}
        elif _IN_CUE.search(before) and _attached_to_clause(span) and not _in_list(text, dates, i):
            scopes.append(Scope(span.start_char, span.end_char, "in", iso, None, span.start))
    return scopes, consumed


def _in_list(text: str, dates: list[Span], i: int) -> bool:
    """The date is one of a pair or a range (`in 1904-05 and 1945`, `... to December 2024`)."""
    after = i + 1 < len(dates) and bool(_TO_CUE.match(text[dates[i].end_char : dates[i + 1].start_char]))
    before = i > 0 and bool(_TO_CUE.match(text[dates[i - 1].end_char : dates[i].start_char]))
    return after or before


def _attached_to_clause(date: Span) -> bool:
    """A date in a prepositional phrase of its own (`in December`), not one of a list of dates
    (`two wars, in 1904-05 and 1945`): only such a date can scope a figure of its clause."""
    if not date.doc.has_annotation("DEP"):
        return False
    root = date.root
    if root.dep_ == "conj" or any(c.dep_ == "conj" for c in root.children):
        return False
    if root.dep_ != "pobj" or root.head.dep_ not in ("prep", "conj"):
        return False
    prep = root.head  # `first in 1904-05 and then in 1945`: prepositions in a list
    return prep.dep_ == "prep" and not any(c.dep_ == "conj" for c in prep.children)


def scope_for(span: Span, clause: list[Token], scopes: list[Scope]) -> tuple[str | None, Period | None]:
    """A scope applies to a figure it precedes in the sentence, or that is in the figure's own
    clause (not a clause coordinated with it: `five times as large, and nine times as large by
    2030`). An `in <date>` scope applies only when its phrase hangs on the figure's verb or noun."""
    as_of: str | None = None
    period: Period | None = None
    own = {(t.idx, t.idx + len(t)) for t in clause}
    starts = {a for a, _ in own}
    for sc in scopes:
        inside = sc.start in starts
        if sc.cue == "in":
            if not inside or span._.claims_kind == "duration" or not _scopes_figure(span, span.doc[sc.token]):
                continue
            as_of = as_of or sc.iso
            continue
        if not (sc.end <= span.start_char or inside):
            continue
        if sc.cue == "as_of":
            as_of = sc.iso
        elif sc.cue == "since":
            period = Period(start=sc.iso, end=None)
        else:
            period = Period(start=sc.iso, end=sc.until)
            as_of = as_of or sc.until
    return as_of, period


def _scopes_figure(span: Span, date_tok: Token) -> bool:
    """The date's preposition hangs on the figure's governing verb or on the figure itself."""
    tok = date_tok
    while tok.dep_ != "pobj" and tok.head != tok and tok.head.ent_type_ in ("DATE", "TIME"):
        tok = tok.head
    if tok.dep_ != "pobj":
        return False
    anchor = tok.head.head
    verb = governing_verb(span)
    return (
        anchor == verb
        or anchor == span.root
        or (span.start <= anchor.i < span.end)
        or (anchor.pos_ in ("NOUN", "PROPN") and anchor == span.root.head)
    )
