"""What attendance answers for events: who the guests of an event are, told when it changes for them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from loopin.domain.events.event import Event, EventStatus
from loopin.usecases.attendance import jobs
from loopin.usecases.attendance.ports import AttendanceReader
from loopin.usecases.events.ports import GuestNotices
from loopin.usecases.shared.ports import UnitOfWork

# what a guest must hear about (other edits, a new description or cover, are for the event page)
GUEST_FACING = {"start_time": "the time", "end_time": "the end time", "venue": "the venue", "title": "the name"}


@dataclass(frozen=True, slots=True)
class TellGuests(GuestNotices):
    """The guests are the members holding a live ticket; each gets one notice per change."""

    reader: AttendanceReader
    uow: UnitOfWork

    async def event_changed(self, *, event: Event, changed: Sequence[str]) -> int:
        values: dict[str, str] = {}
        if "status" in changed and event.status is EventStatus.CANCELLED:
            template = "event_cancelled"
        elif "status" in changed and event.status is EventStatus.POSTPONED:
            template = "event_postponed"
        else:
            what = [phrase for name, phrase in GUEST_FACING.items() if name in changed]
            if not what:
                return 0
            template, values = "event_updated", {"what": " and ".join(what)}
        guests = {ticket.member_id for ticket, _ in await self.reader.attendees(event.id)}
        for guest_id in sorted(guests):
            self.uow.enqueue(jobs.event_changed(template, event, guest_id, **values))
        return len(guests)
