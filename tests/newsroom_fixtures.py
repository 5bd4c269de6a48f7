"""Fixtures for the newsroom tests (review page, webhooks, exports, fetch, timeline).

They run their own app on their own database (`claims_newsroom` on the same PostgreSQL), with
settings the shared `server` must not have: loopback URLs allowed (the local receivers and pages
of these tests), a fast webhook loop and a short backoff. A separate database keeps the shared
app's delivery loop (default, slow backoff) from ever leasing these tests' deliveries.

Import the fixtures into a test module with `from tests.newsroom_fixtures import *`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import msgspec
import psycopg
import pytest
from psycopg import conninfo, sql

from claims import migrate
from claims.settings import Settings
from tests.conftest import API_KEY, link, serve

DB_NAME = "claims_newsroom"
_servers: dict[str, str] = {}


def _newsroom_dsn(dsn: str) -> str:
    """The test database beside the shared one, created on first use."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
    target = conninfo.make_conninfo(dsn, dbname=DB_NAME)
    migrate.migrate(target)
    return target


def reset(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "TRUNCATE sources, articles, claims, matches, conflicts, conflict_history,"
            " webhooks, webhook_events, webhook_deliveries RESTART IDENTITY CASCADE"
        )


@pytest.fixture(scope="session")
def newsroom_dsn(dsn: str) -> str:
    return _newsroom_dsn(dsn)


def newsroom_settings(settings: Settings, newsroom_dsn: str) -> Settings:
    return msgspec.structs.replace(
        settings,
        database_url=newsroom_dsn,
        allow_private_urls=True,
        webhooks_enabled=True,
        fetch_timeout=2.0,
        fetch_max_bytes=200_000,
        webhook_timeout=2.0,
        webhook_poll_interval=0.05,
        webhook_backoff_base=0.2,
        webhook_backoff_max=1.0,
        webhook_max_attempts=4,
        rate_limit=0,
    )


@pytest.fixture(scope="session")
def newsroom_server(settings: Settings, newsroom_dsn: str) -> Iterator[str]:
    """The app with newsroom test settings on a loopback port (one per session, shared by modules)."""
    if "url" in _servers:
        yield _servers["url"]
        return
    url, stop = serve(newsroom_settings(settings, newsroom_dsn))
    _servers["url"] = url
    yield url
    stop()
    _servers.clear()


@pytest.fixture(scope="session")
def nclient(newsroom_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=newsroom_server, timeout=60, headers={"Authorization": f"Bearer {API_KEY}"}, trust_env=False
    ) as c:
        yield c


@pytest.fixture(scope="session")
def nanon(newsroom_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=newsroom_server, timeout=60, trust_env=False) as c:
        yield c


def ingest(client: httpx.Client, source: str, text: str, published: str, **extra: Any) -> dict[str, Any]:
    body = {"source": source, "text": text, "published": published, "title": f"{source} report", **extra}
    r = client.post("/v1/articles", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def claims_of(client: httpx.Client, article_id: int) -> list[dict[str, Any]]:
    r = client.get(f"/v1/articles/{article_id}/claims", params={"limit": 500})
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def make_conflict(
    client: httpx.Client, dsn: str, *, tag: str, high: str, low: str, severity: float, subject_text: str
) -> dict[str, Any]:
    """Two articles stating different counts of the same thing, linked as a conflict."""
    a = ingest(
        client, f"{tag} Wire", f"{subject_text.format(n=high)}", "2024-05-03", url=f"https://example.org/{tag}/a"
    )
    b = ingest(client, f"{tag} Post", f"{subject_text.format(n=low)}", "2024-05-04", url=f"https://example.org/{tag}/b")
    ca = next(c for c in claims_of(client, a["id"]) if c["kind"] == "count")
    cb = next(c for c in claims_of(client, b["id"]) if c["kind"] == "count")
    link(dsn, [(ca["id"], cb["id"], "conflict", severity)], reason=f"{tag}: {high} vs {low}")
    return {"a": ca, "b": cb, "article_a": a["id"], "article_b": b["id"]}


__all__ = [
    "claims_of",
    "ingest",
    "link",
    "make_conflict",
    "nanon",
    "nclient",
    "newsroom_dsn",
    "newsroom_server",
    "reset",
]
