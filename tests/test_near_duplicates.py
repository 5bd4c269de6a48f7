"""Wire copy republished with small edits is one report (issue 13): detected at ingest by MinHash,
linked to the original, and its claims never count as corroboration of the original's."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from claims import duplicates
from tests.newsroom_fixtures import claims_of

pytestmark = pytest.mark.model

WIRE = (
    "Flash floods swept through the valley town of Orsk on Tuesday, killing at least 42 people, the regional "
    "emergency ministry said. More than 3,100 residents were evacuated overnight as the river rose by four "
    "metres, and about 600 homes were flooded. Rescue teams from three neighbouring regions joined the search "
    "for 17 people still missing, officials said on Wednesday. The governor declared a state of emergency and "
    "promised compensation of 10,000 roubles to every family whose home was damaged."
)
COPY = WIRE.replace("swept through", "tore through").replace("joined the search", "joined the hunt")
OWN = (
    "At least 42 people died when flash floods hit Orsk on Tuesday, according to the emergency ministry. "
    "Our reporter saw rescuers wading through streets near the river bank."
)


def test_signatures_estimate_shingle_overlap() -> None:
    a, b, c = duplicates.signature(WIRE), duplicates.signature(COPY), duplicates.signature(OWN)
    assert duplicates.similarity(a, a) == 1.0
    assert duplicates.similarity(a, b) >= duplicates.NEAR_DUPLICATE  # two words changed in 80
    assert duplicates.similarity(a, c) < 0.3  # another outlet's own story of the same event
    assert len(duplicates.bands(a)) == duplicates.BANDS and duplicates.bands(a) == duplicates.bands(list(a))


def _post(client: httpx.Client, source: str, text: str) -> dict[str, Any]:
    r = client.post("/v1/articles", json={"source": source, "text": text, "published": "2026-06-03"})
    assert r.status_code == 201, r.text
    return dict(r.json())


def _linked_articles(client: httpx.Client, claim_id: int) -> set[int]:
    body = client.get(f"/v1/claims/{claim_id}").json()
    return {m["claim"]["article_id"] for m in body["matches"] if m["linked"]}


def test_a_copy_is_linked_to_its_original_and_never_corroborates_it(client: httpx.Client) -> None:
    original = _post(client, "Wire Service", WIRE)
    copy = _post(client, "Copy Herald", COPY)
    own = _post(client, "Valley Times", OWN)
    assert original.get("near_duplicate_of") is None
    assert copy["near_duplicate_of"] == original["id"]
    assert own.get("near_duplicate_of") is None
    # the copy's claims are kept, readable, but never matched: one report is not two confirmations
    copy_claims = claims_of(client, copy["id"])
    assert copy_claims
    for claim in copy_claims:
        assert not _linked_articles(client, claim["id"])
    # an outlet's own report of the same toll still corroborates the original
    toll = next(c for c in claims_of(client, own["id"]) if c["text"].startswith("At least 42"))
    assert original["id"] in _linked_articles(client, toll["id"])
