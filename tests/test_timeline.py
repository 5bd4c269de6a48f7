"""Timeline of one measured thing: JSON and the server-rendered SVG page."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from api.review.chart import chart, number, points
from claims.store import ClaimRow
from tests.conftest import link
from tests.newsroom_fixtures import *  # noqa: F403
from tests.newsroom_fixtures import claims_of, ingest, reset
from tests.test_api import assert_problem

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def growth(nclient: httpx.Client, newsroom_dsn: str) -> dict[str, Any]:
    """188 refugees by March 2022, 1,000 by 2023, more than 2,700 by 2025: growth, linked as such."""
    reset(newsroom_dsn)
    texts = [
        ("Tokyo Daily", "Japan had accepted 188 refugees from Ukraine by March 2022, the ministry said.", "2022-03-20"),
        ("Asia Weekly", "Japan had accepted 1,000 refugees from Ukraine by May 2023, the ministry said.", "2023-05-30"),
        ("Wire Japan", "Japan has accepted more than 2,700 refugees from Ukraine, the ministry said.", "2025-01-15"),
    ]
    ids = []
    for source, text, published in texts:
        art = ingest(nclient, source, text, published)
        (claim,) = [c for c in claims_of(nclient, art["id"]) if c["kind"] == "count"]
        ids.append(claim["id"])
    # chain them (a-b, b-c) so the third is reached only transitively
    link(newsroom_dsn, [(ids[0], ids[1], "different_scope", 0.0), (ids[1], ids[2], "different_scope", 0.0)])
    return {"ids": ids}


def test_json_timeline_follows_links_transitively(nclient: httpx.Client, growth: dict[str, Any]) -> None:
    first, second, third = growth["ids"]
    r = nclient.get(f"/v1/claims/{first}/timeline")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["claim_id"] == first and body["kind"] == "count"
    assert [p["claim"]["id"] for p in body["points"]] == [first, second, third]  # by as-of date
    assert [p["claim"]["value"] for p in body["points"]] == [188, 1000, 2700]
    assert [p["claim"]["source"] for p in body["points"]] == ["Tokyo Daily", "Asia Weekly", "Wire Japan"]
    assert body["points"][0]["at"].startswith("2022-03")
    assert {(e["claim_a"], e["claim_b"], e["label"]) for e in body["edges"]} >= {
        (first, second, "different_scope"),
        (second, third, "different_scope"),
    }
    # the same timeline from any member
    assert [p["claim"]["id"] for p in nclient.get(f"/v1/claims/{third}/timeline").json()["points"]] == [
        first,
        second,
        third,
    ]
    assert_problem(nclient.get("/v1/claims/987654321/timeline"), 404)


def test_timeline_page_draws_an_svg_with_axes_and_a_table(nclient: httpx.Client, growth: dict[str, Any]) -> None:
    first = growth["ids"][0]
    r = nclient.get(f"/review/claims/{first}/timeline")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "<svg" in html and 'role="img"' in html and '<title id="chart-title">' in html
    assert html.count("<circle") == 3
    assert "as-of date" in html and "value" in html  # axis labels
    assert "2,700" in html and "188" in html and "Tokyo Daily" in html and "Wire Japan" in html
    assert "different scope" in html  # the relation, shown in the table
    assert nclient.get("/review/claims/987654321/timeline").status_code == 404


def _row(i: int, value: float | None, as_of: str | None, source: str = "S") -> ClaimRow:
    return ClaimRow(
        id=i, article_id=1, source_id=1, source=source, published="2024-01-01", kind="count", text=str(value),
        start=0, end=1, sentence="s", value=value, low=value, high=None if value is None else value * 1.1,
        qualifier="exact", unit="refugee", date=None, subject="Japan", about="refugees", as_of=as_of,
        period_start=None, period_end=None, attribution=None, context="", extractor_version="t",
    )  # fmt: skip


def test_chart_geometry() -> None:
    pts = points([_row(2, 2700, "2025"), _row(1, 188, "2022-03", "T"), _row(3, None, None)])
    assert [p.claim_id for p in pts] == [1, 3, 2]  # by date; no as-of date: the publication date (2024)
    assert pts[1].at == "2024-01-01" and pts[1].value is None
    assert pts[0].day == date(2022, 3, 16)
    c = chart(pts)
    assert c is not None and len(c.marks) == 2
    low, high = sorted(c.marks, key=lambda m: m.cx)
    assert low.cy > high.cy  # 2,700 is drawn higher than 188 (SVG y grows downwards)
    assert c.left <= low.cx < high.cx <= c.right
    assert [t.label for t in c.x_ticks] == ["2023", "2024", "2025"]
    assert c.y_ticks[0].label == "0" and c.sources == ["S", "T"]
    assert chart(points([_row(1, None, "2024")])) is None
    assert [number(x) for x in (188, 2700.0, 11e9, 0.45, 2.5e6)] == ["188", "2,700", "11 bn", "0.45", "2.5 m"]
