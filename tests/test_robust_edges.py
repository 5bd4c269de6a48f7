"""Values at the edges (extreme figures and dates), the review form, JSON-LD and keyless browser
safety (issue 15): each finding's reproduction, against the real app over HTTP and a real PostgreSQL."""

from __future__ import annotations

import math
import socket
import time
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import httpx
import msgspec
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.review.chart import MAX_Y_TICKS, Point, chart
from tests.conftest import API_KEY
from tests.newsroom_fixtures import *  # noqa: F403
from tests.newsroom_fixtures import claims_of, ingest, link, make_conflict, reset
from tests.test_api import assert_problem

pytestmark = pytest.mark.model

SHIPS = "The navy said {n} ships were lost in the storm on 2 May 2024."

# --------------------------------------------------------------------------- 1. timeline


finite = st.floats(allow_nan=False, allow_infinity=False)
edge = st.sampled_from([0.0, -0.0, 1e-320, -1e17, -100000000000000016.0, 1e17, 1.7976931348623157e308, -1.7e308])
value = st.one_of(finite, edge)
bound = st.one_of(st.none(), value, st.sampled_from([math.inf, -math.inf]))
day = st.one_of(st.dates(), st.sampled_from([date.min, date.max]))


@settings(max_examples=300, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(value, bound, bound, day), min_size=1, max_size=6))
def test_chart_is_bounded_and_finite_for_any_figures_and_dates(rows: list[tuple[float, Any, Any, date]]) -> None:
    pts = [
        Point(claim_id=i, source=f"s{i % 2}", at=d.isoformat(), day=d, value=v, low=lo, high=hi)
        for i, (v, lo, hi, d) in enumerate(rows)
    ]
    started = time.monotonic()
    c = chart(pts)
    assert time.monotonic() - started < 1.0
    assert c is not None
    assert 2 <= len(c.y_ticks) <= MAX_Y_TICKS + 1
    assert len(c.x_ticks) <= 24
    coords = [t.at for t in c.y_ticks + c.x_ticks] + [v for m in c.marks for v in (m.cx, m.cy, m.y_low, m.y_high)]
    assert all(math.isfinite(v) for v in coords)
    assert all(c.top <= m.cy <= c.bottom and c.left <= m.cx <= c.right for m in c.marks)


def _timeline(nclient: httpx.Client, dsn: str, rows: list[tuple[str, str]]) -> httpx.Response:
    ids = []
    for i, (text, published) in enumerate(rows):
        art = ingest(nclient, f"Edge {i}", text, published)
        ids.append(claims_of(nclient, art["id"])[0]["id"])
    link(dsn, [(ids[0], other, "agree", 0.0) for other in ids[1:]])
    return nclient.get(f"/review/claims/{ids[0]}/timeline", timeout=15)


@pytest.mark.parametrize(
    "rows",
    [
        # two figures a few ulps apart: the tick loop never advanced (the server hung)
        [
            ("Inflation was minus 100000000000000000 percent, the bank said.", "2024-05-01"),
            ("Inflation was minus 100000000000000016 percent, the bank said.", "2024-05-02"),
        ],
        [("Inflation was minus 100000000000000000 percent, the bank said.", "2024-05-01")],  # ZeroDivisionError
        [("The fund held 1" + "0" * 308 + " dollars, the bank said.", "2024-05-01")],
        [("The navy said 40 ships were lost.", "0001-01"), ("The navy said 12 ships were lost.", "9999-12-31")],
        [("The navy said 40 ships were lost.", "0001-01-01")],
    ],
)
def test_timeline_page_answers_for_extreme_figures_and_dates(
    nclient: httpx.Client, newsroom_dsn: str, rows: list[tuple[str, str]]
) -> None:
    reset(newsroom_dsn)
    r = _timeline(nclient, newsroom_dsn, rows)
    assert r.status_code == 200, r.text[:300]


# --------------------------------------------------------------------------- 5. dates at the edges

RELATIVE = [
    "Yesterday 5 ships sank.",
    "Next week 7 ships will sail.",
    "In March 12 ships sailed.",
    "Next year 40 ships will sail.",
    "Last month 3 ships sank.",
    "Tomorrow 6 ships will sail.",
]


@pytest.mark.parametrize("published", ["0001-01-01", "9999-12-31", "0001", "9999-12"])
def test_relative_dates_at_the_ends_of_the_calendar(nclient: httpx.Client, published: str) -> None:
    batch = [{"source": "Calendar", "text": f"{t} ({published})", "published": published} for t in RELATIVE]
    r = nclient.post("/v1/articles/batch", json={"articles": batch})
    assert r.status_code == 200, r.text
    assert [i["status"] for i in r.json()["items"]] == [201] * len(RELATIVE), r.text
    for item in r.json()["items"]:
        for c in claims_of(nclient, item["id"]):
            for d in (c["date"], c["as_of"]):
                assert d is None or len(d.split("-")[0]) == 4, d  # never "10000" or "0000"
                assert d is None or not d.startswith("0000")


def test_published_in_other_digits_is_stored_in_ascii(nclient: httpx.Client) -> None:
    r = nclient.post("/v1/articles", json={"source": "Digits", "text": "12 ships sank.", "published": "２０２４-٠٥-03"})
    assert r.status_code == 201, r.text
    assert nclient.get(f"/v1/articles/{r.json()['id']}").json()["published"] == "2024-05-03"
    assert_problem(
        nclient.post("/v1/articles", json={"source": "D", "text": "12 ships.", "published": "2024-05-0x"}), 422
    )


# --------------------------------------------------------------------------- 6. review form


@pytest.fixture
def conflict(nclient: httpx.Client, newsroom_dsn: str) -> dict[str, Any]:
    reset(newsroom_dsn)
    k = make_conflict(nclient, newsroom_dsn, tag="Form", high="40", low="12", severity=0.6, subject_text=SHIPS)
    (c,) = nclient.get("/v1/conflicts", params={"article": k["article_a"]}).json()["items"]
    return dict(c)


def _history(dsn: str, conflict_id: int) -> list[tuple[str | None, str]]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT reviewer, status FROM conflict_history WHERE conflict_id = %s ORDER BY id", (conflict_id,)
        ).fetchall()
    return [(r[0], r[1]) for r in rows[1:]]  # the first row records the conflict's opening


@pytest.mark.parametrize("name", ["Łukasz", "李四", "Zoë 🙂"])
def test_reviewer_name_outside_latin1(
    nclient: httpx.Client, newsroom_dsn: str, conflict: dict[str, Any], name: str
) -> None:
    form = {"status": "confirmed", "reviewer": name, "note": "checked", "version": str(conflict["version"])}
    path = f"/review/conflicts/{conflict['id']}"
    r = nclient.post(path, data=form, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    assert _history(newsroom_dsn, conflict["id"]) == [(name, "confirmed")]
    # the name comes back on the next form, and a retry of the same post does not add a review
    page = nclient.get(path, headers={"cookie": f"claims_reviewer={r.cookies['claims_reviewer']}"})
    assert page.status_code == 200 and name in page.text
    assert nclient.post(path, data=form, follow_redirects=False).status_code == 409
    assert _history(newsroom_dsn, conflict["id"]) == [(name, "confirmed")]


@pytest.mark.parametrize(
    "form",
    [
        {"note": "a\x00b"},
        {"reviewer": "\x00"},
        {"version": "²"},
        {"version": "2147483648"},
        {"version": "99999999999999999999999"},
        {"version": "-1"},
    ],
)
def test_bad_review_forms_are_4xx(
    nclient: httpx.Client, newsroom_dsn: str, conflict: dict[str, Any], form: dict[str, str]
) -> None:
    r = nclient.post(f"/review/conflicts/{conflict['id']}", data={"status": "confirmed", **form})
    assert 400 <= r.status_code < 500, r.status_code
    assert _history(newsroom_dsn, conflict["id"]) == []


@pytest.mark.parametrize("path", ["/review?subject=%00", "/review?source=a%00b", "/static/%00", "/static/a%00.css"])
def test_nul_in_review_and_static_paths_is_4xx(nanon: httpx.Client, path: str) -> None:
    r = nanon.get(path)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:200])


# --------------------------------------------------------------------------- 7. ClaimReview JSON-LD


def test_claimreview_is_script_safe_and_publishes_only_web_urls(
    nclient: httpx.Client, newsroom_dsn: str, conflict: dict[str, Any]
) -> None:
    with psycopg.connect(newsroom_dsn, autocommit=True) as conn:  # rows stored before URLs were checked
        conn.execute(
            "UPDATE articles SET url = 'javascript:alert(1)', title = '</script><script>alert(1)</script> & \u2028'"
        )
    nclient.patch(f"/v1/conflicts/{conflict['id']}", json={"status": "confirmed"})  # only verdicts publish
    for path in (f"/v1/conflicts/{conflict['id']}/claimreview",):
        r = nclient.get(path)
        assert r.status_code == 200, r.text
        raw = r.content
        assert b"<" not in raw and b">" not in raw and b"&" not in raw and "\u2028".encode() not in raw
        body = r.json()
        assert "</script>" in body["itemReviewed"]["appearance"][0]["headline"]  # same value, escaped
        assert "javascript" not in r.text
        assert "url" not in body  # no public base URL configured: never built from the Host header
    feed = nclient.get("/v1/exports/claimreview.json")
    assert feed.status_code == 200 and b"<" not in feed.content and "javascript" not in feed.text
    assert "url" not in feed.json()[0]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,x", "//example.org/a", "/relative", "mailto:a@b"]
)
def test_article_urls_must_be_web_urls(nclient: httpx.Client, url: str) -> None:
    for body in ({"text": "12 ships sank."}, {"html": "<p>12 ships sank.</p>"}):
        assert_problem(nclient.post("/v1/articles", json={"source": "Links", "url": url, **body}), 422)


def test_claimreview_url_comes_from_the_configured_base() -> None:
    from datetime import UTC, datetime

    from api.claimreview import claim_review
    from claims.store import ConflictRow

    now = datetime.now(UTC)
    row = ConflictRow(7, "open", 0.5, "r", "count", None, 1, 2, 1, now, now)
    review = claim_review(
        row,
        [],
        {},
        url="http://evil.example/v1/conflicts/7/claimreview",
        reviewer=None,
        organisation="o",
        public_base_url="https://claims.example.org/",
    )
    assert review.url == "https://claims.example.org/v1/conflicts/7/claimreview"
    unset = claim_review(
        row, [], {}, url="http://evil.example/v1/conflicts/7/claimreview", reviewer=None, organisation="o"
    )
    assert "url" not in msgspec.json.decode(msgspec.json.encode(unset))


# --------------------------------------------------------------------------- 8. keyless browser safety


@pytest.fixture
def keyless(serve_app: Callable[..., str]) -> str:
    return serve_app(api_keys=(), rate_limit=0, header_timeout=1.0)


@pytest.mark.parametrize("ctype", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_json_writes_need_a_json_content_type(keyless: str, ctype: str | None) -> None:
    headers = {"content-type": ctype} if ctype else {}
    with httpx.Client(base_url=keyless, timeout=30) as c:
        before = len(c.get("/v1/articles").json()["items"])
        for path, body in (
            ("/v1/articles", b'{"source": "CSRF", "text": "12 ships sank."}'),
            ("/v1/webhooks", b'{"url": "https://example.org/hook"}'),
            ("/v1/articles/batch", b'{"articles": [{"source": "CSRF", "text": "13 ships sank."}]}'),
        ):
            assert_problem(c.post(path, content=body, headers=headers), 415)
        assert len(c.get("/v1/articles").json()["items"]) == before


def test_writes_from_a_foreign_origin_are_403(keyless: str) -> None:
    host = urlsplit(keyless).netloc
    with httpx.Client(base_url=keyless, timeout=30) as c:
        body = {"source": "Origin", "text": "14 ships sank on 3 May 2024."}
        for origin in ("https://evil.example", "null", f"http://{host}.evil.example"):
            assert_problem(c.post("/v1/articles", json=body, headers={"origin": origin}), 403)
        assert c.post("/v1/articles", json=body, headers={"origin": f"http://{host}"}).status_code in (200, 201)
        assert c.get("/v1/articles", headers={"origin": "https://evil.example"}).status_code == 200  # reads open


def test_host_header_is_allow_listed(keyless: str) -> None:
    port = urlsplit(keyless).port
    with httpx.Client(base_url=keyless, timeout=30) as c:
        for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example", "10.0.0.1"):
            assert_problem(c.get("/v1/articles", headers={"host": host}), 400)
        for host in (f"localhost:{port}", f"127.0.0.1:{port}", "[::1]", "LOCALHOST"):
            assert c.get("/v1/articles", headers={"host": host}).status_code == 200, host
        assert c.get("/health", headers={"host": "10.1.2.3:8000"}).status_code == 200  # probes exempt


def test_any_host_when_configured(serve_app: Callable[..., str]) -> None:
    url = serve_app(allowed_hosts=("*",))
    assert httpx.get(f"{url}/v1/articles", headers={"host": "anything.example"}, timeout=30).status_code == 200


def test_forwarded_for_is_not_believed_from_unconfigured_proxies(serve_app: Callable[..., str]) -> None:
    """Each request claims another client address; without CLAIMS_FORWARDED_ALLOW_IPS all count as 127.0.0.1."""
    url = serve_app(rate_limit=3)
    with httpx.Client(base_url=url, timeout=30) as c:
        codes = [c.get("/v1/sources", headers={"x-forwarded-for": f"203.0.113.{i}"}).status_code for i in range(5)]
    assert codes[:3] == [200, 200, 200] and 429 in codes[3:]


def test_forwarded_for_is_believed_from_configured_proxies(serve_app: Callable[..., str]) -> None:
    url = serve_app(rate_limit=3, forwarded_allow_ips=("127.0.0.1",))
    with httpx.Client(base_url=url, timeout=30) as c:
        codes = [c.get("/v1/sources", headers={"x-forwarded-for": f"203.0.113.{i}"}).status_code for i in range(5)]
    assert codes == [200] * 5


def test_slow_headers_are_cut_off(keyless: str) -> None:
    """A client sending a header byte at a time (slowloris) is disconnected after header_timeout (1 s)."""
    port = urlsplit(keyless).port
    assert port is not None
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.monotonic()
        closed_after = None
        for _ in range(40):
            try:
                s.sendall(b"X-Slow: 1\r\n")
                s.settimeout(0.25)
                if s.recv(1) == b"":
                    closed_after = time.monotonic() - started
                    break
            except TimeoutError:
                continue
            except OSError:
                closed_after = time.monotonic() - started
                break
    assert closed_after is not None and closed_after < 3.0, closed_after
    # and a normal request on a fresh connection still works
    assert httpx.get(f"{keyless}/health", timeout=10).status_code == 200


def test_bearer_clients_need_the_content_type_too(client: httpx.Client) -> None:
    r = client.post(
        "/v1/articles", content=b'{"source": "X", "text": "12 ships."}', headers={"content-type": "text/plain"}
    )
    assert_problem(r, 415)
    assert API_KEY not in r.text
