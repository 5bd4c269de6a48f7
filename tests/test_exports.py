"""Exports: claims and conflicts as CSV and NDJSON (streamed, list filters), ClaimReview feed."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx
import pytest

from api.routes import exports
from claims.export import cell, csv_lines
from tests.newsroom_fixtures import *  # noqa: F403
from tests.newsroom_fixtures import make_conflict, reset
from tests.test_api import assert_problem, walk

pytestmark = pytest.mark.model

COUNT_TEXT = "The port authority said {n} containers were lost in the storm on 2 May 2024."
SHIPS_TEXT = "The navy said {n} ships were damaged in the harbour fire on 9 June 2024."


@pytest.fixture(scope="module")
def data(nclient: httpx.Client, newsroom_dsn: str) -> dict[str, Any]:
    reset(newsroom_dsn)
    one = make_conflict(
        nclient, newsroom_dsn, tag="Port", high="4,100", low="1,250", severity=0.7, subject_text=COUNT_TEXT
    )
    two = make_conflict(nclient, newsroom_dsn, tag="Navy", high="40", low="12", severity=0.6, subject_text=SHIPS_TEXT)
    conflicts = walk(nclient, "/v1/conflicts")
    assert len(conflicts) == 2
    confirmed = next(c for c in conflicts if one["a"]["id"] in {x["id"] for x in c["claims"]})
    r = nclient.patch(f"/v1/conflicts/{confirmed['id']}", json={"status": "confirmed", "reviewer": "desk"})
    assert r.status_code == 200
    return {"one": one, "two": two, "confirmed": confirmed["id"]}


def _csv(r: httpx.Response) -> list[dict[str, str]]:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/csv; charset=utf-8"  # charset once, not twice
    assert r.headers["content-disposition"].startswith("attachment")
    return list(csv.DictReader(io.StringIO(r.text)))


def _ndjson(r: httpx.Response) -> list[dict[str, Any]]:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in r.text.splitlines()]


@pytest.mark.parametrize("batch", [1000, 2])
def test_claims_export_matches_the_list(
    nclient: httpx.Client, data: dict[str, Any], batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every claim of GET /v1/claims, in the same order, whether it takes one page or many."""
    monkeypatch.setitem(exports.BATCH, "claims", batch)
    listed = walk(nclient, "/v1/claims")
    rows = _csv(nclient.get("/v1/exports/claims.csv"))
    assert [int(r["id"]) for r in rows] == [c["id"] for c in listed]
    first = rows[0]
    assert first["source"] == listed[0]["source"] and first["sentence"] == listed[0]["sentence"]
    assert float(first["value"]) == listed[0]["value"]
    lines = _ndjson(nclient.get("/v1/exports/claims.ndjson"))
    assert lines == listed


def test_claims_export_filters(nclient: httpx.Client, data: dict[str, Any]) -> None:
    rows = _csv(nclient.get("/v1/exports/claims.csv", params={"source": "Navy Post"}))
    assert rows and {r["source"] for r in rows} == {"Navy Post"}
    lines = _ndjson(nclient.get("/v1/exports/claims.ndjson", params={"kind": "count", "q": "containers"}))
    assert lines and all(c["kind"] == "count" and "containers" in c["sentence"] for c in lines)
    assert _csv(nclient.get("/v1/exports/claims.csv", params={"source": "Nobody"})) == []


@pytest.mark.parametrize("batch", [500, 1])
def test_conflicts_export(
    nclient: httpx.Client, data: dict[str, Any], batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(exports.BATCH, "conflicts", batch)
    rows = _csv(nclient.get("/v1/exports/conflicts.csv"))
    assert len(rows) == 2
    row = next(r for r in rows if int(r["id"]) == data["confirmed"])
    assert row["status"] == "confirmed" and row["claim_a_source"] and row["claim_b_source"]
    assert {row["claim_a_text"], row["claim_b_text"]} == {data["one"]["a"]["text"], data["one"]["b"]["text"]}
    lines = _ndjson(nclient.get("/v1/exports/conflicts.ndjson", params={"status": "open"}))
    assert [c["status"] for c in lines] == ["open"]
    assert lines == walk(nclient, "/v1/conflicts", status="open")


def test_claimreview_feed_holds_confirmed_conflicts(nclient: httpx.Client, data: dict[str, Any]) -> None:
    r = nclient.get("/v1/exports/claimreview.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    feed = r.json()
    assert isinstance(feed, list) and len(feed) == 1
    (review,) = feed
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert "url" not in review  # no public base URL is configured here, and none is made from Host
    assert review["author"]["name"] and review["editor"]["name"] == "desk"  # the desk recorded the verdict
    single = nclient.get(f"/v1/conflicts/{data['confirmed']}/claimreview").json()
    assert review["claimReviewed"] == single["claimReviewed"]
    assert review["reviewRating"] == single["reviewRating"]


def test_claimreview_feed_pages(nclient: httpx.Client, data: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Across several pages the feed is still one valid JSON array."""
    r = nclient.patch(
        f"/v1/conflicts/{next(c['id'] for c in walk(nclient, '/v1/conflicts', status='open'))}",
        json={"status": "confirmed"},
    )
    assert r.status_code == 200
    monkeypatch.setitem(exports.BATCH, "claimreview", 1)
    try:
        assert len(nclient.get("/v1/exports/claimreview.json").json()) == 2
    finally:
        nclient.patch(f"/v1/conflicts/{r.json()['id']}", json={"status": "open"})


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/v1/exports/claims.csv", {"since": "2024-13"}, 422),
        ("/v1/exports/claims.ndjson", {"kind": "weight"}, 400),
        ("/v1/exports/conflicts.csv", {"status": "maybe"}, 400),
        ("/v1/exports/conflicts.ndjson", {"min_severity": "2"}, 400),
        ("/v1/exports/claims.csv", {"cursor": "nope"}, 400),  # exports take no cursor: unknown, named
    ],
)
def test_bad_filters_are_problems_not_broken_downloads(
    nclient: httpx.Client, data: dict[str, Any], path: str, params: dict[str, str], status: int | None
) -> None:
    r = nclient.get(path, params=params)
    if status is None:  # exports take no cursor: an unknown parameter is ignored, the export is whole
        assert r.status_code == 200
        return
    assert_problem(r, status)


def test_csv_cells_are_defused_against_formulas() -> None:
    assert cell('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert cell("+1") == "'+1" and cell("@SUM(A1)") == "'@SUM(A1)" and cell("-2 dead") == "'-2 dead"
    assert cell(-2.5) == -2.5 and cell(None) == "" and cell("11 billion euros") == "11 billion euros"
    assert csv_lines([("a,b", 'say "hi"', None)]) == '"a,b","say ""hi""",\r\n'
