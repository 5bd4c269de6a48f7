"""The work queue over real HTTP: filters, sorting, bulk actions, suggestions accepted and rejected."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import psycopg
import pytest

from claims import store
from claims.models import MatchResult
from tests.conftest import link
from tests.test_api import assert_problem, walk
from tests.workflow_fixtures import (
    admin,
    cli,
    client_for,
    first_count_claim,
    ingest,
    make_user,
    unique,
    wf_dsn,
    wf_server,
)

__all__ = ["admin", "wf_dsn", "wf_server"]  # fixtures
pytestmark = pytest.mark.model


def suggest(dsn: str, a: int, b: int, label: str = "conflict") -> None:
    """Store an unsure match (linked false) as the matcher would."""
    result = MatchResult(
        a=a,
        b=b,
        label=label,
        score=0.6,
        components={"ctx": 0.6},
        reason="maybe the same",
        linked=False,  # type: ignore[arg-type]
    )

    async def insert() -> None:
        async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn, conn.transaction():
            await store.insert_matches(conn, [result])

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, insert()).result()


def forget(dsn: str, a: int, b: int) -> None:
    """Drop whatever the matcher stored for this pair, so the test decides what it is."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DELETE FROM matches WHERE claim_a = %s AND claim_b = %s", tuple(sorted((a, b))))


def pair(admin: httpx.Client, tag: str, high: str, low: str) -> tuple[dict[str, Any], dict[str, Any]]:
    a = ingest(
        admin, f"{tag} Wire", f"The port authority said {high} containers were lost on 2 May 2024.", "2024-05-03"
    )
    b = ingest(
        admin, f"{tag} Post", f"Only {low} containers were lost, the port authority said on 3 May.", "2024-05-04"
    )
    return first_count_claim(admin, a), first_count_claim(admin, b)


@pytest.fixture(scope="module")
def items(admin: httpx.Client, wf_dsn: str) -> dict[str, Any]:
    tag = unique("Q").replace("-", "")
    c1a, c1b = pair(admin, f"{tag}A", "4,100", "1,250")
    c2a, c2b = pair(admin, f"{tag}B", "900", "700")
    s1a, s1b = pair(admin, f"{tag}C", "5,000", "2,000")
    s2a, s2b = pair(admin, f"{tag}D", "300", "310")
    for x, y in ((c1a, c1b), (c2a, c2b), (s1a, s1b), (s2a, s2b)):
        forget(wf_dsn, x["id"], y["id"])
    link(wf_dsn, [(c1a["id"], c1b["id"], "conflict", 0.9)], reason="high")
    link(wf_dsn, [(c2a["id"], c2b["id"], "conflict", 0.3)], reason="low")
    suggest(wf_dsn, s1a["id"], s1b["id"], "conflict")
    suggest(wf_dsn, s2a["id"], s2b["id"], "agree")
    queue = walk(admin, "/v1/queue", status="any")

    def find(kind: str, x: dict[str, Any], y: dict[str, Any]) -> dict[str, Any]:
        want = {x["id"], y["id"]}
        return next(i for i in queue if i["kind"] == kind and {c["id"] for c in i["claims"]} == want)

    return {
        "tag": tag,
        "c1": find("conflict", c1a, c1b),
        "c2": find("conflict", c2a, c2b),
        "s1": find("suggestion", s1a, s1b),
        "s2": find("suggestion", s2a, s2b),
        "claims": {"c1a": c1a, "s1a": s1a},
    }


def ids(items: Iterable[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(i["kind"], i["id"]) for i in items]


def ref(item: dict[str, Any]) -> dict[str, Any]:
    return {"kind": item["kind"], "id": item["id"]}


def test_queue_lists_conflicts_and_suggestions_with_filters(admin: httpx.Client, items: dict[str, Any]) -> None:
    tag = items["tag"]
    c1, c2, s1 = items["c1"], items["c2"], items["s1"]
    assert c1["status"] == "open" and c1["severity"] == pytest.approx(0.9) and c1["sources"]
    assert s1["severity"] is None and s1["label"] == "conflict" and len(s1["claims"]) == 2
    mine = ids(i for i in walk(admin, "/v1/queue") if any(s.startswith(tag) for s in i["sources"]))
    assert set(ids([c1, c2, s1, items["s2"]])) <= set(mine)
    by_source = walk(admin, "/v1/queue", source=f"{tag}A Wire")
    assert ("conflict", c1["id"]) in ids(by_source) and ("conflict", c2["id"]) not in ids(by_source)
    assert all(f"{tag}A Wire" in i["sources"] for i in by_source)
    kinds = {i["kind"] for i in walk(admin, "/v1/queue", kind="suggestion")}
    assert kinds == {"suggestion"}
    ranged = ids(walk(admin, "/v1/queue", min_severity="0.5", max_severity="0.95"))
    assert ("conflict", c1["id"]) in ranged and ("conflict", c2["id"]) not in ranged
    # sorted by severity: the 0.9 conflict before the 0.3 one, suggestions (no severity) last
    order = [x for x in ids(walk(admin, "/v1/queue", sort="severity")) if x in set(ids([c1, c2, s1]))]
    assert order == [("conflict", c1["id"]), ("conflict", c2["id"]), ("suggestion", s1["id"])]
    by_date = [x for x in ids(walk(admin, "/v1/queue", sort="date")) if x in set(ids([c1, s1]))]
    assert by_date == [("suggestion", s1["id"]), ("conflict", c1["id"])]
    assert walk(admin, "/v1/queue", sort="sources")
    today = c1["created_at"][:10]
    assert ("conflict", c1["id"]) in ids(walk(admin, "/v1/queue", since=today, until=today))
    assert not walk(admin, "/v1/queue", until="2000-01-01")
    page = admin.get("/v1/queue", params={"limit": 1}).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    assert_problem(admin.get("/v1/queue", params={"sort": "random"}), 400)
    assert_problem(admin.get("/v1/queue", params={"cursor": "bogus"}), 422)


def test_subject_filter_is_a_case_and_accent_insensitive_prefix(
    admin: httpx.Client, items: dict[str, Any], wf_dsn: str
) -> None:
    subject = items["c1"]["subject"]
    if subject:
        found = ids(walk(admin, "/v1/queue", subject=subject[:2].upper()))
        assert ("conflict", items["c1"]["id"]) in found
    assert ("conflict", items["c1"]["id"]) not in ids(walk(admin, "/v1/queue", subject="zzqx"))
    with psycopg.connect(wf_dsn, autocommit=True) as conn:
        row = conn.execute("SELECT claims_fold('Société Générale ÆØ Straße')").fetchone()
        # the same fold the filter applies: "eu" finds "European Union", "gen" finds "Société Générale"
        hit = conn.execute("SELECT claims_fold('Société Générale') LIKE '%% ' || claims_fold('GÉN') || '%%'").fetchone()
    assert row == ("societe generale aeo strasse",) and hit == (True,)


def test_bulk_actions_assign_dismiss_and_roles(admin: httpx.Client, wf_server: str, items: dict[str, Any]) -> None:
    reviewer, key = make_user(admin, "reviewer")
    _reader, reader_key = make_user(admin, "reader")
    c1, c2 = items["c1"], items["c2"]
    with client_for(wf_server, reader_key) as rd:
        assert_problem(rd.post("/v1/queue/bulk", json={"action": "confirm", "items": [ref(c1)]}), 403)
    with client_for(wf_server, key) as rc:
        r = rc.post("/v1/queue/bulk", json={"action": "assign", "assignee": "me", "items": [ref(c1), ref(c2)]})
        assert r.status_code == 200 and r.json()["done"] == 2, r.text
        assert set(ids(walk(rc, "/v1/queue", assigned="mine"))) == {("conflict", c1["id"]), ("conflict", c2["id"])}
        assert ("conflict", c1["id"]) not in ids(walk(rc, "/v1/queue", assigned="none"))
        # dismissing needs a reason or a note
        assert_problem(rc.post("/v1/queue/bulk", json={"action": "dismiss", "items": [ref(c2)]}), 422)
        assert_problem(rc.post("/v1/queue/bulk", json={"action": "dismiss", "reason": "why", "items": [ref(c2)]}), 400)
        r = rc.post(
            "/v1/queue/bulk",
            json={
                "action": "dismiss",
                "reason": "compatible",
                "note": "same figure, rounded",
                "items": [ref(c2), {"kind": "conflict", "id": 987654}],
            },
        )
        body = r.json()
        assert r.status_code == 200 and body["done"] == 1 and body["failed"] == 1, r.text
        assert body["items"][1]["status"] == 404
        history = rc.get(f"/v1/conflicts/{c2['id']}").json()["history"]
        assert history[-1]["status"] == "dismissed" and history[-1]["reviewer"] == reviewer["name"]
        assert history[-1]["note"] == "compatible; same figure, rounded"
        assert ("conflict", c2["id"]) not in ids(walk(rc, "/v1/queue"))
        assert ("conflict", c2["id"]) in ids(walk(rc, "/v1/queue", status="dismissed"))
    audit = admin.get("/v1/audit", params={"account": reviewer["id"]}).json()["items"]
    assert {e["action"] for e in audit} == {"queue.assign", "conflict.review"}


def test_accepting_a_suggestion_opens_its_conflict(admin: httpx.Client, items: dict[str, Any]) -> None:
    s1, s2 = items["s1"], items["s2"]
    r = admin.post("/v1/queue/bulk", json={"action": "accept", "items": [ref(s1), ref(s2)], "note": "same storm"})
    assert r.status_code == 200, r.text
    first, second = r.json()["items"]
    assert first["state"] == "accepted" and first["conflict_id"]
    assert second["state"] == "accepted" and "conflict_id" not in second  # an agreement links, opens nothing
    conflict = admin.get(f"/v1/conflicts/{first['conflict_id']}").json()
    assert conflict["status"] == "open" and 0 <= conflict["severity"] <= 1
    assert conflict["history"][0]["note"] == "suggestion accepted"
    claim = admin.get(f"/v1/claims/{items['claims']['s1a']['id']}").json()
    assert any(m["label"] == "conflict" for m in claim["matches"])
    assert ("suggestion", s1["id"]) not in ids(walk(admin, "/v1/queue"))
    again = admin.post("/v1/queue/bulk", json={"action": "accept", "items": [ref(s1)]}).json()
    assert again["items"][0]["status"] == 404  # no longer a suggestion


def test_rejected_pair_never_comes_back_after_rematch(admin: httpx.Client, wf_dsn: str) -> None:
    tag = unique("R").replace("-", "")
    text = (
        "Some 4,100 containers were lost in the storm at the port of Rotterdam on 2 May 2024, the port authority said."
    )
    a = ingest(admin, f"{tag} Wire", text, "2024-05-03")
    b = ingest(admin, f"{tag} Post", text.replace("Some", "About"), "2024-05-03")
    ca, cb = first_count_claim(admin, a), first_count_claim(admin, b)
    lo, hi = sorted((ca["id"], cb["id"]))
    with psycopg.connect(wf_dsn, autocommit=True) as conn:
        found = conn.execute("SELECT id FROM matches WHERE claim_a = %s AND claim_b = %s", (lo, hi)).fetchone()
        if found is None:  # the matcher did not pair them: store the suggestion ourselves
            suggest(wf_dsn, lo, hi, "agree")
        conn.execute("UPDATE matches SET linked = false WHERE claim_a = %s AND claim_b = %s", (lo, hi))
        matcher_found = found is not None
    item = next(i for i in walk(admin, "/v1/queue", kind="suggestion", source=f"{tag} Wire"))
    r = admin.post("/v1/queue/bulk", json={"action": "reject", "note": "different ports", "items": [ref(item)]})
    assert r.status_code == 200 and r.json()["items"][0]["state"] == "rejected", r.text
    assert not walk(admin, "/v1/queue", kind="suggestion", source=f"{tag} Wire")

    done = cli(wf_dsn, "rematch")
    assert done.returncode == 0, done.stderr
    with psycopg.connect(wf_dsn, autocommit=True) as conn:
        back = conn.execute("SELECT 1 FROM matches WHERE claim_a = %s AND claim_b = %s", (lo, hi)).fetchone()
        rejected = conn.execute(
            "SELECT note FROM rejected_pairs WHERE claim_a = %s AND claim_b = %s", (lo, hi)
        ).fetchone()
    assert back is None and rejected == ("different ports",)
    del matcher_found  # whether the matcher paired them itself: rematch would then have restored the match
    audit = admin.get("/v1/audit", params={"action": "suggestion.reject"}).json()["items"]
    assert audit and audit[0]["before"]["claim_a"] == lo
