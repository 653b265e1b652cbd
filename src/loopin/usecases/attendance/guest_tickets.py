"""The guest's tickets once confirmed: reading them, and giving them back (``TicketDesk.take_back``)."""

from __future__ import annotations

from loopin.domain.attendance.errors import EventStarted, TicketNotFound
from loopin.domain.attendance.secret import TicketCodes
from loopin.domain.attendance.ticket import PaymentStatus
from loopin.domain.identity.member import Access
from loopin.usecases.attendance.ports import AttendanceReader, PaidTicketRefunds, TicketRepository
from loopin.usecases.attendance.tickets import TicketDesk
from loopin.usecases.attendance.views import Cancelled, TicketView
from loopin.usecases.events.access import EventAccess
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.ports import Clock


class GetMyTicket(MemberUseCase):
    """Two queries: the caller, and their live ticket with its event."""

    reader: AttendanceReader
    codes: TicketCodes
    storage: FileStorage

    async def __call__(self, *, member_id: int, event_id: int) -> TicketView:
        member = await self.access.load(member_id, Access.MEMBER)
        cards = await self.reader.member_tickets(member.id, event_id)
        await self.uow.commit()
        if not cards:
            raise TicketNotFound("You have no ticket for this event.")
        return TicketView.of(cards[0].ticket, cards[0].event, self.codes, self.storage)


class ListMyTickets(MemberUseCase):
    reader: AttendanceReader
    codes: TicketCodes
    storage: FileStorage

    async def __call__(self, *, member_id: int, event_id: int | None = None) -> list[TicketView]:
        member = await self.access.load(member_id, Access.MEMBER)
        cards = await self.reader.member_tickets(member.id, event_id or None)
        await self.uow.commit()
        return [TicketView.of(c.ticket, c.event, self.codes, self.storage) for c in cards]


class CancelAttendance(MemberUseCase):
    """The guest gives their seats back (before the event starts). Their request or invitation closes with
    it: coming back means asking (or being invited) again. A paid ticket is refunded as the refund policy says
    (in full until 24 hours before the start by default, nothing after)."""

    event_access: EventAccess
    refunds: PaidTicketRefunds
    tickets: TicketRepository
    desk: TicketDesk
    clock: Clock

    async def __call__(self, *, member_id: int, event_id: int) -> Cancelled:
        member = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.visible(event_id, member, lock=True)
        ticket = await self.tickets.lock(event.id, member.id)
        if ticket is None or not ticket.is_live:
            raise TicketNotFound("You have no ticket for this event.")
        now = self.clock.now()
        if now >= event.start_time:
            raise EventStarted("The event has already started; the ticket can no longer be cancelled.")
        refund_amount = None
        if ticket.payment_status is PaymentStatus.PAID:
            refund_amount = await self.refunds.for_cancellation(ticket=ticket, event=event, now=now)
        released = await self.desk.take_back(event, ticket, member.id, now, guest_name=member.profile.name)
        await self.uow.commit()
        return Cancelled(ticket.id, event.id, released, event.seats_taken, refund_amount)
