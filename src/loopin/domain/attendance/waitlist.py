"""A place on an event's waitlist: a member with an accepted request or invitation waits for a seat of a full
event, is offered one when it frees up (the seats are held for them for an offer window), and takes it or
lets it pass on.

One live place (waiting or offered) per member and event; a new join after leaving is a new place at the back.
The line is first in, first served by place id::

    waiting ──seats free up──▶ offered ──accept──▶ accepted (a ticket, or a payment order for a paid event)
       │                          ├──window passes──▶ expired   (the seats go to the next in line)
       │                          └──leave / decline──▶ left
       ├──leave──▶ left
       └──no longer eligible when its turn comes (request declined, ticket held, event closed)──▶ lapsed
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from loopin.domain.attendance.errors import MoreSeatsThanOffered, NoSeatOffer, NotOnWaitlist


class PlaceStatus(Enum):
    WAITING = "waiting"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    LEFT = "left"
    EXPIRED = "expired"
    LAPSED = "lapsed"

    @property
    def is_live(self) -> bool:
        return self in (PlaceStatus.WAITING, PlaceStatus.OFFERED)


@dataclass(frozen=True, slots=True)
class OfferWindow:
    """How long an offered seat is held: ``window``, but never past the start, and shorter near it (half the
    time left, not less than ``minimum``), so a seat freed an hour before the start still finds a taker."""

    window: timedelta = timedelta(hours=2)
    minimum: timedelta = timedelta(minutes=15)

    def expires_at(self, now: datetime, start_time: datetime) -> datetime:
        left = start_time - now
        held = min(self.window, max(self.minimum, left / 2))
        return min(now + held, start_time)


@dataclass(slots=True)
class WaitlistPlace:
    id: int
    event_id: int
    member_id: int
    seats: int
    status: PlaceStatus = PlaceStatus.WAITING
    joined_at: datetime | None = None
    offered_at: datetime | None = None
    offer_expires_at: datetime | None = None
    closed_at: datetime | None = None
    payment_order_id: str | None = None
    updated_at: datetime | None = None

    @classmethod
    def join(cls, event_id: int, member_id: int, seats: int, now: datetime) -> WaitlistPlace:
        """Id 0 means "not stored yet"."""
        if not 1 <= seats <= 10:
            raise ValueError("a place is for 1 to 10 seats")
        return cls(0, event_id, member_id, seats, joined_at=now, updated_at=now)

    # --- reading ---------------------------------------------------------------------------------------------

    def status_at(self, now: datetime) -> PlaceStatus:
        """An offer past its window reads as expired before the sweep (or the next change) passes it on."""
        if self.status is PlaceStatus.OFFERED and self.offer_overdue(now):
            return PlaceStatus.EXPIRED
        return self.status

    def offer_overdue(self, now: datetime) -> bool:
        return (
            self.status is PlaceStatus.OFFERED
            and self.offer_expires_at is not None
            and now >= self.offer_expires_at
        )

    @property
    def holds_seats(self) -> bool:
        """An open offer holds its seats (the event's ``seats_held``)."""
        return self.status is PlaceStatus.OFFERED

    # --- changes ---------------------------------------------------------------------------------------------

    def offer(self, now: datetime, expires_at: datetime) -> None:
        if self.status is not PlaceStatus.WAITING:
            raise ValueError(f"a {self.status.value} place cannot be offered seats")
        self.status = PlaceStatus.OFFERED
        self.offered_at = now
        self.offer_expires_at = expires_at
        self.updated_at = now

    def accept(self, now: datetime, *, seats: int | None = None, payment_order_id: str | None = None) -> int:
        """Takes the offer (call after checking it is not overdue). Returns the held seats not taken."""
        if self.status is not PlaceStatus.OFFERED:
            raise NoSeatOffer()
        taken = self.seats if seats is None else seats
        if taken > self.seats:
            raise MoreSeatsThanOffered(self.seats)
        surplus = self.seats - taken
        self.seats = taken
        self.status = PlaceStatus.ACCEPTED
        self.payment_order_id = payment_order_id
        self._close(now)
        return surplus

    def expire_offer(self, now: datetime) -> bool:
        """The window passed: the place ends and its seats go back. False when there is nothing to expire."""
        if not self.offer_overdue(now):
            return False
        self.status = PlaceStatus.EXPIRED
        self._close(now)
        return True

    def leave(self, now: datetime) -> int:
        """The member leaves the line (or declines the offer). Returns the held seats to give back."""
        if not self.status.is_live:
            raise NotOnWaitlist()
        released = self.seats if self.holds_seats else 0
        self.status = PlaceStatus.LEFT
        self._close(now)
        return released

    def lapse(self, now: datetime) -> int:
        """No longer eligible (or the event closed). Returns the held seats to give back."""
        released = self.seats if self.holds_seats else 0
        self.status = PlaceStatus.LAPSED
        self._close(now)
        return released

    def _close(self, now: datetime) -> None:
        self.closed_at = now
        self.updated_at = now
