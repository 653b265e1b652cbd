"""The OpenAPI document and the two pages that render it (Scalar at /api/docs, Swagger UI at
/api/docs/swagger), with every asset served by this service: the docs work offline and behind firewalls.

The assets are vendored from the npm registry (versions, sources and checksums in docs_assets/README.md);
their paths carry the version, so they are cached for good.

Litestar's document is completed with what the service really answers (``describe_answers``): the app's error
envelope instead of Litestar's own 400 shape (which ``errors.py`` never sends), the 422 list wherever a request
is decoded, 401 where a token is needed and ``security: []`` where none is. It is built once, on first use.
"""

from __future__ import annotations

import re
from pathlib import Path

from litestar import Litestar, Router
from litestar._openapi.plugin import OpenAPIPlugin
from litestar.datastructures import CacheControlHeader
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import (
    Components,
    OpenAPI,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    Schema,
    SecurityScheme,
)
from litestar.routes import HTTPRoute
from litestar.static_files import create_static_files_router

from loopin import __version__
from loopin.entrypoints.http.auth import PUBLIC, PUBLIC_PATHS

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


# --- the document's answers ------------------------------------------------------------------------------


def _envelope(detail: Schema, error_code: str, description: str) -> Schema:
    return Schema(
        type=OpenAPIType.OBJECT,
        required=["success", "detail", "message", "error_code"],
        properties={
            "success": Schema(type=OpenAPIType.BOOLEAN, const=False),
            "detail": detail,
            "message": Schema(
                type=OpenAPIType.STRING, description="The detail as one text (the app shows either)."
            ),
            "error_code": Schema(type=OpenAPIType.STRING, description=error_code),
        },
        description=description,
    )


ERROR = _envelope(
    Schema(type=OpenAPIType.STRING, description="What went wrong, for people."),
    "A stable code, e.g. EVENT_NOT_FOUND.",
    "Every failure of this service.",
)
LOCATION = Schema(one_of=[Schema(type=OpenAPIType.STRING), Schema(type=OpenAPIType.INTEGER)])
FIELD_PROBLEM = Schema(
    type=OpenAPIType.OBJECT,
    required=["loc", "msg", "type"],
    properties={
        "loc": Schema(
            type=OpenAPIType.ARRAY, items=LOCATION, description='e.g. ["body", "title"], ["query", "offset"]'
        ),
        "msg": Schema(type=OpenAPIType.STRING),
        "type": Schema(type=OpenAPIType.STRING),
    },
)
VALIDATION_ERROR = _envelope(
    Schema(type=OpenAPIType.ARRAY, items=FIELD_PROBLEM),
    "VALIDATION_ERROR or a field's own code.",
    "Invalid fields: each one named.",
)
_HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _answer(description: str, schema: str) -> OpenAPIResponse:
    ref = Reference(ref=f"#/components/schemas/{schema}")
    return OpenAPIResponse(description=description, content={"application/json": OpenAPIMediaType(schema=ref)})


def _is_litestars_400(response: OpenAPIResponse | Reference) -> bool:
    if not isinstance(response, OpenAPIResponse) or not response.content:
        return False
    schema = next(iter(response.content.values())).schema
    return isinstance(schema, Schema) and bool(schema.properties) and "status_code" in (schema.properties or {})


def describe_answers(document: OpenAPI, app: Litestar) -> OpenAPI:
    components = document.components
    components.schemas = {**(components.schemas or {}), "Error": ERROR, "ValidationError": VALIDATION_ERROR}
    open_paths = [re.compile(p) for p in PUBLIC_PATHS]
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path_format not in (document.paths or {}):
            continue
        item = (document.paths or {})[route.path_format]
        for handler in route.route_handlers:
            for method in handler.http_methods:
                op = getattr(item, method.lower(), None) if method.lower() in _HTTP_METHODS else None
                if not isinstance(op, Operation):
                    continue
                token_free = any(p.match(route.path) for p in open_paths)
                _complete(op, public=token_free or bool(handler.opt.get("public")), sends_token=not token_free)
    return document


def _complete(op: Operation, *, public: bool, sends_token: bool) -> None:
    responses = dict(op.responses or {})
    if _is_litestars_400(responses.get("400", OpenAPIResponse(description=""))):
        del responses["400"]
    if op.parameters or op.request_body:
        responses["422"] = _answer("Invalid fields, each one named.", "ValidationError")
    if sends_token:
        responses.setdefault("401", _answer("No session, or the token was refused.", "Error"))
    if public:
        op.security = []  # overrides the document-wide bearer requirement
    responses["default"] = _answer(
        "Any other failure in the app's envelope: 400 a broken business rule, 403, 404 (also a path id that "
        "names nothing), 409, 415 a body that is not JSON, 429 and 503 (both with Retry-After).",
        "Error",
    )
    op.responses = responses


class DocumentedOpenAPIPlugin(OpenAPIPlugin):
    """Litestar's OpenAPI plugin, its document completed by ``describe_answers`` each time it is built."""

    __slots__ = ()

    def _build_openapi(self) -> OpenAPI:
        return describe_answers(super()._build_openapi(), self.app)


def document_answers(app: Litestar) -> None:
    """Litestar always creates its own plugin instance; ours only adds to how that instance builds the
    document (no state of its own), so the instance takes our class."""
    app.plugins.get(OpenAPIPlugin).__class__ = DocumentedOpenAPIPlugin
