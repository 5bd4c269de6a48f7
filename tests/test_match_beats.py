"""Held-out matching scenarios from other beats (tests/scenarios/beats.json), scored per relation.

Each scenario's passages are extracted with the project's extractor and matched in file order
exactly as ingest does in memory (`tools.eval.relations.match_corpus`). Each relation names
two figures by an exact substring of their passage; the claim whose span overlaps that substring
stands for it. The predicted label of a relation is the linked match label of the two claims, or
"none" (no match, or an unlinked suggestion), or "unextracted" (a figure has no claim).

    /work/main/.venv/bin/python tests/test_match_beats.py      # table + every miss

The first test checks that the file is well formed and prints the figures; the second holds the
targets (conflict recall >= 0.8, traps unlinked >= 0.9) and is xfail until the matching rewrite.
"""

from __future__ import annotations

import inspect
import json
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest

FILE = Path(__file__).resolve().parent / "scenarios" / "beats.json"
LABELS = ("agree", "conflict", "different_scope", "none")
MIN_RELATIONS, MIN_PER_LABEL = 150, 30


def load() -> dict[str, Any]:
    return json.loads(FILE.read_text(encoding="utf-8"))


def figure_span(text: str, figure: list[Any]) -> tuple[int, int] | None:
    """Offsets of [passage, substring, occurrence?] in `text` (occurrence 0-based, default 0)."""
    sub, occ = figure[1], figure[2] if len(figure) > 2 else 0
    start = -1
    for _ in range(occ + 1):
        start = text.find(sub, start + 1)
        if start < 0:
            return None
    return start, start + len(sub)


# -- running the project's pipeline (kept thin: adapt here if extract/match_corpus change) ------
@cache
def _nlp() -> Any:
    from claims.settings import Settings
    from claims.text.nlp import get_nlp

    return get_nlp(Settings.from_env().spacy_model)


def _extract(passage: dict[str, Any]) -> Any:
    from claims.extraction import extract

    kwargs: dict[str, Any] = {"published": passage.get("published"), "nlp": _nlp()}
    if "title" in inspect.signature(extract).parameters:
        kwargs["title"] = passage.get("title")
    return extract(passage["text"], **kwargs)


def run_scenario(scenario: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per relation: expected, predicted, the two claims and the matcher's reason."""
    from tools.eval.gold import locate, overlaps
    from tools.eval.relations import match_corpus

    passages = {p["id"]: p for p in scenario["passages"]}
    order = [p["id"] for p in scenario["passages"]]
    extractions = {pid: _extract(passages[pid]) for pid in order}
    ids, refs, results = match_corpus(extractions, order, {pid: passages[pid].get("published") for pid in order})
    pair = {frozenset((m.a, m.b)): m for m in results}

    def claim_id(fig: list[Any]) -> int | None:
        raw, ext = passages[fig[0]]["text"], extractions[fig[0]]
        span = figure_span(raw, fig)
        where = locate(raw, *span, ext.text) if span else None
        if where is None:
            return None
        hits = [
            (min(c.end, where[1]) - max(c.start, where[0]), i)
            for i, c in enumerate(ext.claims)
            if overlaps(c.start, c.end, *where)
        ]
        return ids[(fig[0], max(hits)[1])] if hits else None

    rows = []
    for rel in scenario["relations"]:
        a, b = claim_id(rel["a"]), claim_id(rel["b"])
        m = pair.get(frozenset((a, b))) if a is not None and b is not None and a != b else None
        if a is None or b is None:
            predicted = "unextracted"
        elif a == b:
            predicted = "same claim"
        else:
            predicted = m.label if m is not None and m.linked else "none"
        rows.append(
            {
                "scenario": scenario["id"],
                "expected": rel["label"],
                "predicted": predicted,
                "a": rel["a"],
                "b": rel["b"],
                "why": rel.get("why", ""),
                "claim_a": refs[a].claim if a is not None else None,
                "claim_b": refs[b].claim if b is not None else None,
                "suggested": m.label if m is not None and not m.linked else None,
                "reason": (
                    f"{'linked' if m.linked else 'suggestion'} {m.label} {m.score:.2f}: {m.reason}"
                    if m is not None
                    else "no match"
                ),
            }
        )
    return rows


def run_all() -> list[dict[str, Any]]:
    return [row for s in load()["scenarios"] for row in run_scenario(s)]


def score(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_label: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        by_label[r["expected"]][r["predicted"]] += 1
    accuracy = {lab: (by_label[lab][lab] / n if (n := sum(by_label[lab].values())) else None) for lab in LABELS}
    predicted_conflict = [r for r in rows if r["predicted"] == "conflict"]
    traps = [r for r in rows if r["expected"] == "none" and r["predicted"] not in ("unextracted", "same claim")]
    return {
        "relations": len(rows),
        "accuracy": accuracy,
        "overall": sum(r["expected"] == r["predicted"] for r in rows) / len(rows),
        "conflict_recall": accuracy["conflict"],
        "conflict_precision": (
            sum(r["expected"] == "conflict" for r in predicted_conflict) / len(predicted_conflict)
            if predicted_conflict
            else None
        ),
        "traps_unlinked": (sum(r["predicted"] == "none" for r in traps) / len(traps)) if traps else None,
        "unextracted": sum(r["predicted"] == "unextracted" for r in rows),
        # unlinked suggestions that carry the expected label: what linking would gain
        "suggested_right": sum(r["suggested"] == r["expected"] for r in rows),
        "confusion": {lab: dict(by_label[lab]) for lab in LABELS},
    }


def score_beats() -> dict[str, Any]:
    """Per-label accuracy, conflict recall and precision, traps unlinked (traps with both figures
    extracted that are not linked), over every relation of beats.json."""
    return score(run_all())


def format_table(s: dict[str, Any]) -> str:
    cols = (*LABELS, "unextracted", "same claim")
    out = [f"{'expected':<16}" + "".join(f"{c:>16}" for c in cols) + f"{'accuracy':>10}"]
    for lab in LABELS:
        row = s["confusion"][lab]
        acc = s["accuracy"][lab]
        out.append(
            f"{lab:<16}"
            + "".join(f"{row.get(c, 0):>16}" for c in cols)
            + (f"{acc:>10.2f}" if acc is not None else f"{'-':>10}")
        )

    def f(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}"

    out.append(
        f"relations {s['relations']}  overall {f(s['overall'])}  conflict recall {f(s['conflict_recall'])}  "
        f"conflict precision {f(s['conflict_precision'])}  traps unlinked {f(s['traps_unlinked'])}  "
        f"unextracted {s['unextracted']}  suggestions with the expected label {s['suggested_right']}"
    )
    return "\n".join(out)


def format_misses(rows: list[dict[str, Any]]) -> str:
    out = []
    for r in rows:
        if r["expected"] == r["predicted"]:
            continue
        out.append(
            f"[{r['scenario']}] expected {r['expected']}, got {r['predicted']}: "
            f"{r['a'][0]}:{r['a'][1]!r} ~ {r['b'][0]}:{r['b'][1]!r}  ({r['why']})"
        )
        for side in ("a", "b"):
            c = r[f"claim_{side}"]
            out.append(
                f"    {side}: "
                + (
                    f"{c.text!r} about={c.about!r} subject={c.subject!r} as_of={c.as_of} "
                    f"[{c.low}, {c.high}] | {c.sentence}"
                    if c is not None
                    else "(no claim)"
                )
            )
        out.append(f"    matcher: {r['reason']}")
    return "\n".join(out)


# -- tests ----------------------------------------------------------------------------------------
def test_beats_file_well_formed() -> None:
    data = load()
    scenario_ids = [s["id"] for s in data["scenarios"]]
    assert len(scenario_ids) == len(set(scenario_ids)) >= 32
    counts: Counter[str] = Counter()
    for s in data["scenarios"]:
        texts = {p["id"]: p["text"] for p in s["passages"]}
        assert len(texts) == len(s["passages"]), f"{s['id']}: passage ids unique"
        assert 2 <= len(texts) <= 5, s["id"]
        for p in s["passages"]:
            assert p["source"] and p["title"] and p["text"], (s["id"], p["id"])
            assert len(p["published"]) == 10 and p["published"][4] == "-", (s["id"], p["id"])
        for rel in s["relations"]:
            assert rel["label"] in LABELS, (s["id"], rel)
            counts[rel["label"]] += 1
            for fig in (rel["a"], rel["b"]):
                assert fig[0] in texts, (s["id"], fig)
                text = texts[fig[0]]
                assert figure_span(text, fig) is not None, (s["id"], fig)
                if len(fig) < 3:
                    assert text.count(fig[1]) == 1, f"{s['id']}: {fig} is ambiguous, give its occurrence"
            assert rel["a"][:2] != rel["b"][:2] or rel["a"][2:] != rel["b"][2:], (s["id"], rel)
    assert sum(counts.values()) >= MIN_RELATIONS, counts
    assert all(counts[lab] >= MIN_PER_LABEL for lab in LABELS), counts


@pytest.fixture(scope="module")
def beats_score() -> dict[str, Any]:
    return score_beats()


@pytest.mark.model
def test_beats_scores_recorded(beats_score: dict[str, Any]) -> None:
    print("\n" + format_table(beats_score))
    assert beats_score["relations"] >= MIN_RELATIONS


@pytest.mark.model
@pytest.mark.xfail(strict=False, reason="matching rewrite in progress; the lead flips this to a hard test")
def test_beats_targets(beats_score: dict[str, Any]) -> None:
    assert beats_score["conflict_recall"] >= 0.8
    assert (beats_score["traps_unlinked"] or 0) >= 0.9


if __name__ == "__main__":
    import sys

    # Run as a script, sys.path[0] is tests/, and `claims` would come from wherever the venv
    # installed it: put this checkout first so the code scored is the code next to this file.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    all_rows = run_all()
    print(format_table(score(all_rows)))
    print()
    print(format_misses(all_rows))
