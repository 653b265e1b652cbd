"""In-memory reminder source and sent-markers (a row lock per marker stands for the primary key)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from loopin.adapters.memory.attendance import INVITATIONS, REQUESTS, TICKETS
from loopin.adapters.memory.events import EVENTS
from loopin.adapters.memory.store import MemoryAdapter
from loopin.domain.attendance.invitation import Invitation, InvitationStatus
from loopin.domain.attendance.request import RequestStatus
from loopin.domain.attendance.ticket import Ticket
from loopin.domain.events.event import Event, EventStatus
from loopin.usecases.attendance.ports import ReminderDue, ReminderLedger, ReminderSource

REMINDERS_SENT = "reminders_sent"


class MemoryReminderSource(MemoryAdapter, ReminderSource):
    def _events(self, keep: Callable[[Event], bool]) -> dict[int, Event]:
        return {
            e.id: e
            for e in self._tx.rows(EVENTS)
            if e.status is EventStatus.PUBLISHED and e.deleted_at is None and keep(e)
        }

    async def ticket_holders(
        self, starts_after: datetime, starts_until: datetime, limit: int
    ) -> list[ReminderDue]:
        events = self._events(lambda e: starts_after < e.start_time <= starts_until)
        tickets: list[Ticket] = [t for t in self._tx.rows(TICKETS) if t.event_id in events and t.is_live]
        due = [
            ReminderDue(e.id, e.title, t.member_id, e.start_time, e.timezone)
            for t in tickets
            for e in (events[t.event_id],)
        ]
        return sorted(due, key=lambda d: (d.start_time, d.event_id, d.member_id))[:limit]

    async def hosts_with_pending(
        self, starts_after: datetime, starts_until: datetime, limit: int
    ) -> list[ReminderDue]:
        pending = (r.event_id for r in self._tx.rows(REQUESTS) if r.status is RequestStatus.PENDING)
        return self._hosts_counting(pending, starts_after, starts_until, limit)

    async def hosts_with_guests(
        self, starts_after: datetime, starts_until: datetime, limit: int
    ) -> list[ReminderDue]:
        live = (t.event_id for t in self._tx.rows(TICKETS) if t.is_live)
        return self._hosts_counting(live, starts_after, starts_until, limit)

    def _hosts_counting(
        self, counted: Iterable[int], starts_after: datetime, starts_until: datetime, limit: int
    ) -> list[ReminderDue]:
        """Each host of an event starting in the window with at least one counted row (by event id), and how
        many."""
        events = self._events(lambda e: starts_after < e.start_time <= starts_until)
        counts = Counter(event_id for event_id in counted if event_id in events)
        due = [
            ReminderDue(e.id, e.title, e.host_id, e.start_time, e.timezone, count=counts[e.id])
            for e in events.values()
            if e.id in counts
        ]
        return sorted(due, key=lambda d: (d.start_time, d.event_id))[:limit]

    async def invitees_expiring(self, after: datetime, until: datetime, limit: int) -> list[ReminderDue]:
        events = self._events(lambda e: True)
        due = []
        for row in self._tx.rows(INVITATIONS):
            i: Invitation = row
            if i.event_id in events and i.status is InvitationStatus.PENDING and after < i.expires_at <= until:
                e = events[i.event_id]
                due.append(
                    ReminderDue(e.id, e.title, i.invitee_id, e.start_time, e.timezone, deadline=i.expires_at)
                )
        return sorted(due, key=lambda d: (d.deadline or d.start_time, d.event_id, d.member_id))[:limit]


class MemoryReminderLedger(MemoryAdapter, ReminderLedger):
    async def claim(self, kind: str, pairs: Sequence[tuple[int, int]], at: datetime) -> set[tuple[int, int]]:
        claimed: set[tuple[int, int]] = set()
        for event_id, member_id in sorted(set(pairs)):
            key = (kind, event_id, member_id)
            await self._tx.lock(REMINDERS_SENT, key)  # waits for a claim in flight, as the primary key does
            if self._tx.read(REMINDERS_SENT, key) is None:
                self._tx.write(REMINDERS_SENT, key, at)
                claimed.add((event_id, member_id))
        return claimed
