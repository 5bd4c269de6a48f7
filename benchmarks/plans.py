"""EXPLAIN ANALYZE of every list query over the large synthetic archive: plan shape and time.

    .venv/bin/python benchmarks/plans.py [--quick] [--data-dir DIR]

Runs the store functions behind the list endpoints (with realistic filters and a cursor deep in
the data), records the statements they send, and prints for each the scans it uses (index or
sequential, and on which table) and the execution time PostgreSQL reports. Uses the archive of
benchmarks/load_api_data.py (1M claims in /tmp/claims-bench-pg; `--quick`: 100k claims in
/tmp/claims-bench-pg-quick, loaded in seconds when missing). The last line is
`plans=N seq_scans_on_big_tables=K slowest_ms=T`. tests/test_query_plans.py asserts the same
property on a small generated set in CI; this shows it at scale.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BIG = ("claims", "conflicts", "matches", "articles")


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    out = [plan]
    for child in plan.get("Plans", []):
        out.extend(_nodes(child))
    return out


async def run(dsn: str) -> list[tuple[str, str, float, list[str]]]:
    import psycopg
    from psycopg import AsyncCursor

    from claims import store

    recorded: list[tuple[Any, Any]] = []

    class Recording(AsyncCursor[Any]):
        async def execute(self, query: Any, params: Any = None, **kw: Any) -> Any:
            recorded.append((query, params))
            return await super().execute(query, params, **kw)

    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        cur = await conn.execute("SELECT min(id), max(id) FROM claims")
        lo, hi = await cur.fetchone()  # type: ignore[misc]
        mid = store.encode_cursor(lo + (hi - lo) // 2)
        cur = await conn.execute("SELECT id, name FROM sources ORDER BY id LIMIT 1 OFFSET 2")
        source_id, source_name = await cur.fetchone()  # type: ignore[misc]
        cur = await conn.execute(
            "SELECT c.article_id, m.claim_a FROM matches m JOIN claims c ON c.id = m.claim_a LIMIT 1"
        )
        article_id, claim_id = await cur.fetchone()  # type: ignore[misc]
        cur = await conn.execute("SELECT min(id) FROM conflicts")
        (k_lo,) = await cur.fetchone()  # type: ignore[misc]
        F = store.ClaimFilters
        cases: list[tuple[str, Any]] = [
            ("claims", lambda: store.list_claims(conn, F(), cursor=mid)),
            ("claims kind", lambda: store.list_claims(conn, F(kind="money"), cursor=mid)),
            ("claims subject", lambda: store.list_claims(conn, F(subject="japan"), cursor=mid)),
            ("claims unit", lambda: store.list_claims(conn, F(unit="refugee"), cursor=mid)),
            ("claims source name", lambda: store.list_claims(conn, F(source=source_name), cursor=mid)),
            ("claims article", lambda: store.list_claims(conn, F(article=article_id))),
            ("claims q", lambda: store.list_claims(conn, F(q="refugees loans"), cursor=mid)),
            ("claims since/until", lambda: store.list_claims(conn, F(since="2019-03", until="2019-04"), cursor=mid)),
            ("claims kind+subject", lambda: store.list_claims(conn, F(kind="count", subject="Poland"), cursor=mid)),
            ("source claims", lambda: store.list_claims(conn, F(source_id=source_id), cursor=mid)),
            ("get_source (counters)", lambda: store.get_source(conn, source_id)),
            ("sources", lambda: store.list_sources(conn)),
            ("articles", lambda: store.list_articles(conn, source=source_name)),
            ("claim detail", lambda: store.get_claim(conn, claim_id)),
            ("claim matches", lambda: store.matches_of(conn, claim_id)),
            ("conflicts", lambda: store.list_conflicts(conn, store.ConflictFilters())),
            ("conflicts status", lambda: store.list_conflicts(conn, store.ConflictFilters(status="confirmed"))),
            ("conflicts kind", lambda: store.list_conflicts(conn, store.ConflictFilters(kind="date"))),
            ("conflicts source", lambda: store.list_conflicts(conn, store.ConflictFilters(source=source_name))),
            ("conflicts article", lambda: store.list_conflicts(conn, store.ConflictFilters(article=article_id))),
            ("conflicts severity", lambda: store.list_conflicts(conn, store.ConflictFilters(min_severity=0.9))),
            ("conflict versions", lambda: store.conflict_versions(conn, store.ConflictFilters(status="open"))),
            (
                "conflicts by ids",
                lambda: store.conflicts_with_claims_by_ids(conn, list(range(k_lo, k_lo + 100, 2)), tuple),
            ),
            ("feed claims", lambda: _feed(conn, "claims", F(kind="money"))),
            ("feed conflicts", lambda: _feed(conn, "conflicts", store.ConflictFilters(status="open"))),
            ("feed articles", lambda: _feed(conn, "articles", None)),
            (
                "matching window",
                lambda: store.block_members(conn, ["money|money|Japan", "count|refugee|Poland"], window=2000),
            ),
        ]
        results = []
        for name, call in cases:
            recorded.clear()
            conn.cursor_factory = Recording
            await call()
            conn.cursor_factory = AsyncCursor
            for query, params in list(recorded):
                text = query if isinstance(query, str) else query.as_string(conn)
                cur = await conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + text, params)  # type: ignore[arg-type]
                row = await cur.fetchone()
                assert row is not None
                top = row[0][0]
                scans = [
                    f"{n['Node Type']}({n.get('Index Name') or n.get('Relation Name')})"
                    for n in _nodes(top["Plan"])
                    if "Scan" in n["Node Type"] and n.get("Relation Name", n.get("Index Name"))
                ]
                results.append((name, text, float(top["Execution Time"]), scans))
        return results


async def _feed(conn: Any, what: str, filters: Any) -> Any:
    """A feed page from the middle of the archive's change times (`updated_since`)."""
    from datetime import UTC, datetime

    from claims.store import feed

    w = await feed.window(conn, datetime(2000, 1, 1, tzinfo=UTC), None)
    if what == "claims":
        return await feed.claims(conn, filters, tuple, w)
    if what == "conflicts":
        return await feed.conflict_versions(conn, filters, w)
    return await feed.articles(conn, w)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--data-dir", default=None)
    args = ap.parse_args(argv)
    from benchmarks.api import ensure_data
    from benchmarks.load_api_data import DEFAULT_DIR

    n, k = (100_000, 2_000) if args.quick else (1_000_000, 10_000)
    dsn = ensure_data(args.data_dir or (DEFAULT_DIR + "-quick" if args.quick else DEFAULT_DIR), n, k)
    results = asyncio.run(run(dsn))
    seq = 0
    print(f"claims={n} conflicts={k}")
    print(f"{'query':<24} {'ms':>7}  scans")
    for name, _text, ms, scans in results:
        bad = [s for s in scans if s.startswith("Seq Scan") and any(f"({t})" in s for t in BIG)]
        seq += len(bad)
        print(f"{name:<24} {ms:>7.2f}  {', '.join(scans)}{'  <-- SEQ SCAN' if bad else ''}")
    print(f"plans={len(results)} seq_scans_on_big_tables={seq} slowest_ms={max(r[2] for r in results):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
