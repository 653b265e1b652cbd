"""Helpers of the hostile-input tests: the app's own route table, read from the running app, so every route
added later is probed too (no hand-kept list to forget)."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from functools import cache
from typing import Any

from litestar import Litestar
from litestar.enums import RequestEncodingType
from litestar.routes import HTTPRoute

_PARAM = re.compile(r"\{(\w+):(\w+)\}")
IGNORED_PREFIXES = ("/api/docs", "/api/media", "/health", "/admin")  # the console: HTML pages, its own tests


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # the template, e.g. /api/events/{event_id:int}/requests
    body: str | None  # "json", "multipart" or None
    public: bool

    @property
    def int_params(self) -> list[str]:
        return [name for name, kind in _PARAM.findall(self.path) if kind == "int"]

    def url(self, **values: object) -> str:
        """The template with each parameter replaced: by ``values`` when given, else ``1`` (ints) or ``x``."""

        def fill(match: re.Match[str]) -> str:
            name, kind = match.group(1), match.group(2)
            if name in values:
                return str(values[name])
            return "1" if kind == "int" else "x"

        return _PARAM.sub(fill, self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def operations(app: Litestar) -> list[Operation]:
    found: list[Operation] = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(IGNORED_PREFIXES):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                data = handler.parsed_fn_signature.parameters.get("data")
                body = None
                if data is not None:
                    media = getattr(data.kwarg_definition, "media_type", RequestEncodingType.JSON)
                    body = "multipart" if media is RequestEncodingType.MULTI_PART else "json"
                public = bool(handler.opt.get("public"))
                found.append(Operation(method, route.path, body, public))
    return found


@cache
def _app() -> Litestar:
    """An app built like production's, read at collection time (no service needed)."""
    from loopin.entrypoints.http.app import create_app
    from loopin.entrypoints.settings import load_settings

    return create_app(load_settings({}, environment="test", media_root=tempfile.mkdtemp(prefix="loopin-routes-")))


def app_operations() -> list[Operation]:
    return operations(_app())


def app_document() -> dict[str, Any]:
    """The OpenAPI document exactly as /api/docs/openapi.json serves it."""
    document: dict[str, Any] = _app().openapi_schema.to_schema()
    return document


# A body each JSON route accepts, so that a hostile path or value reaches the use case instead of stopping at a
# missing field.
PLAUSIBLE_BODIES: dict[str, dict[str, Any]] = {
    "POST /api/auth/signup": {"phone_number": "+919812345678"},
    "POST /api/auth/login": {"phone_number": "+919812345678"},
    "POST /api/auth/verify-otp": {"phone_number": "+919812345678", "otp_code": "1234"},
    "POST /api/auth/verify-login": {"phone_number": "+919812345678", "otp_code": "1234"},
    "PUT /api/auth/profile": {"bio": "Hello"},
    "POST /api/notifications/devices/register": {"onesignal_player_id": "player-1", "platform": "android"},
    "PUT /api/events/{event_id:int}": {"title": "New title"},
    "POST /api/events/venues": {"name": "Blue Tokai", "city": "Mumbai"},
    "POST /api/hosts/become-a-host": {"first_name": "A", "last_name": "B", "phone_number": "+919812345678"},
    "POST /api/events/{event_id:int}/requests": {"message": "Hi", "seats_requested": 1},
    "PUT /api/events/{event_id:int}/requests/{request_id:int}/accept": {"host_message": "Welcome"},
    "PUT /api/events/{event_id:int}/requests/{request_id:int}/decline": {"host_message": "Sorry"},
    "POST /api/events/{event_id:int}/requests/bulk-action": {"request_ids": [1], "action": "accept"},
    "POST /api/events/{event_id:int}/confirm-attendance": {"seats": 1},
    "POST /api/events/{event_id:int}/invitations": {"user_ids": [1], "message": "Come"},
    "PUT /api/events/invitations/{invite_id:int}/respond": {"response": "going"},
    "POST /api/events/{event_id:int}/check-in": {"ticket_secret": "ABCD1234"},
    "POST /api/attendances/check-in": {"event_id": 1, "ticket_secret": "ABCD1234"},
    "POST /api/attendances/check-out": {"event_id": 1, "user_id": 1},
    "POST /api/payments/orders": {"event_id": 1, "amount": 499.0, "seats_count": 1},
}


def plausible_body(operation: Operation) -> dict[str, Any]:
    return dict(PLAUSIBLE_BODIES.get(str(operation), {}))
