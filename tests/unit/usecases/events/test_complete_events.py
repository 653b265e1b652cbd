"""The scheduled completion on the in-memory adapters, and what a completed event still is to everyone who
reads it (host, guests, the door, cancellation)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dishka import Provider, Scope

from loopin.domain.attendance.errors import CheckInClosed, EventNotOpen
from loopin.domain.events.changes import EventChanges
from loopin.domain.events.event import CHECK_IN_AFTER_END, Event, EventNotEditable, EventStatus
from loopin.domain.identity.member import Role
from loopin.usecases.attendance.guest_tickets import ListMyTickets
from loopin.usecases.attendance.requests import CreateJoinRequest
from loopin.usecases.attendance.tickets import ConfirmAttendance
from loopin.usecases.attendance.views import TicketView
from loopin.usecases.events.browse import FeedFilters, GetEvent, ListFeed
from loopin.usecases.events.completion import CompleteEndedEvents
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.manage import UpdateEvent
from loopin.usecases.payments.jobs import REFUND_EVENT
from tests.unit.usecases.attendance.test_checkin import scan, ticket_for
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.world import World


async def complete(world: World) -> int:
    done: int = await world.run(CompleteEndedEvents)
    return done


def to_door_closing(world: World, event: Event, *, before: timedelta = timedelta(0)) -> None:
    """The clock to the first second the door no longer admits guests (less ``before``)."""
    world.advance(event.end_time + CHECK_IN_AFTER_END + timedelta(seconds=1) - before - world.now)


async def test_an_event_completes_when_its_door_closes_once_audited_without_an_actor(world: World) -> None:
    host = await world.member(1)
    event = await world.event(host)
    to_door_closing(world, event, before=timedelta(seconds=1))
    assert await complete(world) == 0
    assert (await world.reload(event)).status is EventStatus.PUBLISHED
    world.advance(timedelta(seconds=1))
    assert await complete(world) == 1
    stored = await world.reload(event)
    assert (stored.status, stored.updated_at) == (EventStatus.COMPLETED, world.now)
    world.advance(timedelta(minutes=5))
    assert await complete(world) == 0  # the next run finds nothing more
    [entry] = [e for e in await world.audit("event", event.id) if e.action == "event.completed"]
    assert entry.actor_id is None
    assert entry.details["status"] == "completed"


async def test_drafts_postponed_cancelled_and_deleted_events_stay_as_they_are(world: World) -> None:
    host = await world.member(1)
    kept = {
        status: await world.event(host, status=status)
        for status in (EventStatus.DRAFT, EventStatus.POSTPONED, EventStatus.CANCELLED)
    }
    deleted = await world.event(host)
    await world.change_event(deleted, deleted_at=world.now)
    due = await world.event(host)
    world.advance(timedelta(days=30))
    assert await complete(world) == 1
    assert (await world.reload(due)).status is EventStatus.COMPLETED
    for status, event in kept.items():
        assert (await world.reload(event)).status is status
    assert (await world.reload(deleted)).status is EventStatus.PUBLISHED


async def test_every_ended_event_is_completed_in_batches(make_world: MakeWorld) -> None:
    small = Provider(scope=Scope.APP)
    small.provide(lambda: EventsConfig(completion_batch=2), provides=EventsConfig, override=True)
    world = await make_world(small)
    host = await world.member(1)
    ended = [await world.event(host, starts_in=timedelta(days=1, hours=n)) for n in range(5)]
    later = await world.event(host, starts_in=timedelta(days=30))
    world.advance(timedelta(days=3))
    assert await complete(world) == 5
    assert [(await world.reload(e)).status for e in ended] == [EventStatus.COMPLETED] * 5
    assert (await world.reload(later)).status is EventStatus.PUBLISHED


async def test_feeds_and_details_show_it_completed_at_once(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host)
    to_door_closing(world, event)
    assert (await world.run(GetEvent, member_id=guest.id, event_id=event.id)).status is EventStatus.PUBLISHED
    everything = FeedFilters(is_upcoming=False)
    assert [e.status for e in (await world.run(ListFeed, member_id=host.id, filters=everything)).events] == [
        EventStatus.PUBLISHED
    ]
    await complete(world)  # the cache is invalidated after the commit
    assert (await world.run(GetEvent, member_id=guest.id, event_id=event.id)).status is EventStatus.COMPLETED
    own = await world.run(ListFeed, member_id=host.id, filters=everything)
    assert [(e.id, e.status) for e in own.events] == [(event.id, EventStatus.COMPLETED)]  # still the host's


async def test_guests_keep_their_tickets_and_the_door_is_open_until_it_completes(world: World) -> None:
    host, guest, late = await world.member(1), await world.member(2), await world.member(3)
    event = await world.event(host, starts_in=timedelta(hours=2))
    ticket = await ticket_for(world, host, guest, event.id)
    to_door_closing(world, event, before=timedelta(minutes=1))
    await complete(world)
    assert (await scan(world, host, event.id, ticket.ticket_secret)).attendee.checked_in  # not completed yet
    world.advance(timedelta(minutes=1))
    assert await complete(world) == 1
    with pytest.raises(CheckInClosed):
        await scan(world, host, event.id, ticket.ticket_secret)
    mine: list[TicketView] = await world.run(ListMyTickets, member_id=guest.id)
    assert [(t.ticket_id, t.event_id, t.status) for t in mine] == [(ticket.ticket_id, event.id, "checked_in")]
    with pytest.raises(EventNotOpen):
        await world.run(CreateJoinRequest, member_id=late.id, event_id=event.id, seats_requested=1)
    with pytest.raises(EventNotOpen):
        await world.run(ConfirmAttendance, member_id=late.id, event_id=event.id)


async def test_a_completed_event_cannot_be_cancelled_so_nobody_is_refunded(world: World) -> None:
    host = await world.member(1)
    event = await world.event(host)
    to_door_closing(world, event)
    await complete(world)
    for actor in (host, await world.member(9, role=Role.STAFF)):
        with pytest.raises(EventNotEditable):
            await world.run(
                UpdateEvent, member_id=actor.id, event_id=event.id, changes=EventChanges(status="cancelled")
            )
    assert (await world.reload(event)).status is EventStatus.COMPLETED
    assert world.jobs.named(REFUND_EVENT) == []
