"""How matching one new article scales with the size of the stored corpus (rules-4 matching).

The path measured is `claims.ingest._match_new` without the database: every synthetic claim
carries a `claims.models.Frame` and is filed under every key of `block_keys` (the `claim_keys`
table); the candidates of a new article are, for each of its keys, that key's newest
`BLOCK_WINDOW` claims, deduplicated and in id order (`store.block_members`: one index range scan
per key, which is the list slice here; the new article's own claims are stored first and are
candidates too), and they are judged by `match_claims`, embeddings included.

Realism: entities grow with the archive (one new per 40 claims: new people and places keep
appearing) and are skewed (density ~ 1/sqrt(rank)), so a few keys (`money|money|united states`)
fill up to `BLOCK_WINDOW` as the archive grows and most stay small. Each article (8 claims in the
archive, `--claims` in the new one) has 2-4 topic entities shared by its claims; a claim's subject
is one of them or another entity, and half the claims name one or two places (their own skewed
list). Kinds, units and measure classes follow `claims/data/measures.json` (a class allowed for the
kind, or none for a third of the figures; dates get an event); 10% of figures are changes (no key).
Frame words are 6-12 words from a vocabulary of real news (the ~1,300 distinct content words of
seeds/: synthetic tokens would embed alike and inflate similarity) plus one of the class's words.

The caches (each claim's features and embedding in `claims.matching.features`, the cue judge's in
`claims.matching.cues`, synonyms) are measured two ways, each article timed on its own:
- cold: every cache cleared before the article, so every candidate is embedded (a process that
  has just started, or a candidate set larger than `CLAIM_CACHE_SIZE`);
- steady: articles matched one after the other into the growing archive, as a bulk ingest does,
  after 3 untimed ones; stored candidates are cached if an earlier article fetched them and the
  LRU kept them, the new article's own claims never are. `match_growth` is the steady figure.
The wordllama model is loaded before any timing. The synthetic archive is kept out of the garbage
collector's way (`gc.freeze`): in the service it is in PostgreSQL, not in the matching process.

Usage: python benchmarks/match.py [--quick] [--claims 20] [--repeat 5]
Prints a table and, last, `match_growth=<steady time at largest / at 10k> match_growth_cold=<...>`.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from claims import matching
from claims.matching import block_keys
from claims.matching import cues as match_cues
from claims.matching.embed import model
from claims.matching.memory import MemoryIndex
from claims.models import Claim, ClaimRef, Frame, Kind
from claims.text.synonyms import _canonicalise

ROOT = Path(__file__).resolve().parents[1]
WIDTHS = (10, 9, 9, 9, 8, 8, 9, 10)
ARCHIVE_ARTICLE = 8  # claims per stored article (the generated corpus averages 7.5)
WARMUP = 3  # untimed articles before the steady ones
KINDS: list[tuple[Kind, str | None, float]] = [  # kind, unit, weight
    ("count", "people", 20),
    ("count", "refugee", 5),
    ("count", "soldier", 4),
    ("count", "house", 4),
    ("count", "year", 2),  # generic unit: no key
    ("money", "USD", 12),
    ("money", "EUR", 4),
    ("money", "JPY", 2),
    ("percent", "percent", 18),
    ("date", None, 15),
    ("quantity", "km", 3),
    ("quantity", "kg", 2),
    ("duration", "day", 5),  # no key
    ("ratio", "times", 2),
]
_DIMENSION = {"money": "money", "percent": "percent", "date": "date", "ratio": "ratio", "duration": "time"}
_QUANTITY = {"km": "length", "kg": "weight"}


def vocabulary() -> list[str]:
    """Content words of real news: the distinct words of 4+ letters of seeds/, stop words out."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = {
        w.lower() for f in sorted((ROOT / "seeds").glob("*.txt")) for w in re.findall(r"[A-Za-z]{4,}", f.read_text())
    }
    return sorted(words - STOP_WORDS)


def _letters(rank: int) -> str:
    """A name of letters only (entity keys drop digits): 0 -> "a", 26 -> "ba"."""
    out = ""
    while True:
        rank, r = divmod(rank, 26)
        out = chr(97 + r) + out
        if not rank:
            return out


class World:
    """The distributions one archive size draws from."""

    def __init__(self, n: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n_entities = max(200, n // 40)
        self.n_places = max(250, n // 400)
        self.vocab = vocabulary()
        data = json.loads((ROOT / "claims/data/measures.json").read_text())
        self.classes: dict[str, list[str]] = defaultdict(list)
        self.class_words: dict[str, list[str]] = {}
        for name, spec in data["classes"].items():
            for kind in spec.get("kinds", []):
                self.classes[kind].append(name)
            self.class_words[name] = list(spec.get("words", []))[:4]
        self.events = list(data["events"])
        self.kinds = [(k, u) for k, u, _ in KINDS]
        self.weights = [w for _, _, w in KINDS]

    def entity(self) -> str:
        return "entity" + _letters(int(self.n_entities * self.rng.random() ** 2))  # density ~ 1/sqrt(rank)

    def place(self) -> str:
        return "place" + _letters(int(self.n_places * self.rng.random() ** 2))

    def article(self, first_id: int, article_id: int, size: int) -> list[ClaimRef]:
        rng = self.rng
        topic = tuple(dict.fromkeys(self.entity() for _ in range(rng.randint(2, 4))))
        return [self.claim(first_id + k, article_id, topic) for k in range(size)]

    def claim(self, i: int, article_id: int, topic: tuple[str, ...]) -> ClaimRef:
        rng = self.rng
        kind, unit = rng.choices(self.kinds, self.weights)[0]
        dimension = _QUANTITY[unit or ""] if kind == "quantity" else _DIMENSION.get(kind, "count")
        r = rng.random()
        subject = rng.choice(topic) if r < 0.6 else (self.entity() if r < 0.9 else None)
        places = tuple(dict.fromkeys(self.place() for _ in range(rng.choice((0, 0, 1, 2)))))
        if kind == "date":
            measure = rng.choice(self.events) if rng.random() < 0.8 else None
        else:
            allowed = self.classes.get(kind, [])
            measure = rng.choice(allowed) if allowed and rng.random() < 0.67 else None
        words = rng.sample(self.vocab, rng.randint(6, 12))
        if measure:
            words[rng.randrange(len(words))] = rng.choice(self.class_words.get(measure) or [measure])
        entities = tuple(dict.fromkeys(e for e in (subject, *places, rng.choice(topic)) if e))
        frame = Frame(
            dimension=dimension,
            measure=measure,
            words=tuple(words),
            entities=entities,
            places=places,
            topic=topic,
            change=kind != "date" and rng.random() < 0.1,
        )
        value = float(rng.randint(1, 5000))
        date = f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if kind == "date" else None
        text = date or f"{value:,.0f}"
        sentence = f"{subject or 'It'} {words[0]} {text} {' '.join(words[1:6])}."
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
            about=measure,
            as_of="2024-06",
            context=" ".join(words),
            frame=frame,
        )
        return ClaimRef(id=i, article_id=article_id, source="synthetic", published="2024-06", claim=claim)


def build(n: int, world: World) -> MemoryIndex:
    """The `claim_keys` table: every key's claims in id order."""
    index = MemoryIndex()
    for a in range(0, n, ARCHIVE_ARTICLE):
        for ref in world.article(a, a // ARCHIVE_ARTICLE, min(ARCHIVE_ARTICLE, n - a)):
            for key in block_keys(ref.claim):
                index.by_key[key].append(ref)
    return index


def store_and_match(index: MemoryIndex, new: list[ClaimRef]) -> int:
    """`claims.ingest.match_new` for one article, in memory: store its keys, fetch each key's
    window, match. Returns how many candidates were fetched."""
    index.add(new)
    return index.fetched


def clear_caches() -> None:
    matching.clear_cache()
    match_cues.clear_cache()
    _canonicalise.cache_clear()


def time_articles(keys: MemoryIndex, world: World, n: int, n_claims: int, repeat: int) -> tuple[float, float, int]:
    """Median seconds per new article, cold and steady; most candidates fetched."""
    next_id = n
    article_id = n // ARCHIVE_ARTICLE + 1
    cold: list[float] = []
    steady: list[float] = []
    fetched = 0

    def one(times: list[float] | None, *, clear: bool) -> None:
        nonlocal next_id, article_id, fetched
        new = world.article(next_id, article_id, n_claims)
        next_id += n_claims
        article_id += 1
        if clear:
            clear_caches()
        gc.collect()
        t0 = time.perf_counter()
        got = store_and_match(keys, new)
        if times is not None:
            times.append(time.perf_counter() - t0)
            fetched = max(fetched, got)

    for _ in range(repeat):
        one(cold, clear=True)
    clear_caches()
    for _ in range(WARMUP):
        one(None, clear=False)
    for _ in range(repeat):
        one(steady, clear=False)
    return statistics.median(cold), statistics.median(steady), fetched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k only (under a minute)")
    parser.add_argument("--claims", type=int, default=20, help="claims in the new article")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    t0 = time.perf_counter()
    model()
    print(f"wordllama loaded in {time.perf_counter() - t0:.2f}s (before any timing)")
    head = ("corpus", "entities", "keys", "max key", "fetched", "build s", "cold ms", "steady ms")
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, WIDTHS, strict=True)))
    results: dict[int, tuple[float, float]] = {}
    for n in sizes:
        world = World(n, seed=n)
        t0 = time.perf_counter()
        gc.disable()
        keys = build(n, world)
        gc.enable()
        # the archive lives in the database, not in the matching process: keep the collector from
        # rescanning a million synthetic claims during the timed matches
        gc.freeze()
        build_s = time.perf_counter() - t0
        cold, steady, fetched = time_articles(keys, world, n, args.claims, args.repeat)
        results[n] = (cold, steady)
        biggest = max(len(v) for v in keys.by_key.values())
        row = (
            f"{n:,}",
            f"{world.n_entities:,}",
            f"{len(keys.by_key):,}",
            f"{biggest:,}",
            f"{fetched:,}",
            f"{build_s:.1f}",
            f"{cold * 1000:.1f}",
            f"{steady * 1000:.1f}",
        )
        print(" ".join(f"{v:>{w}}" for v, w in zip(row, WIDTHS, strict=True)))
        del keys
        clear_caches()
        gc.unfreeze()
        gc.collect()
    first, last = results[sizes[0]], results[sizes[-1]]
    print(f"match_growth={last[1] / first[1]:.2f} match_growth_cold={last[0] / first[0]:.2f}")


if __name__ == "__main__":
    main()
