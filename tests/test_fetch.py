"""Ingest by URL: fetched from a local HTTP server, main text by trafilatura, limits and SSRF policy."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from claims.errors import InvalidInput
from claims.fetch import check_url
from tests.newsroom_fixtures import *  # noqa: F403
from tests.newsroom_fixtures import reset
from tests.test_api import assert_problem

pytestmark = pytest.mark.model

ARTICLE = b"""<!doctype html><html><head><title>Japan's aid to Ukraine</title>
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2025-03-04T09:00:00Z">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | Subscribe now</nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies.</div>
<article><h1>Japan's aid to Ukraine</h1>
<p>Japan has pledged 11 billion euros to Ukraine since February 2022, according to the Kiel Institute
for the World Economy, which tracks aid from donor governments.</p>
<p>The government said more than 2,700 refugees from Ukraine had arrived in Japan by January 2025,
up from 188 in March 2022.</p>
<p>Officials in Tokyo said further support would be discussed at the next meeting of the G7.</p>
</article>
<aside><h2>Related posts</h2><ul><li>Ten things to know about yen</li></ul></aside>
<footer>Copyright 2025 The Example Times. Privacy policy. Cookie policy.</footer>
</body></html>"""


class Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path
        if path == "/article.html":
            self._send(200, "text/html; charset=utf-8", ARTICLE)
        elif path == "/plain.txt":
            self._send(200, "text/plain", b"The council said 4,100 homes were flooded in the storm on 2 May 2024.")
        elif path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/article.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/image.png":
            self._send(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
        elif path == "/big.html":
            self._send(200, "text/html", b"<p>" + b"word " * 100_000 + b"</p>")
        elif path == "/big-chunked.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"<p>" + b"word " * 10_000 + b"</p>"
            try:
                for _ in range(50):
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/slow.html":
            time.sleep(3)
            self._send(200, "text/html", ARTICLE)
        elif path == "/empty.html":
            self._send(200, "text/html", b"<html><body><nav>Home</nav></body></html>")
        else:
            self._send(404, "text/plain", b"not here")

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(newsroom_dsn: str) -> Iterator[str]:
    reset(newsroom_dsn)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_ingest_by_url_extracts_the_main_text(nclient: httpx.Client, site: str) -> None:
    r = nclient.post("/v1/articles", json={"source": "Example Times", "url": f"{site}/article.html"})
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["claims"] >= 2
    article = nclient.get(f"/v1/articles/{created['id']}").json()
    assert "11 billion euros" in article["text"] and "2,700 refugees" in article["text"]
    for boilerplate in ("Subscribe", "cookies", "Related posts", "Copyright", "Privacy policy"):
        assert boilerplate not in article["text"]
    assert article["title"] == "Japan's aid to Ukraine" and article["author"] == "Jane Doe"
    assert article["published"] == "2025-03-04" and article["url"] == f"{site}/article.html"
    claims = nclient.get(f"/v1/articles/{created['id']}/claims").json()["items"]
    money = next(c for c in claims if c["kind"] == "money")
    assert money["value"] == 11e9 and money["unit"] == "EUR"
    assert article["text"][money["start"] : money["end"]] == money["text"]

    again = nclient.post("/v1/articles", json={"source": "Example Times", "url": f"{site}/article.html"})
    assert again.status_code == 200 and again.json()["duplicate"] is True


def test_redirects_and_plain_text(nclient: httpx.Client, site: str) -> None:
    r = nclient.post("/v1/articles", json={"source": "Mirror", "url": f"{site}/moved", "title": "Given title"})
    assert r.status_code == 200 and r.json()["duplicate"] is True  # same text as /article.html
    r = nclient.post("/v1/articles", json={"source": "Council", "url": f"{site}/plain.txt", "published": "2024-05-03"})
    assert r.status_code == 201, r.text
    assert "4,100 homes" in nclient.get(f"/v1/articles/{r.json()['id']}").json()["text"]


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/image.png", "image/png"),
        ("/missing", "HTTP 404"),
        ("/big.html", "larger than"),
        ("/big-chunked.html", "larger than"),
        ("/loop", "redirects"),
        ("/slow.html", "timed out"),
        ("/empty.html", "no article text"),
    ],
)
def test_unusable_pages_are_422(nclient: httpx.Client, site: str, path: str, words: str) -> None:
    body = assert_problem(nclient.post("/v1/articles", json={"source": "X", "url": f"{site}{path}"}), 422)
    assert words in body["detail"]


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/a", "file:///etc/passwd", "http://user:pw@127.0.0.1/", "nonsense"])
def test_only_plain_http_urls(nclient: httpx.Client, url: str) -> None:
    assert_problem(nclient.post("/v1/articles", json={"source": "X", "url": url}), 422)


def test_nothing_to_ingest_is_422(nclient: httpx.Client) -> None:
    assert_problem(nclient.post("/v1/articles", json={"source": "X"}), 422)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8000/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
async def test_non_public_addresses_are_refused_by_default(url: str) -> None:
    with pytest.raises(InvalidInput, match=r"non-public|does not resolve"):
        await check_url(url, allow_private=False)
    assert await check_url(url, allow_private=True) == url


async def test_public_addresses_pass() -> None:
    assert await check_url("https://93.184.215.14/a", allow_private=False) == "https://93.184.215.14/a"


def test_default_app_refuses_loopback_urls(client: httpx.Client, site: str) -> None:
    """The shared app runs with default settings: the server will not fetch its own network."""
    body = assert_problem(client.post("/v1/articles", json={"source": "X", "url": f"{site}/article.html"}), 422)
    assert "non-public" in body["detail"]
