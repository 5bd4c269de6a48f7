"""Score matching and comparison against a gold file's `relations` (agree / conflict / ...).

The articles are extracted and matched exactly as ingest does, in manifest order, block by block,
but without a database, so `claims eval` can show conflict detection next to extraction.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import TYPE_CHECKING, Any

import msgspec

from claims.matching.memory import MemoryIndex
from claims.models import ClaimRef, Extraction, MatchResult
from tools.eval.gold import locate, overlaps

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from spacy.language import Language


class RelationResult(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    name: str
    ok: bool
    detail: str


class RelationsReport(msgspec.Struct, frozen=True, kw_only=True):
    results: list[RelationResult]
    linked_conflicts: int
    unexpected_conflicts: list[str]

    @property
    def passed(self) -> int:
        return sum(r.ok for r in self.results)


def match_corpus(
    extractions: Mapping[str, Extraction], order: Sequence[str], published: Mapping[str, str | None]
) -> tuple[dict[tuple[str, int], int], dict[int, ClaimRef], list[MatchResult]]:
    """Match articles one after another as ingest would; ids are assigned in that order."""
    ids: dict[tuple[str, int], int] = {}
    refs: dict[int, ClaimRef] = {}
    index = MemoryIndex()
    results: list[MatchResult] = []
    next_id = 1
    for article_no, file in enumerate(order, start=1):
        new: list[ClaimRef] = []
        for i, claim in enumerate(extractions[file].claims):
            ref = ClaimRef(id=next_id, article_id=article_no, source=file, published=published.get(file), claim=claim)
            ids[(file, i)], refs[next_id] = next_id, ref
            next_id += 1
            new.append(ref)
        results.extend(index.add(new))
    return ids, refs, results


def _gold_ids(
    gold: Mapping[str, Any],
    texts: Mapping[str, str],
    extractions: Mapping[str, Extraction],
    ids: Mapping[tuple[str, int], int],
) -> tuple[dict[str, list[int]], dict[tuple[str, int], int]]:
    """Predicted claim ids for each gold `key`, and for each gold claim (file, index)."""
    by_key: dict[str, list[int]] = defaultdict(list)
    by_gold: dict[tuple[str, int], int] = {}
    for file, gold_claims in gold["articles"].items():
        raw, ext = texts[file], extractions[file]
        for n, g in enumerate(gold_claims):
            where = locate(raw, g["start"], g["end"], ext.text)
            hit = (
                None
                if where is None
                else next((i for i, c in enumerate(ext.claims) if overlaps(c.start, c.end, *where)), None)
            )
            if hit is None:
                continue
            by_gold[(file, n)] = ids[(file, hit)]
            if g.get("key"):
                by_key[g["key"]].append(ids[(file, hit)])
    return by_key, by_gold


def _named(gold: Mapping[str, Any], texts: Mapping[str, str], name: str) -> tuple[str, int] | None:
    """The gold claim a relation names as `file#span` or `file#span@context` (text next to it)."""
    file, _, rest = name.partition("#")
    span, _, context = rest.partition("@")
    raw = texts.get(file, "")
    for n, g in enumerate(gold["articles"].get(file, [])):
        if g["span"] != span:
            continue
        if not context or raw[: g["start"]].endswith(context) or raw[g["end"] :].startswith(context):
            return file, n
    return None


def evaluate_relations(
    gold: Mapping[str, Any],
    texts: Mapping[str, str],
    manifest: Mapping[str, str | None],
    *,
    nlp: Language | None,
) -> RelationsReport:
    from claims.extraction import extract

    order = list(gold["articles"])
    extractions = {f: extract(texts[f], published=manifest.get(f), nlp=nlp) for f in order}
    ids, refs, results = match_corpus(extractions, order, manifest)
    pair = {frozenset((m.a, m.b)): m for m in results}
    by_key, by_gold = _gold_ids(gold, texts, extractions, ids)
    out: list[RelationResult] = []
    explained: set[frozenset[int]] = set()
    for rel in gold.get("relations", []):
        label = rel["label"]
        if label == "none":
            for a_name, b_name in rel["pairs"]:
                ga, gb = _named(gold, texts, a_name), _named(gold, texts, b_name)
                a = by_gold.get(ga) if ga else None
                b = by_gold.get(gb) if gb else None
                m = pair.get(frozenset((a, b))) if a and b else None
                ok = a is not None and b is not None and m is None
                detail = "not matched" if ok else (f"matched as {m.label}" if m else "claim not extracted")
                out.append(RelationResult(label=label, name=f"{a_name} | {b_name}", ok=ok, detail=detail))
            continue
        keys = rel.get("keys") or [rel["key"]]
        groups = [by_key.get(k, []) for k in keys]
        if len(groups) == 1:
            pairs = [frozenset(p) for p in combinations(groups[0], 2)]
        else:
            pairs = [frozenset((a, b)) for a in groups[0] for b in groups[1]]
        labels = [pair[p].label for p in pairs if p in pair]
        linked_conflict = [p for p in pairs if p in pair and pair[p].label == "conflict" and pair[p].linked]
        if label == "conflict":
            ok = bool(linked_conflict)
            explained.update(linked_conflict)
        elif label == "agree":
            ok = "conflict" not in labels and _connected(
                groups[0], [p for p in pairs if p in pair and pair[p].label == "agree"]
            )
        else:
            ok = "conflict" not in labels and label in labels
        name = " + ".join(keys)
        out.append(
            RelationResult(
                label=label,
                name=name,
                ok=ok,
                detail=f"{len(pairs)} pairs, matched as {sorted(labels) or 'nothing'}",
            )
        )
    conflicts = [m for m in results if m.label == "conflict" and m.linked]
    unexpected = [
        f"{refs[m.a].claim.text!r} vs {refs[m.b].claim.text!r}: {m.reason}"
        for m in conflicts
        if frozenset((m.a, m.b)) not in explained
    ]
    return RelationsReport(results=out, linked_conflicts=len(conflicts), unexpected_conflicts=unexpected)


def _connected(nodes: Sequence[int], edges: Sequence[frozenset[int]]) -> bool:
    """True when the agree matches link every claim of the group (directly or through others)."""
    if len(nodes) < 2:
        return False
    parent = {n: n for n in nodes}

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for edge in edges:
        a, b = tuple(edge)
        parent[root(a)] = root(b)
    return len({root(n) for n in nodes}) == 1


def format_relations(report: RelationsReport) -> str:
    lines = ["Relations (matching and comparison against the gold `relations`):"]
    for r in report.results:
        lines.append(f"  [{'ok' if r.ok else 'MISS'}] {r.label:<15} {r.name}: {r.detail}")
    for u in report.unexpected_conflicts:
        lines.append(f"  [unexpected conflict] {u}")
    lines.append(
        f"relations_ok={report.passed}/{len(report.results)} linked_conflicts={report.linked_conflicts} "
        f"unexpected_conflicts={len(report.unexpected_conflicts)}"
    )
    return "\n".join(lines)
