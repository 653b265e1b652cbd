"""The event waitlist: a member with an accepted request or invitation waits for a seat of a full event, is
offered one when it frees up (``SeatOffers``) and takes it, or leaves; the host reads the line.

Every change locks the event row first, like every attendance write, so the line of one event changes one
transaction at a time and offered seats are counted under the same lock as tickets and checkouts.
"""

from __future__ import annotations

from datetime import datetime

from loopin.domain.attendance.errors import (
    ConfirmationExpired,
    HostOnly,
    NoAcceptedRequest,
    NoSeatOffer,
    NotOnWaitlist,
    SeatOfferExpired,
    SeatsAvailable,
)
from loopin.domain.attendance.rules import (
    check_plus_ones,
    check_seat_count,
    require_guest,
    require_no_ticket,
    require_open,
)
from loopin.domain.attendance.secret import TicketCodes
from loopin.domain.attendance.waitlist import PlaceStatus, WaitlistPlace
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Access
from loopin.usecases.attendance import jobs
from loopin.usecases.attendance.config import AttendanceConfig
from loopin.usecases.attendance.ports import (
    OfferCheckout,
    PaidSeatOffers,
    TakenOffer,
    TicketRepository,
    WaitlistRepository,
)
from loopin.usecases.attendance.seat_offers import SeatOffers
from loopin.usecases.attendance.tickets import TicketDesk, brief_of
from loopin.usecases.attendance.views import TicketView, WaitlistEntryView, WaitlistPlaceView
from loopin.usecases.events.access import EventAccess
from loopin.usecases.events.ports import EventRepository, VenueRepository
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.ports import Clock
from loopin.usecases.shared.use_case import UseCase


class JoinWaitlist(MemberUseCase):
    """Joins the line of a full event (``seats``: the accepted request's by default). Joining again answers the
    same place; an event with seats left answers ``SEATS_AVAILABLE`` (confirm instead)."""

    event_access: EventAccess
    desk: TicketDesk
    offers: SeatOffers
    places: WaitlistRepository
    tickets: TicketRepository
    clock: Clock

    async def __call__(self, *, member_id: int, event_id: int, seats: int | None = None) -> WaitlistPlaceView:
        member = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.visible(event_id, member, lock=True)
        now = self.clock.now()
        require_guest(event, member.id)
        require_open(event, now)
        ticket = await self.tickets.lock(event.id, member.id)
        require_no_ticket(ticket)
        eligibility = await self.desk.eligibility(event, member.id, now)
        if seats is None:
            seats = eligibility.request.seats_requested if eligibility.request else 1
        seats = check_seat_count(seats, "seats")
        check_plus_ones(event, seats)
        place = await self.places.lock_live(event.id, member.id)
        if place is None:
            await self.offers.turn(event, now)  # overdue offers pass on; free seats go to those already waiting
            if event.has_seats_for(seats):
                await self.uow.commit()
                then = "complete the payment" if event.is_paid else "confirm your attendance"
                raise SeatsAvailable(f"Seats are still available for this event: {then} instead.")
            place = await self.places.add(WaitlistPlace.join(event.id, member.id, seats, now))
            if eligibility.request is not None:
                eligibility.request.wait_for_seat(now)
                await self.desk.requests.save(eligibility.request)
            self.uow.enqueue(jobs.audited_place("joined", place, member.id, now))
        position = await self.places.position(place) if place.status is PlaceStatus.WAITING else None
        await self.uow.commit()
        return WaitlistPlaceView.of(place, now, position)


class LeaveWaitlist(MemberUseCase):
    """Leaves the line, or declines the offer: the held seats go to the next in line at once."""

    event_access: EventAccess
    offers: SeatOffers
    places: WaitlistRepository
    clock: Clock

    async def __call__(self, *, member_id: int, event_id: int) -> WaitlistPlaceView:
        member = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.visible(event_id, member, lock=True)
        now = self.clock.now()
        place = await self.places.lock_live(event.id, member.id)
        if place is None:
            raise NotOnWaitlist()
        await self.offers.leave(event, place, member.id, now)
        await self.uow.commit()
        return WaitlistPlaceView.of(place, now)


class GetMyWaitlistPlace(MemberUseCase):
    """The member's newest place for the event and, while waiting, its position."""

    event_access: EventAccess
    places: WaitlistRepository
    clock: Clock

    async def __call__(self, *, member_id: int, event_id: int) -> WaitlistPlaceView:
        member = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.visible(event_id, member)
        place = await self.places.latest(event.id, member.id)
        if place is None:
            raise NotOnWaitlist()
        position = await self.places.position(place) if place.status is PlaceStatus.WAITING else None
        await self.uow.commit()
        return WaitlistPlaceView.of(place, self.clock.now(), position)


class ListEventWaitlist(MemberUseCase):
    """The host (or staff) reads the live line: open offers first, then the waiting, in order."""

    event_access: EventAccess
    places: WaitlistRepository
    storage: FileStorage
    clock: Clock

    async def __call__(self, *, member_id: int, event_id: int) -> list[WaitlistEntryView]:
        member = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.hosted(event_id, member, staff=True, refusal=HostOnly)
        line = await self.places.line(event.id)
        await self.uow.commit()
        now = self.clock.now()
        return [WaitlistEntryView.of(entry, now, self.storage) for entry in line]


class AcceptSeatOffer(MemberUseCase):
    """The member takes the seats offered to them (``seats``: at most the offer's, the rest pass on): a free
    event's ticket, or a paid event's payment order holding the seats for the payment window (``PaidSeatOffers``,
    answered by payments; ``base_url``: this API's origin, for the gateway's return addresses). An offer past
    its window has gone to the next in line (``SEAT_OFFER_EXPIRED``)."""

    event_access: EventAccess
    desk: TicketDesk
    offers: SeatOffers
    paid: PaidSeatOffers
    places: WaitlistRepository
    tickets: TicketRepository
    venues: VenueRepository
    codes: TicketCodes
    storage: FileStorage
    clock: Clock

    async def __call__(
        self, *, member_id: int, event_id: int, seats: int | None = None, base_url: str = ""
    ) -> TicketView | OfferCheckout:
        if seats is not None:
            seats = check_seat_count(seats, "seats")
        member = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.visible(event_id, member, lock=True)
        now = self.clock.now()
        place = await self._open_offer(event, member.id, now)
        ticket = await self.tickets.lock(event.id, member.id)
        try:
            eligibility = await self.desk.eligibility(event, member.id, now)
        except (NoAcceptedRequest, ConfirmationExpired):  # the host changed their mind: the seats pass on
            await self.offers.give_back(event, place.lapse(now), now)
            await self.places.save(place)
            self.uow.enqueue(jobs.audited_place("lapsed", place, None, now, reason="not_eligible"))
            await self.uow.commit()
            raise
        if event.is_paid:
            checkout = await self.paid.checkout(
                TakenOffer(member, event, place, seats), now=now, base_url=base_url
            )
            await self.uow.commit()
            return checkout
        ticket = await self.desk.take_offer(event, place, eligibility, now, seats=seats, existing=ticket)
        brief = await brief_of(event, self.venues)
        await self.uow.commit()
        return TicketView.of(ticket, brief, self.codes, self.storage)

    async def _open_offer(self, event: Event, member_id: int, now: datetime) -> WaitlistPlace:
        place = await self.places.lock_live(event.id, member_id)
        if place is not None and place.offer_overdue(now):
            await self.offers.turn(event, now)  # it passes on, and the next in line gets it
            await self.uow.commit()
            raise SeatOfferExpired()
        if place is None or not place.holds_seats:
            latest = place or await self.places.latest(event.id, member_id)
            if latest is not None and latest.status is PlaceStatus.EXPIRED:
                raise SeatOfferExpired()
            raise NoSeatOffer()
        return place


class PassOnSeatOffers(UseCase):
    """Scheduled job (every minute): every event whose line needs a turn (an offer past its window, or a free
    seat while members wait) gets one, a transaction per event. Returns how many events it served."""

    events: EventRepository
    offers: SeatOffers
    places: WaitlistRepository
    clock: Clock
    config: AttendanceConfig

    async def __call__(self) -> int:
        due = await self.places.events_due(self.clock.now(), self.config.sweep_batch)
        await self.uow.commit()
        for event_id in due:
            event = await self.events.get_for_update(event_id)
            if event is not None:
                await self.offers.turn(event, self.clock.now())
            await self.uow.commit()
        return len(due)
