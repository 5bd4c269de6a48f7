"""`claims_dates`: finds dates (absolute, year-less, decades, bare years, relative) as spans.

Resolution against the publication date happens later in `claims.extract`, since the pipeline
is shared by all articles and does not know their dates.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from spacy.language import Language

from claims.text.components.common import SPAN_KEY, add_span, at_sentence_start, ensure_extensions, overlaps_any, taken
from claims.text.dates import DATE_PATTERN, ref_from_match, span_of
from claims.text.normalise import QUALIFIER_PATTERN

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

#: Words that may sit right before a bare year used as a date; any other capitalised word
#: before a year makes it part of a name (`Tokyo 2020`, `Vision 2030`).
_YEAR_CUES = frozenset(
    "in since by from until till through to of during before after around circa early late mid "
    "the its his her their our and or between on than".split()
)
_NOT_A_YEAR_AFTER = re.compile(
    r"^(?:\s?%|\s(?:per\s?cent|percent|million|billion|trillion|bn|times)\b|[-\s]year|,\d|\.\d)",
    re.IGNORECASE,
)


_PERIOD_JOIN = re.compile(r"\s?[-–—]\s?|\s(?:to|until|till|through|thru)\s")


def _period(doc: Doc, text: str, a: Span, b: Span) -> Span | None:
    ra, rb = a._.claims_date_ref, b._.claims_date_ref
    if a._.claims_kind != "date" or b._.claims_kind != "date" or not ra or not rb:
        return None
    if any(k in r for r in (ra, rb) for k in ("rel", "decade", "end", "part")):
        return None
    gap = text[a.end_char : b.start_char]
    between = re.search(r"\b[Bb]etween\s$", text[max(0, a.start_char - 9) : a.start_char]) is not None
    if not (_PERIOD_JOIN.fullmatch(gap) or (between and gap == " and ")):
        return None
    if ("month" in ra) != ("month" in rb) and "month" not in rb:
        return None  # `June 2022 to 2023`: not a form news writes for one period
    start = dict(ra)
    if "year" not in start:
        if "year" not in rb:
            return None
        start["year"] = rb["year"] if start.get("month", 1) <= rb.get("month", 12) else rb["year"] - 1
    span = doc.char_span(a.start_char, b.end_char, alignment_mode="expand")
    if span is None:
        return None
    start["end"] = dict(rb)
    span._.claims_kind = "date"
    span._.claims_date_ref = start
    span._.claims_chars = (a.start_char, b.end_char)
    return span


@Language.factory("claims_dates", default_config={"min_year": 1500, "max_year": 2099})
def make_date_finder(nlp: Language, name: str, min_year: int, max_year: int) -> DateFinder:
    """spaCy factory of the date component, so a pipeline config can name it."""
    return DateFinder(min_year=min_year, max_year=max_year)


class DateFinder:
    """Adds date candidate spans with `Span._.claims_kind == "date"` and `claims_date_ref`."""

    def __init__(self, *, min_year: int, max_year: int) -> None:
        if not 0 < min_year < max_year:
            raise ValueError(f"claims_dates: bad year bounds {min_year}..{max_year}")
        self.min_year = min_year
        self.max_year = max_year
        self.pattern = re.compile(DATE_PATTERN)
        self.qualifier_before = re.compile(rf"(?:\$|€|£|¥|{QUALIFIER_PATTERN}\s)$")
        ensure_extensions()

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        used = taken(doc)
        for m in self.pattern.finditer(text):
            ref = ref_from_match(m)
            if ref is None:
                continue
            start, end = span_of(m)
            if overlaps_any(start, end, used):
                continue
            year = ref.get("year")
            # with a day and a month a four-digit number is a year however old (`5 December 1391`)
            too_old = year is not None and year < self.min_year and "day" not in ref
            if too_old or (year is not None and year > self.max_year):
                continue
            if m.group("f") and not self._bare_year_is_date(text, start, end):
                continue
            if add_span(doc, start, end, claims_kind="date", claims_date_ref=dict(ref)) is not None:
                used.append((start, end))
        self._merge_periods(doc, text)
        return doc

    @staticmethod
    def _merge_periods(doc: Doc, text: str) -> None:
        """`14 June 2022 - October 2022`, `15 June to October 2022`, `between 2014 and 2020`: two
        dates that bound one period are one date span (its ref the start, `end` the last part)."""
        if SPAN_KEY not in doc.spans or len(doc.spans[SPAN_KEY]) < 2:
            return
        spans = sorted(doc.spans[SPAN_KEY], key=lambda s: s.start_char)
        out: list[Span] = []
        merged = False
        i = 0
        while i < len(spans):
            a = spans[i]
            b = spans[i + 1] if i + 1 < len(spans) else None
            joined = _period(doc, text, a, b) if b is not None else None
            if joined is not None:
                out.append(joined)
                merged = True
                i += 2
                continue
            out.append(a)
            i += 1
        if merged:
            doc.spans[SPAN_KEY] = out

    def _bare_year_is_date(self, text: str, start: int, end: int) -> bool:
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "$€£¥#.,/=&-"):
            return False
        if _NOT_A_YEAR_AFTER.match(text[end : end + 12]):
            return False
        if self.qualifier_before.search(text[max(0, start - 25) : start]):
            return False
        base = max(0, start - 30)
        before = text[base:start].rstrip()
        prev = re.search(r"([\w'’.-]+)$", before)
        if prev:
            word = prev.group(1)
            if word[:1].isupper() and word.lower() not in _YEAR_CUES and not word.endswith(("'s", "’s")):
                # a capitalised non-cue word right before is a name (`Vision 2030`), unless it
                # merely starts the sentence
                if not at_sentence_start(text, base + prev.start()):
                    return False
        return True
