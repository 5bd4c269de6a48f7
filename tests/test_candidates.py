"""Matching candidates read through the (id, row version) cache are the stored claims, never stale.

`ingest._candidates` must give exactly the stored claims of the blocks, read afresh (same claims,
same order), cold and warm, and after TRUNCATE ... RESTART IDENTITY has given the same ids to
other claims.
"""

from __future__ import annotations

import asyncio

import httpx
import psycopg
import pytest

from claims import ingest, store
from claims.matching import BLOCK_WINDOW
from claims.models import ClaimRef
from tests.conftest import truncate_all

pytestmark = pytest.mark.model

TEXTS = [
    ("Candidate Wire", "Japan pledged 11 billion euros in aid to Ukraine in 2024, the ministry said."),
    ("Candidate Post", "Japan has pledged $12 billion in aid to Ukraine since 2022, officials said."),
    ("Candidate Daily", "About 2,700 refugees from Ukraine arrived in Japan by December 2024."),
]


def _ingest(client: httpx.Client, texts: list[tuple[str, str]]) -> None:
    for source, text in texts:
        r = client.post("/v1/articles", json={"source": source, "text": text, "published": "2024-12-20"})
        assert r.status_code == 201, r.text


async def _both(dsn: str) -> tuple[list[ClaimRef], list[ClaimRef], list[ClaimRef]]:
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        cur = await conn.execute("SELECT DISTINCT block FROM claims WHERE block IS NOT NULL ORDER BY 1")
        keys = [r[0] for r in await cur.fetchall()]
        assert keys, "the texts give claims with block keys"
        cur = await conn.execute("SELECT id FROM claims WHERE block = ANY(%s) ORDER BY id", (keys,))
        ids = [r[0] for r in await cur.fetchall()]
        assert len(ids) < BLOCK_WINDOW, "every claim of these blocks is in the window"
        rows = await store.claims_by_ids(conn, ids)
        direct = [rows[i].to_ref() for i in ids]
        cold = await ingest._candidates(conn, keys)
        warm = await ingest._candidates(conn, keys)
    return direct, cold, warm


def test_cached_candidates_are_the_stored_claims(client: httpx.Client, dsn: str) -> None:
    truncate_all(dsn)
    _ingest(client, TEXTS)
    direct, cold, warm = asyncio.run(_both(dsn))
    assert cold == direct and warm == direct
    assert all(a is b for a, b in zip(cold, warm, strict=True)), "warm reads reuse the objects read cold"

    truncate_all(dsn)  # the same ids again, for other claims
    _ingest(client, [(s, t.replace("Japan", "Canada")) for s, t in TEXTS])
    direct2, cold2, warm2 = asyncio.run(_both(dsn))
    assert {r.id for r in direct2} & {r.id for r in direct}, "ids used again"
    assert cold2 == direct2 and warm2 == direct2
    assert all(r.claim.subject != "Japan" for r in cold2)
