"""Rules every way into an event shares: which events take guests, how many seats, who, and until when."""

from __future__ import annotations

from datetime import datetime, timedelta

from loopin.domain.attendance.errors import (
    AlreadyConfirmed,
    EventNotOpen,
    EventStarted,
    GenderNotAllowed,
    HostCannotJoin,
    PlusOnesNotAllowed,
    SeatsUnavailable,
)
from loopin.domain.attendance.ticket import Ticket
from loopin.domain.events.event import AllowedGenders, Event, EventNotFound, EventStatus, RsvpExpiryPolicy
from loopin.domain.events.problems import Problems
from loopin.domain.events.rules import parse_rsvp_policy
from loopin.domain.identity.profile import Gender
from loopin.domain.shared.errors import InvalidInput

MIN_SEATS, MAX_SEATS = 1, 10
MESSAGE_MAX = 2000
HOST_MESSAGE_MAX = 500
DAY = timedelta(days=1)

# Which profile genders an event's ``allowed_genders`` admits (``other`` is the app's non-binary answer).
_ADMITTED: dict[AllowedGenders, frozenset[Gender]] = {
    AllowedGenders.MALE: frozenset({Gender.MALE}),
    AllowedGenders.FEMALE: frozenset({Gender.FEMALE}),
    AllowedGenders.NON_BINARY: frozenset({Gender.OTHER}),
}


def check_seat_count(seats: int, field: str) -> int:
    """1 to 10 whatever the event (422 otherwise)."""
    if not MIN_SEATS <= seats <= MAX_SEATS:
        raise InvalidInput.single(field, f"{field} must be between {MIN_SEATS} and {MAX_SEATS}")
    return seats


def check_plus_ones(event: Event, seats: int) -> None:
    """More than one seat means bringing plus-ones, which the host may not allow."""
    if seats > 1 and not event.allow_plus_one:
        raise PlusOnesNotAllowed()


def check_text(raw: str | None, field: str, limit: int) -> str:
    text = (raw or "").strip()
    if len(text) > limit:
        raise InvalidInput.single(field, f"{field} must be at most {limit} characters")
    return text


def require_guest(event: Event, member_id: int) -> None:
    if event.host_id == member_id:
        raise HostCannotJoin()


def require_no_ticket(ticket: Ticket | None) -> None:
    """A member with a live ticket does not ask, join the line or pay again: one ticket per member and event."""
    if ticket is not None and ticket.is_live:
        raise AlreadyConfirmed()


def require_open(event: Event, now: datetime) -> None:
    """Guests join (ask, get invited, answer, confirm) a published event that has not started yet."""
    if event.is_deleted:
        raise EventNotFound()
    if event.status is not EventStatus.PUBLISHED:
        raise EventNotOpen(f"This event is {event.status.value}; it does not take guests right now.")
    if now >= event.start_time:
        raise EventStarted()


def check_gender(event: Event, gender: Gender | None) -> None:
    admitted = _ADMITTED.get(event.allowed_genders)
    if admitted is not None and gender not in admitted:
        who = {"male": "men", "female": "women", "non_binary": "non-binary guests"}[event.allowed_genders.value]
        raise GenderNotAllowed(f"This event is for {who} only.")


def check_seats_left(event: Event, seats: int, *, code: str) -> None:
    """Whether ``seats`` fit in what is left right now (asking and accepting; confirming takes them)."""
    if not event.has_seats_for(seats):
        raise SeatsUnavailable(seats, event.seats_left, code=code)


def answer_deadline(policy: RsvpExpiryPolicy, at: datetime, event_start: datetime) -> datetime:
    """When an invitation stops taking an answer, or an accepted request stops taking a confirmation.

    Never later than the event's start. ``day_before_event`` falls back to the start when less than a day
    is left, so a late invitation is still answerable until the doors open.
    """
    if policy is RsvpExpiryPolicy.HOURS_48:
        deadline = at + timedelta(hours=48)
    elif policy is RsvpExpiryPolicy.DAYS_7:
        deadline = at + timedelta(days=7)
    elif policy is RsvpExpiryPolicy.DAY_BEFORE_EVENT:
        deadline = event_start - DAY
        if deadline <= at:
            deadline = event_start
    else:
        deadline = event_start
    return min(deadline, event_start)


def parse_policy(raw: str | None, field: str = "expiry_policy") -> RsvpExpiryPolicy:
    """An invitation's policy, 48h when not sent; read as an event's ``rsvp_expiry_policy`` is."""
    problems = Problems()
    policy = parse_rsvp_policy(raw or RsvpExpiryPolicy.HOURS_48.value, problems, field)
    problems.raise_if_any()
    assert policy is not None  # no problem was found
    return policy
