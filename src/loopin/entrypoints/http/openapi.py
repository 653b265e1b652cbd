"""The OpenAPI document and the two pages that render it (Scalar at /api/docs, Swagger UI at
/api/docs/swagger), with every asset served by this service: the docs work offline and behind firewalls.

The assets are vendored from the npm registry (versions, sources and checksums in docs_assets/README.md);
their paths carry the version, so they are cached for good.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router

from loopin import __version__
from loopin.entrypoints.http.auth import PUBLIC

DOCS_PATH = "/api/docs"
ASSETS_PATH = f"{DOCS_PATH}/assets"
ASSETS = Path(__file__).with_name("docs_assets")
SCALAR = f"{ASSETS_PATH}/scalar-1.76.4"
SWAGGER_UI = f"{ASSETS_PATH}/swagger-ui-5.36.0"
FAVICON = f"<link rel='icon' type='image/png' href='{SWAGGER_UI}/favicon-32x32.png'>"


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Loopin API",
        version=__version__,
        description="Backend of the Loopin app. Send `Authorization: Bearer <token>` from verify-otp.",
        path=DOCS_PATH,
        render_plugins=[
            ScalarRenderPlugin(
                js_url=f"{SCALAR}/standalone.js",
                css_url=f"{SCALAR}/standalone.css",
                favicon=FAVICON,
                options={"withDefaultFonts": False, "telemetry": False},
            ),
            SwaggerRenderPlugin(
                js_url=f"{SWAGGER_UI}/swagger-ui-bundle.js",
                css_url=f"{SWAGGER_UI}/swagger-ui.css",
                standalone_preset_js_url=f"{SWAGGER_UI}/swagger-ui-standalone-preset.js",
                favicon=FAVICON,
            ),
        ],
        components=Components(
            security_schemes={"BearerToken": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
        ),
        security=[{"BearerToken": []}],
    )


def docs_assets_router() -> Router:
    return create_static_files_router(
        path=ASSETS_PATH,
        directories=[ASSETS],
        include_in_schema=False,
        opt=PUBLIC,
        cache_control=CacheControlHeader(max_age=365 * 24 * 3600, public=True),
        name="docs-assets",
    )
