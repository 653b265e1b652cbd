"""An event a host publishes: when and where, for how many, at what price, for whom, and its lifecycle."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import ClassVar

from loopin.domain.events.slugs import generate_slug, new_canonical_id
from loopin.domain.shared.errors import Conflict, Forbidden, NotFound
from loopin.domain.shared.money import ZERO
from loopin.domain.shared.transitions import Transitions


class EventStatus(Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    COMPLETED = "completed"

    @property
    def is_final(self) -> bool:
        return TRANSITIONS.is_final(self)

    @property
    def is_listed(self) -> bool:
        return self in LISTED_STATUSES


# The only moves a status can make; cancelled and completed are final.
TRANSITIONS = Transitions(
    {
        EventStatus.DRAFT: {EventStatus.PUBLISHED, EventStatus.CANCELLED},
        EventStatus.PUBLISHED: {EventStatus.POSTPONED, EventStatus.CANCELLED, EventStatus.COMPLETED},
        EventStatus.POSTPONED: {EventStatus.PUBLISHED, EventStatus.CANCELLED},
    }
)
# Statuses other members find in feeds and search (the host and staff see every status).
LISTED_STATUSES: frozenset[EventStatus] = frozenset({EventStatus.PUBLISHED, EventStatus.POSTPONED})
# The door checks guests in until this long after the end (docs/attendance.md "The door"); the scheduled
# completion waits for it, so nobody at the door finds the event over.
CHECK_IN_AFTER_END = timedelta(hours=12)


class AllowedGenders(Enum):
    ALL = "all"
    MALE = "male"
    FEMALE = "female"
    NON_BINARY = "non_binary"


class RsvpExpiryPolicy(Enum):
    """How long an invitation or an accepted request stays open (set from the host dashboard)."""

    HOURS_48 = "48h"
    DAYS_7 = "7d"
    DAY_BEFORE_EVENT = "day_before_event"
    EVENT_START = "event_start"


class EventNotFound(NotFound, code="EVENT_NOT_FOUND", message="Event not found."): ...


class NotEventHost(Forbidden, code="NOT_EVENT_HOST", message="Only the host of this event can change it."): ...


class InvalidStatusTransition(Conflict, code="INVALID_STATUS_TRANSITION"): ...


class EventNotEditable(Conflict, code="EVENT_NOT_EDITABLE"): ...


class EventHasGuests(
    Conflict,
    code="EVENT_HAS_GUESTS",
    message="Guests hold seats for this event. Cancel it first, so they are told and refunded.",
):
    """Someone holds or is paying for a seat: the event is cancelled first, so they are told and refunded."""


@dataclass(slots=True)
class Event:
    """Times are UTC instants; ``timezone`` is where the event happens (its wall clock, shown to the app).

    ``seats_taken`` (tickets) and ``seats_held`` (checkouts still open, seats offered from the waitlist) share
    the capacity: ``max_capacity`` 0 means unlimited, otherwise taken + held never exceed it. They are changed
    only by the conditional statements of ``SeatInventory``; ``requests_count`` is kept under the row lock of
    ``EventRepository.get_for_update`` through ``request_opened``/``request_closed``.
    """

    id: int
    uuid: uuid.UUID
    canonical_id: str
    host_id: int
    title: str
    start_time: datetime
    end_time: datetime
    timezone: str
    description: str = ""
    venue_id: int | None = None
    max_capacity: int = 0
    seats_taken: int = 0
    seats_held: int = 0
    requests_count: int = 0
    is_paid: bool = False
    ticket_price: Decimal = ZERO
    allow_plus_one: bool = True
    gst_number: str = ""
    allowed_genders: AllowedGenders = AllowedGenders.ALL
    rsvp_expiry_policy: RsvpExpiryPolicy = RsvpExpiryPolicy.EVENT_START
    status: EventStatus = EventStatus.DRAFT
    is_public: bool = True
    interest_ids: tuple[int, ...] = ()
    cover_image_keys: tuple[str, ...] = field(default=())
    deleted_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    MAX_COVER_IMAGES: ClassVar[int] = 3

    @classmethod
    def new(
        cls,
        *,
        host_id: int,
        title: str,
        start_time: datetime,
        end_time: datetime,
        timezone: str,
        now: datetime,
        canonical_id: str | None = None,
        **details: object,
    ) -> Event:
        """Id 0 means "not stored yet"; the repository assigns the real id."""
        event = cls(
            id=0,
            uuid=uuid.uuid4(),
            canonical_id=canonical_id or new_canonical_id(),
            host_id=host_id,
            title=title,
            start_time=start_time,
            end_time=end_time,
            timezone=timezone,
            created_at=now,
            updated_at=now,
            **details,  # type: ignore[arg-type]
        )
        if event.end_time <= event.start_time:
            raise ValueError("an event ends after it starts")
        return event

    # --- reading -------------------------------------------------------------------------------------------

    @property
    def slug(self) -> str:
        """Follows the title; the canonical id, not the slug, identifies the event in links."""
        return generate_slug(self.title)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_unlimited(self) -> bool:
        return self.max_capacity == 0

    @property
    def seats_spoken_for(self) -> int:
        """Taken by tickets or held (open checkouts, seats offered from the waitlist)."""
        return self.seats_taken + self.seats_held

    @property
    def has_guests(self) -> bool:
        """Someone holds a seat or is paying for one: what they were told (time, price) must be kept or undone."""
        return self.seats_spoken_for > 0

    @property
    def seats_left(self) -> int | None:
        """None when unlimited. Seats held by open checkouts are not left (they come back if unpaid)."""
        return None if self.is_unlimited else max(0, self.max_capacity - self.seats_spoken_for)

    @property
    def is_full(self) -> bool:
        """Never true for an unlimited event."""
        return not self.is_unlimited and self.seats_spoken_for >= self.max_capacity

    @property
    def duration(self) -> timedelta:
        return self.end_time - self.start_time

    @property
    def completes_at(self) -> datetime:
        """The last moment its door admits guests; the scheduled completion comes after it."""
        return self.end_time + CHECK_IN_AFTER_END

    def is_upcoming(self, now: datetime) -> bool:
        """Not over yet: it may already have started."""
        return self.end_time > now

    def has_seats_for(self, seats: int) -> bool:
        return self.is_unlimited or self.seats_spoken_for + seats <= self.max_capacity

    # --- lifecycle -----------------------------------------------------------------------------------------

    def ensure_editable(self) -> None:
        if self.is_deleted:
            raise EventNotFound()
        if self.status.is_final:
            raise EventNotEditable(f"A {self.status.value} event can no longer be changed.")

    def change_status(self, new: EventStatus, now: datetime) -> bool:
        """Returns whether the status changed; the same status again is a no-op. Completed only once it has
        ended: a completed event cannot be cancelled, so completing one ahead would keep its guests from the
        refunds a cancellation gives."""
        if new is self.status:
            return False
        allowed = TRANSITIONS[self.status]
        if new not in allowed:
            hint = f" Allowed: {', '.join(sorted(s.value for s in allowed))}." if allowed else ""
            raise InvalidStatusTransition(f"An event cannot go from {self.status.value} to {new.value}.{hint}")
        if new is EventStatus.COMPLETED and now < self.end_time:
            raise InvalidStatusTransition("An event can be marked completed only once it has ended.")
        self.status = new
        self.updated_at = now
        return True

    def complete(self, now: datetime) -> bool:
        """The scheduled completion: a published event whose door has closed (past ``completes_at``) is completed.
        Returns whether it changed; nothing changes for one completed already (a rerun), one not due yet, a
        draft (it never happened), a cancelled event (final), a postponed one (its times are the old ones: it
        waits to be published again with new ones, or cancelled) or a deleted one."""
        if self.is_deleted or self.status is not EventStatus.PUBLISHED or now <= self.completes_at:
            return False
        return self.change_status(EventStatus.COMPLETED, now)

    def unpublish(self, now: datetime) -> bool:
        """Staff take an event out of feeds and search (back to a draft its host can fix and publish again).
        Only while nobody holds a seat: an event with guests is cancelled instead, so they are told and
        refunded. False when it is a draft already."""
        if self.status is EventStatus.DRAFT:
            return False
        if self.status.is_final:
            raise InvalidStatusTransition(f"A {self.status.value} event cannot be unpublished.")
        if self.has_guests:
            raise EventHasGuests()
        self.status = EventStatus.DRAFT
        self.updated_at = now
        return True

    def set_capacity(self, max_capacity: int) -> None:
        spoken_for = self.seats_spoken_for
        if max_capacity != 0 and max_capacity < spoken_for:
            raise Conflict(
                f"{spoken_for} seats are already taken or being paid for; capacity cannot go below that.",
                code="CAPACITY_BELOW_SEATS_TAKEN",
            )
        self.max_capacity = max_capacity

    def set_pricing(self, is_paid: bool, ticket_price: Decimal) -> None:
        """Once anyone holds a seat (or is paying for one), what they were charged stays the price."""
        if (is_paid, ticket_price) != (self.is_paid, self.ticket_price) and self.has_guests:
            raise Conflict(
                "Guests already hold seats at the current price; the price can no longer change.",
                code="PRICE_LOCKED",
            )
        self.is_paid = is_paid
        self.ticket_price = ticket_price

    def soft_delete(self, now: datetime) -> None:
        """An event guests hold seats for is cancelled first, so they are told and refunded; one that has ended
        (completed, or about to be) stays, as its guests' record of it."""
        if self.is_deleted:
            raise EventNotFound()
        if self.has_guests and self.status is not EventStatus.CANCELLED:
            if self.status is EventStatus.COMPLETED or not self.is_upcoming(now):
                raise EventHasGuests("Guests attended this event: it stays, as their record of it.")
            raise EventHasGuests()
        self.deleted_at = now
        self.updated_at = now

    # --- counters (attendance) -----------------------------------------------------------------------------

    def release_seats(self, seats: int, now: datetime | None = None) -> None:
        if seats < 1 or seats > self.seats_taken:
            raise ValueError(f"cannot release {seats} of {self.seats_taken} taken seats")
        self.seats_taken -= seats
        if now is not None:
            self.updated_at = now

    def request_opened(self, now: datetime | None = None) -> None:
        self.requests_count += 1
        if now is not None:
            self.updated_at = now

    def request_closed(self, now: datetime | None = None) -> None:
        if self.requests_count < 1:
            raise ValueError("no open request to close")
        self.requests_count -= 1
        if now is not None:
            self.updated_at = now
