"""Event lifecycle, capacity counters and pricing rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from loopin.domain.events.event import (
    CHECK_IN_AFTER_END,
    TRANSITIONS,
    Event,
    EventHasGuests,
    EventNotEditable,
    EventNotFound,
    EventStatus,
    InvalidStatusTransition,
)
from loopin.domain.shared.errors import Conflict

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)


def make_event(**details: object) -> Event:
    return Event.new(
        host_id=1,
        title="Sunset Jam Session",
        start_time=NOW + timedelta(days=1),
        end_time=NOW + timedelta(days=1, hours=3),
        timezone="Asia/Kolkata",
        now=NOW,
        **details,
    )


def test_new_event_is_a_draft_with_random_ids() -> None:
    first, second = make_event(), make_event()
    assert first.status is EventStatus.DRAFT
    assert first.id == 0
    assert first.uuid != second.uuid
    assert first.canonical_id != second.canonical_id
    assert len(first.canonical_id) == 8
    assert first.slug == "sunset-jam-session"
    assert first.duration == timedelta(hours=3)


def test_an_event_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="ends after"):
        Event.new(host_id=1, title="x", start_time=NOW, end_time=NOW, timezone="UTC", now=NOW)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (EventStatus.DRAFT, EventStatus.PUBLISHED),
        (EventStatus.DRAFT, EventStatus.CANCELLED),
        (EventStatus.PUBLISHED, EventStatus.POSTPONED),
        (EventStatus.PUBLISHED, EventStatus.CANCELLED),
        (EventStatus.PUBLISHED, EventStatus.COMPLETED),
        (EventStatus.POSTPONED, EventStatus.PUBLISHED),
        (EventStatus.POSTPONED, EventStatus.CANCELLED),
    ],
)
def test_allowed_transitions(start: EventStatus, end: EventStatus) -> None:
    event = make_event(status=start)
    at = event.end_time if end is EventStatus.COMPLETED else NOW + timedelta(minutes=1)
    assert event.change_status(end, at) is True
    assert event.status is end
    assert event.updated_at == at


def test_an_event_is_marked_completed_only_once_it_has_ended() -> None:
    """Completed is final and cannot be cancelled: a host completing ahead would keep guests from refunds."""
    event = make_event(status=EventStatus.PUBLISHED)
    for early in (NOW, event.start_time, event.end_time - timedelta(seconds=1)):
        with pytest.raises(InvalidStatusTransition, match="once it has ended"):
            event.change_status(EventStatus.COMPLETED, early)
        assert event.status is EventStatus.PUBLISHED
    assert event.change_status(EventStatus.COMPLETED, event.end_time) is True


def test_every_other_transition_is_refused() -> None:
    refused = [(a, b) for a in EventStatus for b in EventStatus if a is not b and b not in TRANSITIONS[a]]
    assert (EventStatus.CANCELLED, EventStatus.PUBLISHED) in refused
    assert (EventStatus.COMPLETED, EventStatus.DRAFT) in refused
    assert (EventStatus.PUBLISHED, EventStatus.DRAFT) in refused
    for start, end in refused:
        event = make_event(status=start)
        with pytest.raises(InvalidStatusTransition):
            event.change_status(end, NOW)
        assert event.status is start


def test_the_final_statuses_are_those_the_table_leads_nowhere_from() -> None:
    assert {s for s in EventStatus if s.is_final} == {EventStatus.CANCELLED, EventStatus.COMPLETED}


def test_same_status_is_a_no_op() -> None:
    event = make_event(status=EventStatus.CANCELLED)
    assert event.change_status(EventStatus.CANCELLED, NOW) is False


def test_final_and_deleted_events_are_not_editable() -> None:
    for status in (EventStatus.CANCELLED, EventStatus.COMPLETED):
        with pytest.raises(EventNotEditable):
            make_event(status=status).ensure_editable()
    deleted = make_event()
    deleted.soft_delete(NOW)
    with pytest.raises(EventNotFound):
        deleted.ensure_editable()
    with pytest.raises(EventNotFound):
        deleted.soft_delete(NOW)
    make_event(status=EventStatus.POSTPONED).ensure_editable()


def test_an_event_guests_hold_seats_for_is_deleted_only_once_cancelled() -> None:
    held = make_event(status=EventStatus.PUBLISHED, max_capacity=10, seats_taken=2)
    with pytest.raises(EventHasGuests):
        held.soft_delete(NOW)
    assert held.deleted_at is None
    held.change_status(EventStatus.CANCELLED, NOW)
    held.soft_delete(NOW)
    assert held.is_deleted


def test_an_event_guests_attended_stays_and_says_so() -> None:
    attended = make_event(status=EventStatus.COMPLETED, max_capacity=10, seats_taken=2)
    with pytest.raises(EventHasGuests) as refused:
        attended.soft_delete(NOW)
    assert refused.value.message == "Guests attended this event: it stays, as their record of it."
    assert attended.deleted_at is None
    ended = make_event(status=EventStatus.PUBLISHED, max_capacity=10, seats_taken=2)  # not completed yet
    with pytest.raises(EventHasGuests) as refused:
        ended.soft_delete(ended.end_time)
    assert refused.value.message == "Guests attended this event: it stays, as their record of it."
    nobody_came = make_event(status=EventStatus.COMPLETED)
    nobody_came.soft_delete(NOW)
    assert nobody_came.is_deleted


def test_seats_are_counted_against_capacity() -> None:
    """Seats are taken by the seat inventory's statement; the event answers what is left and gives seats back."""
    event = make_event(max_capacity=5)
    event.seats_taken = 3
    assert (event.seats_left, event.is_full) == (2, False)
    assert (event.has_seats_for(2), event.has_seats_for(3)) == (True, False)
    event.seats_taken = 5
    assert event.is_full
    event.release_seats(4, NOW + timedelta(hours=1))
    assert (event.seats_taken, event.updated_at) == (1, NOW + timedelta(hours=1))
    with pytest.raises(ValueError, match="release"):
        event.release_seats(2)


def test_unlimited_events_are_never_full() -> None:
    event = make_event(max_capacity=0)
    event.seats_taken = 10_000
    assert event.seats_left is None
    assert not event.is_full
    assert event.has_seats_for(1_000_000)


def test_request_counter() -> None:
    event = make_event()
    event.request_opened()
    event.request_opened()
    event.request_closed()
    assert event.requests_count == 1
    event.request_closed()
    with pytest.raises(ValueError, match="no open request"):
        event.request_closed()


def test_capacity_cannot_drop_below_seats_taken() -> None:
    event = make_event(max_capacity=10)
    event.seats_taken = 4
    event.set_capacity(4)
    event.set_capacity(0)
    with pytest.raises(Conflict) as raised:
        event.set_capacity(3)
    assert raised.value.code == "CAPACITY_BELOW_SEATS_TAKEN"


def test_price_is_locked_once_seats_are_taken() -> None:
    event = make_event(is_paid=True, ticket_price=Decimal("500.00"))
    event.set_pricing(True, Decimal("450.00"))
    event.seats_taken = 1
    event.set_pricing(True, Decimal("450.00"))  # unchanged is fine
    with pytest.raises(Conflict) as raised:
        event.set_pricing(True, Decimal("400.00"))
    assert raised.value.code == "PRICE_LOCKED"


def test_upcoming_until_it_ends() -> None:
    event = make_event()
    assert event.is_upcoming(event.start_time + timedelta(hours=2))
    assert not event.is_upcoming(event.end_time)


def test_a_published_event_completes_once_its_door_has_closed() -> None:
    event = make_event(status=EventStatus.PUBLISHED)
    assert event.completes_at == event.end_time + CHECK_IN_AFTER_END == event.end_time + timedelta(hours=12)
    for early in (event.start_time, event.end_time, event.completes_at):  # the door admits guests until then
        assert event.complete(early) is False
        assert event.status is EventStatus.PUBLISHED
    closed = event.completes_at + timedelta(microseconds=1)
    assert event.complete(closed) is True
    assert (event.status, event.updated_at) == (EventStatus.COMPLETED, closed)
    assert event.complete(closed + timedelta(days=1)) is False  # a rerun changes nothing
    assert event.updated_at == closed


@pytest.mark.parametrize("status", [EventStatus.DRAFT, EventStatus.POSTPONED, EventStatus.CANCELLED])
def test_only_a_published_event_completes(status: EventStatus) -> None:
    event = make_event(status=status)
    assert event.complete(event.completes_at + timedelta(days=30)) is False
    assert event.status is status


def test_a_deleted_event_never_completes() -> None:
    event = make_event(status=EventStatus.PUBLISHED)
    event.soft_delete(NOW)
    assert event.complete(event.completes_at + timedelta(days=30)) is False
    assert event.status is EventStatus.PUBLISHED
