"""Bulk ingest end to end (`claims ingest`) as a ratio to bare `nlp.pipe` over the same texts.

    .venv/bin/python benchmarks/ingest.py [--quick] [--articles N] [--jobs J] [--data-dir DIR]

Generates N articles (benchmarks/gen_articles.py) into a temporary folder, starts a fresh
embedded PostgreSQL in a temporary data folder (or `--data-dir`), then, in the same run:
1. bare `nlp.pipe` of the plain model (`spacy.load`) over the cleaned texts of those articles,
   with `n_process=J` (and `n_process=1` unless `--quick`); unless `--quick`, `n_process=J` again
   after step 2, the reference being the mean of the two runs;
2. `ingest_paths` (what `claims ingest DIR --jobs J` runs) in a child process, into the empty
   database: cleaning, the claims pipeline, extraction, storage, matching and conflicts
   included. spaCy model load and migrations happen before the clock starts, as they would once
   per batch job; wordllama loads lazily on the first match, on the clock, as in `claims
   ingest` (its load time is printed). The parent samples the child's process tree (the spaCy
   workers included) for peak RSS, and the article count in the database, so throughput and
   memory are shown as the corpus grows.
The last line is `ingest_articles_per_s=... bare_articles_per_s=... ingest_ratio=... peak_rss_mb=...`.
It measures and prints; it is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_CHILD = """
import asyncio, json, sys, time
from pathlib import Path
from claims.settings import Settings
from claims import commands
from claims.text.nlp import get_nlp
import claims.matching.embed
settings = Settings.from_env()
get_nlp(settings.spacy_model)
commands._dsn(settings)
# wordllama loads on the parent's first match, as in `claims ingest` (after the extraction workers
# have forked, so they do not share its pages); its load time is recorded, not excluded
_model, load = claims.matching.embed.model, []
def model():
    if not load:
        t = time.perf_counter(); _model(); load.append(time.perf_counter() - t)
    return _model()
claims.matching.embed.model = model
print("READY", flush=True)
t0 = time.perf_counter()
code = asyncio.run(commands.ingest_paths(settings, [Path(sys.argv[1])], None, int(sys.argv[2])))
print(json.dumps({"elapsed": time.perf_counter() - t0, "code": code, "wordllama_load": sum(load)}), flush=True)
"""


def tree_rss(pid: int) -> int:
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def bare_pipe(model: str, texts: list[str], n_process: int, batch_size: int) -> float:
    import spacy

    nlp = spacy.load(model)
    for _ in nlp.pipe(texts[:8], batch_size=batch_size):
        pass
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        pass
    return len(texts) / (time.perf_counter() - t0)


def run_ingest(folder: Path, jobs: int, dsn: str, total: int) -> dict[str, object]:
    """`ingest_paths` in a child process; samples (seconds, articles stored, tree RSS)."""
    import psycopg

    env = dict(os.environ, DATABASE_URL=dsn, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(folder), str(jobs)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    ready_rss = 0
    line = child.stdout.readline()
    if not line.startswith("READY"):
        child.wait()
        raise RuntimeError("the ingest child did not start")
    ready_rss = tree_rss(child.pid)
    samples: list[tuple[float, int, int]] = []
    done = threading.Event()

    def sample() -> None:
        t0 = time.perf_counter()
        with psycopg.connect(dsn, autocommit=True) as conn:
            while not done.is_set():
                n = conn.execute("SELECT count(*) FROM articles").fetchone()[0]  # type: ignore[index]
                samples.append((time.perf_counter() - t0, int(n), tree_rss(child.pid)))
                done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    result = json.loads(child.stdout.readlines()[-1])
    child.wait()
    done.set()
    sampler.join()
    peak = max((s[2] for s in samples), default=ready_rss)
    return {
        "elapsed": result["elapsed"],
        "code": result["code"],
        "wordllama_load": result.get("wordllama_load", 0.0),
        "samples": samples,
        "ready_rss": ready_rss,
        "peak_rss": peak,
        "total": total,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="80 articles, n_process=J only (under a minute)")
    ap.add_argument("--articles", type=int, default=None, help="articles to generate (default 2000)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="spaCy processes")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--same-country", action="store_true", help="every article about Japan: dense blocks")
    ap.add_argument("--data-dir", type=Path, default=None, help="embedded PostgreSQL folder (default: temporary)")
    args = ap.parse_args(argv)
    n = args.articles or (80 if args.quick else 2000)

    from benchmarks.gen_articles import generate
    from claims import db, ingest, migrate
    from claims.inputs import collect_articles
    from claims.settings import Settings

    settings = Settings.from_env()
    with tempfile.TemporaryDirectory(prefix="claims-bench-") as tmp:
        folder = Path(tmp) / "articles"
        _, chars, dups = generate(folder, n, vary_countries=not args.same_country)
        data_dir = args.data_dir or Path(tmp) / "pg"
        dsn = db.resolve_dsn(Settings(data_dir=str(data_dir)))
        migrate.migrate(dsn)
        texts = [ingest.prepare(a).text for _, a in collect_articles([folder], None)]

        # Bare spaCy before and after the ingest (full runs): the reference is their mean, so a
        # machine that slows down or speeds up during the run does not tilt the ratio.
        before = bare_pipe(settings.spacy_model, texts, args.jobs, args.batch_size)
        run = run_ingest(folder, args.jobs, dsn, n)
        after = None if args.quick else bare_pipe(settings.spacy_model, texts, args.jobs, args.batch_size)
        bare = {args.jobs: before if after is None else (before + after) / 2}
        if not args.quick and args.jobs != 1:
            bare[1] = bare_pipe(settings.spacy_model, texts, 1, args.batch_size)

        import psycopg

        with psycopg.connect(dsn, autocommit=True) as conn:
            counts = conn.execute(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM claims),"
                " (SELECT count(*) FROM matches), (SELECT count(*) FROM conflicts)"
            ).fetchone()
        db.stop_embedded(str(data_dir))  # stop it while its folder still exists

    elapsed = float(run["elapsed"])  # type: ignore[arg-type]
    rate = n / elapsed
    samples: list[tuple[float, int, int]] = run["samples"]  # type: ignore[assignment]
    print(
        f"model={settings.spacy_model} articles={n} chars={chars} duplicates_in_input={dups} jobs={args.jobs} "
        f"batch_size={args.batch_size} cpus={os.cpu_count()}"
    )
    print(f"stored: articles={counts[0]} claims={counts[1]} matches={counts[2]} conflicts={counts[3]}")  # type: ignore[index]
    print(f"wordllama load inside the ingest (first match, on the clock): {run['wordllama_load']:.2f}s")
    print(f"{'path':<34} {'articles/s':>10} {'vs bare':>8}")
    if after is not None:
        for when, value in (("before", before), ("after", after)):
            label = f"  bare n_process={args.jobs}, {when} the ingest"
            print(f"{label:<34} {value:>10.1f} {value / bare[args.jobs]:>8.2f}")
    for jobs, value in sorted(bare.items(), reverse=True):
        print(f"{f'bare nlp.pipe n_process={jobs}':<34} {value:>10.1f} {value / bare[args.jobs]:>8.2f}")
    print(f"{f'claims ingest --jobs {args.jobs}':<34} {rate:>10.1f} {rate / bare[args.jobs]:>8.2f}")
    print("as the corpus grows (stored articles: cumulative articles/s, RSS of ingest process tree):")
    ready_mb = int(run["ready_rss"]) / 2**20  # type: ignore[call-overload]
    print(f"  before the first article: rss={ready_mb:.0f} MB")
    for q in (0.25, 0.5, 0.75, 1.0):
        hit = next((s for s in samples if s[1] >= q * (counts[0] or n)), samples[-1] if samples else None)  # type: ignore[index]
        if hit and hit[0] > 0:
            rate_q, rss_q = hit[1] / hit[0], hit[2] / 2**20
            print(f"  {hit[1]:>6} articles at {hit[0]:6.1f}s: {rate_q:6.1f} articles/s, rss={rss_q:.0f} MB")
    peak_mb = int(run["peak_rss"]) / 2**20  # type: ignore[call-overload]
    print(
        f"ingest_articles_per_s={rate:.1f} bare_articles_per_s={bare[args.jobs]:.1f} "
        f"ingest_ratio={rate / bare[args.jobs]:.2f} peak_rss_mb={peak_mb:.0f}"
    )
    return 0 if run["code"] in (0, 1) else 1


if __name__ == "__main__":
    sys.exit(main())
