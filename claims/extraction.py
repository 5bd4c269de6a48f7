"""From an article to claims: clean, run the pipeline once, turn candidate spans into Claims.

Offsets are into the cleaned text, and `claim.text == extraction.text[claim.start:claim.end]`
always holds (each claim's text is sliced from that text).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from typing import TYPE_CHECKING, Any

from spacy.tokens import Span

from claims.errors import InvalidInput
from claims.frame.attribute import attribute_of, counted_phrase_end
from claims.frame.clauses import clause_tokens, context_of
from claims.frame.entities import drop_cache, ents_within, people_of
from claims.frame.measure import frame_of, subject_for
from claims.frame.scope import date_is_claim, earlier_as_of, period_of, scope_for, sentence_scopes
from claims.frame.subjects import attribution_of, subject_of
from claims.frame.topic import Topic, topic_of
from claims.models import Claim, Extraction, Period
from claims.text.clean import clean_html, clean_text
from claims.text.components.common import SPAN_KEY
from claims.text.dateresolve import resolve
from claims.text.nlp import get_nlp
from claims.text.partialdate import normalise_published, reference_day

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from spacy.language import Language
    from spacy.tokens import Doc

    from claims.settings import Settings
    from claims.text.dates import DateRef

EXTRACTOR_VERSION = "rules-5"

log = logging.getLogger(__name__)

#: The work budget (see `claims_of`): figures read per sentence and per article. News sentences
#: carry a handful of figures and articles a few dozen; a list of hundreds is a table or an attack.
MAX_SENTENCE_CLAIMS = 50
MAX_ARTICLE_CLAIMS = 1000


class ExtractionStopped(Exception):
    """The caller asked extraction to stop (its client went away or its deadline passed)."""


#: Lines that are bylines, datelines and publication notes: their dates are not claims.
_PUBLICATION_NOTE = re.compile(
    r"^\s*(?:Published\b|Updated\b|Posted\b|First published\b|Last updated\b|Last modified\b"
    r"|Photo:|Image:|Copyright\b|©)"
)
_BYLINE = re.compile(r"^\s*By\s")
#: A short line that starts like a phrase about a time (`In the 1970s`), not like a dateline.
_TIME_PHRASE = re.compile(r"^(?:In|On|Since|During|Until|Till|From|Through|Throughout|Before|After)\s")


def extract(
    text: str | None = None,
    *,
    html: str | None = None,
    published: str | None = None,
    title: str | None = None,
    nlp: Language | None = None,
    settings: Settings | None = None,
) -> Extraction:
    """Clean `text` (or `html`), run the pipeline and return the claims found.

    `published` is a partial ISO date (YYYY, YYYY-MM, YYYY-MM-DD) or a timestamp; year-less and
    relative dates resolve against it. The pipeline is `nlp`, else the one `settings` names (the
    caller reads the environment; the extractor never does), else the default model.
    """
    if text is None and html is None:
        raise InvalidInput("give text or html")
    cleaned = clean_html(html) if text is None and html is not None else clean_text(text or "")
    pub = normalise_published(published) if published else None
    if nlp is None:
        from claims.settings import Settings

        nlp = get_nlp((settings or Settings()).spacy_model)
    return _extraction(nlp(cleaned), pub, title)


def extract_many(
    nlp: Language,
    items: Iterable[tuple[str, str | None] | tuple[str, str | None, str | None]],
    *,
    batch_size: int = 16,
    n_process: int = 1,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[Extraction]:
    """Bulk extraction over already-cleaned texts (with publication date and optional title): one
    `nlp.pipe` call, light per-doc work. `should_stop` is asked between documents and between
    sentences (ExtractionStopped when it answers True)."""
    stream = (
        (item[0], (normalise_published(item[1]) if item[1] else None, item[2] if len(item) > 2 else None))
        for item in items
    )
    for doc, (pub, title) in nlp.pipe(stream, as_tuples=True, batch_size=batch_size, n_process=n_process):
        yield _extraction(doc, pub, title, should_stop)


def _extraction(
    doc: Doc, published: str | None, title: str | None, should_stop: Callable[[], bool] | None = None
) -> Extraction:
    if should_stop is not None and should_stop():
        raise ExtractionStopped("extraction stopped before the article was read")
    topic = topic_of(doc, title)
    return Extraction(
        text=doc.text,
        claims=claims_of(doc, published, title, topic=topic, should_stop=should_stop),
        extractor_version=EXTRACTOR_VERSION,
        topic=list(topic.names),
    )


# -- from spans to claims ------------------------------------------------------------------------
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


def claims_of(
    doc: Doc,
    published: str | None,
    title: str | None = None,
    *,
    topic: Topic | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[Claim]:
    """Turn the candidate spans of a processed doc into Claims (published: partial ISO or None).

    The work is bounded: at most MAX_SENTENCE_CLAIMS figures per sentence and MAX_ARTICLE_CLAIMS
    per article are read (the cut is logged), and `should_stop` (the client hung up, a deadline
    passed) is asked before each sentence; when it answers True, ExtractionStopped is raised.
    """
    if SPAN_KEY not in doc.spans or not len(doc.spans[SPAN_KEY]):
        return []
    topic = topic if topic is not None else topic_of(doc, title)
    sents = list(doc.sents)
    hooks = _index_sentences(doc, sents)
    try:
        return _claims_of(doc, sents, published, topic, should_stop)
    finally:
        for store, name in hooks:
            store.pop(name, None)
        drop_cache(doc)


def _index_sentences(doc: Doc, sents: list[Span]) -> list[tuple[dict[str, Any], str]]:
    """Answer `span.sent`, `token.sent` and `doc.sents` from one list of the doc's sentences.

    spaCy finds a span's sentence by walking its tokens to the sentence's edges, so asking it for
    every figure of a long sentence cost the sentence's length squared; a binary search over the
    sentence starts answers the same sentence (the one holding the span's first token).
    """
    sents[:] = [_Sentence(doc, s.start, s.end) for s in sents]
    starts = [s.start for s in sents]

    def sent_at(i: int) -> Span:
        return sents[bisect_right(starts, i) - 1]

    doc.user_hooks["sents"] = lambda _doc: iter(sents)
    doc.user_span_hooks["sent"] = lambda span: sent_at(span.start)
    doc.user_token_hooks["sent"] = lambda token: sent_at(token.i)
    return [(doc.user_hooks, "sents"), (doc.user_span_hooks, "sent"), (doc.user_token_hooks, "sent")]


class _Sentence(Span):
    """A sentence whose `ents` come from the document's entity index: spaCy's `Span.ents` rebuilds
    every entity of the document on each call, and the frame of each figure asks for its
    sentence's entities several times."""

    @property
    def ents(self) -> list[Span]:  # type: ignore[override]
        """The entities wholly inside the sentence, in order (as `Span.ents`)."""
        return ents_within(self.doc, self.start, self.end)


def _within_budget(by_sent: dict[int, list[Span]], n_spans: int) -> dict[int, list[Span]]:
    """At most MAX_SENTENCE_CLAIMS candidate figures per sentence and MAX_ARTICLE_CLAIMS in all,
    in text order; the cut is logged. Reading one figure looks at its whole sentence and at the
    article's entities, so without a bound a hostile page of n figures cost n²."""
    out: dict[int, list[Span]] = {}
    kept = 0
    long_sentences = 0
    for no in sorted(by_sent):
        group = by_sent[no]
        if len(group) > MAX_SENTENCE_CLAIMS:
            long_sentences += 1
            group = group[:MAX_SENTENCE_CLAIMS]
        group = group[: max(0, MAX_ARTICLE_CLAIMS - kept)]
        if group:
            out[no] = group
            kept += len(group)
    if kept < n_spans:
        log.warning(
            "extraction budget: read %d of %d candidate figures (%d sentences over %d figures, "
            "article limit %d); the rest are not claims",
            kept,
            n_spans,
            long_sentences,
            MAX_SENTENCE_CLAIMS,
            MAX_ARTICLE_CLAIMS,
        )
    return out


def _claims_of(
    doc: Doc, sents: list[Span], published: str | None, topic: Topic, should_stop: Callable[[], bool] | None
) -> list[Claim]:
    text = doc.text
    spans = sorted(doc.spans[SPAN_KEY], key=lambda s: s.start_char)
    starts = [s.start_char for s in sents]
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
    by_sent = _within_budget(by_sent, len(spans))

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
            period = period_of(ref, resolved[span.start_char], published)
            if period is not None:
                periods[span.start_char] = period
        if year_here is not None:
            last_year[no] = year_here

    claims: list[Claim] = []
    last_count: tuple[int, str] | None = None  # (sentence no, unit) of the latest count with a noun
    for no in sorted(by_sent):
        if should_stop is not None and should_stop():
            raise ExtractionStopped(f"extraction stopped at sentence {no + 1} of {len(sents)}")
        sent = sents[no]
        if _is_furniture(sent):
            continue
        group = by_sent[no]
        if _is_dateline(sent, group):
            group = [s for s in group if s._.claims_kind != "date"]
            if not group:
                continue
        quantitative = [s for s in group if s._.claims_kind != "date"]
        scopes, consumed = sentence_scopes(text, group, resolved, bool(quantitative), periods)
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
            about = attribute_of(span, kind, unit, frame)
            start, end = span._.claims_chars or (span.start_char, span.end_char)
            if kind == "count" and span._.claims_unit is not None:
                # `four contested islands`: the counted noun phrase right after the figure
                end = max(end, counted_phrase_end(span))
            if kind == "date" and not date_is_claim(span):
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
            as_of, period = scope_for(span, clause, scopes)
            as_of = earlier_as_of(text, span, end, group, resolved, published) or as_of
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
