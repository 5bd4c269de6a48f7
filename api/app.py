"""Litestar app factory and lifespan: database, migrations and the NLP pipeline, set up once."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.to_thread
from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, RedocRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from psycopg_pool import AsyncConnectionPool

from api.deps import provide_conn
from api.errors import EXCEPTION_HANDLERS
from api.routes.articles import ArticleController
from api.routes.claims import ClaimController, claim_filters
from api.routes.conflicts import ConflictController
from api.routes.ops import health, ready
from api.routes.sources import SourceController
from api.security import require_key_on_writes
from claims import db, migrate
from claims.nlp import get_nlp
from claims.settings import Settings

log = logging.getLogger(__name__)


def _lifespan(settings: Settings) -> Any:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        dsn = await anyio.to_thread.run_sync(db.resolve_dsn, settings)
        await anyio.to_thread.run_sync(migrate.migrate, dsn)
        app.state.nlp = await anyio.to_thread.run_sync(get_nlp, settings.spacy_model)
        app.state.nlp_lock = anyio.Lock()
        pool = AsyncConnectionPool(
            dsn,
            min_size=settings.pool_min_size,
            max_size=settings.pool_max_size,
            timeout=settings.pool_timeout,
            kwargs={"autocommit": True},
            check=AsyncConnectionPool.check_connection,
            open=False,
        )
        await pool.open()
        await pool.wait(timeout=30.0)
        app.state.pool = pool
        log.info("ready: model=%s pool_max=%d", settings.spacy_model, settings.pool_max_size)
        try:
            yield
        finally:
            await pool.close()

    return lifespan


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    v1 = Router(
        path="/v1",
        route_handlers=[ArticleController, ClaimController, SourceController, ConflictController],
        dependencies={
            "conn": Provide(provide_conn),
            "filters": Provide(claim_filters, sync_to_thread=False),
        },
        guards=[require_key_on_writes],
        security=[{"bearer": []}] if settings.api_keys else None,
    )
    return Litestar(
        route_handlers=[v1, health, ready],
        lifespan=[_lifespan(settings)],
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=settings.max_body_bytes,
        state=State({"settings": settings}),
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins)) if settings.cors_origins else None,
        openapi_config=OpenAPIConfig(
            title="claims",
            version="1.0.0",
            description="Claim tracking and fact comparison for newsroom fact-checkers (REST contract v1).",
            path="/schema",
            render_plugins=[RedocRenderPlugin(), JsonRenderPlugin()],
            components=Components(security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}),
        ),
        logging_config=LoggingConfig(
            root={"level": settings.log_level, "handlers": ["queue_listener"]},
            log_exceptions="debug",
        ),
        debug=False,
    )
