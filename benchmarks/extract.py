"""Extraction throughput as a ratio to bare spaCy on the same machine, in the same run.

    .venv/bin/python benchmarks/extract.py [--quick] [--docs N] [--rounds R] [--no-multiprocess]

Documents are the seeds' cleaned texts cut into paragraph windows and varied (paragraph order
rotated) to a few hundred docs. Each round times, back to back, bare `nlp.pipe` of the plain
model (`spacy.load`), the project pipeline's `nlp.pipe` (model + claims components), and
`extract_many`; rounds are interleaved and the best time of each is kept, so machine noise
hits all three alike. The last line is `extract_ratio=<extract_many docs/s / bare docs/s>`.
It measures and prints; it is not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_docs(n: int, window: int = 1500) -> list[tuple[str, str | None]]:
    """`n` (cleaned text, published) pairs cut from the seeds, varied by rotating paragraphs."""
    from claims.manifest import read_manifest
    from claims.text.clean import clean_text

    chunks: list[tuple[str, str | None]] = []
    for art in read_manifest(ROOT / "seeds").articles:
        cleaned = clean_text((ROOT / "seeds" / art.file).read_text(encoding="utf-8"))
        paras = [p for p in cleaned.split("\n") if p.strip()]
        buf: list[str] = []
        for p in paras:
            buf.append(p)
            if sum(len(b) for b in buf) >= window:
                chunks.append(("\n\n".join(buf), art.published))
                buf = []
        if buf:
            chunks.append(("\n\n".join(buf), art.published))
    docs: list[tuple[str, str | None]] = []
    k = 0
    while len(docs) < n:
        for text, published in chunks:
            paras = text.split("\n\n")
            r = k % len(paras)
            docs.append(("\n\n".join(paras[r:] + paras[:r]), published))
            if len(docs) == n:
                break
        k += 1
    return docs


def timed(fn: Callable[[], int]) -> float:
    t0 = time.perf_counter()
    count = fn()
    elapsed = time.perf_counter() - t0
    return count / elapsed


def drain(it: Iterable[object]) -> int:
    return sum(1 for _ in it)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer docs and rounds (under a minute)")
    ap.add_argument("--docs", type=int, default=None)
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--no-multiprocess", action="store_true", help="skip the n_process=2 row")
    args = ap.parse_args(argv)
    n_docs = args.docs or (80 if args.quick else 400)
    rounds = args.rounds or (2 if args.quick else 3)

    import spacy

    from claims.extraction import EXTRACTOR_VERSION, extract_many
    from claims.settings import Settings
    from claims.text.nlp import get_nlp

    model = Settings().spacy_model
    bare = spacy.load(model)
    project = get_nlp(model)
    docs = make_docs(n_docs)
    texts = [t for t, _ in docs]
    chars = sum(len(t) for t in texts)
    bs = args.batch_size

    # warm-up: first calls build vocab entries, matchers and caches
    drain(bare.pipe(texts[:8], batch_size=bs))
    drain(extract_many(project, docs[:8], batch_size=bs))

    runs: dict[str, list[float]] = {"bare nlp.pipe": [], "project nlp.pipe": [], "extract_many": []}
    for _ in range(rounds):
        runs["bare nlp.pipe"].append(timed(lambda: drain(bare.pipe(texts, batch_size=bs))))
        runs["project nlp.pipe"].append(timed(lambda: drain(project.pipe(texts, batch_size=bs))))
        runs["extract_many"].append(timed(lambda: drain(extract_many(project, docs, batch_size=bs))))

    mp: dict[str, float] = {}
    if not args.no_multiprocess:
        try:
            mp["bare nlp.pipe n_process=2"] = timed(lambda: drain(bare.pipe(texts, batch_size=bs, n_process=2)))
            mp["extract_many n_process=2"] = timed(
                lambda: drain(extract_many(project, docs, batch_size=bs, n_process=2))
            )
        except Exception as exc:  # a platform without fork/spawn support must not end the benchmark
            print(f"n_process=2 not measured: {type(exc).__name__}: {exc}", file=sys.stderr)

    best_bare = max(runs["bare nlp.pipe"])
    print(f"model={model} extractor={EXTRACTOR_VERSION} docs={n_docs} chars={chars} rounds={rounds} batch_size={bs}")
    print(f"{'pipeline':<28} {'best docs/s':>11} {'median':>8} {'kchars/s':>9} {'vs bare':>8}")
    for name, values in runs.items():
        best = max(values)
        print(
            f"{name:<28} {best:>11.1f} {statistics.median(values):>8.1f} "
            f"{best * chars / n_docs / 1000:>9.1f} {best / best_bare:>8.2f}"
        )
    for name, value in mp.items():
        base = mp.get("bare nlp.pipe n_process=2", value)
        print(f"{name:<28} {value:>11.1f} {'-':>8} {value * chars / n_docs / 1000:>9.1f} {value / base:>8.2f}")
    print(f"extract_ratio={max(runs['extract_many']) / best_bare:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
