"""Where the database is: an external server from `DATABASE_URL`, or the embedded pgserver one."""

from __future__ import annotations

import logging
import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claims.settings import Settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _embedded_uri(data_dir: str) -> str:
    Path(data_dir).parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
        import pgserver

        server = pgserver.get_server(data_dir, cleanup_mode="stop")
    log.info("embedded PostgreSQL running in %s", data_dir)
    return server.get_uri()


def resolve_dsn(settings: Settings) -> str:
    """The connection string to use, starting the embedded server when none is configured."""
    if settings.database_url:
        return settings.database_url
    return _embedded_uri(settings.data_dir)
