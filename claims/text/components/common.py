"""Shared bits of the rule components: the span group name, extensions, text-context helpers."""

from __future__ import annotations

from spacy.tokens import Doc, Span

SPAN_KEY = "claims"

#: Extensions set on candidate spans. `claims_chars` holds the exact character offsets of the
#: figure; dates carry `claims_date_ref` (unresolved: resolution needs the publication date, which
#: the pipeline does not know) and, for a stated period (`14 June 2022 - October 2022`, `mid-2023`,
#: `the first quarter of 2024`), `claims_date_end`, the ref of its last part. `claims_change` is
#: True on a figure the text gives as a change (`fell 0.4 per cent to 4,120`: the 0.4 per cent).
SPAN_EXTENSIONS: tuple[str, ...] = (
    "claims_kind",
    "claims_value",
    "claims_low",
    "claims_high",
    "claims_qualifier",
    "claims_unit",
    "claims_date_ref",
    "claims_chars",
    "claims_date_end",
    "claims_change",
)

#: Entity labels that mark a name: a number inside one (`Group of Seven`) is not a figure.
NAME_LABELS = frozenset({"ORG", "PERSON", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "FAC", "LOC", "GPE"})


def ensure_extensions() -> None:
    """Register the claim attributes on spaCy spans once per process (idempotent)."""
    for name in SPAN_EXTENSIONS:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


def at_sentence_start(text: str, start: int) -> bool:
    """True when only whitespace, quotes or brackets separate `start` from a sentence break."""
    i = start - 1
    while i >= 0 and text[i] in " \t\"'“‘([":
        i -= 1
    return i < 0 or text[i] in ".!?\n:;—–"


def add_span(doc: Doc, start: int, end: int, **values: object) -> Span | None:
    """Add a candidate span at character offsets (expanded to token bounds), with extensions."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    for name, value in values.items():
        setattr(span._, name, value)
    # the exact characters matched: a token may run past them (`$1m.` can be one token)
    span._.claims_chars = (start, end)
    group = doc.spans[SPAN_KEY] if SPAN_KEY in doc.spans else None
    if group is None:
        doc.spans[SPAN_KEY] = [span]
    else:
        group.append(span)
    return span


class Taken(list[tuple[int, int]]):
    """Character ranges already claimed, with a per-character mask beside the list.

    Testing a range against every claimed range made a document of n figures cost n² (a page of
    "1 2 3 ..." took 42 s for 19 KB); with the mask an overlap test costs the length of the range
    tested. Empty ranges (never claimed in practice) fall back to the plain scan.
    """

    def __init__(self, spans: list[tuple[int, int]] | None = None) -> None:
        super().__init__()
        self._mask = bytearray()
        self._exact = True  # False once an empty range is added: the mask cannot hold one
        for span in spans or ():
            self.append(span)

    def append(self, span: tuple[int, int]) -> None:
        """Claim `span` (start, end)."""
        super().append(span)
        start, end = span
        if end <= start:
            self._exact = False
            return
        if end > len(self._mask):
            self._mask.extend(bytes(end - len(self._mask)))
        self._mask[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        """Some claimed range overlaps [start, end) (the same test as `overlaps_any`)."""
        if not self._exact or end <= start:
            return any(start < e and s < end for s, e in self)
        return self._mask.find(1, start, min(end, len(self._mask))) != -1


def taken(doc: Doc) -> Taken:
    """The character ranges of the candidate spans found so far."""
    if SPAN_KEY not in doc.spans:
        return Taken()
    return Taken([(s.start_char, s.end_char) for s in doc.spans[SPAN_KEY]])


def overlaps_any(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Some range in `spans` overlaps [start, end)."""
    if isinstance(spans, Taken):
        return spans.overlaps(start, end)
    return any(start < e and s < end for s, e in spans)
