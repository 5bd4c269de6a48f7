"""Fetch an article by URL and extract its main text (trafilatura), and the outbound-URL policy.

The server fetches URLs on behalf of API-key holders (article URLs here, webhook receivers in
`claims/webhooks.py`), so both go through `check_url`: only http/https, and unless
`Settings.allow_private_urls` is on, only hosts whose every address is public, re-checked on each
redirect hop. What this does not stop: a DNS answer that changes between the check and httpx's
own lookup (rebinding). Deployments that must be airtight put the service behind an egress proxy
or firewall that refuses internal ranges.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
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


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
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

    Redirects are followed by hand so each hop is checked; the body is read in chunks and given
    up on past `fetch_max_bytes`; the whole fetch is bounded by three times `fetch_timeout`.
    """
    timeout = httpx.Timeout(settings.fetch_timeout)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.8"}
    try:
        with anyio.fail_after(3 * settings.fetch_timeout):
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
                        body = bytearray()
                        async for chunk in response.aiter_raw():
                            body.extend(chunk)
                            if len(body) > settings.fetch_max_bytes:
                                raise FetchError(f"the page is larger than {settings.fetch_max_bytes} bytes")
                        return str(response.url), media_type, bytes(body), response.charset_encoding
                raise FetchError(f"more than {MAX_REDIRECTS} redirects")
    except TimeoutError:
        raise FetchError("fetching the URL timed out") from None
    except httpx.TimeoutException:
        raise FetchError("fetching the URL timed out") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"fetching the URL failed: {type(exc).__name__}") from None


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
        text = body.decode(charset or "utf-8", errors="replace")
        if not text.strip():
            raise FetchError("the page is empty")
        return Fetched(url=final_url, text=text)
    # without a declared charset, trafilatura sniffs the bytes (meta tags, then detection)
    html: str | bytes = body.decode(charset, errors="replace") if charset else body
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
