"""Rules every way into an event shares: seats, plus-ones, gender, openness and answer deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loopin.domain.attendance.errors import (
    EventNotOpen,
    EventStarted,
    GenderNotAllowed,
    HostCannotJoin,
    PlusOnesNotAllowed,
    SeatsUnavailable,
)
from loopin.domain.attendance.rules import (
    answer_deadline,
    check_gender,
    check_plus_ones,
    check_seat_count,
    check_seats_left,
    check_text,
    parse_policy,
    require_guest,
    require_open,
)
from loopin.domain.events.event import AllowedGenders, Event, EventNotFound, EventStatus, RsvpExpiryPolicy
from loopin.domain.events.problems import Problems
from loopin.domain.events.rules import parse_rsvp_policy
from loopin.domain.identity.profile import Gender
from loopin.domain.shared.errors import InvalidInput

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
START = NOW + timedelta(days=10)


def event(**details: object) -> Event:
    e = Event.new(
        host_id=1,
        title="Sunset Jam",
        start_time=START,
        end_time=START + timedelta(hours=3),
        timezone="Asia/Kolkata",
        now=NOW,
        **details,
    )
    e.id = 7
    e.status = EventStatus.PUBLISHED
    return e


@pytest.mark.parametrize("seats", [1, 5, 10])
def test_one_to_ten_seats_pass(seats: int) -> None:
    assert check_seat_count(seats, "seats") == seats


@pytest.mark.parametrize("seats", [0, -1, 11, 100])
def test_seat_counts_outside_one_to_ten_are_invalid_input(seats: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_seat_count(seats, "seats")
    assert caught.value.problems[0].field == "seats"


def test_plus_ones_only_where_the_event_allows_them() -> None:
    check_plus_ones(event(allow_plus_one=True), 3)
    check_plus_ones(event(allow_plus_one=False), 1)
    with pytest.raises(PlusOnesNotAllowed):
        check_plus_ones(event(allow_plus_one=False), 2)


def test_text_is_trimmed_and_bounded() -> None:
    assert check_text("  hi  ", "message", 10) == "hi"
    assert check_text(None, "message", 10) == ""
    with pytest.raises(InvalidInput):
        check_text("x" * 11, "message", 10)


def test_the_host_is_not_a_guest() -> None:
    require_guest(event(), 2)
    with pytest.raises(HostCannotJoin):
        require_guest(event(), 1)


def test_only_a_published_event_that_has_not_started_takes_guests() -> None:
    require_open(event(), NOW)
    for status in (EventStatus.DRAFT, EventStatus.POSTPONED, EventStatus.CANCELLED, EventStatus.COMPLETED):
        e = event()
        e.status = status
        with pytest.raises(EventNotOpen, match=status.value):
            require_open(e, NOW)
    with pytest.raises(EventStarted):
        require_open(event(), START)
    deleted = event()
    deleted.soft_delete(NOW)
    with pytest.raises(EventNotFound):
        require_open(deleted, NOW)


@pytest.mark.parametrize(
    ("allowed", "admitted"),
    [
        (AllowedGenders.ALL, {Gender.MALE, Gender.FEMALE, Gender.OTHER, Gender.PREFER_NOT_TO_SAY, None}),
        (AllowedGenders.FEMALE, {Gender.FEMALE}),
        (AllowedGenders.MALE, {Gender.MALE}),
        (AllowedGenders.NON_BINARY, {Gender.OTHER}),
    ],
)
def test_gender_rule(allowed: AllowedGenders, admitted: set[Gender | None]) -> None:
    e = event(allowed_genders=allowed)
    for gender in [*Gender, None]:
        if gender in admitted:
            check_gender(e, gender)
        else:
            with pytest.raises(GenderNotAllowed):
                check_gender(e, gender)


def test_seats_left_is_counted_in_seats_and_zero_is_unlimited() -> None:
    e = event(max_capacity=5)
    e.seats_taken = 3
    check_seats_left(e, 2, code="CAPACITY_EXCEEDED")
    with pytest.raises(SeatsUnavailable) as caught:
        check_seats_left(e, 3, code="CAPACITY_EXCEEDED")
    assert caught.value.code == "CAPACITY_EXCEEDED"
    assert (caught.value.requested, caught.value.available) == (3, 2)
    assert "Only 2 seats left" in caught.value.message
    e.seats_taken = 5
    with pytest.raises(SeatsUnavailable, match="full"):
        check_seats_left(e, 1, code="CAPACITY_FULL")
    unlimited = event(max_capacity=0)
    unlimited.seats_taken = 10
    check_seats_left(unlimited, 10, code="CAPACITY_FULL")


def test_answer_deadlines_follow_the_policy_and_never_pass_the_start() -> None:
    assert answer_deadline(RsvpExpiryPolicy.HOURS_48, NOW, START) == NOW + timedelta(hours=48)
    assert answer_deadline(RsvpExpiryPolicy.DAYS_7, NOW, START) == NOW + timedelta(days=7)
    assert answer_deadline(RsvpExpiryPolicy.DAY_BEFORE_EVENT, NOW, START) == START - timedelta(days=1)
    assert answer_deadline(RsvpExpiryPolicy.EVENT_START, NOW, START) == START
    soon = NOW + timedelta(hours=30)
    assert answer_deadline(RsvpExpiryPolicy.HOURS_48, NOW, soon) == soon
    assert answer_deadline(RsvpExpiryPolicy.DAYS_7, NOW, soon) == soon
    assert answer_deadline(RsvpExpiryPolicy.DAY_BEFORE_EVENT, NOW, soon) == soon - timedelta(days=1)
    very_soon = NOW + timedelta(hours=20)  # less than a day left: the day-before deadline is already gone
    assert answer_deadline(RsvpExpiryPolicy.DAY_BEFORE_EVENT, NOW, very_soon) == very_soon


def test_expiry_policies_parse_with_48h_as_default() -> None:
    assert parse_policy(None) is RsvpExpiryPolicy.HOURS_48
    assert parse_policy(" 7D ") is RsvpExpiryPolicy.DAYS_7
    assert parse_policy("day_before_event") is RsvpExpiryPolicy.DAY_BEFORE_EVENT
    assert parse_policy("event_start") is RsvpExpiryPolicy.EVENT_START
    with pytest.raises(InvalidInput) as caught:
        parse_policy("3d")
    assert caught.value.problems[0].field == "expiry_policy"
    assert caught.value.code == "INVALID_RSVP_EXPIRY_POLICY"  # as an event's rsvp_expiry_policy: one reading
    events = Problems()
    assert parse_rsvp_policy("3d", events) is None
    assert [p.message for p in events.items] == [
        m.replace("expiry_policy", "rsvp_expiry_policy") for m in (p.message for p in caught.value.problems)
    ]
