"""Confirming attendance (``ConfirmAttendance``) through the desk every ticket is issued and given back by.

Tickets take seats in exactly one place, ``TicketDesk.issue``, by one conditional statement
(``SeatInventory.take``, or ``convert_held`` for a paid order's held seats), so no number of parallel
confirmations can take more seats than ``max_capacity`` and ``seats_taken`` (the app's ``going_count``) is
always the seats held by live tickets.

Built for a rush (thousands confirming the seats of one event at once): once a refusal has marked the event sold
out (``SoldOutEvents``, whose round trip also carries the session's revocation check), refusals are answered
from that marker and the caller's kept profile, without SQL; before that, a confirmation reads what it decides on
(the member, the event without its row lock, the member's ticket, request and invitation, the venue's name) in
one statement (``ConfirmationReader``), and a sold-out event refuses on that snapshot (and marks it), so refusals
never queue for the lock. Only those who
can still win take it, by the seat statement itself; the ticket row, the outbox rows and the venue for the answer
are written or read before it, and after it only the member's own request is marked by one conditional statement
(or, when it changed since it was read, and for an invitation, locked and checked again), then the commit.

**One lock order: the event, then the ticket, then the request or invitation.** Host decisions, cancellations
and seat offers lock the event first; a confirmation that locked the member's request before the seat statement
would deadlock with a host declining that request (PostgreSQL then fails one of them). So the fast path reads
the request and invitation without a lock (``Eligibility.locked`` False) and ``TicketDesk.issue`` locks them right
after the seats; a confirmation that reissues a cancelled ticket takes the event's lock first, as the others do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loopin.domain.attendance.errors import (
    AlreadyConfirmed,
    ConfirmationExpired,
    NoAcceptedRequest,
    PaymentRequired,
    SeatsUnavailable,
)
from loopin.domain.attendance.invitation import Invitation, InvitationStatus
from loopin.domain.attendance.request import JoinRequest, RequestStatus
from loopin.domain.attendance.rules import check_plus_ones, check_seat_count, require_guest, require_open
from loopin.domain.attendance.secret import TicketCodes
from loopin.domain.attendance.ticket import Ticket, TicketGrant, TicketSource
from loopin.domain.attendance.waitlist import WaitlistPlace
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Access
from loopin.domain.shared.errors import Conflict
from loopin.usecases.attendance import jobs
from loopin.usecases.attendance.ports import (
    ConfirmationReader,
    EventBrief,
    InvitationRepository,
    JoinRequestRepository,
    TicketRepository,
)
from loopin.usecases.attendance.seat_offers import SeatOffers
from loopin.usecases.attendance.sold_out import SoldOutRefusals
from loopin.usecases.attendance.views import TicketView
from loopin.usecases.events.access import EventAccess
from loopin.usecases.events.ports import (
    EventCache,
    EventRepository,
    SeatInventory,
    SoldOutCheck,
    VenueRepository,
)
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.ports import Clock, UnitOfWork


@dataclass(frozen=True, slots=True)
class Eligibility:
    """Why a member may hold a ticket: an accepted request or an accepted invitation."""

    source: TicketSource
    request: JoinRequest | None
    invitation: Invitation | None
    locked: bool = True  # False: read without locks; ``TicketDesk.issue`` locks and checks them after the seats
    settled: bool = False  # a paid order's: the ticket is issued on it whatever became of the request since

    def grant(self, codes: TicketCodes, now: datetime, payment_order_id: str | None) -> TicketGrant:
        return TicketGrant(
            source=self.source,
            codes=codes,
            now=now,
            request_id=self.request.id if self.request else None,
            invitation_id=self.invitation.id if self.invitation else None,
            payment_order_id=payment_order_id,
        )


def eligibility_of(
    request: JoinRequest | None, invitation: Invitation | None, now: datetime, *, locked: bool
) -> Eligibility:
    """The member's request if accepted, else their invitation if accepted; else why not."""
    if request is not None and request.status_at(now) is RequestStatus.ACCEPTED:
        return Eligibility(TicketSource.REQUEST, request, None, locked=locked)
    if invitation is not None and invitation.status is InvitationStatus.ACCEPTED:
        return Eligibility(TicketSource.INVITATION, None, invitation, locked=locked)
    if request is not None and request.status_at(now) is RequestStatus.EXPIRED:
        raise ConfirmationExpired()
    raise NoAcceptedRequest()


def order_eligibility(request: JoinRequest | None, invitation: Invitation | None) -> Eligibility:
    """For a paid order being settled (the member's request and invitation as read without locks): the order was
    created while the member was eligible and the money is in, so whatever became of the request or invitation
    since, the ticket is issued on it (``issue`` marks the request after the seats)."""
    if request is not None:
        return Eligibility(TicketSource.REQUEST, request, None, locked=False, settled=True)
    return Eligibility(TicketSource.INVITATION, None, invitation, locked=False, settled=True)


@dataclass(frozen=True, slots=True)
class TicketDesk:
    """Issues tickets inside the caller's transaction, then the caller commits (the event cache is told after
    the commit).

    ``ConfirmAttendance`` uses it for free events. **The payments context finishes paid events here**: on a
    verified payment, ``order_eligibility`` then ``issue(..., payment_order_id=…, from_hold=True)`` turns the
    order's held seats into the ticket (``from_hold=False`` for a late payment whose hold had expired: the seats
    are taken again, ``SeatsUnavailable`` when they are gone, and the payment is refunded). The ticket is
    created or reissued as ``paid``; the audit entry and the ``ticket_confirmed`` notification are enqueued.
    """

    seats: SeatInventory
    events: EventRepository  # ``take_back`` saves the locked event its seats went back to
    requests: JoinRequestRepository
    invitations: InvitationRepository
    tickets: TicketRepository
    offers: SeatOffers
    codes: TicketCodes
    cache: EventCache
    uow: UnitOfWork

    async def eligibility(self, event: Event, member_id: int, now: datetime, *, lock: bool = True) -> Eligibility:
        """``lock=False`` before the event's lock is held (the request or invitation may not be locked first:
        see the lock order above); ``issue`` locks them after the seats and checks again."""
        requests = self.requests.lock if lock else self.requests.find
        request = await requests(event.id, member_id)
        if request is not None and request.status_at(now) is RequestStatus.ACCEPTED:
            return eligibility_of(request, None, now, locked=lock)
        invitation = await (self.invitations.lock if lock else self.invitations.find)(event.id, member_id)
        return eligibility_of(request, invitation, now, locked=lock)

    async def _locked(self, eligibility: Eligibility, event: Event, member_id: int, now: datetime) -> Eligibility:
        """The eligibility read without locks, locked (after the event's row, in the one lock order) and, for a
        confirmation, checked again: a host who declined in between wins, and the whole issue rolls back."""
        if eligibility.locked:
            return eligibility
        if eligibility.settled:
            request = await self.requests.lock(event.id, member_id) if eligibility.request else None
            return Eligibility(eligibility.source, request, eligibility.invitation, settled=True)
        fresh = await self.eligibility(event, member_id, now)
        if fresh.source is not eligibility.source:  # the request closed while an invitation opened: start again
            raise Conflict("Your invitation or request changed while you confirmed. Please try again.")
        return fresh

    async def take_back(
        self, event: Event, ticket: Ticket, member_id: int, now: datetime, *, guest_name: str = ""
    ) -> int:
        """The guest gives their seats back: the ticket is cancelled, its seats freed, the accepted request
        or invitation it came from closes, and the host is told. Call with the event and the ticket locked, then
        commit. Returns the seats released."""
        released = ticket.cancel(now)
        event.release_seats(released, now)
        await self.events.save(event)
        await self.tickets.save(ticket)
        request = await self.requests.lock(event.id, member_id)
        if request is not None and request.status is RequestStatus.ACCEPTED:
            request.withdraw(now)
            await self.requests.save(request)
        invitation = await self.invitations.lock(event.id, member_id)
        if invitation is not None and invitation.status is InvitationStatus.ACCEPTED:
            invitation.withdrawn_by_guest(now)
            await self.invitations.save(invitation)
        self.uow.enqueue(jobs.audited_ticket("cancelled", ticket, member_id, now, seats_released=released))
        self.uow.enqueue(jobs.ticket_given_back(ticket, event, guest_name))
        self.uow.after_commit(self.cache.invalidate)
        await self.offers.turn(event, now)  # the freed seats go to the waitlist first
        return released

    async def take_offer(
        self,
        event: Event,
        place: WaitlistPlace,
        eligibility: Eligibility,
        now: datetime,
        *,
        seats: int | None = None,
        existing: Ticket | None = None,
    ) -> Ticket:
        """A free event's seat offer becomes the ticket: the held seats are taken (``seats`` of them, at most
        the offer's; the rest go to the next in line). Call with the event and the place locked."""
        surplus = place.accept(now, seats=seats)
        await self.offers.places.save(place)
        self.uow.enqueue(jobs.audited_place("accepted", place, place.member_id, now))
        ticket = await self.issue(
            event, place.member_id, place.seats, eligibility, now, existing=existing, from_hold=True
        )
        if surplus:
            await self.offers.give_back(event, surplus, now)
        return ticket

    async def issue(
        self,
        event: Event,
        member_id: int,
        seats: int,
        eligibility: Eligibility,
        now: datetime,
        *,
        existing: Ticket | None = None,
        payment_order_id: str | None = None,
        from_hold: bool = False,
    ) -> Ticket:
        """``existing`` is the member's cancelled ticket for the event, if any (it is issued again), locked;
        ``from_hold``: the seats are the ones a paid order held. ``event`` keeps its counters in step.

        The seats are taken after the ticket and the outbox rows are written, so the event's row lock (which the
        seat statement takes) is held only from there to the commit: the request read without a lock is marked
        then (``_mark_request``); a ticket inserted for seats that turn out gone (or for a request declined in
        between) is rolled back with the rest. A paid order's held seats are converted the same way (its
        settlement wrote the order and the ledger before). A late
        payment (its hold expired) takes them first instead: its caller goes on in the same transaction when
        they are gone (``SeatsUnavailable`` before anything is written), to refund it. ``Conflict`` when the
        member's ticket was inserted at the same time by another confirmation."""
        late_payment = payment_order_id is not None and not from_hold
        if not from_hold:
            check_plus_ones(event, seats)
        if late_payment:
            await self._take(event, seats)
        grant = eligibility.grant(self.codes, now, payment_order_id)
        if existing is None:
            ticket = await self.tickets.add(Ticket.issue(event.id, member_id, seats, **grant))
        else:
            existing.reissue(seats, **grant)
            ticket = existing
            await self.tickets.save(ticket)
        self.uow.enqueue(jobs.audited_ticket("issued", ticket, member_id, now, paid=payment_order_id is not None))
        self.uow.enqueue(jobs.ticket_issued(ticket, event, paid=payment_order_id is not None))
        self.uow.after_commit(self.cache.invalidate)  # the event's going count changed
        if from_hold:
            if payment_order_id is not None:
                await self.uow.stage()  # the outbox rows before the seats, as a confirmation's
            await self.seats.convert_held(event.id, seats)
            event.seats_held -= seats
            event.seats_taken += seats
        elif not late_payment:
            await self.uow.stage()  # the outbox rows before the seats: under their lock, only the request
            await self._take(event, seats)
        await self._mark_request(eligibility, event, member_id, now)
        return ticket

    async def _mark_request(self, eligibility: Eligibility, event: Event, member_id: int, now: datetime) -> None:
        """The request the ticket came from is marked issued. Read without a lock (a confirmation's fast path, a
        paid order's settlement), it is written by one conditional statement if nobody changed it since;
        otherwise (or for an invitation) it is locked and checked again (``_locked``: a host who declined in
        between wins a confirmation; a paid order's ticket stands, marking the request only if still accepted)."""
        request = eligibility.request
        if request is not None and not eligibility.locked:
            confirm_by = request.confirm_by
            request.ticket_issued(now)
            if await self.requests.save_if_accepted(request, confirm_by=confirm_by):
                return
        eligibility = await self._locked(eligibility, event, member_id, now)
        if eligibility.request is not None and eligibility.request.status is RequestStatus.ACCEPTED:
            eligibility.request.ticket_issued(now)
            await self.requests.save(eligibility.request)

    async def _take(self, event: Event, seats: int) -> None:
        if not await self.seats.take(event.id, seats):
            raise SeatsUnavailable(seats, event.seats_left, code="CAPACITY_FULL")
        event.seats_taken += seats


async def brief_of(event: Event, venues: VenueRepository) -> EventBrief:
    venue = await venues.get(event.venue_id) if event.venue_id else None
    return EventBrief.of(event, venue.name if venue else None)


class ConfirmAttendance(MemberUseCase):
    """Turns an accepted request or invitation into a ticket (free events). The same confirmation again is
    answered with the same ticket; paid events answer ``PAYMENT_REQUIRED`` (the payment issues the ticket)."""

    event_access: EventAccess
    confirmations: ConfirmationReader
    desk: TicketDesk
    tickets: TicketRepository
    venues: VenueRepository
    codes: TicketCodes
    storage: FileStorage
    refusals: SoldOutRefusals
    clock: Clock

    async def __call__(self, *, member_id: int, event_id: int, seats: int = 1, token_id: str = "") -> TicketView:
        """``token_id``: the caller's session, whose revocation is checked here (the route leaves it to this
        round trip: ``REVOCATION_IN_USE_CASE``)."""
        marker = await self.refusals.check(event_id, member_id, token_id)  # before the event is read: see ``mark``
        seats = check_seat_count(seats, "seats")
        await self.refusals.refuse(marker, member_id, token_id, seats)
        facts = await self.confirmations.facts(event_id, member_id)  # one round trip, no lock
        member = await self.access.admit(facts.member, Access.MEMBER)
        # a snapshot: the seat statement decides
        event = await self.event_access.require_visible(self.event_access.found(facts.event), member)
        now = self.clock.now()
        ticket = facts.ticket
        if ticket is not None and ticket.is_live:
            return await self._again(ticket, seats, EventBrief.of(event, facts.venue_name))
        require_guest(event, member.id)
        require_open(event, now)
        if ticket is not None or (event.seats_held and not event.is_paid):
            # a cancelled ticket issued again, or waitlist offers holding seats: under the event's lock
            return await self._under_event_lock(member.id, event_id, seats, now)
        if not event.is_paid and not event.has_seats_for(seats):
            # sold out at a glance: refused on the snapshot, before the member's rows are read, without the lock
            await self._mark(event, marker)
            raise SeatsUnavailable(seats, event.seats_left, code="CAPACITY_FULL")
        eligibility = eligibility_of(facts.request, facts.invitation, now, locked=False)  # locked after the seats
        check_plus_ones(event, seats)
        if event.is_paid:
            raise PaymentRequired(
                f"{event.title} is a paid event (₹{event.ticket_price} a seat): complete the payment to get "
                "your ticket."
            )
        brief = EventBrief.of(event, facts.venue_name)
        try:
            ticket = await self.desk.issue(event, member.id, seats, eligibility, now)
        except Conflict:  # the same member confirmed twice at once and the other one inserted the ticket
            await self.uow.rollback()
            ticket = await self.tickets.find(event.id, member.id)
            if ticket is None or not ticket.is_live:
                raise
            return await self._again(ticket, seats, brief)
        await self.uow.commit()
        return TicketView.of(ticket, brief, self.codes, self.storage)

    async def _mark(self, event: Event, marker: SoldOutCheck) -> None:
        """A refusal on the snapshot marks the event for the next ones when every seat is taken and the refusal
        is everyone's (public, free, no seat held; published and not started: checked before). The ticket
        holders are read after the event, under the opening read before it (``SoldOutEvents``)."""
        if not self.refusals.may_mark(marker) or not event.is_full or event.seats_held or not event.is_public:
            return
        await self.refusals.mark(event, marker, await self.tickets.holders(event.id))

    async def _again(self, ticket: Ticket, seats: int, brief: EventBrief) -> TicketView:
        """A retried confirmation: the same ticket again (another number of seats: cancel first)."""
        if ticket.seats != seats:
            raise AlreadyConfirmed(
                f"You already hold a ticket for {ticket.seats} seat{'s' if ticket.seats != 1 else ''}. "
                "Cancel it first to change the number of seats."
            )
        await self.uow.commit()
        return TicketView.of(ticket, brief, self.codes, self.storage)

    async def _under_event_lock(self, member_id: int, event_id: int, seats: int, now: datetime) -> TicketView:
        """Seats offered from the event's waitlist are held, or the member's cancelled ticket is issued again:
        offers are turned and taken, and the ticket locked, under the event's lock, in the one lock order
        (event, ticket, request)."""
        event = await self.event_access.existing(event_id, lock=True)
        ticket = await self.tickets.lock(event.id, member_id)
        if ticket is not None and ticket.is_live:
            return await self._again(ticket, seats, await brief_of(event, self.venues))
        require_open(event, now)
        eligibility = await self.desk.eligibility(event, member_id, now)
        check_plus_ones(event, seats)
        place = await self._offer_for(event, member_id, now) if event.seats_held else None
        if place is not None:  # a seat offered from the waitlist: the app's own confirmation takes it
            ticket = await self.desk.take_offer(event, place, eligibility, now, seats=seats, existing=ticket)
        else:
            ticket = await self.desk.issue(event, member_id, seats, eligibility, now, existing=ticket)
        brief = await brief_of(event, self.venues)
        await self.uow.commit()
        return TicketView.of(ticket, brief, self.codes, self.storage)

    async def _offer_for(self, event: Event, member_id: int, now: datetime) -> WaitlistPlace | None:
        """The member's open seat offer; offers past their window are passed on first."""
        await self.desk.offers.turn(event, now)
        place = await self.desk.offers.places.lock_live(event.id, member_id)
        return place if place is not None and place.holds_seats else None
