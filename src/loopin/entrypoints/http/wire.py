"""Wire formats every route module shares."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import msgspec

from loopin.domain.shared.changes import KEEP
from loopin.entrypoints.http.auth import AnyRequest
from loopin.usecases.shared.attributes import build, field_names

Out = TypeVar("Out", bound=msgspec.Struct)
Change = TypeVar("Change")


class MessageOut(msgspec.Struct):
    success: bool
    message: str


class PagedOut(msgspec.Struct):
    """A paged list as the app reads it: how many match in all and which slice this is; a subclass adds the
    slice itself as ``data`` (after these keys, as the app has always received them)."""

    success: bool
    total: int
    offset: int
    limit: int


def to_wire(out: type[Out], view: object, **wire_only: Any) -> Out:
    """``out`` filled from the use case's ``view`` by name, except the fields ``wire_only`` gives (an envelope
    flag, a renamed or twin field, a local time, a number as a string).

    What a call answers is the view's to define; the ``*Out`` struct is only how the app wants it encoded, so
    a mapper states just where the two differ."""
    return build(out, out.__struct_fields__, view, wire_only)


def partial_update(change: type[Change], body: msgspec.Struct, **renamed: Any) -> Change:
    """A partial update (``change``, whose fields default to ``KEEP``) from a body whose absent keys decode as
    ``UNSET``: what the client did not send stays as it is. ``renamed`` gives the fields the wire names
    otherwise (or builds from several keys); the same rule applies to them."""
    values = (renamed[name] if name in renamed else getattr(body, name) for name in field_names(change))
    return change(*(KEEP if value is msgspec.UNSET else value for value in values))


@functools.lru_cache(maxsize=8192)
def wall_clock(moment: datetime, zone: str) -> str:
    """An event's time as the app shows it: local to the event, without an offset (the app does not convert).

    Kept for the times it has shown (a feed page shows the same events' two times on every miss: ~6 µs each to
    convert and format, 0.6 ms of a cold 50-event page)."""
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None).isoformat(timespec="seconds")


def client_address(request: AnyRequest) -> str:
    """The peer address rate limits count against (uvicorn resolves trusted forwarded headers before us)."""
    return request.client.host if request.client else "unknown"
