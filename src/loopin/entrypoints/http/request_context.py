"""Request ids and access logs: every log line of a request carries its id, and so does the response."""

from __future__ import annotations

import logging
import re
import secrets
import time

import structlog
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger("loopin.access")
_ACCESS = logging.getLogger("loopin.access")  # asked per request whether the line would be written at all
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_context_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_ID.match(incoming) else secrets.token_hex(8)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableScopeHeaders.from_message(message)["x-request-id"] = request_id
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        except Exception as exc:  # answered by the app's outer exception handler (e.g. a refused token)
            status = getattr(exc, "status_code", 500)
            raise
        finally:
            if _ACCESS.isEnabledFor(logging.INFO):
                log.info(
                    "request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    ms=round((time.perf_counter() - started) * 1000, 1),
                )

    return middleware


async def stamp_request_id(message: Message, scope: Scope) -> None:
    """``before_send`` hook: responses built outside the middleware (refused tokens) carry the id too, and no
    answer of this service may be content-sniffed into something else by a browser."""
    if message["type"] == "http.response.start":
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        headers = MutableScopeHeaders.from_message(message)
        if request_id and "x-request-id" not in headers:
            headers["x-request-id"] = request_id
        headers["x-content-type-options"] = "nosniff"
