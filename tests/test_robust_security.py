"""Who gets in: API keys on every write, loopback-only without keys, rate and size limits, no CORS
unless configured. Real servers over HTTP, real CLI processes."""

from __future__ import annotations

import hmac
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from api import security
from claims.commands import _is_loopback
from tests.conftest import API_KEY

pytestmark = pytest.mark.model

PROBLEM = "application/problem+json"
MISSING = 999_999_999


def write_operations(anon: httpx.Client) -> list[tuple[str, str]]:
    """Every write operation the schema documents, with ids that name nothing."""
    schema = anon.get("/schema/openapi.json").json()
    ops = []
    for path, item in schema["paths"].items():
        for method in item:
            if method.upper() in security.WRITE_METHODS:
                concrete = path
                for name in (
                    "article_id",
                    "claim_id",
                    "conflict_id",
                    "source_id",
                    "webhook_id",
                    "account_id",
                    "key_id",
                ):
                    concrete = concrete.replace("{" + name + "}", str(MISSING))
                ops.append((method.upper(), concrete))
    return ops


def assert_401(r: httpx.Response) -> None:
    assert r.status_code == 401, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert API_KEY not in r.text


BAD_AUTH: list[Any] = [
    None,
    "",
    "Bearer",
    f"Bearer {API_KEY}x",
    f"Bearer {API_KEY[:-1]}",
    f"Bearer {API_KEY.upper()}",
    f"Bearer  {API_KEY[1:]}",
    f"Basic {API_KEY}",
    f"Token {API_KEY}",
    API_KEY,
    f"{API_KEY} Bearer",
    "Bearer ' OR '1'='1",
    "Bearer " + "k" * 10_000,
    "Bearer ключ".encode(),
    b"Bearer \xff\xfe",
]


def test_every_write_operation_refuses_without_a_valid_key(anon: httpx.Client) -> None:
    ops = write_operations(anon)
    assert {("POST", "/v1/articles"), ("POST", "/v1/articles/batch"), ("PATCH", f"/v1/conflicts/{MISSING}")} <= set(ops)
    for method, path in ops:
        for auth in BAD_AUTH:
            headers: dict[str, Any] = {"content-type": "application/json"}
            if auth is not None:
                headers["authorization"] = auth
            r = anon.request(method, path, content=b'{"source": "Intruder", "text": "5 ships"}', headers=headers)
            assert_401(r)
    # the key in the query string or a cookie is not a key
    r = anon.post("/v1/articles", params={"api_key": API_KEY}, json={"source": "Intruder", "text": "5 ships"})
    assert r.status_code == 400 and "api_key" in r.text  # not a key: an unknown parameter, named
    r = anon.post(
        "/v1/articles",
        headers={"cookie": f"authorization=Bearer {API_KEY}"},
        json={"source": "Intruder", "text": "5 ships"},
    )
    assert_401(r)
    assert not [s for s in anon.get("/v1/sources", params={"limit": 500}).json()["items"] if s["name"] == "Intruder"]


def test_the_right_key_is_accepted_in_any_scheme_case(anon: httpx.Client) -> None:
    for scheme in ("Bearer", "bearer", "BEARER"):
        r = anon.patch(
            f"/v1/conflicts/{MISSING}", json={"status": "open"}, headers={"authorization": f"{scheme} {API_KEY}"}
        )
        assert r.status_code == 404, r.text  # past the guard: the conflict just does not exist


def test_reads_are_open_by_design(anon: httpx.Client) -> None:
    for path in ("/v1/claims", "/v1/articles", "/v1/sources", "/v1/conflicts", "/health", "/schema/openapi.json"):
        assert anon.get(path).status_code == 200, path


def test_openapi_marks_writes_as_needing_the_key(anon: httpx.Client) -> None:
    """Writes need the key; reads are open, except webhook subscriptions (their URLs are private)."""
    schema = anon.get("/schema/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, op in item.items():
            needs_key = bool(op.get("security"))
            if method.upper() in security.WRITE_METHODS:
                assert needs_key, (method, path)
            elif not path.startswith("/v1/webhooks"):
                assert not needs_key, (method, path)


def test_key_comparison_is_constant_time_over_every_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every configured key is compared with hmac.compare_digest, whichever matches (no early exit)."""
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    keys = ("first-key", "second-key", "third-key")
    for presented, expected in (("first-key", True), ("third-key", True), ("nope", False), ("", False)):
        calls.clear()
        assert security.key_matches(presented, keys) is expected
        assert len(calls) == len(keys)
        assert all(isinstance(a, bytes) and isinstance(b, bytes) for a, b in calls)


def test_any_of_several_keys_works(serve_app: Callable[..., str]) -> None:
    url = serve_app(api_keys=("alpha-key", "beta-key"))
    with httpx.Client(base_url=url, timeout=30) as c:
        for key in ("alpha-key", "beta-key"):
            r = c.patch(f"/v1/conflicts/{MISSING}", json={"status": "open"}, headers={"authorization": f"Bearer {key}"})
            assert r.status_code == 404
        assert_401(
            c.patch(f"/v1/conflicts/{MISSING}", json={"status": "open"}, headers={"authorization": "Bearer gamma"})
        )


# --------------------------------------------------------------------------- listening beyond loopback


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        ("192.168.1.10", False),
        ("10.0.0.1", False),
        ("127.0.0.1.nip.io", False),
        ("LOCALHOST.", False),
        ("example.org", False),
    ],
)
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert _is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.1", "example.org"])
def test_serve_refuses_non_loopback_without_keys(host: str) -> None:
    """`claims serve --host H` exits with a clear message (and never binds) when no keys are set."""
    env = {k: v for k, v in os.environ.items() if k != "CLAIMS_API_KEYS"}
    env["DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/none"  # never reached: the check comes first
    out = subprocess.run(
        [sys.executable, "-m", "claims.cli", "serve", "--host", host, "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2, (out.returncode, out.stderr[-500:])
    assert "refusing to listen" in out.stderr and "CLAIMS_API_KEYS" in out.stderr
    assert "Traceback" not in out.stderr


# --------------------------------------------------------------------------- rate limit


def test_rate_limit_answers_429_with_retry_after(serve_app: Callable[..., str]) -> None:
    url = serve_app(rate_limit=5)
    with httpx.Client(base_url=url, timeout=30) as c:
        statuses = [c.get("/v1/claims", params={"limit": 1}).status_code for _ in range(8)]
        assert statuses[:5] == [200] * 5 and statuses[5:] == [429] * 3
        r = c.get("/v1/sources")
        assert r.status_code == 429
        assert r.headers["content-type"].startswith(PROBLEM)
        assert r.json()["status"] == 429 and r.json()["detail"]
        assert 1 <= int(r.headers["retry-after"]) <= 60
        # writes are limited too, before any work is done
        assert c.post("/v1/articles", json={}, headers={"authorization": f"Bearer {API_KEY}"}).status_code == 429
        # probes stay exempt, so an orchestrator never restarts a busy server
        for _ in range(20):
            assert c.get("/health").status_code == 200
            assert c.get("/ready").status_code == 200


def test_rate_limit_can_be_turned_off(serve_app: Callable[..., str]) -> None:
    url = serve_app(rate_limit=0)
    with httpx.Client(base_url=url, timeout=30) as c:
        assert all(c.get("/health").status_code == 200 for _ in range(5))
        r = c.get("/v1/claims", params={"limit": 1})
        assert r.status_code == 200 and "ratelimit-limit" not in r.headers


def test_rate_limit_setting_comes_from_the_environment() -> None:
    from claims.settings import Settings

    assert Settings.from_env({"CLAIMS_RATE_LIMIT": "120"}).rate_limit == 120
    assert Settings.from_env({}).rate_limit == Settings().rate_limit > 0


# --------------------------------------------------------------------------- CORS


def test_no_cors_headers_by_default(anon: httpx.Client) -> None:
    origin = {"origin": "https://evil.example"}
    r = anon.get("/v1/claims", headers=origin)
    assert not [h for h in r.headers if h.lower().startswith("access-control-")]
    pre = anon.options(
        "/v1/articles",
        headers={**origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization"},
    )
    assert not [h for h in pre.headers if h.lower().startswith("access-control-")]


def test_cors_only_for_configured_origins(serve_app: Callable[..., str]) -> None:
    url = serve_app(cors_origins=("https://newsroom.example",))
    with httpx.Client(base_url=url, timeout=30) as c:
        ok = c.get("/v1/claims", headers={"origin": "https://newsroom.example"})
        assert ok.headers.get("access-control-allow-origin") == "https://newsroom.example"
        evil = c.get("/v1/claims", headers={"origin": "https://evil.example"})
        assert evil.headers.get("access-control-allow-origin") in (None, "")
        pre = c.options(
            "/v1/articles", headers={"origin": "https://evil.example", "access-control-request-method": "POST"}
        )
        assert pre.headers.get("access-control-allow-origin") in (None, "")


# --------------------------------------------------------------------------- size limit


def test_body_size_limit_is_a_setting(serve_app: Callable[..., str]) -> None:
    url = serve_app(max_body_bytes=1000)
    with httpx.Client(base_url=url, timeout=30, headers={"authorization": f"Bearer {API_KEY}"}) as c:
        r = c.post("/v1/articles", json={"source": "Big", "text": "x" * 2000})
        assert r.status_code == 413 and r.headers["content-type"].startswith(PROBLEM)
        # a lying Content-Length does not get a bigger body in
        r = c.post(
            "/v1/articles",
            content=iter([b'{"source": "Big", "text": "', b"y" * 5000, b'"}']),
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 413


def test_sliding_window_counts_in_constant_space() -> None:
    """api/ratelimit.py: the limit holds across a window boundary (the last minute's requests
    still count, fading out), and idle clients leave the table."""
    from api.ratelimit import SlidingWindow

    now = [600.0]  # the start of a window
    limiter = SlidingWindow(10, clock=lambda: now[0])
    assert [limiter.hit("a")[0] for _ in range(12)] == [True] * 10 + [False] * 2
    assert limiter.hit("b")[:2] == (True, 9), "each address has its own count"
    now[0] = 660.0 + 15  # a quarter into the next window: 3/4 of the 10 still count
    allowed = [limiter.hit("a")[0] for _ in range(5)]
    assert allowed == [True, True, False, False, False]
    ok, remaining, reset = limiter.hit("c")
    assert ok and remaining == 9 and reset == 45
    now[0] = 660.0 + 60 * 5  # long idle: everyone starts afresh, the table is emptied first
    assert limiter.hit("a")[:2] == (True, 9)
    assert set(limiter._counts) == {"a"}
