"""The interactive API docs (Swagger UI) served by the app itself: no CDN, so `/schema` works on
a machine without internet access and sends nothing to third parties.

Swagger UI's files come from the `swagger-ui-bundle-v2` package (Apache-2.0, maintained with
Connexion), pinned in pyproject.toml; they are served under /docs-assets and Litestar's render
plugin is pointed at them. Its default favicon is a CDN link too, so none is set.
"""

from __future__ import annotations

from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs-assets"

docs_assets = create_static_files_router(
    path=ASSETS,
    directories=[swagger_ui_path],
    include_in_schema=False,
    cache_control=CacheControlHeader(max_age=86400),
    name="docs-assets",
)


def swagger_ui() -> SwaggerRenderPlugin:
    """Swagger UI at /schema (and /schema/swagger) from the files above."""
    return SwaggerRenderPlugin(
        js_url=f"{ASSETS}/swagger-ui-bundle.js",
        css_url=f"{ASSETS}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS}/swagger-ui-standalone-preset.js",
        path=["/", "/swagger"],
        favicon="",
    )
