"""How matching one new article scales with the size of the stored corpus.

Synthetic claims are grouped into blocks by `block_key` exactly as the database does it; the
real path fetches a block with one indexed equality lookup
(`SELECT ... FROM claims WHERE block_key = ANY(%(keys)s)` on a btree index), which is the dict
lookup here, so the cost of a new article is the cost of its blocks, not of the corpus.

Realism: the number of subjects grows with the archive (one per 40 claims: new people and places
keep appearing) and subjects are skewed (density ~ 1/sqrt(rank)), so a few (Japan, Russia) have
big blocks that still grow with the archive (the hottest ~ sqrt(N)) and most have small ones; the
new article's claims draw subjects from the same distribution. Contexts are 6-14
lemmas from a 3,000-word vocabulary plus a few topic words per block.

Usage: python benchmarks/match.py [--quick] [--claims 20] [--repeat 5]
Prints a table and, last, `match_growth=<time at largest / time at 10k>`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from claims.match import BLOCK_WINDOW, block_key, match_claims
from claims.models import Claim, ClaimRef, Kind
from claims.synonyms import _canonicalise

WIDTHS = (10, 9, 8, 9, 8, 8, 9)
UNITS: list[tuple[Kind, str | None]] = [
    ("count", "refugee"),
    ("count", "soldier"),
    ("count", "island"),
    ("count", "diplomat"),
    ("count", "casualty"),
    ("count", "visa"),
    ("money", "USD"),
    ("money", "EUR"),
    ("money", "JPY"),
    ("percent", "percent"),
    ("date", None),
    ("duration", "day"),
    ("ratio", "times"),
]
CUES = ["admitted", "remain", "aid", "loans", "call", "meeting", "visit", "invasion", "sanctions", "budget"]


def make_claim(rng: random.Random, i: int, n_subjects: int, vocab: list[str]) -> ClaimRef:
    subject = f"Subject{int(n_subjects * rng.random() ** 2)}"  # skewed: density ~ 1/sqrt(rank)
    kind, unit = UNITS[rng.randrange(len(UNITS))]
    words = rng.sample(vocab, rng.randint(6, 14))
    cue = rng.choice(CUES)
    value = float(rng.randint(1, 5000))
    date = (
        f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if kind == "date"
        else None
    )
    text = date or f"{value:,.0f}"
    sentence = f"{subject} {cue} {text} {' '.join(words[:6])}."
    claim = Claim(
        kind=kind,
        text=text,
        start=0,
        end=len(text),
        sentence=sentence,
        value=None if date else value,
        low=None if date else value,
        high=None if date else value,
        unit=unit,
        date=date,
        subject=subject,
        about=f"{cue} {words[0]}",
        as_of="2024-06",
        context=f"{cue} {' '.join(words)}",
    )
    return ClaimRef(id=i, article_id=i // 20, source="synthetic", published="2024-06", claim=claim)


def build(n: int, seed: int) -> tuple[dict[str, list[ClaimRef]], int]:
    rng = random.Random(seed)
    vocab = [f"w{k}" for k in range(3000)]
    n_subjects = max(200, n // 40)
    blocks: dict[str, list[ClaimRef]] = defaultdict(list)
    for i in range(n):
        ref = make_claim(rng, i, n_subjects, vocab)
        key = block_key(ref.claim)
        if key is not None:
            blocks[key].append(ref)
    return blocks, n_subjects


def time_article(
    blocks: dict[str, list[ClaimRef]], n: int, n_claims: int, repeat: int, seed: int
) -> tuple[float, int]:
    """Median seconds to match one new article (cold synonym cache: claims fresh from the DB)."""
    rng = random.Random(seed + 1)
    vocab = [f"w{k}" for k in range(3000)]
    n_subjects = max(200, n // 40)
    times: list[float] = []
    fetched = 0
    for r in range(repeat):
        new = [make_claim(rng, 10**9 + r * 100 + k, n_subjects, vocab) for k in range(n_claims)]
        _canonicalise.cache_clear()
        t0 = time.perf_counter()
        keys = {k for c in new if (k := block_key(c.claim)) is not None}
        candidates = [ref for k in keys for ref in blocks.get(k, [])[-BLOCK_WINDOW:]]  # the indexed lookup
        match_claims(new, candidates)
        times.append(time.perf_counter() - t0)
        fetched = max(fetched, len(candidates))
    return statistics.median(times), fetched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k only (under a minute)")
    parser.add_argument("--claims", type=int, default=20, help="claims in the new article")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    head = ("corpus", "subjects", "blocks", "max block", "fetched", "build s", "match ms")
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, WIDTHS, strict=True)))
    results: dict[int, float] = {}
    for n in sizes:
        t0 = time.perf_counter()
        blocks, n_subjects = build(n, seed=n)
        build_s = time.perf_counter() - t0
        secs, fetched = time_article(blocks, n, args.claims, args.repeat, seed=n)
        results[n] = secs
        biggest = max(len(v) for v in blocks.values())
        row = (
            f"{n:,}",
            f"{n_subjects:,}",
            f"{len(blocks):,}",
            f"{biggest:,}",
            f"{fetched:,}",
            f"{build_s:.1f}",
            f"{secs * 1000:.2f}",
        )
        print(" ".join(f"{v:>{w}}" for v, w in zip(row, WIDTHS, strict=True)))
        del blocks
    print(f"match_growth={results[sizes[-1]] / results[sizes[0]]:.2f}")


if __name__ == "__main__":
    main()
