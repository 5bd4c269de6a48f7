"""Conflicts kept rendered (api/rendered.py): the same bytes as without the cache, never stale.

The shared server keeps renderings (the default); a second real server on the same database runs
with the cache off, and every answer is compared byte for byte. Conflicts are stored through
`store.insert_matches` between really ingested claims, so the test does not depend on the matcher.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import httpx
import msgspec
import psycopg
import pytest

from claims import store
from claims.lru import LRU
from tests.conftest import link, truncate_all
from tests.test_api import walk

pytestmark = pytest.mark.model

STORMS = [
    ("Rendered Wire", "The harbour master said {n} crates were lost in the gale on 2 May 2024.", 4100),
    ("Rendered Post", "Only {n} crates were lost in the gale, the harbour master said on 3 May 2024.", 1250),
    ("Rendered Daily", "Some {n} crates went overboard in the gale, harbour officials said on 4 May 2024.", 2300),
]


def _conflicts(client: httpx.Client, dsn: str, shift: int = 0) -> list[int]:
    """Three articles, their count claims pairwise in conflict; returns the conflict ids.

    `shift` changes the figures, so the same ids come back with other content after a TRUNCATE."""
    claims = []
    for i, (source, text, n) in enumerate(STORMS):
        n += shift
        r = client.post(
            "/v1/articles",
            json={"source": source, "text": text.format(n=f"{n:,}"), "published": f"2024-05-0{3 + i}"},
        )
        assert r.status_code == 201, r.text
        claims.append(next(c for c in walk(client, f"/v1/articles/{r.json()['id']}/claims") if c["kind"] == "count"))
    pairs = [(claims[0], claims[1]), (claims[0], claims[2]), (claims[1], claims[2])]

    for a, b in pairs:
        link(dsn, [(a["id"], b["id"], "conflict", 0.7)], reason=f"crates lost: {a['value']:,.0f} vs {b['value']:,.0f}")
    return [c["id"] for c in walk(client, "/v1/conflicts")]


@pytest.fixture
def uncached(serve_app: Callable[..., str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=serve_app(render_cache_size=0), timeout=60) as c:
        yield c


PAGES = [
    {},
    {"limit": "1"},
    {"limit": "2"},
    {"status": "open"},
    {"kind": "count", "limit": "2"},
    {"source": "Rendered Post"},
    {"min_severity": "0.5"},
    {"status": "dismissed"},
]


def _pages(c: httpx.Client) -> list[bytes]:
    """Every page of every listing above, following the cursors, as raw bytes."""
    out = []
    for params in PAGES:
        cursor = None
        while True:
            r = c.get("/v1/conflicts", params={**params, **({"cursor": cursor} if cursor else {})})
            assert r.status_code == 200, r.text
            out.append(r.content)
            cursor = r.json()["next_cursor"]
            if cursor is None:
                break
    return out


def test_cached_pages_are_the_uncached_bytes(client: httpx.Client, dsn: str, uncached: httpx.Client) -> None:
    truncate_all(dsn)
    ids = _conflicts(client, dsn)
    assert len(ids) == 3
    expected = _pages(uncached)
    assert _pages(client) == expected  # first time: rendered now
    assert _pages(client) == expected  # then: from the renderings kept


def test_a_review_shows_at_once(client: httpx.Client, dsn: str, uncached: httpx.Client) -> None:
    truncate_all(dsn)
    ids = _conflicts(client, dsn)
    walk(client, "/v1/conflicts")  # rendered and kept
    r = client.patch(f"/v1/conflicts/{ids[1]}", json={"status": "dismissed", "note": "different storms"})
    assert r.status_code == 200, r.text
    after = {c["id"]: c for c in walk(client, "/v1/conflicts")}
    assert after[ids[1]]["status"] == "dismissed" and after[ids[1]]["version"] == 2
    assert [c["id"] for c in walk(client, "/v1/conflicts", status="dismissed")] == [ids[1]]
    assert _pages(client) == _pages(uncached)


def test_ids_used_again_after_truncate_are_not_served_stale(client: httpx.Client, dsn: str) -> None:
    """TRUNCATE ... RESTART IDENTITY gives the same conflict ids to other rows: new row versions."""
    truncate_all(dsn)
    _conflicts(client, dsn)
    before = {c["id"]: c["reason"] for c in walk(client, "/v1/conflicts")}
    truncate_all(dsn)
    _conflicts(client, dsn, shift=7)
    after = {c["id"]: c["reason"] for c in walk(client, "/v1/conflicts")}
    assert after.keys() == before.keys()
    assert all(after[i] != before[i] for i in after), (before, after)


def test_claims_and_source_names_cannot_change(client: httpx.Client, dsn: str) -> None:
    """The promise the renderings rest on, enforced by the database (migration 0011)."""
    truncate_all(dsn)
    _conflicts(client, dsn)
    with psycopg.connect(dsn, autocommit=True) as conn:
        claim_id, source_id = conn.execute("SELECT id, source_id FROM claims ORDER BY id LIMIT 1").fetchone()  # type: ignore[misc]
        for statement in (
            "UPDATE claims SET value = value + 1 WHERE id = %s",
            "UPDATE claims SET sentence = 'rewritten' WHERE id = %s",
            "UPDATE claims SET source_id = source_id WHERE id = %s AND false",  # touches no row: allowed
        ):
            if "false" in statement:
                conn.execute(statement, (claim_id,))
                continue
            with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="immutable"):
                conn.execute(statement, (claim_id,))
        conn.execute("UPDATE claims SET block = 'rebuilt' WHERE id = %s", (claim_id,))  # the matcher's key may change
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="immutable"):
            conn.execute("UPDATE sources SET name = 'Renamed' WHERE id = %s", (source_id,))
        name = conn.execute("SELECT name FROM sources WHERE id = %s", (source_id,)).fetchone()[0]  # type: ignore[index]

    async def upsert() -> int:
        async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as aconn:
            return await store.upsert_source(aconn, name.upper())

    assert asyncio.run(upsert()) == source_id  # another spelling finds the source and keeps its name


def test_lru_keeps_the_most_recent() -> None:
    cache: LRU[tuple[int, int], msgspec.Raw] = LRU(2)
    a, b, c = (msgspec.Raw(x) for x in (b"1", b"2", b"3"))
    cache.put((1, 10), a)
    cache.put((2, 10), b)
    assert cache.get((1, 10)) is a  # 1 is now the most recent
    cache.put((3, 10), c)
    assert cache.get((2, 10)) is None and cache.get((1, 10)) is a and cache.get((3, 10)) is c
    assert cache.get((1, 11)) is None  # another version of 1 is another entry
    assert len(cache) == 2 and cache.hits == 3 and cache.misses == 2
