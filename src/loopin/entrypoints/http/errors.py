"""Every failure leaves in the app's envelope: ``success:false``, text in ``detail`` (and ``message``),
a stable ``error_code``; validation failures are 422 with ``detail`` as a list of ``{loc, msg, type}``."""

from __future__ import annotations

import secrets
from enum import Enum
from functools import lru_cache
from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from loopin.adapters.persistence.failures import DatabaseFailure, classify, sqlstate
from loopin.domain.shared.errors import Conflict, DomainError, ErrorKind, InvalidInput, Unavailable

log = structlog.get_logger("loopin.http")

STATUS = {
    ErrorKind.INVALID: 400,
    ErrorKind.INVALID_INPUT: 422,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.RATE_LIMITED: 429,
    ErrorKind.UNAVAILABLE: 503,
}
_HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "NOT_AUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
}


def envelope(status: int, detail: Any, code: str, headers: dict[str, str] | None = None) -> Response[Any]:
    message = detail if isinstance(detail, str) else "; ".join(str(d.get("msg", "")) for d in detail)
    body = {"success": False, "detail": detail, "message": message, "error_code": code}
    return Response(body, status_code=status, headers=headers)


def problem(loc: list[str], msg: str) -> dict[str, Any]:
    """One item of a 422's ``detail``: where the value was, and what is wrong with it."""
    return {"loc": loc, "msg": msg, "type": "value_error"}


def domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    headers = None
    if isinstance(exc, InvalidInput):
        sources = _parameter_sources(request)
        detail = [problem([*sources.get(p.field, ("body", p.field))], p.message) for p in exc.problems]
        return envelope(HTTP_422_UNPROCESSABLE_ENTITY, detail, exc.code)
    if exc.kind is ErrorKind.RATE_LIMITED:
        headers = {"Retry-After": str(getattr(exc, "retry_after_seconds", 60))}
    elif exc.kind is ErrorKind.UNAVAILABLE:
        headers = {"Retry-After": "5"}
    return envelope(STATUS[exc.kind], exc.message, exc.code, headers)


def validation_error(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """Litestar's decode failures (400) become the 422 list the app joins with "; ". A path parameter out of its
    range (an id past 2^63, a zero) names nothing, like a path that matches no route: 404."""
    items = exc.extra if isinstance(exc.extra, list) else []
    if any(isinstance(item, dict) and item.get("source") == "path" and item.get("key") for item in items):
        return envelope(404, "Not found.", "NOT_FOUND")
    detail = [
        problem(
            [_source(item.get("source")), *([str(item["key"])] if item.get("key") else [])],
            _clean(str(item.get("message") or exc.detail)),
        )
        for item in items
        if isinstance(item, dict)
    ] or [problem(["body"], _clean(str(exc.detail)))]
    return envelope(HTTP_422_UNPROCESSABLE_ENTITY, detail, "VALIDATION_ERROR")


def _parameter_sources(request: Request[Any, Any, Any]) -> dict[str, tuple[str, str]]:
    """Where a use case's field came from when the route reads it as a parameter: the route's query, header,
    cookie and path parameters by their Python name and by their name on the wire, each to (source, wire name).
    A field no parameter carries came in the body."""
    handler = request.scope.get("route_handler")
    if not isinstance(handler, HTTPRouteHandler):
        return {}
    return _sources_of(handler, frozenset(request.scope.get("path_params") or ()))


@lru_cache(maxsize=1024)
def _sources_of(handler: HTTPRouteHandler, path_names: frozenset[str]) -> dict[str, tuple[str, str]]:
    """Litestar's own reading of the handler's signature (the model it binds a request's parameters with),
    built once per handler: only refusals pay for it."""
    model = handler.create_kwargs_model(path_parameters=dict.fromkeys(path_names))  # type: ignore[arg-type]
    sources: dict[str, tuple[str, str]] = {}
    for parameters in (
        model.expected_path_params,
        model.expected_header_params,
        model.expected_cookie_params,
        model.expected_query_params,
    ):
        for parameter in parameters:
            located = (_source(parameter.param_type), parameter.field_alias)
            sources[parameter.field_name] = sources[parameter.field_alias] = located
    return sources


def _source(source: object) -> str:
    """Where the bad value was: ``body``, ``query``, ``header``… (Litestar names query and header parameters
    by its ``ParamType`` enum, whose ``str`` is ``ParamType.QUERY``)."""
    if isinstance(source, Enum):
        return str(source.value)
    return str(source or "body")


def _clean(text: str) -> str:
    return text.replace("Validation failed for POST /", "Invalid request to /").strip()


def http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail else "Request failed"
    if status == 400 and detail == "Invalid multipart/form-data":  # e.g. a url-encoded form where files go
        body = [problem(["body"], "Send this form as multipart/form-data.")]
        return envelope(HTTP_422_UNPROCESSABLE_ENTITY, body, "VALIDATION_ERROR")
    if status == 400 and detail == "Request Entity Too Large":  # Litestar's multipart part limit (400 until 3.0)
        status, detail = 413, "This form has too many parts."
    if isinstance(exc, NotFoundException):  # Litestar's own texts can name paths on this server's disk
        detail = "Not found."
    return envelope(status, detail, _HTTP_CODES.get(status, "HTTP_ERROR"), dict(exc.headers or {}) or None)


def infrastructure_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error("dependency unavailable", path=request.url.path, error=type(exc).__name__, exc_info=exc)
    return envelope(503, Unavailable.default_message, Unavailable.code, {"Retry-After": "5"})


def database_error(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[Any]:
    """A value PostgreSQL refused is the request's fault (a gap in validation, logged as such), never an
    outage; a constraint violation outside a commit is a conflict; a statement that cannot run is a bug."""
    failure = classify(exc)
    if failure is DatabaseFailure.INPUT:
        log.warning("database refused a value", path=request.url.path, sqlstate=sqlstate(exc))
        detail = [problem(["request"], "A value in this request is out of range or malformed.")]
        return envelope(HTTP_422_UNPROCESSABLE_ENTITY, detail, "VALIDATION_ERROR")
    if failure is DatabaseFailure.CONFLICT:
        return envelope(409, Conflict.default_message, Conflict.code)
    if failure is DatabaseFailure.BUG:
        return unexpected_error(request, exc)
    return infrastructure_error(request, exc)


def unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    error_id = secrets.token_hex(8)
    log.error("unhandled error", path=request.url.path, error_id=error_id, exc_info=exc)
    return envelope(
        500, f"Something went wrong on our side (error {error_id}). Please try again.", "INTERNAL_SERVER_ERROR"
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    DBAPIError: database_error,
    PoolTimeout: infrastructure_error,  # every pooled connection busy for pool_timeout seconds
    RedisError: infrastructure_error,
    ConnectionError: infrastructure_error,
    Exception: unexpected_error,
}
