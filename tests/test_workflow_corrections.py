"""Corrections over real HTTP: a corrected article supersedes the old, withdrawals, claims marked wrong."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import link
from tests.test_api import assert_problem, walk
from tests.workflow_fixtures import admin, client_for, first_count_claim, ingest, make_user, unique, wf_dsn, wf_server

__all__ = ["admin", "wf_dsn", "wf_server"]  # fixtures
pytestmark = pytest.mark.model


def conflict_between(admin: httpx.Client, dsn: str, tag: str, *, reviewed: bool = False) -> dict[str, Any]:
    a = ingest(
        admin,
        f"{tag} Wire",
        f"The port authority said 4,100 containers were lost on 2 May 2024. Filed by {tag}.",
        "2024-05-03",
    )
    b = ingest(
        admin,
        f"{tag} Post",
        f"Only 1,250 containers were lost, the port authority said on 3 May. Filed by {tag}.",
        "2024-05-04",
    )
    ca, cb = first_count_claim(admin, a), first_count_claim(admin, b)
    link(dsn, [(ca["id"], cb["id"], "conflict", 0.7)], reason="containers lost: 4,100 vs 1,250")
    k = next(
        c for c in walk(admin, "/v1/conflicts", article=a) if {x["id"] for x in c["claims"]} == {ca["id"], cb["id"]}
    )
    if reviewed:
        assert admin.patch(f"/v1/conflicts/{k['id']}", json={"status": "confirmed"}).status_code == 200
    return {"a": a, "b": b, "ca": ca, "cb": cb, "conflict": k["id"]}


def test_correction_supersedes_and_closes_open_conflicts(admin: httpx.Client, wf_server: str, wf_dsn: str) -> None:
    tag = unique("Corr")
    open_one = conflict_between(admin, wf_dsn, tag)
    editor, editor_key = make_user(admin, "editor")
    reviewer, reviewer_key = make_user(admin, "reviewer")
    text = f"The port authority said 1,250 containers were lost on 2 May 2024. Filed by {tag}."
    body = {"text": text, "note": "figure corrected"}
    with client_for(wf_server, reviewer_key) as rc:
        assert_problem(rc.put(f"/v1/articles/{open_one['a']}", json=body), 403)
    with client_for(wf_server, editor_key) as ed:
        r = ed.put(f"/v1/articles/{open_one['a']}", json=body)
        assert r.status_code == 200, r.text
        out = r.json()
        assert out["supersedes"] == open_one["a"] and out["id"] != open_one["a"] and out["claims"] >= 1
        assert open_one["conflict"] in out["closed_conflicts"]
        assert out["old"]["superseded_by"] == out["id"] and out["old"]["retired_claims"] == out["old"]["claims"]
        # a second correction of the old version is refused; the new one can be corrected
        assert_problem(ed.put(f"/v1/articles/{open_one['a']}", json=body), 409)
        assert_problem(ed.put(f"/v1/articles/{out['id']}", json={"text": body["text"]}), 409)  # unchanged text
    new_state = admin.get(f"/v1/articles/{out['id']}/state").json()
    assert new_state["supersedes"] == open_one["a"] and not new_state["withdrawn"]
    assert admin.get(f"/v1/claims/{open_one['ca']['id']}/state").json()["retired"] is True
    new_article = admin.get(f"/v1/articles/{out['id']}").json()
    assert new_article["source"] == f"{tag} Wire" and new_article["title"] == f"{tag} Wire report"
    detail = admin.get(f"/v1/conflicts/{open_one['conflict']}").json()
    assert detail["status"] == "resolved"
    assert detail["history"][-1]["note"] == "article corrected" and detail["history"][-1]["reviewer"] == editor["name"]
    entries = admin.get("/v1/audit", params={"object_type": "article", "object_id": open_one["a"]}).json()["items"]
    assert entries[0]["action"] == "article.correct" and entries[0]["note"] == "figure corrected"
    assert entries[0]["account_id"] == editor["id"] and entries[0]["before"]["superseded_by"] is None
    del reviewer


def test_reviewed_conflicts_keep_their_verdict_and_withdrawal(admin: httpx.Client, wf_dsn: str) -> None:
    reviewed = conflict_between(admin, wf_dsn, unique("Kept"), reviewed=True)
    r = admin.post(f"/v1/articles/{reviewed['b']}/withdraw", json={"note": "retracted by the outlet"})
    assert r.status_code == 200, r.text
    assert r.json()["article"]["withdrawn"] is True and r.json()["closed_conflicts"] == []
    detail = admin.get(f"/v1/conflicts/{reviewed['conflict']}").json()
    assert detail["status"] == "confirmed" and [h["status"] for h in detail["history"]] == ["open", "confirmed"]
    assert admin.get(f"/v1/claims/{reviewed['cb']['id']}/state").json()["retired"] is True
    assert_problem(admin.post(f"/v1/articles/{reviewed['b']}/withdraw", json={}), 409)
    assert_problem(admin.post("/v1/articles/987654/withdraw", json={}), 404)
    (entry,) = admin.get("/v1/audit", params={"action": "article.withdraw", "object_id": reviewed["b"]}).json()["items"]
    assert entry["after"]["withdrawn_at"] and entry["note"] == "retracted by the outlet"


def test_claim_marked_wrong_leaves_matching_and_undo(admin: httpx.Client, wf_server: str, wf_dsn: str) -> None:
    tag = unique("Wrong")
    pair = conflict_between(admin, wf_dsn, tag)
    _reviewer, reviewer_key = make_user(admin, "reviewer")
    with client_for(wf_server, reviewer_key) as rc:
        assert_problem(rc.post(f"/v1/claims/{pair['ca']['id']}/wrong", json={}), 403)
    r = admin.post(f"/v1/claims/{pair['ca']['id']}/wrong", json={"note": "misread the port log"})
    assert r.status_code == 200, r.text
    assert r.json()["wrong"] is True and pair["conflict"] in r.json()["closed_conflicts"]
    detail = admin.get(f"/v1/conflicts/{pair['conflict']}").json()
    assert detail["status"] == "resolved" and detail["history"][-1]["note"] == "claim marked wrong"
    # out of matching: a new article stating the other figure again does not pair with it
    again = ingest(
        admin, f"{tag} Times", "The port authority said 1,250 containers were lost on 2 May 2024.", "2024-05-05"
    )
    c = first_count_claim(admin, again)
    partners = {m["claim"]["id"] for m in admin.get(f"/v1/claims/{c['id']}").json()["matches"]}
    assert pair["ca"]["id"] not in partners
    undone = admin.delete(f"/v1/claims/{pair['ca']['id']}/wrong")
    assert undone.status_code == 200 and undone.json()["wrong"] is False
    actions = [e["action"] for e in admin.get("/v1/audit", params={"object_type": "claim"}).json()["items"][:2]]
    assert actions == ["claim.unwrong", "claim.wrong"]
