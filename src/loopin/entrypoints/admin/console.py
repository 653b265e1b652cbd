"""The staff web console at ``/admin``: server-rendered pages (Jinja2) with a little htmx, all served by this
service (no asset from the internet), over the same use cases as the app's API.

Its own security stack, on its router only (the JSON API keeps its bearer tokens and never sees a cookie):
the server-side session (``session.py``), CSRF tokens on every form (Litestar's double-submit middleware; the
cookie is HttpOnly because the server writes the token into each form), a strict Content-Security-Policy
(scripts and styles from this origin only, no framing), ``no-store`` on every page. Failures are pages, not
the API's JSON envelope. Decisions: ``docs/admin.md``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from litestar import Response, Router
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import HTTPException, NotFoundException, PermissionDeniedException, ValidationException
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from litestar.template.config import TemplateConfig
from redis.asyncio import Redis

from loopin.domain.shared.errors import DomainError, ErrorKind
from loopin.entrypoints.admin.campaigns import CampaignAdminController
from loopin.entrypoints.admin.events import EventAdminController, OrderAdminController
from loopin.entrypoints.admin.members import DashboardController, MemberController
from loopin.entrypoints.admin.operations import AuditAdminController, FeeAdminController, LeadAdminController
from loopin.entrypoints.admin.payouts import PayoutAdminController
from loopin.entrypoints.admin.rendering import AnyRequest, back_to, counted, inr, notify, page, plural
from loopin.entrypoints.admin.session import (
    SignInRequired,
    StepUpRequired,
    login_url,
    session_config,
)
from loopin.entrypoints.admin.sign_in import SignInController, StepUpController, step_up_url
from loopin.entrypoints.http.errors import STATUS
from loopin.entrypoints.settings import Environment, Settings

log = structlog.get_logger("loopin.admin")
HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
SESSION_STORE = "admin_sessions"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
CONTROLLERS = (
    SignInController,
    StepUpController,
    DashboardController,
    MemberController,
    EventAdminController,
    OrderAdminController,
    PayoutAdminController,
    CampaignAdminController,
    FeeAdminController,
    AuditAdminController,
    LeadAdminController,
)


def template_config(settings: Settings) -> TemplateConfig[JinjaTemplateEngine]:
    zone = ZoneInfo(settings.platform_timezone)

    def filters(engine: JinjaTemplateEngine) -> None:
        engine.engine.filters.update(
            when=lambda moment: local_time(moment, zone),
            day=lambda moment: local_time(moment, zone, with_time=False),
            inr=inr,
            plural=plural,
            counted=counted,
        )

    return TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=filters)


def local_time(moment: datetime | None, zone: ZoneInfo, *, with_time: bool = True) -> str:
    """Staff read times on the platform's clock (IST), with the zone named."""
    if moment is None:
        return "—"
    local = moment.astimezone(zone)
    return local.strftime("%-d %b %Y, %H:%M %Z" if with_time else "%-d %b %Y")


def session_store(settings: Settings) -> Store:
    """Redis when the service has it (sessions survive a restart and are shared by every worker process)."""
    if settings.redis_url:
        client = Redis.from_url(settings.redis_url)
        return RedisStore(client, namespace="loopin:admin_sessions", handle_client_shutdown=True)
    return MemoryStore()


def _secure_headers(response: Response[Any]) -> Response[Any]:
    response.headers.update(
        {
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "Cache-Control": "no-store",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "same-origin",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
    )
    return response


def _sign_in(request: AnyRequest, exc: SignInRequired) -> Response[Any]:
    if request.method != "GET":
        request.scope["session"] = {}
    return _secure_headers(back_to(login_url(exc.next_path)))


def _step_up(request: AnyRequest, exc: StepUpRequired) -> Response[Any]:
    notify(request, "Confirm it is you with a fresh code first.", "error")
    return _secure_headers(back_to(step_up_url(exc.next_path)))


def _domain_error(request: AnyRequest, exc: DomainError) -> Response[Any]:
    """A refusal no handler turned into a notice. Not staff (any more), deactivated, unknown: the session
    ends, the visitor sees 403."""
    if exc.kind in (ErrorKind.FORBIDDEN, ErrorKind.UNAUTHENTICATED) and exc.code in (
        "STAFF_ONLY",
        "ACCOUNT_DEACTIVATED",
        "ACCOUNT_NOT_FOUND",
    ):
        request.scope["session"] = {}
        return _render(request, "denied.html", 403, reason=exc.message)
    return _render(request, "error.html", STATUS[exc.kind], status=STATUS[exc.kind], message=exc.message)


def _http_error(request: AnyRequest, exc: HTTPException) -> Response[Any]:
    if isinstance(exc, PermissionDeniedException):
        message = "This form has expired or did not come from this console. Go back, reload, and try again."
        return _render(request, "error.html", 403, status=403, message=message)
    if isinstance(exc, NotFoundException):
        return _render(request, "error.html", 404, status=404, message="There is no such page.")
    if isinstance(exc, ValidationException):
        items = exc.extra if isinstance(exc.extra, list) else []
        if any(isinstance(i, dict) and i.get("source") == "path" for i in items):  # an id past the id rule
            return _render(request, "error.html", 404, status=404, message="There is no such page.")
        return _render(request, "error.html", 400, status=400, message="Some of what was sent is not valid.")
    status = exc.status_code if 400 <= exc.status_code < 600 else 500
    return _render(request, "error.html", status, status=status, message=str(exc.detail or "Request failed"))


def _render(request: AnyRequest, template: str, code: int, **context: Any) -> Response[Any]:
    return _secure_headers(page(request, template, status_code=code, **context))


def admin_router(settings: Settings) -> Router:
    production = settings.environment is Environment.PRODUCTION
    csrf = CSRFConfig(
        secret=settings.derived_key("admin-csrf").hex(),
        cookie_name="__Host-loopin_csrf" if production else "loopin_csrf",
        cookie_path="/",
        cookie_secure=production,
        cookie_httponly=True,  # the token reaches forms through the page, never through script
        cookie_samesite="strict",
        header_name="x-csrftoken",
    )
    static = create_static_files_router(
        path="/admin/static",
        directories=[STATIC],
        name="admin-static",
        include_in_schema=False,
        opt={"skip_session": True, "exclude_from_csrf": True},
    )
    return Router(
        path="/",
        route_handlers=[*CONTROLLERS, static],
        middleware=[session_config(settings).middleware, DefineMiddleware(CSRFMiddleware, config=csrf)],
        after_request=_secure_headers,
        exception_handlers={
            SignInRequired: _sign_in,
            StepUpRequired: _step_up,
            DomainError: _domain_error,
            HTTPException: _http_error,
            ValidationException: _http_error,  # the app's JSON handler for it is more specific than HTTPException
        },
        include_in_schema=False,
    )
