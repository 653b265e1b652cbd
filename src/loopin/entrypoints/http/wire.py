"""Wire formats every route module shares."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import msgspec

from loopin.entrypoints.http.auth import AnyRequest
from loopin.usecases.shared.attributes import build

Out = TypeVar("Out", bound=msgspec.Struct)


class MessageOut(msgspec.Struct):
    success: bool
    message: str


def to_wire(out: type[Out], view: object, **wire_only: Any) -> Out:
    """``out`` filled from the use case's ``view`` by name, except the fields ``wire_only`` gives (an envelope
    flag, a renamed or twin field, a local time, a number as a string).

    What a call answers is the view's to define; the ``*Out`` struct is only how the app wants it encoded, so
    a mapper states just where the two differ."""
    return build(out, out.__struct_fields__, view, wire_only)


def wall_clock(moment: datetime, zone: str) -> str:
    """An event's time as the app shows it: local to the event, without an offset (the app does not convert)."""
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None).isoformat(timespec="seconds")


def client_address(request: AnyRequest) -> str:
    """The peer address rate limits count against (uvicorn resolves trusted forwarded headers before us)."""
    return request.client.host if request.client else "unknown"
