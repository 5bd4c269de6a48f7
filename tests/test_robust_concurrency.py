"""Concurrency against the real server and database: overlapping ingests, racing reviews, racing
migrations in separate processes."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg
import pytest

from claims import extract, migrate
from tests.conftest import API_KEY, link
from tests.test_api import walk
from tests.test_migrate import _fresh_schema_dsn

pytestmark = pytest.mark.model

CLIENTS = 8
RUN = f"{os.getpid()}-{time.time_ns()}"

PLACES = ["Osaka", "Gdansk", "Tartu", "Nagoya", "Lviv", "Kaunas", "Sapporo", "Odesa", "Riga", "Kobe", "Poznan", "Vilnius"]  # fmt: skip


def article(i: int) -> dict[str, str]:
    place = PLACES[i]
    text = (
        f"The port of {place} handled {1200 + 37 * i} containers on {i + 1} March 2024, officials said. "
        f"About {15 + i} percent of them carried grain, and the city pledged ${3 + i} million in repairs "
        f"by 30 June 2024. Run {RUN}, item {i}."
    )
    return {"source": f"Concurrent Wire {i % 3}", "text": text, "published": "2024-03-20", "title": f"{place} port"}


ARTICLES = [article(i) for i in range(len(PLACES))]


def subsets() -> list[list[int]]:
    """Client k sends 6 of the 12 articles, overlapping its neighbours', in its own shuffled order."""
    rng = random.Random(20260527)
    out = []
    for k in range(CLIENTS):
        ids = [(k * 3 + j) % len(ARTICLES) for j in range(6)]
        rng.shuffle(ids)
        out.append(ids)
    return out


def test_overlapping_concurrent_ingest_stores_each_article_once_with_exactly_its_claims(server: str, dsn: str) -> None:
    barrier = threading.Barrier(CLIENTS)
    plan = subsets()

    def client_run(k: int) -> list[tuple[int, int, int]]:
        results = []
        with httpx.Client(base_url=server, timeout=120, headers={"Authorization": f"Bearer {API_KEY}"}) as c:
            barrier.wait(timeout=60)
            if k % 2:  # half the clients send one batch, half send one request per article
                r = c.post("/v1/articles/batch", json={"articles": [ARTICLES[i] for i in plan[k]]})
                assert r.status_code == 200, r.text
                for i, item in zip(plan[k], r.json()["items"], strict=True):
                    results.append((i, item["status"], item["id"]))
            else:
                for i in plan[k]:
                    r = c.post("/v1/articles", json=ARTICLES[i])
                    assert r.status_code in (200, 201), r.text
                    results.append((i, r.status_code, r.json()["id"]))
        return results

    with ThreadPoolExecutor(CLIENTS) as pool:
        outcomes = [o for f in [pool.submit(client_run, k) for k in range(CLIENTS)] for o in f.result()]

    sent = {i for ids in plan for i in ids}
    assert len(outcomes) == CLIENTS * 6
    for i in sent:
        mine = [(status, aid) for j, status, aid in outcomes if j == i]
        assert [s for s, _ in mine].count(201) == 1, (i, mine)  # exactly one request created it
        assert len({aid for _, aid in mine}) == 1, (i, mine)  # everyone was told the same id

    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT a.id, a.text, a.published, (SELECT count(*) FROM claims c WHERE c.article_id = a.id)"
            " FROM articles a WHERE a.text LIKE %s",
            (f"%Run {RUN},%",),
        ).fetchall()
    assert len(rows) == len(sent)  # one copy of each article
    reader = httpx.Client(base_url=server, timeout=60)
    for article_id, text, published, n in rows:
        clean = extract(text, published=published)
        assert clean.text == text
        stored = walk(reader, f"/v1/articles/{article_id}/claims", limit=500)
        assert n == len(clean.claims) == len(stored)  # exactly its claims, no doubles
        assert sorted((c["kind"], c["start"], c["end"]) for c in stored) == sorted(
            (c.kind, c.start, c.end) for c in clean.claims
        )
    reader.close()


# --------------------------------------------------------------------------- reviews


@pytest.fixture(scope="module")
def conflict_id(client: httpx.Client, dsn: str) -> int:
    ids = []
    for n, (src, count) in enumerate((("Race Wire", 4100), ("Race Post", 1250))):
        r = client.post(
            "/v1/articles",
            json={
                "source": src,
                "text": f"Officials said {count} crates were lost at the docks on {2 + n} May 2024. Run {RUN}.",
                "published": "2024-05-05",
            },
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    ca, cb = (next(c for c in walk(client, f"/v1/articles/{a}/claims") if c["kind"] == "count") for a in ids)

    link(dsn, [(ca["id"], cb["id"], "conflict", 0.7)], reason="crates lost: 4,100 vs 1,250")
    (found,) = walk(client, "/v1/conflicts", article=ids[0])
    return int(found["id"])


def test_same_etag_at_once_lets_exactly_one_review_through(server: str, conflict_id: int) -> None:
    with httpx.Client(base_url=server) as c:
        etag = c.get(f"/v1/conflicts/{conflict_id}").headers["etag"]
    barrier = threading.Barrier(CLIENTS)

    def review(k: int) -> int:
        with httpx.Client(base_url=server, timeout=60, headers={"Authorization": f"Bearer {API_KEY}"}) as c:
            barrier.wait(timeout=60)
            r = c.patch(
                f"/v1/conflicts/{conflict_id}",
                json={"status": "confirmed", "note": f"burst {k}", "reviewer": f"burst-{k}"},
                headers={"If-Match": etag},
            )
            return r.status_code

    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = list(pool.map(review, range(CLIENTS)))
    assert sorted(statuses) == [200] + [412] * (CLIENTS - 1), statuses


def test_racing_reviewers_with_retry_keep_a_complete_history(server: str, conflict_id: int) -> None:
    """8 reviewers, each GET -> PATCH with If-Match, retrying on 412: every review lands exactly once."""
    with httpx.Client(base_url=server) as c:
        start = c.get(f"/v1/conflicts/{conflict_id}").json()
    barrier = threading.Barrier(CLIENTS)
    statuses = ["open", "confirmed", "dismissed", "resolved"]

    def reviewer(k: int) -> tuple[int, int]:
        stale = 0
        with httpx.Client(base_url=server, timeout=60, headers={"Authorization": f"Bearer {API_KEY}"}) as c:
            barrier.wait(timeout=60)
            for _ in range(200):
                etag = c.get(f"/v1/conflicts/{conflict_id}").headers["etag"]
                r = c.patch(
                    f"/v1/conflicts/{conflict_id}",
                    json={"status": statuses[k % 4], "note": f"review {k}", "reviewer": f"reviewer-{k}"},
                    headers={"If-Match": etag},
                )
                if r.status_code == 200:
                    return k, stale
                assert r.status_code == 412, r.text
                stale += 1
        raise AssertionError(f"reviewer {k} never got through")

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(reviewer, range(CLIENTS)))
    with httpx.Client(base_url=server) as c:
        r = c.get(f"/v1/conflicts/{conflict_id}")
    end = r.json()
    new = end["history"][len(start["history"]) :]
    assert sorted(h["reviewer"] for h in new) == sorted(f"reviewer-{k}" for k in range(CLIENTS))
    assert end["version"] == start["version"] + CLIENTS
    assert r.headers["etag"] == f'"v{end["version"]}"'
    assert end["status"] == new[-1]["status"]  # the current status is the last review's
    assert [h["at"] for h in new] == sorted(h["at"] for h in new)
    assert sum(stale for _, stale in results) >= 1  # they really did collide


# --------------------------------------------------------------------------- migrations


MIGRATE = """
import sys, time
from claims import migrate
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
print(",".join(migrate.migrate(sys.argv[1])))
"""


@pytest.mark.parametrize("processes", [2, 4])
def test_processes_migrating_at_once_apply_each_migration_once(dsn: str, processes: int) -> None:
    target = _fresh_schema_dsn(dsn, f"mig_procs_{processes}")
    start = time.time() + 3.0  # every process is up and waiting by then, so they really race
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE, target, str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e[-800:] for _, e in outs]
    applied = sorted(v for out, _ in outs for v in out.strip().split(",") if v)
    assert applied == [m.version for m in migrate.discover()]  # each once, across all processes
    with psycopg.connect(target) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == [m.version for m in migrate.discover()]
