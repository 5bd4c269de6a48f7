"""Published ClaimReview: only conflicts with a verdict, the rated claim chosen by the rules, and the
properties Google's Fact Check tools require and recommend."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import msgspec
import psycopg
import pytest

from claims.settings import Settings
from tests.conftest import API_KEY, link, serve
from tests.test_api import assert_problem, walk
from tests.workflow_fixtures import client_for, first_count_claim, ingest, make_user, unique, wf_dsn

__all__ = ["wf_dsn"]  # fixture
pytestmark = pytest.mark.model

FACTCHECK = "https://news.example.org/fact-checks/{id}"


@pytest.fixture(scope="module")
def publisher(settings: Settings, wf_dsn: str) -> Iterator[str]:
    """The app as a newsroom publishes with it: organisation and fact-check URL configured."""
    url, stop = serve(
        msgspec.structs.replace(
            settings,
            database_url=wf_dsn,
            rate_limit=0,
            organisation="Example Fact Check",
            organisation_url="https://news.example.org/",
            factcheck_url=FACTCHECK,
        )
    )
    yield url
    stop()


@pytest.fixture(scope="module")
def pub(publisher: str) -> Iterator[httpx.Client]:
    with client_for(publisher, API_KEY) as c:
        yield c


def isolate(dsn: str, *claim_ids: int) -> None:
    """Forget what the matcher linked these claims to (the other tests' port stories): the test
    states the links that decide which claim is rated."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "DELETE FROM matches WHERE claim_a = ANY(%(ids)s) OR claim_b = ANY(%(ids)s)", {"ids": list(claim_ids)}
        )


def conflict(pub: httpx.Client, dsn: str, tag: str, extra_source: bool = False) -> dict[str, Any]:
    a = ingest(
        pub, f"{tag} Wire", f"The port authority said 4,100 containers were lost on 2 May 2024. ({tag})", "2024-05-03"
    )
    b = ingest(
        pub, f"{tag} Post", f"Only 1,250 containers were lost, the port authority said on 3 May. ({tag})", "2024-05-04"
    )
    ca, cb = first_count_claim(pub, a), first_count_claim(pub, b)
    isolate(dsn, ca["id"], cb["id"])
    link(dsn, [(ca["id"], cb["id"], "conflict", 0.7)], reason="containers lost: 4,100 vs 1,250")
    out = {"a": a, "b": b, "ca": ca, "cb": cb}
    if extra_source:  # a third source contradicts the later claim (1,250) too
        c = ingest(
            pub, f"{tag} Times", f"Some 4,000 containers went overboard on 2 May, officials said. ({tag})", "2024-05-05"
        )
        cc = first_count_claim(pub, c)
        isolate(dsn, cc["id"])
        link(dsn, [(cb["id"], cc["id"], "conflict", 0.6), (ca["id"], cc["id"], "agree", 0.0)])
        out["cc"], out["c"] = cc, c
    out["id"] = next(
        k["id"] for k in walk(pub, "/v1/conflicts", article=a) if {x["id"] for x in k["claims"]} == {ca["id"], cb["id"]}
    )
    return out


def test_only_conflicts_with_a_verdict_are_published(pub: httpx.Client, wf_dsn: str) -> None:
    k = conflict(pub, wf_dsn, unique("Pub"))
    url = f"/v1/conflicts/{k['id']}/claimreview"
    assert_problem(pub.get(url), 409)  # open: unreviewed
    pub.patch(f"/v1/conflicts/{k['id']}", json={"status": "dismissed", "note": "compatible"})
    assert_problem(pub.get(url), 409)  # dismissed: not a conflict
    pub.patch(f"/v1/conflicts/{k['id']}", json={"status": "confirmed", "reviewer": "Ana"})
    r = pub.get(url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")


def test_google_fact_check_required_and_recommended_properties(pub: httpx.Client, publisher: str, wf_dsn: str) -> None:
    k = conflict(pub, wf_dsn, unique("Goog"), extra_source=True)
    editor, key = make_user(pub, "editor")
    with client_for(publisher, key) as ed:
        assert ed.patch(f"/v1/conflicts/{k['id']}", json={"status": "confirmed"}).status_code == 200
    doc = pub.get(f"/v1/conflicts/{k['id']}/claimreview").json()
    # required (developers.google.com/search/docs/appearance/structured-data/factcheck)
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "ClaimReview"
    assert doc["claimReviewed"]
    assert doc["url"] == FACTCHECK.replace("{id}", str(k["id"]))
    rating = doc["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"]
    # recommended
    assert doc["author"] == {"@type": "Organization", "name": "Example Fact Check", "url": "https://news.example.org/"}
    assert date.fromisoformat(doc["datePublished"])
    assert {"bestRating", "worstRating", "ratingValue"} <= rating.keys()
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    item = doc["itemReviewed"]
    assert item["@type"] == "Claim" and item["datePublished"] and item["author"]["@type"] == "Organization"
    assert item["appearance"] and all(a["url"].startswith("https://example.org/") for a in item["appearance"])
    assert item["firstAppearance"] == item["appearance"][0]
    assert doc["editor"] == {"@type": "Person", "name": editor["name"]}
    # the rated claim: the later one (1,250), contradicted by two sources, not the earlier (4,100)
    assert doc["claimReviewed"] == k["cb"]["sentence"] and item["author"]["name"] == k["cb"]["source"]
    assert "contradicted by 2 sources" in rating["ratingExplanation"]


def test_the_claim_an_editor_marks_wrong_is_rated(pub: httpx.Client, wf_dsn: str) -> None:
    k = conflict(pub, wf_dsn, unique("Mark"), extra_source=True)
    pub.patch(f"/v1/conflicts/{k['id']}", json={"status": "confirmed"})
    # without a mark: the claim contradicted by more sources (cb); each appearance of it listed
    doc = pub.get(f"/v1/conflicts/{k['id']}/claimreview").json()
    assert doc["claimReviewed"] == k["cb"]["sentence"]
    # the editor marks the other one wrong: it is rated, False, with the agreeing article as an appearance too
    assert pub.post(f"/v1/claims/{k['ca']['id']}/wrong", json={}).status_code == 200
    doc = pub.get(f"/v1/conflicts/{k['id']}/claimreview").json()
    assert doc["claimReviewed"] == k["ca"]["sentence"] and doc["reviewRating"]["alternateName"] == "False"
    headlines = {a["headline"] for a in doc["itemReviewed"]["appearance"]}
    assert headlines == {f"{k['ca']['source']} report", f"{k['cc']['source']} report"}


def test_tie_rates_the_earlier_claim(pub: httpx.Client, wf_dsn: str) -> None:
    k = conflict(pub, wf_dsn, unique("Tie"))
    pub.patch(f"/v1/conflicts/{k['id']}", json={"status": "resolved", "note": "correction ran"})
    doc = pub.get(f"/v1/conflicts/{k['id']}/claimreview").json()
    assert doc["claimReviewed"] == k["ca"]["sentence"]  # published 2024-05-03, before the other
    assert doc["reviewRating"]["alternateName"] == "Corrected or settled"
