"""The door: the host (or staff) lists attendees, checks guests in by ticket code or by member, and out.

Check-in locks only the ticket row (not the event), so a busy door does not queue behind anything but a
second scan of the same ticket, which then changes nothing and says ``already``.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from loopin.domain.attendance.errors import CheckInClosed, HostOnly, TicketNotFound
from loopin.domain.attendance.secret import TicketCodes
from loopin.domain.attendance.ticket import DoorResult, Ticket
from loopin.domain.events.event import Event, EventStatus
from loopin.domain.identity.member import Access
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.attendance import jobs
from loopin.usecases.attendance.config import AttendanceConfig
from loopin.usecases.attendance.ports import AttendanceReader, MemberCard, TicketRepository
from loopin.usecases.attendance.views import AttendeeList, AttendeeView, DoorView
from loopin.usecases.events.access import EventAccess
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.ports import Clock

DOOR_STATUSES = frozenset({EventStatus.PUBLISHED, EventStatus.POSTPONED, EventStatus.COMPLETED})


class ListAttendees(MemberUseCase):
    """Live tickets with their codes (the app checks guests in from this list), seats and door state."""

    event_access: EventAccess
    reader: AttendanceReader
    codes: TicketCodes
    storage: FileStorage

    async def __call__(self, *, member_id: int, event_id: int) -> AttendeeList:
        member = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.hosted(event_id, member, staff=True, refusal=HostOnly)
        rows = await self.reader.attendees(event.id)
        await self.uow.commit()
        attendees = tuple(AttendeeView.of(t, card, self.codes, self.storage) for t, card in rows)
        return AttendeeList(event.id, attendees, event.seats_taken, sum(1 for a in attendees if a.checked_in))


class _Door(MemberUseCase):
    """Who is at the door (``member_id``: the host or staff) scans a guest in or out: by ``ticket_secret`` (the
    code, or the QR payload ``EVENT:<id>:TICKET:<code>``) or by the guest's ``user_id``, exactly one of them.
    Check-in and check-out differ only in their ``action``."""

    action: ClassVar[str]

    event_access: EventAccess
    tickets: TicketRepository
    reader: AttendanceReader
    codes: TicketCodes
    storage: FileStorage
    clock: Clock
    config: AttendanceConfig

    async def __call__(
        self, *, member_id: int, event_id: int, ticket_secret: str | None = None, user_id: int | None = None
    ) -> DoorView:
        member = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.hosted(event_id, member, staff=True, refusal=HostOnly)
        now = self.clock.now()
        self._check_window(event, now)
        ticket = await self._ticket(event, ticket_secret, user_id)
        before = ticket.status
        result: DoorResult = ticket.check_in(now) if self.action == "checked_in" else ticket.check_out(now)
        if ticket.status is not before:
            await self.tickets.save(ticket)
            self.uow.enqueue(jobs.audited_ticket(self.action, ticket, member.id, now, by_code=user_id is None))
        cards = await self.reader.member_cards([ticket.member_id])  # in the transaction: no second one
        await self.uow.commit()
        card = cards.get(ticket.member_id) or MemberCard(ticket.member_id, "", None)
        return DoorView(event.id, result.already, AttendeeView.of(ticket, card, self.codes, self.storage))

    def _check_window(self, event: Event, now: datetime) -> None:
        if event.status not in DOOR_STATUSES:
            raise CheckInClosed(f"This event is {event.status.value}; its door is closed.")
        opens = event.start_time - self.config.check_in_opens_before
        if now < opens:
            hours = round(self.config.check_in_opens_before.total_seconds() / 3600)
            raise CheckInClosed(f"Check-in opens {hours} hours before the event starts.")
        if now > event.completes_at:
            raise CheckInClosed("Check-in for this event has closed.")

    async def _ticket(self, event: Event, ticket_secret: str | None, user_id: int | None) -> Ticket:
        if (ticket_secret is None) == (user_id is None):
            raise InvalidInput.single("ticket_secret", "Send either ticket_secret or user_id")
        if ticket_secret is not None:
            parsed = TicketCodes.parse(ticket_secret)
            if parsed is None:
                raise TicketNotFound("This is not a valid ticket code.")
            qr_event, secret = parsed
            ticket = await self.tickets.lock_by_digest(self.codes.lookup_digest(secret))
            if ticket is None:
                raise TicketNotFound("No ticket has this code.")
            if ticket.event_id != event.id or (qr_event is not None and qr_event != event.id):
                raise TicketNotFound("This ticket is for another event.")
            return ticket
        assert user_id is not None
        found = await self.tickets.lock(event.id, user_id)
        if found is None:
            raise TicketNotFound("This member has no ticket for this event.")
        return found


class CheckIn(_Door):
    """Idempotent: a second scan answers ``already`` and changes nothing."""

    action = "checked_in"


class CheckOut(_Door):
    action = "checked_out"
