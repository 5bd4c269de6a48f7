"""The "Why" line written for an editor: what the comparison found and why the two claims were
paired, in words; the matcher's own reason and scores stay behind a "details" fold.

A stored reason reads `<verdict> [matched on <grounds>]` (`claims/match.py`): the verdict is the
comparison's own sentence (`Port: 4,100 vs 1,250 (both as of 2024-05-02)`), the grounds are
`both <about>`, `same story (w1, w2)` or `same article`, `similar wording 83%` and, for an unsure
match, `suggestion: needs an editor`. Each is rewritten here; anything unknown is kept as it is.
"""

from __future__ import annotations

import re

import msgspec

_MATCHED_ON = re.compile(r"\s*\[matched on (?P<grounds>.*)\]\s*$")
_WORDING = re.compile(r"^similar wording (?P<pct>\d+)%$")
_STORY = re.compile(r"^same story \((?P<words>.*)\)$")


class Why(msgspec.Struct, frozen=True, kw_only=True):
    headline: str
    """One sentence: what the comparison says about the two figures."""
    grounds: list[str]
    """Why the two claims were put side by side, one plain phrase each."""
    details: str
    """The stored reason as the matcher wrote it, with the scores (for the details fold)."""


def gap_words(severity: float | None) -> str:
    """Severity (0-1, 0.5 = a 25 % gap between the figures) as words an editor reads at a glance."""
    if severity is None:
        return ""
    if severity < 0.2:
        return "slightly apart"
    if severity < 0.5:
        return "clearly apart"
    if severity < 0.75:
        return "far apart"
    return "very far apart"


def _ground(part: str) -> str:
    part = part.strip()
    if part.startswith("both "):
        return f"both figures are about {part[5:]}"
    if part == "same article":
        return "both come from the same article"
    story = _STORY.match(part)
    if story:
        return f"both stories are about {story['words']}"
    wording = _WORDING.match(part)
    if wording:
        pct = int(wording["pct"])
        if pct >= 70:
            return "the two sentences are worded almost the same way"
        if pct >= 40:
            return "the two sentences are worded alike in part"
        return "the two sentences are worded differently"
    if part.startswith("suggestion"):
        return "the match is uncertain: a person should decide whether these are the same figure"
    return part


def _headline(verdict: str, label: str, severity: float | None) -> str:
    verdict = verdict.strip().rstrip(".")
    if label == "conflict":
        gap = gap_words(severity)
        return f"The figures disagree{f' ({gap})' if gap else ''}: {verdict}." if verdict else "The figures disagree."
    if label == "agree":
        return f"The figures agree: {verdict}." if verdict else "The figures agree."
    if label == "different_scope":
        return f"Probably not the same measure, so not a contradiction: {verdict}."
    return f"{verdict}." if verdict else ""


def why(reason: str, label: str, severity: float | None, score: float | None = None) -> Why:
    """The reason of a conflict or match, rewritten for people (see the module docstring)."""
    found = _MATCHED_ON.search(reason)
    verdict = reason[: found.start()] if found else reason
    grounds = [_ground(p) for p in found["grounds"].split(";") if p.strip()] if found else []
    details = reason if score is None else f"{reason} (match score {score:.2f})"
    if severity is not None:
        details += f"; severity {severity:.2f}"
    return Why(headline=_headline(verdict, label, severity), grounds=grounds, details=details)
