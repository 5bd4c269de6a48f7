"""What a figure in a labelled line measures: `Estimated cost (CPI-adjusted): $161.3 billion`,
or under a heading, `Deaths by state:` then `- Alabama: 2`.

Fact boxes, statistics lists and infobox lines say what is measured in their label, not in a
sentence; the parse of such a line gives no verb or noun phrase to read.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span

#: `- Label:` right before the figure, at the start of its line.
_LABEL = re.compile(r"^\s*(?:[-•*–·]\s*)?(?P<label>[^:\n]{1,60}?)\s*:\s*(?:about|around|nearly|some|over)?\s*$", re.I)
#: A heading line that introduces a list: ends with a colon.
_HEADING = re.compile(r"^\s*(?P<heading>[^\n]{3,120}?)\s*:\s*$")
_ITEM = re.compile(r"^\s*(?:[-•*–·]\s*)?[^:\n]{1,60}:\s*\S")
_PAREN = re.compile(r"\s*\([^)]*\)")
_BY = re.compile(r",?\s+(?:by|per|for each|in each)\s+[\w-]+(?:\s+and\s+[\w-]+)?\s*$", re.I)
_MAX_LOOKBACK = 30


def table_label(span: Span) -> str | None:
    """The label of a `Label: figure` line; when the label is only a name (a state, a country, a
    team: `Alabama: 2`), the heading the list hangs from (`Deaths, direct or indirect, by state`
    -> `Deaths, direct or indirect`). None for a figure inside running prose."""
    text = span.doc.text
    start, end = span.start_char, span.end_char
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    rest = text[end : len(text) if line_end < 0 else line_end]
    if rest.strip(" .;,") and not rest.strip().startswith("("):
        return None
    m = _LABEL.match(text[line_start:start])
    if m is None:
        return None
    label = m.group("label").strip()
    if not _is_name(label):
        return label
    return _heading(text, line_start)


def _is_name(label: str) -> bool:
    """`Alabama`, `All states`, `New South Wales`: a row's name, not what is measured."""
    words = label.split()
    return (
        bool(words)
        and len(words) <= 4
        and ((words[0][:1].isupper() and all(w[:1].isupper() for w in words)) or label.lower().startswith("all "))
    )


def _heading(text: str, line_start: int) -> str | None:
    """The nearest line above that ends with a colon, past other items of the same list."""
    pos = line_start
    for _ in range(_MAX_LOOKBACK):
        if pos <= 0:
            return None
        prev_start = text.rfind("\n", 0, pos - 1) + 1
        line = text[prev_start : pos - 1] if text[pos - 1] == "\n" else text[prev_start:pos]
        pos = prev_start
        if not line.strip():
            continue
        if (m := _HEADING.match(line)) is not None and not _ITEM.match(line):
            heading = _BY.sub("", _PAREN.sub("", m.group("heading"))).strip(" ,;")
            return heading or None
        if not _ITEM.match(line):
            return None
    return None
