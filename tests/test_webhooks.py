"""Webhooks: registration, signed deliveries from the outbox, retries with backoff, records.

Receivers are tiny HTTP servers on 127.0.0.1 run by the test; the app under test allows loopback
URLs (tests/newsroom_fixtures.py) and retries after 0.2 s, 0.4 s, ... instead of 30 s, 1 min, ...
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import psycopg
import pytest

from claims import webhooks
from tests.newsroom_fixtures import *  # noqa: F403
from tests.newsroom_fixtures import make_conflict, reset
from tests.test_api import assert_problem

pytestmark = pytest.mark.model

COUNT_TEXT = "The port authority said {n} containers were lost in the storm on 2 May 2024."


class Receiver:
    """Records every POST; answers `fail_first` of them with 503, the rest with 204."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.requests: list[tuple[dict[str, str], bytes, int]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with receiver.lock:
                    status = 503 if len(receiver.requests) < receiver.fail_first else 204
                    receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def delivered(self) -> list[tuple[dict[str, str], bytes]]:
        with self.lock:
            return [(h, b) for h, b, s in self.requests if s < 300]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait_for(predicate: Any, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


@pytest.fixture
def fresh(newsroom_dsn: str) -> str:
    reset(newsroom_dsn)
    return newsroom_dsn


@pytest.fixture
def flaky() -> Iterator[Receiver]:
    r = Receiver(fail_first=1)
    yield r
    r.close()


def test_signature_and_backoff_schedule() -> None:
    """The signature is HMAC-SHA256 of the body; retries wait base * 2**(n-1), capped."""
    header = webhooks.sign("s3cret", b'{"a":1}')
    assert header == "sha256=" + hmac.new(b"s3cret", b'{"a":1}', hashlib.sha256).hexdigest()
    assert webhooks.verify("s3cret", b'{"a":1}', header)
    assert not webhooks.verify("other", b'{"a":1}', header)
    assert not webhooks.verify("s3cret", b'{"a":2}', header)
    delays = [webhooks.backoff(n, base=30, cap=3600, jitter=0) for n in range(1, 9)]
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600]
    assert 27 <= webhooks.backoff(1, base=30, cap=3600) <= 33


def test_registration_needs_a_key_and_hides_the_secret(nclient: httpx.Client, nanon: httpx.Client, fresh: str) -> None:
    assert_problem(nanon.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/x"}), 401)
    assert_problem(nanon.get("/v1/webhooks"), 401)
    r = nclient.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/x", "description": "desk tool"})
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 30
    assert created["events"] == ["conflict.created", "conflict.updated"]
    listed = nclient.get("/v1/webhooks").json()["items"]
    assert [w["id"] for w in listed] == [created["id"]] and "secret" not in listed[0]
    assert "secret" not in nclient.get(f"/v1/webhooks/{created['id']}").json()
    assert nclient.delete(f"/v1/webhooks/{created['id']}").status_code == 204
    assert nclient.get("/v1/webhooks").json()["items"] == []
    assert_problem(nclient.delete(f"/v1/webhooks/{created['id']}"), 404)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"url": "ftp://127.0.0.1/x"}, 422),
        ({"url": "file:///etc/passwd"}, 422),
        ({"url": "http://127.0.0.1:9/x", "events": ["article.created"]}, 400),
        ({"url": "http://127.0.0.1:9/x", "events": []}, 400),
        ({"url": "http://127.0.0.1:9/x", "secret": "mine"}, 400),
    ],
)
def test_bad_registrations_are_refused(nclient: httpx.Client, body: dict[str, Any], status: int) -> None:
    assert_problem(nclient.post("/v1/webhooks", json=body), status)


def test_no_outbox_rows_without_subscribers(nclient: httpx.Client, fresh: str) -> None:
    """Ingest and review write no events when nobody listens, so the outbox does not grow."""
    k = make_conflict(nclient, fresh, tag="Quiet", high="4,100", low="1,250", severity=0.7, subject_text=COUNT_TEXT)
    (conflict,) = nclient.get("/v1/conflicts", params={"article": k["article_a"]}).json()["items"]
    assert nclient.patch(f"/v1/conflicts/{conflict['id']}", json={"status": "confirmed"}).status_code == 200
    with psycopg.connect(fresh) as conn:
        assert conn.execute("SELECT count(*) FROM webhook_events").fetchone() == (0,)


def test_signed_deliveries_retry_until_the_receiver_answers(nclient: httpx.Client, fresh: str, flaky: Receiver) -> None:
    """conflict.created is retried after a 503 and arrives signed; a review sends conflict.updated."""
    hook = nclient.post("/v1/webhooks", json={"url": flaky.url}).json()
    secret = hook["secret"]
    k = make_conflict(nclient, fresh, tag="Hook", high="4,100", low="1,250", severity=0.7, subject_text=COUNT_TEXT)

    headers, body = wait_for(lambda: flaky.delivered())[0]
    assert headers["x-claims-signature"] == webhooks.sign(secret, body)
    assert webhooks.verify(secret, body, headers["x-claims-signature"])
    assert abs(int(headers["x-claims-timestamp"]) - time.time()) < 60
    assert headers["x-claims-event"] == "conflict.created"
    event = httpx.Response(200, content=body).json()
    assert event["type"] == "conflict.created"
    conflict = event["conflict"]
    assert {c["id"] for c in conflict["claims"]} == {k["a"]["id"], k["b"]["id"]}
    assert conflict["status"] == "open" and conflict["history"][0]["status"] == "open"
    assert len(flaky.requests) == 2 and flaky.requests[0][2] == 503  # one failure, then success

    # the receiver has the body before the sender has recorded its answer: wait for the record
    (delivery,) = wait_for(
        lambda: [
            d
            for d in nclient.get(f"/v1/webhooks/{hook['id']}/deliveries").json()["items"]
            if d["status"] == "delivered"
        ]
    )
    assert delivery["status"] == "delivered" and delivery["attempts"] == 2 and delivery["last_status"] == 204
    assert delivery["event"] == "conflict.created" and delivery["next_attempt_at"] is None
    # the same delivery id on both attempts, so a receiver can de-duplicate
    assert flaky.requests[0][0]["x-claims-delivery"] == flaky.requests[1][0]["x-claims-delivery"]

    r = nclient.patch(f"/v1/conflicts/{conflict['id']}", json={"status": "confirmed", "note": "ok", "reviewer": "ed"})
    assert r.status_code == 200
    headers, body = wait_for(lambda: flaky.delivered()[1:])[0]
    assert webhooks.verify(secret, body, headers["x-claims-signature"])
    updated = httpx.Response(200, content=body).json()
    assert updated["type"] == "conflict.updated" and updated["conflict"]["status"] == "confirmed"
    assert updated["conflict"]["history"][-1]["reviewer"] == "ed"


def test_a_receiver_that_never_answers_is_given_up_on(nclient: httpx.Client, fresh: str) -> None:
    """After webhook_max_attempts (4 here) failed attempts the delivery is marked failed."""
    dead = Receiver(fail_first=1000)
    try:
        hook = nclient.post("/v1/webhooks", json={"url": dead.url, "events": ["conflict.created"]}).json()
        make_conflict(nclient, fresh, tag="Dead", high="4,100", low="1,250", severity=0.7, subject_text=COUNT_TEXT)

        def failed() -> list[dict[str, Any]]:
            items = nclient.get(f"/v1/webhooks/{hook['id']}/deliveries").json()["items"]
            return [d for d in items if d["status"] == "failed"]

        (delivery,) = wait_for(failed)
        assert delivery["attempts"] == 4 and delivery["last_status"] == 503 and delivery["last_error"] == "HTTP 503"
        assert len(dead.requests) == 4
    finally:
        dead.close()
