"""Fetch an article by URL and extract its main text (trafilatura), and the outbound-URL policy.

The server fetches URLs on behalf of API-key holders (article URLs here, webhook receivers in
`claims/webhooks.py`), so both go through `check_url`: only http/https, and unless
`Settings.allow_private_urls` is on, only hosts whose every address is public, re-checked on each
redirect hop. What this does not stop: a DNS answer that changes between the check and httpx's
own lookup (rebinding). Deployments that must be airtight put the service behind an egress proxy
or firewall that refuses internal ranges.
"""

from __future__ import annotations

import codecs
import ipaddress
import logging
import socket
import zlib
from typing import TYPE_CHECKING, Protocol, TypeVar
from urllib.parse import urljoin, urlsplit

import anyio
import anyio.to_thread
import httpx
import msgspec

from claims.errors import InvalidInput

if TYPE_CHECKING:
    from claims.settings import Settings

log = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
MAX_REDIRECTS = 5
MIN_TEXT_CHARS = 25
USER_AGENT = "claims-fetch/1 (+newsroom claim tracking)"


class Fetched(msgspec.Struct, frozen=True, kw_only=True):
    """A fetched page reduced to what ingest needs: the main text and whatever metadata was found."""

    url: str
    """The final URL, after redirects."""
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None


class FetchError(InvalidInput):
    """The URL could not be fetched or held no article; the message says why."""


_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries and can be routed to: mapped (`::ffff:a.b.c.d`),
    compatible (`::a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`), 6to4 (`2002:AABB:CCDD::`), Teredo."""
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip in _IPV4_COMPATIBLE or any(ip in net for net in _NAT64):
        found.append(low32)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


def _public(address: str) -> bool:
    """True for a globally routable unicast address; an IPv6 address that embeds an IPv4 one
    (NAT64, 6to4, mapped, compatible, Teredo) is public only if every embedded address is."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded:
            return all(v4.is_global and not v4.is_multicast for v4 in embedded)
    return ip.is_global and not ip.is_multicast


def web_url(url: str | None) -> str | None:
    """`url` when it is an absolute http(s) URL with a host, else None (`javascript:`, `data:`,
    relative and malformed URLs are never stored as an article's URL nor published)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c in url for c in "\x00\r\n\t"):
        return None
    return url


async def check_url(url: str, *, allow_private: bool) -> str:
    """Return `url` if the server may fetch it, else raise InvalidInput saying why."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput(f"not a valid URL: {url[:200]!r}") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidInput("only http and https URLs can be fetched")
    if not parts.hostname:
        raise InvalidInput("the URL has no host")
    if parts.username or parts.password:
        raise InvalidInput("URLs with credentials are not fetched")
    if allow_private:
        return url
    try:
        infos = await anyio.getaddrinfo(
            parts.hostname, port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except OSError:
        raise InvalidInput(f"the host {parts.hostname!r} does not resolve") from None
    addresses = {str(info[4][0]) for info in infos}
    if not addresses or not all(_public(a) for a in addresses):
        raise InvalidInput(
            f"the host {parts.hostname!r} has a loopback, private or otherwise non-public address; "
            "this server does not fetch those (CLAIMS_ALLOW_PRIVATE_URLS)"
        )
    return url


async def fetch_page(url: str, settings: Settings) -> tuple[str, str, bytes, str | None]:
    """GET `url` with the policy above: (final url, media type, body, charset).

    Redirects are followed by hand so each hop is checked; the body is read in chunks, decoded
    (gzip, deflate) here with the decompressed size bounded, and given up on past
    `fetch_max_bytes`; the whole fetch (every hop, DNS included) is bounded by `fetch_deadline`.
    """
    timeout = httpx.Timeout(settings.fetch_timeout)
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.8",
        "Accept-Encoding": ACCEPT_ENCODING,
    }
    try:
        with anyio.fail_after(settings.fetch_deadline):
            async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as client:
                for _hop in range(MAX_REDIRECTS + 1):
                    await check_url(url, allow_private=settings.allow_private_urls)
                    async with client.stream("GET", url, headers=headers) as response:
                        if response.is_redirect and "location" in response.headers:
                            url = urljoin(url, response.headers["location"])
                            continue
                        if response.status_code != 200:
                            raise FetchError(f"fetching the URL answered HTTP {response.status_code}")
                        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                        if media_type not in HTML_TYPES | TEXT_TYPES:
                            raise FetchError(
                                f"the URL serves {media_type or 'no content type'!s}, not an HTML or text page"
                            )
                        declared = response.headers.get("content-length")
                        if declared and declared.isdigit() and int(declared) > settings.fetch_max_bytes:
                            raise FetchError(f"the page is larger than {settings.fetch_max_bytes} bytes")
                        inflate = Inflater(response.headers.get("content-encoding", ""), settings.fetch_max_bytes)
                        body = bytearray()
                        async for chunk in response.aiter_raw():
                            body.extend(inflate.feed(chunk))
                            if len(body) > settings.fetch_max_bytes:
                                raise FetchError(f"the page is larger than {settings.fetch_max_bytes} bytes")
                        body.extend(inflate.end())
                        return str(response.url), media_type, bytes(body), response.charset_encoding
                raise FetchError(f"more than {MAX_REDIRECTS} redirects")
    except TimeoutError:
        raise FetchError("fetching the URL timed out") from None
    except httpx.TimeoutException:
        raise FetchError("fetching the URL timed out") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"fetching the URL failed: {type(exc).__name__}") from None


ACCEPT_ENCODING = "gzip, deflate"
"""What fetches ask for, and all `Inflater` decodes: no brotli or zstd, whose decoders httpx may lack."""


class Inflater:
    """Decodes a response body's Content-Encoding (gzip, deflate or none) chunk by chunk, never
    producing more than `limit` bytes in all: a page that inflates past it (a gzip bomb: 5 MB of
    zeros are 5 KB gzipped) is refused with FetchError after at most `limit` + 1 bytes were made."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(f"the page is sent with an unsupported content encoding: {content_encoding[:50]!r}")
        self.coding = codings[0] if codings else None
        self.limit = limit
        self.made = 0
        self.z: zlib._Decompress | None = None

    def _new(self, first: bytes) -> zlib._Decompress:
        if self.coding == "deflate" and first[:1] and (first[0] & 0x0F) != 8:
            return zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send it
        return zlib.decompressobj(zlib.MAX_WBITS | (16 if self.coding != "deflate" else 0))

    def feed(self, data: bytes) -> bytes:
        if self.coding is None:
            return data
        out = bytearray()
        try:
            while data:
                if self.z is None:
                    self.z = self._new(data)
                room = self.limit - self.made + 1
                piece = self.z.decompress(data, room)
                self.made += len(piece)
                out.extend(piece)
                if self.made > self.limit or self.z.unconsumed_tail:
                    raise FetchError(f"the page is larger than {self.limit} bytes once decompressed")
                if self.z.eof:  # gzip allows several members one after another
                    data, self.z = self.z.unused_data, None
                else:
                    data = b""
        except zlib.error:
            raise FetchError(f"the page's {self.coding} encoding is corrupt") from None
        return bytes(out)

    def end(self) -> bytes:
        if self.coding is None or self.z is None:
            return b""
        try:
            tail = self.z.flush(self.limit - self.made + 1)
        except zlib.error:
            raise FetchError(f"the page's {self.coding} encoding is corrupt") from None
        self.made += len(tail)
        if self.made > self.limit:
            raise FetchError(f"the page is larger than {self.limit} bytes once decompressed")
        return tail


def text_charset(name: str | None) -> str:
    """The codec for a declared charset (UTF-8 when none), or FetchError for one Python does not
    know or that is not a text encoding (`base64`, `rot13`, `hex` are codecs too)."""
    if not name:
        return "utf-8"
    try:
        info = codecs.lookup(name.strip())
    except (LookupError, ValueError):
        raise FetchError(f"the page declares an unknown charset: {name[:50]!r}") from None
    if not getattr(info, "_is_text_encoding", True):
        raise FetchError(f"the page declares {name[:50]!r}, which is not a text charset")
    return info.name


def extract_main_text(html: str | bytes, url: str) -> Fetched:
    """The article's main text and metadata by trafilatura (precision over recall: no comments,
    no tables, no boilerplate). Raises FetchError when no article text is found."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        # only dates the page states as metadata: a guess from the body text would shift every
        # relative date in the article
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or len(text.strip()) < MIN_TEXT_CHARS:  # a menu word or two is not an article
        raise FetchError("no article text could be extracted from the page")
    published = getattr(doc, "date", None)
    return Fetched(
        url=url,
        text=text,
        title=getattr(doc, "title", None) or None,
        author=getattr(doc, "author", None) or None,
        published=published or None,
    )


async def fetch_article(url: str, settings: Settings) -> Fetched:
    """Fetch `url` and reduce it to the article's main text (HTML via trafilatura, off the loop)."""
    final_url, media_type, body, charset = await fetch_page(url, settings)
    if media_type in TEXT_TYPES:
        text = body.decode(text_charset(charset), errors="replace")
        if not text.strip():
            raise FetchError("the page is empty")
        return Fetched(url=final_url, text=text)
    # without a declared charset, trafilatura sniffs the bytes (meta tags, then detection)
    html: str | bytes = body.decode(text_charset(charset), errors="replace") if charset else body
    fetched = await anyio.to_thread.run_sync(extract_main_text, html, final_url)
    log.info("fetched url bytes=%d chars=%d", len(body), len(fetched.text))
    return fetched


class _ArticleFields(Protocol):
    text: str | None
    url: str | None
    title: str | None
    author: str | None
    published: str | None


A = TypeVar("A", bound=_ArticleFields)


async def fetched_article(article: A, settings: Settings) -> A:
    """`article` (a msgspec Struct with a `url` and no text) with the fetched main text filled in;
    title, author and publication date from the page unless the caller gave them."""
    if not article.url:
        raise InvalidInput("send one of 'text', 'html' or 'url'")
    page = await fetch_article(article.url, settings)
    return msgspec.structs.replace(  # type: ignore[type-var]
        article,
        text=page.text,
        url=page.url,
        title=article.title or page.title,
        author=article.author or page.author,
        published=article.published or page.published,
    )
