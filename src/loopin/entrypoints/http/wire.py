"""Wire formats every route module shares."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec

from loopin.entrypoints.http.auth import AnyRequest


class MessageOut(msgspec.Struct):
    success: bool
    message: str


def wall_clock(moment: datetime, zone: str) -> str:
    """An event's time as the app shows it: local to the event, without an offset (the app does not convert)."""
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None).isoformat(timespec="seconds")


def client_address(request: AnyRequest) -> str:
    """The peer address rate limits count against (uvicorn resolves trusted forwarded headers before us)."""
    return request.client.host if request.client else "unknown"
