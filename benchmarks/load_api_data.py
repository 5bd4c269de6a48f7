"""Bulk-load a large synthetic archive for the API load benchmark, with COPY (not the extractor).

    .venv/bin/python benchmarks/load_api_data.py [--claims 1000000] [--conflicts 10000] [--data-dir DIR]

Writes into the embedded PostgreSQL in `--data-dir` (default /tmp/claims-bench-pg; never the
project's .data/pg) or into DATABASE_URL when set, after migrating. The database must be empty
of claims (it refuses otherwise; pass `--reset` to TRUNCATE first).

Shape (close to what ingest produces): 24 outlets; 20 claims per article; kinds money 30%,
count 35%, date 15%, percent 12%, duration 5%, ratio 3%; 400 subjects with a skewed
distribution (a few countries get most claims); sentences of about 150 characters built from
subject, verb, figure and object pools (so full-text search has realistic postings); dates
2015-2025. Matches: one conflict match per conflict plus three times as many agree or
different_scope matches; conflicts 80% open, the rest reviewed, each with its history.
Finishes with VACUUM ANALYZE. The last line is `claims=N conflicts=M seconds=S`.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DIR = "/tmp/claims-bench-pg"
CLAIMS_PER_ARTICLE = 20
KINDS = [("money", 30), ("count", 35), ("date", 15), ("percent", 12), ("duration", 5), ("ratio", 3)]
COUNT_UNITS = ["refugee", "soldier", "island", "diplomat", "casualty", "visa", "village", "drone", "tank"]
CURRENCIES = ["USD", "EUR", "JPY", "GBP"]
COUNTRIES = [
    "Japan",
    "Russia",
    "Ukraine",
    "United States",
    "China",
    "Germany",
    "France",
    "United Kingdom",
    "South Korea",
    "India",
    "Canada",
    "Australia",
    "Poland",
    "Taiwan",
    "European Union",
    "Turkey",
]
VERBS = ["pledged", "announced", "admitted", "reported", "sent", "approved", "estimated", "confirmed"]
OBJECTS = [
    "in humanitarian aid to the region",
    "for reconstruction of damaged infrastructure",
    "refugees from the war zone",
    "in loans and grants",
    "to support the energy sector",
    "troops stationed near the border",
    "of its liquefied natural gas imports",
    "in military assistance",
    "in sanctions on state-owned banks",
    "to the reconstruction fund",
]
TAILS = [
    "according to the foreign ministry.",
    "officials said on Tuesday.",
    "the prime minister told reporters.",
    "a government spokesperson confirmed.",
    "the report said.",
    "in a statement released late on Friday.",
]
STATUSES = ["open"] * 8 + ["confirmed", "dismissed"]


def subjects(n: int = 400) -> list[str]:
    return COUNTRIES + [f"Province {i}" for i in range(n - len(COUNTRIES))]


def pick_subject(rng: random.Random, names: list[str]) -> str:
    return names[int(len(names) * rng.random() ** 3)]  # skewed: the first countries dominate


def claim_row(rng: random.Random, article_id: int, source_id: int, names: list[str], kinds: list[str]) -> tuple:
    kind = rng.choice(kinds)
    subject = pick_subject(rng, names)
    day = date(2015, 1, 1) + timedelta(days=rng.randrange(3960))
    value: float | None = None
    unit: str | None = None
    claim_date: str | None = None
    if kind == "money":
        unit = rng.choice(CURRENCIES)
        value = float(rng.randint(1, 900)) * 10 ** rng.choice((6, 9))
        text = f"{unit} {value / 1e6:,.0f} million"
    elif kind == "count":
        unit = rng.choice(COUNT_UNITS)
        value = float(rng.randint(2, 50000))
        text = f"{value:,.0f} {unit}s"
    elif kind == "percent":
        unit = "percent"
        value = round(rng.uniform(0.5, 95), 1)
        text = f"{value} percent"
    elif kind == "duration":
        unit = "day"
        value = float(rng.randint(1, 400))
        text = f"{value:.0f} days"
    elif kind == "ratio":
        unit = "times"
        value = float(rng.randint(2, 10))
        text = f"{value:.0f} times"
    else:
        claim_date = day.isoformat()
        text = day.strftime("%B %d, %Y")
    sentence = f"{subject} {rng.choice(VERBS)} {text} {rng.choice(OBJECTS)}, {rng.choice(TAILS)}"
    start = len(subject) + 1 + len(sentence.split(" ")[1]) + 1
    qualifier = rng.choice(("exact", "exact", "exact", "approx", "more_than"))
    low = high = value
    if value is not None and qualifier == "approx":
        low, high = value * 0.9, value * 1.1
    elif value is not None and qualifier == "more_than":
        high = None
    block = f"{kind}|{'money' if kind == 'money' else unit or 'date'}|{subject}"
    context = " ".join(sentence.lower().replace(",", "").replace(".", "").split()[1:9])
    return (
        article_id,
        source_id,
        kind,
        text,
        start,
        start + len(text),
        sentence,
        value,
        low,
        high,
        qualifier,
        unit,
        claim_date,
        subject,
        rng.choice(VERBS),
        day.isoformat(),
        None,
        None,
        None,
        context,
        block,
        day,
        day,
        "bench-1",
    )


def load(dsn: str, n_claims: int, n_conflicts: int, *, reset: bool, seed: int = 11) -> float:
    import psycopg

    from benchmarks.gen_articles import OUTLETS

    rng = random.Random(seed)
    t0 = time.perf_counter()
    names = subjects()
    kinds = [k for k, w in KINDS for _ in range(w)]
    n_articles = max(1, n_claims // CLAIMS_PER_ARTICLE)
    with psycopg.connect(dsn, autocommit=True) as conn:
        if reset:
            conn.execute(
                "TRUNCATE sources, articles, claims, matches, conflicts, conflict_history RESTART IDENTITY CASCADE"
            )
        if conn.execute("SELECT EXISTS (SELECT 1 FROM claims)").fetchone()[0]:  # type: ignore[index]
            raise SystemExit("the database already holds claims; pass --reset to empty it first")
        with conn.cursor() as cur:
            with cur.copy("COPY sources (name) FROM STDIN") as copy:
                for name in OUTLETS:
                    copy.write_row((name,))
            source_ids = [r[0] for r in cur.execute("SELECT id FROM sources ORDER BY id").fetchall()]
            art_source: list[int] = []
            with cur.copy(
                "COPY articles (source_id, content_hash, title, published, published_from, published_to, text,"
                " input_format, extractor_version) FROM STDIN"
            ) as copy:
                for i in range(n_articles):
                    sid = source_ids[int(len(source_ids) * rng.random() ** 2)]
                    art_source.append(sid)
                    day = date(2015, 1, 1) + timedelta(days=rng.randrange(3960))
                    copy.write_row(
                        (
                            sid,
                            f"bench-{i:08d}",
                            f"Synthetic article {i}",
                            day.isoformat(),
                            day,
                            day,
                            "Synthetic article body. " * 40,
                            "text",
                            "bench-1",
                        )
                    )
            first_article = cur.execute("SELECT min(id) FROM articles").fetchone()[0]  # type: ignore[index]
            print(f"articles={n_articles} in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
            columns = (
                "article_id, source_id, kind, text, start_offset, end_offset, sentence, value, low, high,"
                " qualifier, unit, date, subject, about, as_of, period_start, period_end, attribution, context,"
                " block, time_from, time_to, extractor_version"
            )
            chunk = 100_000
            for lo in range(0, n_claims, chunk):
                with conn.transaction(), cur.copy(f"COPY claims ({columns}) FROM STDIN") as copy:
                    for i in range(lo, min(n_claims, lo + chunk)):
                        a = i // CLAIMS_PER_ARTICLE
                        copy.write_row(claim_row(rng, first_article + a, art_source[a], names, kinds))
                print(f"claims={min(n_claims, lo + chunk)} in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
            lo_id, hi_id = cur.execute("SELECT min(id), max(id) FROM claims").fetchone()  # type: ignore[misc]
            n_matches = n_conflicts * 4
            pairs: set[tuple[int, int]] = set()
            while len(pairs) < n_matches:
                a = rng.randint(lo_id, hi_id - 1)
                pairs.add((a, min(hi_id, a + rng.randint(1, 5000))))
            with conn.transaction():
                with cur.copy(
                    "COPY matches (claim_a, claim_b, label, linked, score, components, reason) FROM STDIN"
                ) as copy:
                    for j, (a, b) in enumerate(sorted(pairs)):
                        label = "conflict" if j % 4 == 0 else rng.choice(("agree", "different_scope"))
                        copy.write_row(
                            (
                                a,
                                b,
                                label,
                                True,
                                round(rng.uniform(0.7, 1.0), 3),
                                '{"ctx": 0.8, "about": 0.6}',
                                "synthetic pair",
                            )
                        )
                cur.execute(
                    """
                    INSERT INTO conflicts (match_id, claim_a, claim_b, kind, subject, status, severity, reason)
                    SELECT m.id, m.claim_a, m.claim_b, c.kind, c.subject,
                           (ARRAY['open','open','open','open','open','open','open','open','confirmed','dismissed'])
                               [1 + (m.id % 10)],
                           round((random() * 0.9 + 0.05)::numeric, 3)::float8, 'synthetic conflict'
                    FROM matches m JOIN claims c ON c.id = m.claim_a
                    WHERE m.label = 'conflict' ORDER BY m.id
                    """
                )
                cur.execute(
                    "INSERT INTO conflict_history (conflict_id, status, note)"
                    " SELECT id, 'open', 'detected' FROM conflicts"
                )
                cur.execute(
                    "INSERT INTO conflict_history (conflict_id, status, note, reviewer)"
                    " SELECT id, status, 'reviewed', 'bench' FROM conflicts WHERE status <> 'open'"
                )
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - t0


def dsn_for(data_dir: str) -> str:
    from claims import db
    from claims.settings import Settings

    url = os.environ.get("DATABASE_URL")
    return db.resolve_dsn(Settings(database_url=url, data_dir=data_dir))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--conflicts", type=int, default=10_000)
    ap.add_argument("--data-dir", default=os.environ.get("CLAIMS_BENCH_DATA_DIR", DEFAULT_DIR))
    ap.add_argument("--reset", action="store_true", help="TRUNCATE every table first")
    args = ap.parse_args(argv)
    from claims import migrate

    dsn = dsn_for(args.data_dir)
    migrate.migrate(dsn)
    seconds = load(dsn, args.claims, args.conflicts, reset=args.reset)
    print(f"claims={args.claims} conflicts={args.conflicts} seconds={seconds:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
