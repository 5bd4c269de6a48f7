"""From an article to claims: clean, run the pipeline once, turn candidate spans into Claims.

Offsets are into the cleaned text, and `claim.text == extraction.text[claim.start:claim.end]`
always holds (each claim's text is sliced from that text).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from claims.errors import InvalidInput
from claims.frame import Topic, frame_of, measure_phrase, topic_of
from claims.frame.measure import measure_words, subject_for
from claims.models import Claim, Extraction, Frame, Period
from claims.subjects import (
    about_of,
    attribution_of,
    clause_tokens,
    context_of,
    counted_phrase_end,
    people_of,
    subject_of,
)
from claims.text.clean import clean_html, clean_text
from claims.text.components.common import SPAN_KEY
from claims.text.dateresolve import earlier_time, resolve
from claims.text.dates import DateRef, part_period
from claims.text.nlp import get_nlp
from claims.text.partialdate import normalise_published, reference_day

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

EXTRACTOR_VERSION = "rules-4"

#: Lines that are bylines, datelines and publication notes: their dates are not claims.
_PUBLICATION_NOTE = re.compile(
    r"^\s*(?:Published\b|Updated\b|Posted\b|First published\b|Last updated\b|Last modified\b"
    r"|Photo:|Image:|Copyright\b|©)"
)
_BYLINE = re.compile(r"^\s*By\s")
#: A short line that starts like a phrase about a time (`In the 1970s`), not like a dateline.
_TIME_PHRASE = re.compile(r"^(?:In|On|Since|During|Until|Till|From|Through|Throughout|Before|After)\s")
_AS_OF_CUE = re.compile(r"(?:\b(?:[Bb]y|[Aa]s of|[Aa]s at|[Aa]s on)\s(?:the end of\s)?)$")
_SINCE_CUE = re.compile(r"\b[Ss]ince\s(?:the\s)?(?:(?:early|late|mid|start of|end of)[-\s])?$")
_FROM_CUE = re.compile(r"\b(?:[Ff]rom|[Bb]etween)\b")
#: `2.5 percent in December`, `on March 3`: a date that scopes a figure of its own clause.
_IN_CUE = re.compile(r"\b(?:[Ii]n|[Oo]n|[Dd]uring|[Aa]t the end of|[Ii]n late|[Ii]n early|[Ii]n mid-?)\s(?:the\s)?$")
_TO_CUE = re.compile(r"^\s*(?:through|to|until|till|and|-|–)\s*$")


def extract(
    text: str | None = None,
    *,
    html: str | None = None,
    published: str | None = None,
    title: str | None = None,
    nlp: Language | None = None,
) -> Extraction:
    """Clean `text` (or `html`), run the pipeline and return the claims found.

    `published` is a partial ISO date (YYYY, YYYY-MM, YYYY-MM-DD) or a timestamp; year-less and
    relative dates resolve against it.
    """
    if text is None and html is None:
        raise InvalidInput("give text or html")
    cleaned = clean_html(html) if text is None and html is not None else clean_text(text or "")
    pub = normalise_published(published) if published else None
    if nlp is None:
        from claims.settings import Settings

        nlp = get_nlp(Settings.from_env().spacy_model)
    return _extraction(nlp(cleaned), pub, title)


def extract_many(
    nlp: Language,
    items: Iterable[tuple[str, str | None] | tuple[str, str | None, str | None]],
    *,
    batch_size: int = 16,
    n_process: int = 1,
) -> Iterator[Extraction]:
    """Bulk extraction over already-cleaned texts (with publication date and optional title): one
    `nlp.pipe` call, light per-doc work."""
    stream = (
        (item[0], (normalise_published(item[1]) if item[1] else None, item[2] if len(item) > 2 else None))
        for item in items
    )
    for doc, (pub, title) in nlp.pipe(stream, as_tuples=True, batch_size=batch_size, n_process=n_process):
        yield _extraction(doc, pub, title)


def _extraction(doc: Doc, published: str | None, title: str | None) -> Extraction:
    topic = topic_of(doc, title)
    return Extraction(
        text=doc.text,
        claims=claims_of(doc, published, title, topic=topic),
        extractor_version=EXTRACTOR_VERSION,
        topic=list(topic.names),
    )


# -- from spans to claims ------------------------------------------------------------------------
def _sentence_index(doc: Doc) -> tuple[list[Span], list[int]]:
    sents = list(doc.sents)
    return sents, [s.start_char for s in sents]


def _sent_no(starts: list[int], char: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= char:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _has_verb(sent: Span) -> bool:
    if sent.doc.has_annotation("POS"):
        return any(t.pos_ in ("VERB", "AUX") for t in sent)
    return bool(re.search(r"[.!?\"”]$", sent.text.strip()))  # blank pipeline: a full stop will do


def _is_furniture(sent: Span) -> bool:
    """Bylines and `Published in ...` notes: lines that state no event."""
    text = sent.text.strip()
    if _PUBLICATION_NOTE.match(text) and len(sent) <= 25:
        return True
    return bool(_BYLINE.match(text) and len(sent) <= 25 and not _has_verb(sent))


def _is_dateline(sent: Span, group: list[Span] | None = None) -> bool:
    """A short verbless line with a date (`Jane Doe November 27, 2022`): its date is no claim.

    Only dates are dropped on such lines: a headline like `Japan's $44bn gamble` keeps its figure.
    A line that is a phrase about a time (`In the 1970s`, `Since March 2022`) or a bare
    year-less date (`Feb 29`) is not a dateline: datelines name someone or carry a full date.
    """
    text = sent.text.strip()
    if len(sent) <= 12 and not re.search(r"[.!?\"”]$", text):
        if _TIME_PHRASE.match(text):
            return False
        if group is not None and _bare_yearless_date(sent, group):
            return False
        if sent.doc.has_annotation("POS"):
            return not _has_verb(sent)
        words = [t for t in sent if t.is_alpha]
        return bool(words) and sum(t.text[0].isupper() for t in words) >= 0.6 * len(words)
    return False


def _bare_yearless_date(sent: Span, group: list[Span]) -> bool:
    """The line is nothing but dates, none of them with a year (`Feb 29th`)."""
    dates = [s for s in group if s._.claims_kind == "date"]
    if not dates or any("year" in (s._.claims_date_ref or {}) for s in dates):
        return False
    covered = {t.i for s in dates for t in s}
    return all(t.i in covered or not t.is_alpha for t in sent)


def _paragraph_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n\n", text)]


def claims_of(doc: Doc, published: str | None, title: str | None = None, *, topic: Topic | None = None) -> list[Claim]:
    """Turn the candidate spans of a processed doc into Claims (published: partial ISO or None)."""
    if SPAN_KEY not in doc.spans or not len(doc.spans[SPAN_KEY]):
        return []
    topic = topic if topic is not None else topic_of(doc, title)
    text = doc.text
    spans = sorted(doc.spans[SPAN_KEY], key=lambda s: s.start_char)
    sents, starts = _sentence_index(doc)
    people = people_of(doc)

    # paragraphs that repeat an earlier one (headline echoes) add nothing
    para_starts = _paragraph_starts(text)
    seen: set[str] = set()
    repeated: set[int] = set()
    for i, p0 in enumerate(para_starts):
        p1 = para_starts[i + 1] - 2 if i + 1 < len(para_starts) else len(text)
        para = text[p0:p1].strip()
        if para in seen:
            repeated.add(p0)
        seen.add(para)

    by_sent: dict[int, list[Span]] = {}
    for span in spans:
        by_sent.setdefault(_sent_no(starts, span.start_char), []).append(span)

    # resolve dates first. A year-less date takes its year from the last date *with a month and a
    # year* earlier in its sentence or in the sentence before (`late February 2022 ... By March 24`);
    # bare years are not used as hints since they usually date some other event (`signed in 1960`).
    resolved: dict[int, str | None] = {}
    periods: dict[int, Period] = {}  # stated periods: `14 June 2022 - October 2022`, `mid-2023`
    last_year: dict[int, int] = {}
    ref_day = reference_day(published)
    for no in sorted(by_sent):
        year_here: int | None = None
        for span in by_sent[no]:
            ref: DateRef | None = span._.claims_date_ref
            if ref is None:
                continue
            if "year" in ref:
                if "month" in ref:
                    year_here = ref["year"]
                resolved[span.start_char] = resolve(ref, published)
            else:
                hint = year_here if year_here is not None else last_year.get(no - 1)
                if hint is not None and ref_day is not None and hint > ref_day.year + 1:
                    hint = None
                resolved[span.start_char] = resolve(ref, published, hint)
            period = _period_of(ref, resolved[span.start_char], published)
            if period is not None:
                periods[span.start_char] = period
        if year_here is not None:
            last_year[no] = year_here

    claims: list[Claim] = []
    last_count: tuple[int, str] | None = None  # (sentence no, unit) of the latest count with a noun
    for no in sorted(by_sent):
        sent = sents[no]
        if _is_furniture(sent):
            continue
        group = by_sent[no]
        if _is_dateline(sent, group):
            group = [s for s in group if s._.claims_kind != "date"]
            if not group:
                continue
        quantitative = [s for s in group if s._.claims_kind != "date"]
        scopes, consumed = _scope(text, group, resolved, bool(quantitative), periods)
        attribution = attribution_of(sent, people)
        sentence_text = sent.text.strip()
        for span in group:
            p0 = para_starts[_sent_no(para_starts, span.start_char)]
            if p0 in repeated or span.start_char in consumed:
                continue
            kind = span._.claims_kind
            clause = clause_tokens(span)
            context = context_of(clause, (span.start, span.end))
            unit = span._.claims_unit
            frame = frame_of(span, clause, topic, kind, unit)
            subject = subject_for(subject_of(span, people), span, topic, attribution, frame.measure)
            about = _attribute(span, kind, unit, frame)
            start, end = span._.claims_chars or (span.start_char, span.end_char)
            if kind == "count" and span._.claims_unit is not None:
                # `four contested islands`: the counted noun phrase right after the figure
                end = max(end, counted_phrase_end(span))
            if kind == "date" and not _date_is_claim(span):
                continue
            if kind == "date":
                claims.append(
                    Claim(
                        kind="date",
                        text=text[start:end],
                        start=start,
                        end=end,
                        sentence=sentence_text,
                        date=resolved.get(start),
                        subject=subject,
                        about=about,
                        period=periods.get(start),
                        as_of=published,
                        attribution=attribution,
                        context=context,
                        frame=frame,
                    )
                )
                continue
            if kind == "count":
                if unit is None and last_count is not None and last_count[0] >= no - 1 and _noun_elided(span):
                    # `more than 2,700 Ukrainian refugees ... Around 2,000 remain`: the counted
                    # noun is carried from the nearest count before, in this sentence or the last
                    unit = last_count[1]
                elif unit is not None:
                    last_count = (no, unit)
            as_of, period = _scope_for(span, clause, scopes)
            as_of = _earlier_as_of(text, span, end, group, resolved, published) or as_of
            claims.append(
                Claim(
                    kind=kind,
                    text=text[start:end],
                    start=start,
                    end=end,
                    sentence=sentence_text,
                    value=span._.claims_value,
                    low=span._.claims_low,
                    high=span._.claims_high,
                    qualifier=span._.claims_qualifier or "exact",
                    unit=unit,
                    subject=subject,
                    about=about,
                    as_of=as_of or published,
                    period=period,
                    attribution=attribution,
                    context=context,
                    frame=frame,
                )
            )
    return claims


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


def _attribute(span: Span, kind: str, unit: str | None, frame: Frame) -> str | None:
    """What is measured, as an editor writes it: the measure class's phrase ("death toll"), a
    share's base ("share of the population"), else the phrase around the figure."""
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


def _noun_elided(span: Span) -> bool:
    """The figure stands for a noun left out (`Around 2,000 remain`, `visas to 300 more`)."""
    doc = span.doc
    nxt = doc[span.end] if span.end < len(doc) else None
    if nxt is None:
        return True
    if nxt.lower_ in ("more", "others", "other", "further", "additional") or nxt.is_punct:
        return True
    if doc.has_annotation("POS"):
        return nxt.pos_ in ("VERB", "AUX", "ADV", "ADP", "CCONJ", "PUNCT", "PART")
    return nxt.is_lower and nxt.lower_ in ("remain", "remained", "were", "are", "have", "had", "stay", "stayed")


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


def _date_is_claim(span: Span) -> bool:
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


class _Scope(NamedTuple):
    start: int
    end: int
    cue: str  # "as_of" | "since" | "period" | "in"
    iso: str
    until: str | None = None
    token: int = -1  # first token of the date (`in` scopes only)


#: Before a figure: it is an earlier or compared figure (`up from 5.2 million`, `compared with 3%`).
_EARLIER_BEFORE = re.compile(r"(?:\b(?:from|than|with|against|versus|vs\.?)\s(?:\w+\s)?)$", re.IGNORECASE)
_DATE_AFTER = re.compile(r"^(?:\s[a-z][\w-]*){0,2}?\s(?:in|on|during|at\sthe\send\sof)\s(?:the\s)?$")


def _earlier_as_of(
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


def _period_of(ref: DateRef, start_iso: str | None, published: str | None) -> Period | None:
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


def _scope(
    text: str,
    group: list[Span],
    resolved: dict[int, str | None],
    has_figures: bool,
    periods: dict[int, Period] | None = None,
) -> tuple[list[_Scope], set[int]]:
    """As-of dates and periods stated in a sentence, and date spans used up as period bounds.

    A date that states a period of its own (`from 15 June to October 2022`, `in mid-2023`) scopes
    the figures after it as that period; it stays a date claim (never used up)."""
    scopes: list[_Scope] = []
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
                scopes.append(_Scope(span.start_char, span.end_char, "period", own.start or iso, own.end))
            continue
        if _AS_OF_CUE.search(before):
            scopes.append(_Scope(span.start_char, span.end_char, "as_of", iso))
        elif _SINCE_CUE.search(before):
            scopes.append(_Scope(span.start_char, span.end_char, "since", iso))
        elif i + 1 < len(dates) and _TO_CUE.match(text[span.end_char : dates[i + 1].start_char]):
            lead = text[max(sent_start, span.start_char - 120) : span.start_char]
            if _FROM_CUE.search(lead):
                nxt = dates[i + 1]
                scopes.append(_Scope(span.start_char, nxt.end_char, "period", iso, resolved[nxt.start_char]))
                if has_figures:
                    consumed |= {span.start_char, nxt.start_char}
        elif _IN_CUE.search(before) and _attached_to_clause(span) and not _in_list(text, dates, i):
            scopes.append(_Scope(span.start_char, span.end_char, "in", iso, None, span.start))
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


def _scope_for(span: Span, clause: list[Token], scopes: list[_Scope]) -> tuple[str | None, Period | None]:
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
    from claims.subjects import governing_verb

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
