"""Litestar app factory and lifespan: database, migrations and the NLP pipeline, set up once."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.to_thread
from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.datastructures import MutableScopeHeaders, State
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope
from psycopg_pool import AsyncConnectionPool

from api import docs
from api.claimreview import ScriptSafeResponse
from api.deps import check_idle_connection, provide_conn
from api.docs_ui import docs_assets, swagger_ui
from api.errors import EXCEPTION_HANDLERS
from api.querycheck import unknown_query_middleware
from api.ratelimit import rate_limit_middleware
from api.rendered import RenderCache
from api.review.routes import review_router, static_files, template_config
from api.routes.articles import ArticleController
from api.routes.claims import ClaimController, TimelineController, claim_filters
from api.routes.conflicts import ConflictController
from api.routes.corrections import CorrectionController
from api.routes.exports import ExportController
from api.routes.ops import health, ready
from api.routes.queue import QueueController
from api.routes.sources import SourceController
from api.routes.users import UserController
from api.routes.webhooks import WebhookController, webhook_lifespan
from api.security import WRITE_METHODS, check_v1_request
from api.serving import HostAllowList, allowed_hosts
from claims import db, migrate
from claims.settings import Settings
from claims.text.nlp import get_nlp

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
            reconnect_timeout=settings.pool_reconnect_timeout,
            kwargs=db.pool_kwargs(settings),
            configure=db.session_setup(settings),
            check=check_idle_connection,
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
        route_handlers=[
            ArticleController,
            ClaimController,
            SourceController,
            ConflictController,
            ExportController,
            WebhookController,
            TimelineController,
            UserController,
            QueueController,
            CorrectionController,
        ],
        dependencies={
            "conn": Provide(provide_conn),
            "filters": Provide(claim_filters, sync_to_thread=False),
        },
        guards=[check_v1_request],
    )
    app = Litestar(
        route_handlers=[v1, health, ready, review_router, static_files, docs_assets],
        template_config=template_config,
        lifespan=[_lifespan(settings), webhook_lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        response_class=ScriptSafeResponse,
        request_max_body_size=settings.max_body_bytes,
        middleware=[
            *host_allow_list(settings),
            *([rate_limit_middleware(settings.rate_limit)] if settings.rate_limit > 0 else []),
            unknown_query_middleware(),
        ],
        state=State({"settings": settings, "conflict_renders": RenderCache(settings.render_cache_size)}),
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins)) if settings.cors_origins else None,
        openapi_config=OpenAPIConfig(
            title="claims",
            version="1.0.0",
            description="Claim tracking and fact comparison for newsroom fact-checkers (REST contract v1).",
            path="/schema",
            render_plugins=[swagger_ui(), JsonRenderPlugin()],
            components=Components(security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}),
        ),
        logging_config=LoggingConfig(
            root={"level": settings.log_level, "handlers": ["queue_listener"]},
            log_exceptions="debug",
        ),
        debug=False,
    )
    if settings.api_keys:
        _document_write_security(app)
    _document_closed_bodies(app)
    docs.document(app)
    app.before_send.append(_allow_header_fixer(app))
    return app


def host_allow_list(settings: Settings) -> list[Any]:
    allowed = allowed_hosts(settings)
    if allowed is None:
        return []
    return [lambda app: HostAllowList(app, allowed)]


def _document_closed_bodies(app: Litestar) -> None:
    """Request bodies refuse unknown fields (`forbid_unknown_fields`); say so in the schema.

    Litestar's generator leaves `additionalProperties` open, so a client built from the schema
    would believe extra fields are accepted and then get 400s.
    """
    components = app.openapi_schema.components.schemas or {}
    for module in [m for name, m in sys.modules.items() if name == "api" or name.startswith("api.")]:
        for name, struct in vars(module).items():
            config = getattr(struct, "__struct_config__", None)
            if config is not None and config.forbid_unknown_fields and name in components:
                components[name].additional_properties = False


def _allow_header_fixer(app: Litestar) -> Any:
    """A before_send hook so OPTIONS answers list every method of the path.

    Litestar's automatic OPTIONS handler remembers only the methods of the first route object built
    for a path, so a controller with GET and PATCH on one path answered `Allow: GET, OPTIONS`.
    """
    allowed = {
        route.path_format: ", ".join(sorted(route.methods)) for route in app.routes if isinstance(route, HTTPRoute)
    }

    async def complete_allow_header(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start" and scope.get("method") == "OPTIONS":
            methods = allowed.get(scope.get("path_template", ""))
            if methods:
                MutableScopeHeaders.from_message(message)["Allow"] = methods

    return complete_allow_header


def _document_write_security(app: Litestar) -> None:
    """Mark only the write operations as needing the bearer key in OpenAPI: reads are open by design.

    Litestar gives every app its own copy of each controller's handlers, so this touches nothing
    shared; the schema is built lazily, after this runs.
    """
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if set(getattr(handler, "http_methods", ())) & WRITE_METHODS:
                handler.security = [{"bearer": []}]
