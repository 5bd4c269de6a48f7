"""What integrators and operators rely on: strict query parameters, the documented schema, the
offline docs UI and the incremental feeds (`updated_since`)."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import httpx
import psycopg
import pytest

from api.app import create_app
from claims.settings import Settings
from tests.conftest import API_KEY, link

OPENAPI: dict[str, Any] = create_app(Settings(api_keys=(API_KEY,))).openapi_schema.to_schema()
OPERATIONS = [
    (method.upper(), path)
    for path, item in OPENAPI["paths"].items()
    for method in item
    if method in {"get", "post", "patch", "put", "delete"}
]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_unknown_query_parameters_are_refused(client: httpx.Client, method: str, path: str) -> None:
    """Every operation answers 400 naming a query parameter it does not take, before anything else."""
    r = client.request(method, _concrete(path), params={"updated_sinc": "2024-01-01T00:00:00Z", "limit": "5"})
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert "'updated_sinc'" in body["detail"] and path.split("{")[0].rstrip("/") in body["detail"]
    assert {e["key"] for e in body["errors"]} >= {"updated_sinc"}


def test_unknown_parameter_gets_a_suggestion(client: httpx.Client) -> None:
    r = client.get("/v1/conflicts", params={"statsu": "open"})
    assert r.status_code == 400
    assert "did you mean 'status'?" in r.json()["detail"]
    # declared parameters, repeated or not, still pass; so do pages outside the API
    assert client.get("/v1/conflicts", params={"status": "open", "limit": "2"}).status_code == 200
    assert client.get("/review", params={"status": "open", "whatever": "1"}).status_code == 200


async def test_query_check_costs_little() -> None:
    """The check is one regex pass over the query bytes and a set comparison per request: measured
    around a handler that does nothing, it adds a few µs (figure printed with -s), against the
    hundreds of µs of a database-backed page."""
    from api.querycheck import _RefuseUnknownQuery

    app = create_app(Settings(api_keys=(API_KEY,)))
    (handler,) = [
        h
        for r in app.routes
        if getattr(r, "path", "") == "/v1/conflicts"
        for h, _ in r.route_handler_map.values()
        if "GET" in h.http_methods
    ]

    async def nothing(scope: Any, receive: Any, send: Any) -> None:
        return None

    checked = _RefuseUnknownQuery(nothing)
    scope: Any = {
        "type": "http",
        "method": "GET",
        "path": "/v1/conflicts",
        "query_string": b"status=open&kind=date&min_severity=0.5&limit=50&cursor=gqJpZM0BLA",
        "litestar_app": app,
        "route_handler": handler,
    }
    n = 20_000
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(n):
            await nothing(scope, None, None)
        bare = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(n):
            await checked(scope, None, None)
        timings.append((time.perf_counter() - start - bare) / n)
    added = min(timings)
    print(f"\nunknown-parameter check: {added * 1e6:.1f} µs per request (5 parameters)")
    assert added < 100e-6


# --------------------------------------------------------------------------- incremental feeds

FEEDS = {"claims": "/v1/claims", "conflicts": "/v1/conflicts", "articles": "/v1/articles"}


def _db_now(dsn: str) -> str:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SELECT now()").fetchone()
    assert row is not None
    return row[0].isoformat()


class Poller(threading.Thread):
    """Polls one feed the way the README tells an integrator to: follow `next_cursor` to the last
    page, then ask again with `updated_since` = that page's `updated_until`. Records every item."""

    def __init__(self, base_url: str, path: str, since: str) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(base_url=base_url, timeout=60)
        self.path, self.since = path, since
        self.seen: list[dict[str, Any]] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def poll_once(self) -> None:
        cursor = None
        while True:
            params = {"updated_since": self.since, "limit": "3", **({"cursor": cursor} if cursor else {})}
            r = self.client.get(self.path, params=params)
            assert r.status_code == 200, r.text
            page = r.json()
            self.seen.extend(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                self.since = page["updated_until"]
                return

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.poll_once()
                time.sleep(0.05)
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            self.client.close()


def _ingest(client: httpx.Client, i: int) -> list[int]:
    text = (
        f"The ministry said {1000 + i * 37} refugees had arrived in Feedtown by 3 March 2023. "
        f"Officials counted {20 + i} ships in the harbour on 4 March 2023."
    )
    r = client.post("/v1/articles", json={"source": f"Feed Wire {i % 3}", "text": text, "published": "2023-03-05"})
    assert r.status_code == 201, r.text
    claims = client.get(f"/v1/articles/{r.json()['id']}/claims").json()["items"]
    return [c["id"] for c in claims]


@pytest.mark.model
def test_pollers_see_every_change_once_while_writes_happen(client: httpx.Client, server: str, dsn: str) -> None:
    """Three pollers (claims, conflicts, articles) page through their feeds while articles are
    ingested, conflicts opened and reviewed, and one review sits in a transaction that commits
    late (its rows are stamped with an earlier time than writes that commit before it): every
    claim and article is listed exactly once, every conflict at its final version, and no
    (conflict, version) twice."""
    since = _db_now(dsn)
    pollers = {name: Poller(server, path, since) for name, path in FEEDS.items()}
    for p in pollers.values():
        p.start()
    articles: list[int] = []
    claim_ids: list[int] = []
    firsts: list[int] = []
    late: threading.Thread | None = None
    try:
        for i in range(10):
            ids = _ingest(client, i)
            assert ids, "the sentence has claims"
            claim_ids.extend(ids)
            articles.append(i)
            if firsts:
                link(dsn, [(min(firsts[-1], ids[0]), max(firsts[-1], ids[0]), "conflict", 0.4)])
            firsts.append(ids[0])
            conflicts = client.get("/v1/conflicts", params={"subject": "Feedtown", "limit": "100"}).json()["items"]
            if i == 4 and conflicts:
                # a review whose transaction starts now and commits after later writes have committed
                target = conflicts[0]["id"]
                started = threading.Event()

                def slow_review(conflict_id: int = target, started: threading.Event = started) -> None:
                    with psycopg.connect(dsn) as conn:  # one transaction, committed on exit
                        conn.execute(
                            "UPDATE conflicts SET status = 'confirmed', version = version + 1 WHERE id = %s",
                            (conflict_id,),
                        )
                        started.set()
                        time.sleep(1.5)

                late = threading.Thread(target=slow_review)
                late.start()
                started.wait(10)
            elif conflicts and i % 2:
                k = conflicts[-1]
                r = client.patch(f"/v1/conflicts/{k['id']}", json={"status": "dismissed", "reviewer": "feed test"})
                assert r.status_code == 200, r.text
        if late is not None:
            late.join()
        done = _db_now(dsn)
        deadline = time.monotonic() + 30
        while any(p.since <= done for p in pollers.values()) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        for p in pollers.values():
            p.stop.set()
            p.join(30)
    for p in pollers.values():
        assert p.error is None, p.error
        assert p.since > done, "the feed's horizon passed the end of the writes"

    seen_claims = [c["id"] for c in pollers["claims"].seen if c["id"] in set(claim_ids)]
    assert sorted(seen_claims) == sorted(claim_ids), "every claim exactly once"
    feed_articles = [a for a in pollers["articles"].seen if a["source"].startswith("Feed Wire")]
    assert len(feed_articles) == len(articles) == len({a["id"] for a in feed_articles})

    final = {
        k["id"]: k for k in client.get("/v1/conflicts", params={"subject": "Feedtown", "limit": "100"}).json()["items"]
    }
    assert len(final) >= 8
    versions = [(k["id"], k["version"]) for k in pollers["conflicts"].seen if k["id"] in final]
    assert len(versions) == len(set(versions)), "no conflict version listed twice"
    last_seen = {}
    for conflict_id, version in versions:
        last_seen[conflict_id] = version
    assert last_seen == {i: k["version"] for i, k in final.items()}, "every conflict at its final version"
    assert any(k["status"] == "confirmed" for k in final.values()), "the late review is there"


def test_feed_cursor_and_list_cursor_do_not_mix(client: httpx.Client) -> None:
    listed = client.get("/v1/claims", params={"limit": "1"}).json()
    if listed["next_cursor"]:
        r = client.get(
            "/v1/claims",
            params={"limit": "1", "cursor": listed["next_cursor"], "updated_since": "2020-01-01T00:00:00Z"},
        )
        assert r.status_code == 422 and "without updated_since" in r.json()["detail"]
    r = client.get("/v1/conflicts", params={"updated_since": "not a time"})
    assert r.status_code == 400
    page = client.get("/v1/articles", params={"updated_since": "2020-01-01T00:00:00", "limit": "1"}).json()
    assert "updated_until" in page
    assert "updated_until" not in client.get("/v1/articles", params={"limit": "1"}).json()


# --------------------------------------------------------------------------- the documented schema


def test_every_operation_is_documented(anon: httpx.Client) -> None:
    """The served schema: every operation has a summary, a description, one of the editor's tags and
    an example of its success answer; every parameter has a description."""
    served = anon.get("/schema/openapi.json").json()
    tags = {t["name"] for t in served["tags"]}
    assert tags == {
        *("Articles", "Claims", "Conflicts", "Sources", "Exports", "Webhooks", "Operations"),
        *("Users", "Queue", "Corrections"),  # the editorial workflow (issue 16)
    }
    missing = []
    count = 0
    for path, item in served["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post", "patch", "put", "delete"}:
                continue
            count += 1
            where = f"{method.upper()} {path}"
            for key in ("summary", "description"):
                if not op.get(key):
                    missing.append(f"{where}: {key}")
            if not op.get("tags") or not set(op["tags"]) <= tags:
                missing.append(f"{where}: tags {op.get('tags')}")
            success = [c for c in op["responses"] if c.startswith("2")]
            assert success, where
            for code in success:
                content = op["responses"][code].get("content")
                if content is None:
                    assert code == "204", f"{where}: {code} without content"
                    continue
                if not all(m.get("examples") for m in content.values()):
                    missing.append(f"{where}: example of {code}")
            for parameter in op.get("parameters", []):
                if not parameter.get("description"):
                    missing.append(f"{where}: parameter {parameter['name']}")
            body = op.get("requestBody")
            if body and not any(m.get("examples") for m in body["content"].values()):
                missing.append(f"{where}: request example")
    assert count >= 26
    assert not missing, "\n".join(missing)


def test_examples_match_their_schemas() -> None:
    """Each JSON example validates against the schema it illustrates, so the docs cannot drift."""
    import jsonschema_rs

    checked = 0
    for path, item in OPENAPI["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post", "patch", "put", "delete"}:
                continue
            media = [
                (c, m) for c, r in op["responses"].items() if c.startswith("2") for m in r.get("content", {}).items()
            ]
            if "requestBody" in op:
                media += [("request", m) for m in op["requestBody"]["content"].items()]
            for code, (name, m) in media:
                if name not in ("application/json", "application/ld+json") or "examples" not in m:
                    continue
                # the components beside the schema, so that its `#/components/...` references resolve
                validator = jsonschema_rs.validator_for({"allOf": [m["schema"]], "components": OPENAPI["components"]})
                for example in m["examples"].values():
                    errors = [e.message for e in validator.iter_errors(example["value"])]
                    assert not errors, f"{method.upper()} {path} {code}: {errors}"
                    checked += 1
    assert checked >= 20


# --------------------------------------------------------------------------- docs UI offline


@pytest.mark.model
def test_docs_ui_renders_offline(server: str) -> None:
    """/schema in Debian's chromium with every request recorded and anything outside the app
    refused: Swagger UI renders the operations from files the app serves, and asks for nothing
    else."""
    from playwright.sync_api import expect, sync_playwright

    from tests.test_review_page import ARGS, CHROMIUM

    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()

            def route(r: Any) -> None:
                requests.append(r.request.url)
                if r.request.url.startswith(server):
                    r.continue_()
                else:
                    r.abort()

            page.route("**/*", route)
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{server}/schema")
            expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
            assert page.locator(".opblock").count() >= len(OPERATIONS)
            expect(page.locator(".opblock-tag-section").filter(has_text="Conflicts").first).to_be_visible()
            expect(page.get_by_text("List conflicts").first).to_be_visible()
            assert not errors, errors
        finally:
            browser.close()
    outside = [u for u in requests if not u.startswith(server) and not u.startswith("data:")]
    assert not outside, outside
    assert any("/docs-assets/swagger-ui-bundle.js" in u for u in requests)
