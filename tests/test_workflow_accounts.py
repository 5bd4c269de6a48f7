"""People and roles, and the audit log: named accounts with their own keys, over real HTTP."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import link
from tests.test_api import assert_problem
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


def test_admin_creates_accounts_and_keys_and_roles_are_enforced(admin: httpx.Client, wf_server: str) -> None:
    reviewer, reviewer_key = make_user(admin, "reviewer")
    reader, reader_key = make_user(admin, "reader")
    assert reviewer["role"] == "reviewer" and reviewer_key.startswith("clm_")

    with client_for(wf_server, reviewer_key) as rc, client_for(wf_server, reader_key) as rd:
        assert rc.get("/v1/me").json() == {"account_id": reviewer["id"], "name": reviewer["name"], "role": "reviewer"}
        # a reviewer cannot create users, nor read the audit log
        assert_problem(rc.post("/v1/users", json={"name": unique("x"), "role": "admin"}), 403)
        assert_problem(rc.get("/v1/audit"), 403)
        # a reader reads but cannot write
        assert rd.get("/v1/conflicts").status_code == 200
        assert_problem(rd.post("/v1/articles", json={"source": "S", "text": "Nothing."}), 403)
        assert_problem(rd.patch("/v1/conflicts/1", json={"status": "confirmed"}), 403)
        # a reviewer can ingest
        assert rc.post("/v1/articles", json={"source": "Roles", "text": "Some 12 boats sank."}).status_code == 201

    # a revoked key gets 401 at once
    keys_before = admin.get("/v1/audit", params={"object_type": "api_key"}).json()["items"]
    key_id = next(e["object_id"] for e in keys_before if e["after"]["account_id"] == reader["id"])
    r = admin.delete(f"/v1/keys/{key_id}")
    assert r.status_code == 200 and r.json()["revoked_at"]
    with client_for(wf_server, reader_key) as rd:
        assert_problem(rd.post("/v1/articles", json={"source": "S", "text": "x"}), 401)
        assert_problem(rd.get("/v1/me"), 401)
    with client_for(wf_server, "clm_000000000000_not-a-key") as bad:
        assert_problem(bad.patch("/v1/conflicts/1", json={"status": "confirmed"}), 401)
    # no key at all where keys are configured: 401 on writes, reads stay open
    with client_for(wf_server, None) as anon:
        assert_problem(anon.post("/v1/users", json={"name": "x", "role": "admin"}), 401)
        assert anon.get("/v1/conflicts").status_code == 200


def test_bad_account_input(admin: httpx.Client) -> None:
    name = unique("dup")
    assert admin.post("/v1/users", json={"name": name, "role": "editor"}).status_code == 201
    assert_problem(admin.post("/v1/users", json={"name": name.upper(), "role": "editor"}), 409)
    assert_problem(admin.post("/v1/users", json={"name": unique("x"), "role": "chief"}), 400)
    assert_problem(admin.post("/v1/users/987654/keys"), 404)
    assert_problem(admin.delete("/v1/keys/987654"), 404)


def test_review_records_the_account_in_history_and_audit(admin: httpx.Client, wf_server: str, wf_dsn: str) -> None:
    a = ingest(admin, "Audit Wire", "The port authority said 4,100 containers were lost on 2 May 2024.", "2024-05-03")
    b = ingest(admin, "Audit Post", "Only 1,250 containers were lost, the port authority said on 3 May.", "2024-05-04")
    ca, cb = first_count_claim(admin, a), first_count_claim(admin, b)
    link(wf_dsn, [(ca["id"], cb["id"], "conflict", 0.7)], reason="containers lost: 4,100 vs 1,250")
    conflict = admin.get("/v1/conflicts", params={"article": a}).json()["items"][0]

    reviewer, key = make_user(admin, "reviewer")
    with client_for(wf_server, key) as rc:
        r = rc.patch(f"/v1/conflicts/{conflict['id']}", json={"status": "confirmed", "note": "port log"})
        assert r.status_code == 200, r.text
        assert r.json()["history"][-1]["reviewer"] == reviewer["name"]

    entries = admin.get("/v1/audit", params={"account": reviewer["name"]}).json()["items"]
    (entry,) = [e for e in entries if e["action"] == "conflict.review"]
    assert entry["account_id"] == reviewer["id"] and entry["actor"] == reviewer["name"]
    assert entry["object_type"] == "conflict" and entry["object_id"] == conflict["id"]
    assert entry["before"]["status"] == "open" and entry["after"]["status"] == "confirmed"
    assert entry["note"] == "port log" and entry["at"]
    by_object = admin.get("/v1/audit", params={"object_type": "conflict", "object_id": conflict["id"]}).json()
    assert [e["id"] for e in by_object["items"]] == [entry["id"]]
    # the ingest and the account changes are in the log too, paged newest first
    page = admin.get("/v1/audit", params={"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    assert page["items"][0]["id"] > page["items"][1]["id"]
    created = admin.get("/v1/audit", params={"action": "article.create", "object_id": a}).json()["items"]
    assert created and created[0]["actor"] == "settings key"


def test_cli_users_add_key_revoke(admin: httpx.Client, wf_server: str, wf_dsn: str) -> None:
    name = unique("cli-editor")
    added = cli(wf_dsn, "users", "add", name, "--role", "editor")
    assert added.returncode == 0, added.stderr
    keyed = cli(wf_dsn, "users", "key", name)
    assert keyed.returncode == 0, keyed.stderr
    key = keyed.stdout.strip()
    assert key.startswith("clm_") and "shown once" in keyed.stderr
    with client_for(wf_server, key) as ed:
        assert ed.get("/v1/me").json()["role"] == "editor"
        revoked = cli(wf_dsn, "users", "revoke", key.split("_")[1])
        assert revoked.returncode == 0, revoked.stderr
        assert_problem(ed.get("/v1/me"), 401)
    assert cli(wf_dsn, "users", "key", "nobody-here").returncode == 2
    assert cli(wf_dsn, "users", "add", name, "--role", "editor").returncode == 2
