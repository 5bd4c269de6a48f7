"""Conflict review over HTTP: history kept, optimistic concurrency, filters, ClaimReview JSON-LD.

The conflict under review is stored through `store.insert_matches` between two really ingested
claims, so these tests exercise the review workflow whatever the matcher decides; detection itself
is tested in the matching scenarios.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import link
from tests.test_api import assert_problem, walk

pytestmark = pytest.mark.model


def _ingest(client: httpx.Client, source: str, text: str, published: str) -> int:
    r = client.post(
        "/v1/articles",
        json={
            "source": source,
            "text": text,
            "published": published,
            "title": f"{source} report",
            "url": f"https://example.org/{source}",
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


@pytest.fixture(scope="module")
def conflict(client: httpx.Client, dsn: str) -> dict[str, Any]:
    a = _ingest(
        client,
        "Review Wire",
        "The port authority said 4,100 containers were lost in the storm on 2 May 2024.",
        "2024-05-03",
    )
    b = _ingest(
        client,
        "Review Post",
        "Only 1,250 containers were lost in the storm, the port authority said on 3 May 2024.",
        "2024-05-04",
    )
    ca = next(c for c in walk(client, f"/v1/articles/{a}/claims") if c["kind"] == "count")
    cb = next(c for c in walk(client, f"/v1/articles/{b}/claims") if c["kind"] == "count")

    link(dsn, [(ca["id"], cb["id"], "conflict", 0.7)], reason="containers lost in the storm: 4,100 vs 1,250")
    found = walk(client, "/v1/conflicts", article=a)
    assert len(found) == 1
    return {"id": found[0]["id"], "a": ca, "b": cb, "article_a": a, "article_b": b}


def test_conflict_lists_with_both_claims(client: httpx.Client, conflict: dict[str, Any]) -> None:
    item = next(c for c in walk(client, "/v1/conflicts") if c["id"] == conflict["id"])
    assert {c["id"] for c in item["claims"]} == {conflict["a"]["id"], conflict["b"]["id"]}
    assert item["status"] == "open" and 0 <= item["severity"] <= 1 and item["reason"]
    for name, value in (("status", "open"), ("kind", "count"), ("source", "Review Post"), ("min_severity", "0.5")):
        assert conflict["id"] in {c["id"] for c in walk(client, "/v1/conflicts", **{name: value})}
    assert conflict["id"] not in {c["id"] for c in walk(client, "/v1/conflicts", status="confirmed")}
    assert conflict["id"] not in {c["id"] for c in walk(client, "/v1/conflicts", min_severity="0.95")}


def test_claim_detail_shows_the_match(client: httpx.Client, conflict: dict[str, Any]) -> None:
    detail = client.get(f"/v1/claims/{conflict['a']['id']}").json()
    (m,) = [m for m in detail["matches"] if m["claim"]["id"] == conflict["b"]["id"]]
    assert m["label"] == "conflict" and m["kind"] == "match" and m["reason"]


def test_review_keeps_history_and_guards_against_stale_writes(client: httpx.Client, conflict: dict[str, Any]) -> None:
    url = f"/v1/conflicts/{conflict['id']}"
    first = client.get(url)
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert [h["status"] for h in first.json()["history"]] == ["open"]

    confirmed = client.patch(
        url,
        json={"status": "confirmed", "note": "checked the port's own log", "reviewer": "ed"},
        headers={"If-Match": tag},
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.headers["etag"] != tag

    stale = client.patch(url, json={"status": "dismissed", "reviewer": "late"}, headers={"If-Match": tag})
    assert_problem(stale, 412)

    now = client.get(url).json()
    assert now["status"] == "confirmed"
    assert [(h["status"], h["reviewer"]) for h in now["history"]] == [("open", None), ("confirmed", "ed")]
    assert now["history"][1]["note"] == "checked the port's own log"

    resolved = client.patch(url, json={"status": "resolved", "note": "correction ran", "reviewer": "chief"})
    assert resolved.status_code == 200
    assert [h["status"] for h in resolved.json()["history"]] == ["open", "confirmed", "resolved"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"status": "maybe"}, 400),
        ({"note": "no status"}, 400),
        ({"status": "confirmed", "severity": 0}, 400),
        ({"status": "confirmed", "reviewer": 7}, 400),
    ],
)
def test_bad_reviews_are_refused(
    client: httpx.Client, conflict: dict[str, Any], body: dict[str, Any], status: int
) -> None:
    assert_problem(client.patch(f"/v1/conflicts/{conflict['id']}", json=body), status)


def test_review_of_missing_conflict_is_404(client: httpx.Client) -> None:
    assert_problem(client.patch("/v1/conflicts/987654321", json={"status": "confirmed"}), 404)


def test_claimreview_is_schema_org_json_ld(client: httpx.Client, conflict: dict[str, Any]) -> None:
    # an open conflict has no verdict to publish yet (issue 16); an editor confirms it first
    current = client.get(f"/v1/conflicts/{conflict['id']}").json()
    if current["status"] in ("open", "dismissed"):
        assert client.get(f"/v1/conflicts/{conflict['id']}/claimreview").status_code == 409
        confirmed = client.patch(
            f"/v1/conflicts/{conflict['id']}",
            json={"status": "confirmed", "note": "checked with both outlets"},
            headers={"if-match": f'"{current["version"]}"'},
        )
        assert confirmed.status_code == 200, confirmed.text
    r = client.get(f"/v1/conflicts/{conflict['id']}/claimreview")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/ld+json")
    doc = r.json()
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "ClaimReview"
    # no public base URL is configured here: the review carries no url rather than one built from Host
    assert doc["claimReviewed"] and "url" not in doc and doc["datePublished"]
    item = doc["itemReviewed"]
    assert item["@type"] == "Claim"
    # the rated claim, with every article that states it (claimReviewed names the other side too)
    assert {a["publisher"]["name"] for a in item["appearance"]} <= {"Review Wire", "Review Post"}
    assert all(a["url"].startswith("https://example.org/") for a in item["appearance"])
    assert doc["reviewRating"]["@type"] == "Rating" and doc["reviewRating"]["alternateName"]
    assert doc["author"]["name"]
