"""``/api/staff/audit``: the audit log by target, actor, action and time window (newest first, paged), and its
daily summaries per action. Staff only; each read of the log is itself recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import get
from litestar.params import QueryParameter

from loopin.domain.audit.entry import AuditEntry
from loopin.entrypoints.http.auth import Caller
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import OptionalQueryId, PageSize
from loopin.entrypoints.http.wire import to_wire
from loopin.usecases.audit.ports import AuditDay, AuditQuery
from loopin.usecases.staff.audit_log import ReadAuditDays, ReadAuditLog


class AuditEntryOut(msgspec.Struct):
    seq: int
    entry_id: str
    action: str
    actor_id: int | None
    target_type: str
    target_id: int | None
    at: datetime
    recorded_at: datetime | None
    details: dict[str, Any]
    digest: str | None


class AuditPageData(msgspec.Struct):
    entries: list[AuditEntryOut]
    next_before_seq: int | None


class AuditPageOut(msgspec.Struct):
    success: bool
    message: str
    data: AuditPageData


class ActionCountOut(msgspec.Struct):
    action: str
    entries: int
    actors: int


class AuditDayOut(msgspec.Struct):
    day: date
    entries: int
    head_seq: int | None
    head_digest: str | None
    actions: list[ActionCountOut]


class AuditDaysOut(msgspec.Struct):
    success: bool
    message: str
    data: list[AuditDayOut]


def _entry_out(e: AuditEntry) -> AuditEntryOut:
    return to_wire(AuditEntryOut, e, entry_id=str(e.entry_id), details=dict(e.details))


def _day_out(d: AuditDay) -> AuditDayOut:
    return to_wire(
        AuditDayOut,
        d,
        head_seq=d.head.seq if d.head else None,
        head_digest=d.head.digest if d.head else None,
        actions=[to_wire(ActionCountOut, a) for a in d.actions],
    )


def _utc(moment: datetime | None) -> datetime | None:
    """A time without an offset is read as UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


class StaffAuditController(LoopinController):
    path = "/api/staff/audit"
    tags = ["staff"]

    @get(
        "/entries", summary="Audit entries, newest first; filters combine; page back with next_before_seq (staff)"
    )
    async def entries(
        self,
        caller: Caller,
        read: FromDishka[ReadAuditLog],
        target_type: Annotated[str | None, QueryParameter(min_length=1, max_length=64)] = None,
        target_id: OptionalQueryId = None,
        actor_id: OptionalQueryId = None,
        action: Annotated[
            str | None,
            QueryParameter(min_length=1, max_length=64, description='an action, or a family ending in "."'),
        ] = None,
        since: Annotated[
            datetime | None, QueryParameter(description="from (inclusive); no offset means UTC")
        ] = None,
        until: Annotated[datetime | None, QueryParameter(description="before (exclusive)")] = None,
        before_seq: OptionalQueryId = None,
        limit: PageSize = 50,
    ) -> AuditPageOut:
        query = AuditQuery(
            target_type=target_type,
            target_id=target_id,
            actor_id=actor_id,
            action=action,
            since=_utc(since),
            until=_utc(until),
            before_seq=before_seq,
            limit=limit,
        )
        page = await read(member_id=caller, query=query)
        data = AuditPageData([_entry_out(e) for e in page.entries], page.next_before_seq)
        return AuditPageOut(True, f"Retrieved {len(page.entries)} audit entries", data)

    @get("/days", summary="Daily summaries per action, oldest first, at most a year at a time (staff)")
    async def days(
        self,
        caller: Caller,
        read: FromDishka[ReadAuditDays],
        first: Annotated[date, QueryParameter(name="from")],
        last: Annotated[date, QueryParameter(name="to")],
    ) -> AuditDaysOut:
        found = await read(member_id=caller, first=first, last=last)
        return AuditDaysOut(True, f"Retrieved {len(found)} days", [_day_out(d) for d in found])
