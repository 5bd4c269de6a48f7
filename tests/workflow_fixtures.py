"""Fixtures of the editorial-workflow tests: a database of their own (`claims_workflow`), so the
accounts and keys they create never turn on key checks for the other tests' keyless servers."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import msgspec
import psycopg
import pytest
from psycopg import conninfo, sql

from claims import migrate
from claims.settings import Settings
from tests.conftest import API_KEY, serve

DB_NAME = "claims_workflow"


@pytest.fixture(scope="session")
def wf_dsn(dsn: str) -> str:
    with psycopg.connect(dsn, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
    target = conninfo.make_conninfo(dsn, dbname=DB_NAME)
    migrate.migrate(target)
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute(
            "TRUNCATE sources, articles, claims, matches, conflicts, conflict_history, accounts, api_keys,"
            " audit_log, rejected_pairs, match_decisions, assignments RESTART IDENTITY CASCADE"
        )
    return target


@pytest.fixture(scope="session")
def wf_server(settings: Settings, wf_dsn: str) -> Iterator[str]:
    url, stop = serve(msgspec.structs.replace(settings, database_url=wf_dsn, rate_limit=0))
    yield url
    stop()


def client_for(url: str, key: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(base_url=url, timeout=60, headers=headers, trust_env=False)


@pytest.fixture(scope="session")
def admin(wf_server: str) -> Iterator[httpx.Client]:
    with client_for(wf_server, API_KEY) as c:
        yield c


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:6]}"


def make_user(admin: httpx.Client, role: str) -> tuple[dict[str, Any], str]:
    """A new account of this role and a key for it."""
    r = admin.post("/v1/users", json={"name": unique(role), "role": role})
    assert r.status_code == 201, r.text
    account = r.json()
    k = admin.post(f"/v1/users/{account['id']}/keys")
    assert k.status_code == 201, k.text
    return account, str(k.json()["key"])


def cli(dsn: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": dsn}
    return subprocess.run(
        [sys.executable, "-m", "claims.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )


def ingest(client: httpx.Client, source: str, text: str, published: str) -> int:
    r = client.post(
        "/v1/articles",
        json={
            "source": source,
            "text": text,
            "published": published,
            "title": f"{source} report",
            "url": f"https://example.org/{source.replace(' ', '-').lower()}",
            "author": "A. Writer",
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def first_count_claim(client: httpx.Client, article_id: int) -> dict[str, Any]:
    r = client.get(f"/v1/articles/{article_id}/claims", params={"limit": 500})
    assert r.status_code == 200, r.text
    return next(c for c in r.json()["items"] if c["kind"] == "count")
