"""UpdateEvent and DeleteEvent: who may, which changes are allowed, all-or-nothing, audit after commit."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from loopin.domain.events.changes import EventChanges
from loopin.domain.events.event import (
    AllowedGenders,
    EventHasGuests,
    EventNotEditable,
    EventNotFound,
    EventStatus,
    InvalidStatusTransition,
    NotEventHost,
    RsvpExpiryPolicy,
)
from loopin.domain.events.place import PlaceInput
from loopin.domain.identity.member import MemberStatus, MemberWaitlisted, Role
from loopin.domain.shared.errors import Conflict, InvalidInput
from loopin.usecases.events.browse import GetEvent
from loopin.usecases.events.manage import DeleteEvent, UpdateEvent
from loopin.usecases.events.views import EventView
from tests.unit.usecases.forms import cover
from tests.unit.usecases.world import World


async def update(world: World, member_id: int, event_id: int, **fields: object) -> EventView:
    view: EventView = await world.run(
        UpdateEvent, member_id=member_id, event_id=event_id, changes=EventChanges(**fields)
    )
    return view


async def test_the_apps_rsvp_deadline(world: World) -> None:
    host = await world.member(1)
    event = await world.create(host)
    view = await update(world, host.id, event.id, rsvp_expiry_policy="48h")
    assert view.rsvp_expiry_policy == "48h"
    assert (await world.stored_event(event.id)).rsvp_expiry_policy is RsvpExpiryPolicy.HOURS_48
    entries = await world.audit("event", event.id)
    assert [e.action for e in entries] == ["event.created", "event.updated"]
    assert entries[1].details["changed"] == ["rsvp_expiry_policy"]


async def test_an_update_that_changes_nothing_records_nothing(world: World) -> None:
    """The RSVP dialog sent again with the same deadline, or 'published' for a published event: no
    'event.updated' with changed=[] in the audit log, and the event's updated_at stays."""
    host = await world.member(1)
    event = await world.create(host)
    await update(world, host.id, event.id, rsvp_expiry_policy="48h")
    before = (await world.stored_event(event.id)).updated_at
    world.advance(timedelta(minutes=5))
    view = await update(world, host.id, event.id, rsvp_expiry_policy="48h")
    again = await update(world, host.id, event.id, status=EventStatus.PUBLISHED.value)
    assert (view.rsvp_expiry_policy, again.status) == ("48h", EventStatus.PUBLISHED)
    assert (await world.stored_event(event.id)).updated_at == before
    entries = await world.audit("event", event.id)
    assert [e.action for e in entries] == ["event.created", "event.updated"]


async def test_partial_update_changes_only_what_was_sent(world: World) -> None:
    host = await world.member(1)
    event = await world.create(host, event_interest_ids="[1]")
    view = await update(
        world,
        host.id,
        event.id,
        title="Moonrise Jam",
        description=None,
        max_capacity=0,
        is_paid=True,
        ticket_price="499.995",
        allowed_genders="female",
        is_public=False,
        interest_ids=[4, 2],
        duration_hours="1.5",
    )
    assert view.title == "Moonrise Jam"
    assert view.slug == "moonrise-jam"
    assert view.canonical_id == event.canonical_id  # links keep working after a rename
    assert view.description == ""
    assert view.max_capacity == 0
    assert (view.is_paid, view.ticket_price) == (True, Decimal("500.00"))
    assert view.allowed_genders == AllowedGenders.FEMALE.value
    assert view.is_public is False
    assert sorted(i.id for i in view.interests) == [2, 4]
    assert view.start_time == event.start_time
    assert view.end_time - view.start_time == timedelta(hours=1.5)
    assert view.venue == event.venue


async def test_moving_the_event_in_time_and_place(world: World) -> None:
    host = await world.member(1)
    event = await world.create(host)
    later = (world.fakes.clock.now() + timedelta(days=10)).replace(microsecond=0)
    view = await update(
        world,
        host.id,
        event.id,
        start_time=later.isoformat(),
        place=PlaceInput(venue_name="Toit", address="80 Feet Rd, Koramangala, Bengaluru, Karnataka 560034, India"),
    )
    assert view.start_time == later
    assert view.end_time == later + timedelta(hours=3)
    assert view.venue is not None
    assert view.venue.city == "Bangalore"
    assert view.canonical_path.startswith("/in/bangalore/events/")
    with pytest.raises(InvalidInput) as raised:
        await update(world, host.id, event.id, start_time="2001-01-01T00:00:00Z")
    assert raised.value.code == "START_TIME_IN_PAST"
    with pytest.raises(InvalidInput) as raised:
        await update(world, host.id, event.id, end_time=(later - timedelta(hours=1)).isoformat())
    assert raised.value.code == "INVALID_DURATION"


@pytest.mark.parametrize(("minutes", "accepted"), [(5, False), (14, False), (15, True), (7 * 24 * 60, True)])
async def test_an_end_time_gives_a_length_a_duration_may_have(world: World, minutes: int, accepted: bool) -> None:
    """15 minutes to a week, whether the length comes as duration_hours or as an end_time (is_event_length)."""
    host = await world.member(1)
    event = await world.create(host)
    end = event.start_time + timedelta(minutes=minutes)
    if accepted:
        assert (await update(world, host.id, event.id, end_time=end.isoformat())).end_time == end
        return
    with pytest.raises(InvalidInput) as raised:
        await update(world, host.id, event.id, end_time=end.isoformat())
    assert raised.value.code == "INVALID_DURATION"
    assert [p.message for p in raised.value.problems] == ["The event must last between 0.25 and 168 hours"]
    with pytest.raises(InvalidInput) as raised:
        await update(world, host.id, event.id, duration_hours=minutes / 60)
    assert raised.value.code == "INVALID_DURATION"


async def test_bad_input_changes_nothing(world: World) -> None:
    host = await world.member(1)
    event = await world.create(host)
    with pytest.raises(InvalidInput):
        await update(world, host.id, event.id, title="Good title", max_capacity=-1, allowed_genders="x")
    stored = await world.stored_event(event.id)
    assert stored.title == "Sunset Jam Session"
    assert stored.max_capacity == 40
    assert [e.action for e in await world.audit("event", event.id)] == ["event.created"]


async def test_status_moves_only_along_the_lifecycle(world: World) -> None:
    host = await world.member(1)
    event = await world.create(host)
    with pytest.raises(InvalidStatusTransition):
        await update(world, host.id, event.id, status="draft")
    assert (await update(world, host.id, event.id, status="postponed")).status is EventStatus.POSTPONED
    assert (await update(world, host.id, event.id, status="published")).status is EventStatus.PUBLISHED
    assert (await update(world, host.id, event.id, status="cancelled")).status is EventStatus.CANCELLED
    with pytest.raises(EventNotEditable):
        await update(world, host.id, event.id, status="published")
    with pytest.raises(EventNotEditable):
        await update(world, host.id, event.id, title="Back on")
    actions = [e.action for e in await world.audit("event", event.id)]
    assert actions == ["event.created", "event.updated", "event.updated", "event.cancelled"]
    assert any(e.event == "event_cancelled" for e in world.fakes.analytics.events)


async def test_capacity_and_price_respect_seats_taken(world: World) -> None:
    host = await world.member(1)
    event = await world.create(host, is_paid="true", ticket_price="500")
    await world.change_event(event.id, seats_taken=10)
    with pytest.raises(Conflict) as raised:
        await update(world, host.id, event.id, max_capacity=9)
    assert raised.value.code == "CAPACITY_BELOW_SEATS_TAKEN"
    assert (await update(world, host.id, event.id, max_capacity=10)).max_capacity == 10
    with pytest.raises(Conflict) as raised:
        await update(world, host.id, event.id, ticket_price="400")
    assert raised.value.code == "PRICE_LOCKED"
    with pytest.raises(Conflict):
        await update(world, host.id, event.id, is_paid=False)


async def test_turning_paid_needs_a_price_and_turning_free_drops_it(world: World) -> None:
    host = await world.member(1)
    event = await world.create(host)
    with pytest.raises(InvalidInput) as raised:
        await update(world, host.id, event.id, is_paid=True)
    assert raised.value.code == "INVALID_TICKET_PRICE"
    paid = await update(world, host.id, event.id, is_paid=True, ticket_price=250.5)
    assert paid.ticket_price == Decimal("250.50")
    free = await update(world, host.id, event.id, is_paid=False)
    assert (free.is_paid, free.ticket_price) == (False, Decimal("0.00"))


async def test_covers_can_be_reordered_and_removed_and_removed_files_go(world: World) -> None:
    host = await world.member(1)
    event = await world.create(host, cover_images=[cover(1), cover(2), cover(3)])
    first, second, third = event.cover_images
    view = await update(world, host.id, event.id, cover_images=[third, first])
    assert view.cover_images == (third, first)
    assert len(world.files()) == 2  # the removed cover is deleted by a job after the commit
    with pytest.raises(InvalidInput) as raised:
        await update(world, host.id, event.id, cover_images=["https://elsewhere.example/x.png"])
    assert raised.value.code == "INVALID_COVER_IMAGE"
    assert second not in (await update(world, host.id, event.id, cover_images=[])).cover_images


async def test_only_the_host_or_staff_may_change_an_event(world: World) -> None:
    host, other = await world.member(1), await world.member(2)
    staff = await world.member(3, role=Role.STAFF)
    public = await world.create(host)
    private = await world.create(host, is_public="false")
    draft = await world.create(host, publish="false")
    with pytest.raises(NotEventHost):
        await update(world, other.id, public.id, title="Mine now")
    for hidden in (private, draft):  # events they may not see do not exist for them
        with pytest.raises(EventNotFound):
            await update(world, other.id, hidden.id, title="Mine now")
        with pytest.raises(EventNotFound):
            await world.run(DeleteEvent, member_id=other.id, event_id=hidden.id)
    with pytest.raises(NotEventHost):
        await world.run(DeleteEvent, member_id=other.id, event_id=public.id)
    assert (await update(world, staff.id, private.id, title="Checked by staff")).title == "Checked by staff"
    (_, entry) = await world.audit("event", private.id)
    assert entry.actor_id == staff.id
    assert (await world.stored_event(public.id)).title == "Sunset Jam Session"


async def test_waitlisted_members_are_refused(world: World) -> None:
    host = await world.member(1)
    event = await world.create(host)
    waiting = await world.member(2, status=MemberStatus.WAITLISTED)
    with pytest.raises(MemberWaitlisted):
        await update(world, waiting.id, event.id, title="x")
    with pytest.raises(MemberWaitlisted):
        await world.run(DeleteEvent, member_id=waiting.id, event_id=event.id)


async def test_delete_is_soft_and_final(world: World) -> None:
    host = await world.member(1)
    event = await world.create(host)
    await world.run(DeleteEvent, member_id=host.id, event_id=event.id)
    stored = await world.stored_event(event.id)
    assert stored.deleted_at == world.fakes.clock.now()
    for member_id in (host.id,):
        with pytest.raises(EventNotFound):
            await world.run(GetEvent, member_id=member_id, event_id=event.id)
    with pytest.raises(EventNotFound):
        await world.run(DeleteEvent, member_id=host.id, event_id=event.id)
    with pytest.raises(EventNotFound):
        await update(world, host.id, event.id, title="Undead")
    assert [e.action for e in await world.audit("event", event.id)] == ["event.created", "event.deleted"]


async def test_an_event_guests_hold_seats_for_is_cancelled_before_it_is_deleted(world: World) -> None:
    host = await world.member(1)
    event = await world.create(host)
    await world.change_event(event.id, seats_taken=2)
    with pytest.raises(EventHasGuests) as raised:
        await world.run(DeleteEvent, member_id=host.id, event_id=event.id)
    assert raised.value.code == "EVENT_HAS_GUESTS"
    assert (
        raised.value.message == "Guests hold seats for this event. Cancel it first, so they are told and refunded."
    )
    await update(world, host.id, event.id, status="cancelled")
    await world.run(DeleteEvent, member_id=host.id, event_id=event.id)
    assert (await world.stored_event(event.id)).is_deleted
