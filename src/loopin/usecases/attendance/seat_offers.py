"""Who gets a seat that frees up while an event is full: the waitlist's turn.

``SeatOffers.turn`` runs **in the transaction that frees the seats**, with the event row locked: a cancelled
ticket (``TicketDesk.take_back``), a released checkout (payments), a higher capacity (events, through its port
``FreedSeats``), an offer declined or passed on. First the offers past their window end (their seats come
back); then, in line order, each waiting place whose seats fit is offered them: the seats are held with
``SeatInventory.hold`` (the checkouts' counter, under the same lock), so an offer never oversells, a seat is
held for one place only, and nobody who is not in line can take a freed seat before the line had its turn.
A place asking for more seats than are free keeps its place; the next one that fits is served (first fit).

The scheduled sweep (``PassOnSeatOffers``) gives a turn to every event with an offer past its window or a
free seat and a waiting line, so nothing depends on the freeing path having called it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loopin.domain.attendance.invitation import InvitationStatus
from loopin.domain.attendance.request import RequestStatus
from loopin.domain.attendance.waitlist import WaitlistPlace
from loopin.domain.events.event import Event, EventStatus
from loopin.usecases.attendance import jobs
from loopin.usecases.attendance.config import AttendanceConfig
from loopin.usecases.attendance.ports import (
    InvitationRepository,
    JoinRequestRepository,
    TicketRepository,
    WaitlistRepository,
)
from loopin.usecases.events.ports import EventCache, EventRepository, FreedSeats, SeatInventory
from loopin.usecases.shared.ports import UnitOfWork


def offers_open(event: Event, now: datetime) -> bool:
    """Seats are offered for a published event that has not started."""
    return not event.is_deleted and event.status is EventStatus.PUBLISHED and now < event.start_time


def line_closed(event: Event, now: datetime) -> bool:
    """Deleted, cancelled, completed or started: nobody waits any more (a postponed event keeps its line)."""
    return event.is_deleted or event.status.is_final or now >= event.start_time


@dataclass(frozen=True, slots=True)
class SeatOffers(FreedSeats):
    """The line's turn, inside the caller's transaction (the caller holds the event row lock and commits)."""

    places: WaitlistRepository
    seats: SeatInventory
    events: EventRepository
    requests: JoinRequestRepository
    invitations: InvitationRepository
    tickets: TicketRepository
    cache: EventCache
    uow: UnitOfWork
    config: AttendanceConfig

    async def event_changed(self, *, event: Event, now: datetime) -> None:
        await self.turn(event, now)

    async def turn(self, event: Event, now: datetime) -> list[WaitlistPlace]:
        """Passes on overdue offers, closes the line of an event that no longer takes guests, and offers the
        free seats in line order. Returns the places offered seats now; ``event`` keeps ``seats_held`` in step."""
        for place in await self.places.lock_offered(event.id):
            if place.expire_offer(now):
                await self._give_back(event, place.seats)
                await self.places.save(place)
                self.uow.enqueue(jobs.audited_place("expired", place, None, now))
                self.uow.enqueue(jobs.seat_offer_expired(place, event))
        if line_closed(event, now):
            await self._close_line(event, now)
            return []
        if not offers_open(event, now):
            return []
        offered: list[WaitlistPlace] = []
        if not event.has_seats_for(1):
            return offered
        for place in await self.places.lock_waiting(event.id, self.config.waitlist_scan):
            if not event.has_seats_for(1):
                break
            if not event.has_seats_for(place.seats):
                continue  # a bigger party keeps its place; the next that fits is served
            if not await self._still_eligible(event, place.member_id, now):
                place.lapse(now)
                await self.places.save(place)
                self.uow.enqueue(jobs.audited_place("lapsed", place, None, now))
                continue
            if not await self.seats.hold(event.id, place.seats):
                break  # the counters say otherwise than the locked row: leave it to the next turn
            event.seats_held += place.seats
            place.offer(now, self.config.offer_window.expires_at(now, event.start_time))
            await self.places.save(place)
            self.uow.enqueue(jobs.audited_place("offered", place, None, now))
            self.uow.enqueue(jobs.seat_offered(place, event))
            offered.append(place)
        if offered:
            self.uow.after_commit(self.cache.invalidate)  # seats left changed
        return offered

    async def pass_on(self, event_id: int, now: datetime) -> None:
        """Seats of the event went back by a statement of the caller (a released checkout): the line's turn."""
        event = await self.events.get_for_update(event_id)
        if event is not None:
            await self.turn(event, now)

    async def leave(self, event: Event, place: WaitlistPlace, by: int, now: datetime) -> None:
        """The member leaves the line or declines their offer (``by``: who did it), audited; the seats the offer
        held go to the next in line at once. ``place`` is locked, live, and of ``event`` (locked first)."""
        released = place.leave(now)
        await self.places.save(place)
        self.uow.enqueue(jobs.audited_place("left", place, by, now, seats_released=released))
        if released:
            await self.give_back(event, released, now)

    async def give_back(self, event: Event, seats: int, now: datetime) -> None:
        """An offer's held seats return (declined, lapsed, partly taken): the next in line gets their turn."""
        await self._give_back(event, seats)
        await self.turn(event, now)

    async def _give_back(self, event: Event, seats: int) -> None:
        if seats:
            await self.seats.release_held(event.id, seats)
            event.seats_held -= seats
            self.uow.after_commit(self.cache.invalidate)

    async def _close_line(self, event: Event, now: datetime) -> None:
        """A cancelled, postponed, deleted or started event: nobody waits for it any more."""
        for place in await self.places.lock_waiting(event.id, self.config.waitlist_scan):
            place.lapse(now)
            await self.places.save(place)
            self.uow.enqueue(jobs.audited_place("lapsed", place, None, now, reason="event_closed"))
        for place in await self.places.lock_offered(event.id):
            await self._give_back(event, place.lapse(now))
            await self.places.save(place)
            self.uow.enqueue(jobs.audited_place("lapsed", place, None, now, reason="event_closed"))

    async def _still_eligible(self, event: Event, member_id: int, now: datetime) -> bool:
        """An accepted request or invitation, and no live ticket."""
        ticket = await self.tickets.lock(event.id, member_id)
        if ticket is not None and ticket.is_live:
            return False
        request = await self.requests.lock(event.id, member_id)
        if request is not None and request.status_at(now) is RequestStatus.ACCEPTED:
            return True
        invitation = await self.invitations.lock(event.id, member_id)
        return invitation is not None and invitation.status is InvitationStatus.ACCEPTED
