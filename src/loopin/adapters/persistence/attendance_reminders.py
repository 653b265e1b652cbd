"""Who is due a reminder, and the markers of reminders sent, over PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.dialects.postgresql import insert

from loopin.adapters.persistence.attendance import LIVE
from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.orm import EventRow, InvitationRow, JoinRequestRow, ReminderSentRow, TicketRow
from loopin.domain.attendance.invitation import InvitationStatus
from loopin.domain.attendance.request import RequestStatus
from loopin.domain.events.event import EventStatus
from loopin.usecases.attendance.ports import ReminderDue, ReminderLedger, ReminderSource

ON = (EventRow.status == EventStatus.PUBLISHED.value, EventRow.deleted_at.is_(None))


class SqlReminderSource(SqlAdapter, ReminderSource):
    async def ticket_holders(
        self, starts_after: datetime, starts_until: datetime, limit: int
    ) -> list[ReminderDue]:
        rows = await self._session.execute(
            select(EventRow.id, EventRow.title, TicketRow.member_id, EventRow.start_time, EventRow.timezone)
            .join(TicketRow, TicketRow.event_id == EventRow.id)
            .where(*ON, LIVE, EventRow.start_time > starts_after, EventRow.start_time <= starts_until)
            .order_by(EventRow.start_time, EventRow.id, TicketRow.member_id)
            .limit(limit)
        )
        return [ReminderDue(*row) for row in rows]

    async def hosts_with_pending(
        self, starts_after: datetime, starts_until: datetime, limit: int
    ) -> list[ReminderDue]:
        pending = JoinRequestRow.status == RequestStatus.PENDING.value
        return await self._hosts_counting(JoinRequestRow, pending, starts_after, starts_until, limit)

    async def hosts_with_guests(
        self, starts_after: datetime, starts_until: datetime, limit: int
    ) -> list[ReminderDue]:
        return await self._hosts_counting(TicketRow, LIVE, starts_after, starts_until, limit)

    async def _hosts_counting(
        self,
        row: type[JoinRequestRow] | type[TicketRow],
        counted: ColumnElement[bool],
        starts_after: datetime,
        starts_until: datetime,
        limit: int,
    ) -> list[ReminderDue]:
        """Each host of an event starting in the window with at least one ``counted`` row, and how many."""
        rows = await self._session.execute(
            select(
                EventRow.id,
                EventRow.title,
                EventRow.host_id,
                EventRow.start_time,
                EventRow.timezone,
                func.count(row.id),
            )
            .join(row, row.event_id == EventRow.id)
            .where(*ON, counted, EventRow.start_time > starts_after, EventRow.start_time <= starts_until)
            .group_by(EventRow.id)
            .order_by(EventRow.start_time, EventRow.id)
            .limit(limit)
        )
        return [ReminderDue(e, t, h, s, z, count=n) for e, t, h, s, z, n in rows]

    async def invitees_expiring(self, after: datetime, until: datetime, limit: int) -> list[ReminderDue]:
        rows = await self._session.execute(
            select(
                EventRow.id,
                EventRow.title,
                InvitationRow.invitee_id,
                EventRow.start_time,
                EventRow.timezone,
                InvitationRow.expires_at,
            )
            .join(InvitationRow, InvitationRow.event_id == EventRow.id)
            .where(
                *ON,
                InvitationRow.status == InvitationStatus.PENDING.value,
                InvitationRow.expires_at > after,
                InvitationRow.expires_at <= until,
            )
            .order_by(InvitationRow.expires_at, InvitationRow.id)
            .limit(limit)
        )
        return [ReminderDue(e, t, m, s, z, deadline=x) for e, t, m, s, z, x in rows]


class SqlReminderLedger(SqlAdapter, ReminderLedger):
    async def claim(self, kind: str, pairs: Sequence[tuple[int, int]], at: datetime) -> set[tuple[int, int]]:
        if not pairs:
            return set()
        rows = await self._session.execute(
            insert(ReminderSentRow)
            .values([{"kind": kind, "event_id": e, "member_id": m, "sent_at": at} for e, m in sorted(set(pairs))])
            .on_conflict_do_nothing()
            .returning(ReminderSentRow.event_id, ReminderSentRow.member_id)
        )
        return {(e, m) for e, m in rows}
