"""What the review pages say: the "Why" line in words, and a timeline whose money is on one
currency axis (ECB reference rates of each figure's own date), with the page showing the rate."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from api.review.chart import Point, chart, one_currency
from api.review.why import gap_words, why
from claims import rates
from tests.conftest import link
from tests.newsroom_fixtures import *  # noqa: F403
from tests.newsroom_fixtures import claims_of, ingest, reset


def _point(claim_id: int, value: float | None, at: str, source: str = "S") -> Point:
    d = date.fromisoformat(at)
    return Point(claim_id=claim_id, source=source, at=at, day=d, value=value, low=value, high=value)


# --------------------------------------------------------------------------- the Why line


@pytest.mark.parametrize(
    ("reason", "label", "severity", "headline", "grounds"),
    [
        (
            "port authority: 4,100 vs 1,250 (both as of 2024-05-02) [matched on both containers lost;"
            " same story (port, storm); similar wording 81%]",
            "conflict",
            0.7,
            "The figures disagree (far apart): port authority: 4,100 vs 1,250 (both as of 2024-05-02).",
            [
                "both figures are about containers lost",
                "both stories are about port, storm",
                "the two sentences are worded almost the same way",
            ],
        ),
        (
            "budget: €2.1 bn vs €2.3 bn [matched on same article; similar wording 45%; suggestion: needs an editor]",
            "conflict",
            0.1,
            "The figures disagree (slightly apart): budget: €2.1 bn vs €2.3 bn.",
            [
                "both come from the same article",
                "the two sentences are worded alike in part",
                "the match is uncertain: a person should decide whether these are the same figure",
            ],
        ),
        (
            "turnout: 61% and 62% are compatible [matched on similar wording 20%]",
            "agree",
            None,
            "The figures agree: turnout: 61% and 62% are compatible.",
            ["the two sentences are worded differently"],
        ),
        (
            "refugees: 188 then 2,700: a running count that grew, not a contradiction",
            "different_scope",
            None,
            "Probably not the same measure, so not a contradiction: refugees: 188 then 2,700: a running count"
            " that grew, not a contradiction.",
            [],
        ),
    ],
)
def test_why_is_written_for_people(
    reason: str, label: str, severity: float | None, headline: str, grounds: list[str]
) -> None:
    w = why(reason, label, severity)
    assert w.headline == headline
    assert w.grounds == grounds
    assert reason in w.details  # the matcher's own words and scores stay available, folded
    assert "%" not in w.headline.split(":")[0] and "score" not in w.headline


def test_gap_words_follow_severity() -> None:
    assert [gap_words(s) for s in (None, 0.05, 0.3, 0.6, 0.9)] == [
        "",
        "slightly apart",
        "clearly apart",
        "far apart",
        "very far apart",
    ]


# --------------------------------------------------------------------------- one currency axis


def test_money_is_converted_at_each_figures_own_date() -> None:
    pts = [_point(1, 130e6, "2024-05-03"), _point(2, 120e6, "2024-05-03"), _point(3, 100e6, "2015-01-05")]
    out = one_currency(pts, {1: "USD", 2: "EUR", 3: "usd"}, "EUR")
    may = rates.conversion("USD", "EUR", "2024-05-03")
    jan = rates.conversion("USD", "EUR", "2015-01-05")
    assert may is not None and jan is not None and may.rate != jan.rate
    by_id = {p.claim_id: p for p in out.points}
    assert by_id[1].value == pytest.approx(130e6 * may.rate)
    assert by_id[2].value == 120e6 and 2 not in out.notes  # already in euros: untouched
    assert by_id[3].value == pytest.approx(100e6 * jan.rate)  # its own date's rate, not 2024's
    assert "ECB reference rate of 2024-05-03" in out.notes[1] and "USD" in out.notes[1]
    assert "2015-01-05" in out.notes[3]
    assert out.currency == "EUR"


def test_a_currency_without_a_rate_is_left_off_the_chart_with_a_reason() -> None:
    pts = [_point(1, 5e9, "2024-05-03"), _point(2, 20e6, "2024-05-03")]
    out = one_currency(pts, {1: "PKR", 2: "EUR"}, "EUR")
    assert out.points[0].value is None and "no ECB reference rate for PKR" in out.notes[1]
    drawn = chart(out.points)
    assert drawn is not None and [m.claim_id for m in drawn.marks] == [2]


@pytest.mark.model
def test_timeline_page_shows_dollars_on_a_euro_axis_with_the_rate(nclient: httpx.Client, newsroom_dsn: str) -> None:
    reset(newsroom_dsn)
    texts = [
        ("Euro Ledger", "The ministry said the port upgrade cost €120 million by May 2024.", "2024-05-03"),
        ("Dollar Wire", "The ministry said the port upgrade cost $130 million by May 2024.", "2024-05-03"),
    ]
    ids = []
    for source, text, published in texts:
        art = ingest(nclient, source, text, published)
        (claim,) = [c for c in claims_of(nclient, art["id"]) if c["kind"] == "money"]
        ids.append(claim["id"])
    link(newsroom_dsn, [(ids[0], ids[1], "agree", 0.0)])
    page = nclient.get(f"/review/claims/{ids[0]}/timeline")
    assert page.status_code == 200, page.text[:300]
    html = page.text
    assert "converted to EUR at the ECB reference rate" in html
    assert "130 m USD = 1" in html and "ECB reference rate of 2024-05" in html
    # both figures drawn on the euro axis, the dollar one no longer at 130 m
    assert html.count("<circle") == 2
    assert "Dollar Wire: 130 m as of" not in html


@pytest.mark.model
def test_article_text_is_a_readable_page_with_its_claims_marked(nclient: httpx.Client, newsroom_dsn: str) -> None:
    text = (
        "The council said 1,200 homes lost power on Monday.\n\n"
        "By Tuesday evening, engineers had reconnected 900 of them, the utility said, at a cost of $2 million."
    )
    art = ingest(nclient, "Grid Weekly", text, "2024-02-06", url="https://example.org/grid")
    claims = claims_of(nclient, art["id"])
    page = nclient.get(f"/review/articles/{art['id']}", params={"claim": claims[0]["id"]})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert html.count("<mark>") == len(claims) >= 2
    assert 'class="claim-mark focus"' in html and "https://example.org/grid" in html
    body = html.split('aria-label="Article text">', 1)[1].split("</article>", 1)[0]
    assert body.count("<p>") == 2  # the two paragraphs, as written
    assert "The council said" in body and "engineers had reconnected" in body
    for c in claims:
        assert f'href="/review/claims/{c["id"]}/timeline"' in body
    assert nclient.get("/review/articles/987654321").status_code == 404
