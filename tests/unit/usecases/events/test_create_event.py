"""CreateEvent on the in-memory adapters: what is stored, what is refused, what leaves after commit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from dishka import Provider, Scope

from loopin.adapters.memory.events import MemoryEventRepository
from loopin.adapters.memory.store import MemoryTransaction
from loopin.domain.events.event import Event, EventStatus
from loopin.domain.events.feed import FeedQuery
from loopin.domain.events.venue import VenueNotFound
from loopin.domain.events.visibility import Viewer
from loopin.domain.identity.member import MemberStatus, MemberWaitlisted, ProfileIncomplete
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.audit.record import RECORD_AUDIT_ENTRY
from loopin.usecases.events.create import CreateEvent
from loopin.usecases.events.ports import EventReader, EventRepository
from loopin.usecases.platform.analytics import CAPTURE
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.forms import cover, event_input, start_in
from tests.unit.usecases.world import World


async def count_events(world: World) -> int:
    async with world.container() as scope:
        page = await (await scope.get(EventReader)).page(
            FeedQuery(upcoming=False, limit=100), Viewer(0, is_staff=True), world.fakes.clock.now()
        )
    return page.total


async def test_the_apps_go_live_publishes_at_once(world: World) -> None:
    host = await world.member(1, name="Asha Rao")
    view = await world.create(host, status="draft", cover_images=[cover(1), cover(2)])
    assert view.status is EventStatus.PUBLISHED  # "draft" is what the app always sends on Go live
    assert view.id > 0
    assert view.host.id == host.id
    assert view.host.name == "Asha Rao"
    assert view.title == "Sunset Jam Session"
    assert view.max_capacity == 40
    assert view.ticket_price == Decimal("0.00")
    assert view.timezone == "Asia/Kolkata"
    assert view.end_time - view.start_time == timedelta(hours=3)
    assert view.start_time.astimezone(UTC).hour == 18  # local midnight in India
    assert view.venue is not None
    assert view.venue.city == "Mumbai"  # read from the address: the app sends the venue name as the city
    assert view.venue.latitude == 19.0658
    assert view.canonical_path == f"/in/mumbai/events/sunset-jam-session--{view.canonical_id}"
    assert view.share_url == "https://loopinsocial.in" + view.canonical_path
    assert len(view.cover_images) == 2
    assert all(url.startswith("/api/media/events/") for url in view.cover_images)
    assert len(world.files()) == 2
    stored = await world.stored_event(view.id)
    assert stored.status is EventStatus.PUBLISHED
    assert stored.seats_taken == 0
    assert stored.requests_count == 0


async def test_publish_false_keeps_a_draft(world: World) -> None:
    host = await world.member(1)
    view = await world.create(host, publish="false", status="published")
    assert view.status is EventStatus.DRAFT


async def test_audit_entry_and_pseudonymous_analytics_after_commit(world: World) -> None:
    host = await world.member(1, name="Asha Rao")
    view = await world.create(host)
    (entry,) = await world.audit("event", view.id)
    assert entry.action == "event.created"
    assert entry.actor_id == host.id
    assert entry.target_type == "event"
    assert entry.details["title"] == "Sunset Jam Session"
    (captured,) = [e for e in world.fakes.analytics.events if e.event == "event_created"]
    assert captured.distinct_id.startswith("m_")
    assert str(host.id) != captured.distinct_id
    flat = repr(captured.properties)
    assert "Asha" not in flat
    assert "+91" not in flat
    assert captured.properties["event_id"] == view.id


async def test_jobs_leave_only_after_the_commit(recorded_world: World) -> None:
    host = await recorded_world.member(1)
    await recorded_world.create(host)
    assert [d.job.name for d in recorded_world.jobs.dispatched] == [RECORD_AUDIT_ENTRY, CAPTURE]


async def test_every_problem_is_reported_at_once_and_named_by_the_apps_codes(world: World) -> None:
    host = await world.member(1)
    with pytest.raises(InvalidInput) as raised:
        await world.run(
            CreateEvent,
            **event_input(
                world.fakes,
                host.id,
                title="",
                venue_name="",
                duration_hours="0",
                start_time="next friday",
                max_capacity="-5",
                is_paid="maybe",
                allowed_genders="aliens",
                event_interest_ids="1,2",
                status="cancelled",
            ),
        )
    assert raised.value.code == "TITLE_REQUIRED"
    fields = [p.field for p in raised.value.problems]
    assert fields[:4] == ["title", "venue_name", "duration_hours", "start_time"]
    assert {"max_capacity", "is_paid", "allowed_genders", "event_interest_ids", "status"} <= set(fields)
    assert await count_events(world) == 0


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"venue_name": " "}, "VENUE_NAME_REQUIRED"),
        ({"duration_hours": "-1"}, "INVALID_DURATION"),
        ({"duration_hours": "three"}, "INVALID_DURATION"),
        ({"start_time": "2020-01-01T00:00:00.000Z"}, "START_TIME_IN_PAST"),
        ({"start_time": "20/12/2030"}, "INVALID_DATETIME_FORMAT"),
        ({"is_paid": "true", "ticket_price": "0.0"}, "INVALID_TICKET_PRICE"),
        ({"is_paid": "false", "ticket_price": "100"}, "INVALID_TICKET_PRICE"),
        ({"gst_number": "123"}, "INVALID_GST_NUMBER"),
        ({"rsvp_expiry_policy": "1y"}, "INVALID_RSVP_EXPIRY_POLICY"),
        ({"latitude": "200"}, "INVALID_COORDINATES"),
        ({"latitude": "19.0", "longitude": ""}, "INVALID_COORDINATES"),
        ({"timezone": "Mars/Base"}, "INVALID_TIMEZONE"),
        ({"description": "x" * 20_001}, "INVALID_DESCRIPTION"),
        ({"title": "x" * 201}, "INVALID_TITLE"),
        ({"cover_images": [cover(i) for i in range(4)]}, "TOO_MANY_COVER_IMAGES"),
    ],
)
async def test_bad_fields_store_nothing(world: World, fields: dict[str, object], code: str) -> None:
    host = await world.member(1)
    with pytest.raises(InvalidInput) as raised:
        await world.run(CreateEvent, **event_input(world.fakes, host.id, **fields))
    assert raised.value.code == code
    assert await count_events(world) == 0
    assert world.files() == []


async def test_covers_are_checked_by_their_bytes(world: World) -> None:
    from loopin.usecases.platform.files import UploadedFile

    host = await world.member(1)
    fake_png = UploadedFile("cover.png", b"<html>" + b"x" * 500)
    with pytest.raises(InvalidInput) as raised:
        await world.run(CreateEvent, **event_input(world.fakes, host.id, cover_images=[cover(), fake_png]))
    assert raised.value.code == "INVALID_COVER_IMAGE"
    assert "Cover image 2" in raised.value.problems[0].message
    big = UploadedFile("big.png", cover().data + b"\0" * (5 * 1024 * 1024))
    with pytest.raises(InvalidInput):
        await world.run(CreateEvent, **event_input(world.fakes, host.id, cover_images=[big]))
    assert world.files() == []


async def test_unknown_interests_are_refused_before_any_file_is_written(world: World) -> None:
    host = await world.member(1)
    with pytest.raises(InvalidInput) as raised:
        await world.run(
            CreateEvent,
            **event_input(world.fakes, host.id, event_interest_ids="[1, 999]", cover_images=[cover()]),
        )
    assert raised.value.code == "INVALID_EVENT_INTERESTS"
    assert world.files() == []
    view = await world.create(host, event_interest_ids="[7, 1, 1]")
    assert sorted(i.id for i in view.interests) == [1, 7]


async def test_covers_written_before_a_failed_commit_are_removed(make_world: MakeWorld) -> None:
    class FailingRepository(MemoryEventRepository):
        async def add(self, event: Event) -> Event:
            raise RuntimeError("the database went away")

    def failing(tx: MemoryTransaction) -> EventRepository:
        return FailingRepository(tx)

    override = Provider(scope=Scope.REQUEST)
    override.provide(failing, provides=EventRepository, override=True)
    world = await make_world(override)
    fakes = world.fakes
    host = await world.member(1)
    with pytest.raises(RuntimeError):
        await world.run(CreateEvent, **event_input(fakes, host.id, cover_images=[cover(1), cover(2)]))
    assert world.files() == []
    assert not [e for e in fakes.analytics.events if e.event == "event_created"]


@pytest.mark.parametrize(
    ("status", "error"),
    [(MemberStatus.WAITLISTED, MemberWaitlisted), (MemberStatus.ONBOARDING, ProfileIncomplete)],
)
async def test_only_active_members_host(world: World, status: MemberStatus, error: type[Exception]) -> None:
    member = await world.member(1, status=status)
    with pytest.raises(error):
        await world.create(member)
    assert await count_events(world) == 0


async def test_the_same_place_reuses_its_venue(world: World) -> None:
    host = await world.member(1)
    first = await world.create(host)
    same_id = await world.create(host, venue_name="Carter Rd Amphi", address="elsewhere")  # same place id
    same_text = await world.create(
        host, place_id="", venue_name="Cafe Zoe", address="Mathuradas Mills, Lower Parel, Mumbai", city="Mumbai"
    )
    again = await world.create(
        host,
        place_id="",
        venue_name=" CAFE ZOE ",
        address="Mathuradas Mills,  Lower Parel, Mumbai.",
        city="mumbai",
    )
    assert first.venue is not None
    assert same_id.venue is not None
    assert same_id.venue.id == first.venue.id
    assert same_text.venue is not None
    assert again.venue is not None
    assert again.venue.id == same_text.venue.id != first.venue.id


async def test_an_existing_venue_by_id(world: World) -> None:
    host = await world.member(1)
    first = await world.create(host)
    assert first.venue is not None
    second = await world.create(host, venue_id=str(first.venue.id), venue_name="")
    assert second.venue is not None
    assert second.venue.id == first.venue.id
    with pytest.raises(VenueNotFound):
        await world.create(host, venue_id="9999", venue_name="")


async def test_times_without_offset_are_the_events_local_time(world: World) -> None:
    host = await world.member(1)
    day = (world.fakes.clock.now() + timedelta(days=5)).date()
    view = await world.create(host, start_time=f"{day}T19:00:00", timezone="Europe/Berlin")
    assert view.timezone == "Europe/Berlin"
    expected = datetime(day.year, day.month, day.day, 18, tzinfo=UTC)  # 19:00 CET
    assert view.start_time == expected


async def test_an_event_created_while_the_queue_is_down_is_saved_with_its_covers(make_world: MakeWorld) -> None:
    from collections.abc import Sequence

    from loopin.adapters.jobs.dispatch import JobDispatcher
    from loopin.adapters.jobs.outbox import Outbox
    from loopin.usecases.events.browse import GetEvent
    from loopin.usecases.shared.ports import Job

    class QueueDown:
        async def dispatch(self, jobs: Sequence[Job]) -> None:
            if jobs:
                raise ConnectionError("redis is down")

    override = Provider(scope=Scope.APP)
    override.provide(lambda: QueueDown(), provides=JobDispatcher, override=True)
    world = await make_world(override)
    fakes = world.fakes
    host = await world.member(1)
    await world.run(CreateEvent, **event_input(fakes, host.id, cover_images=[cover(1)]))  # no error
    assert len(world.files()) == 1  # the event is stored, so its cover stays
    async with world.container() as scope:
        waiting = await (await scope.get(Outbox)).pending()
    assert {m.job.name for m in waiting} == {RECORD_AUDIT_ENTRY, CAPTURE}
    assert await count_events(world) == 1
    event = await world.run(GetEvent, member_id=host.id, event_id=1)  # and the cache was told
    assert len(event.cover_images) == 1


async def test_a_retried_create_answers_with_the_event_it_already_made(world: World) -> None:
    host = await world.member(1)
    start = start_in(world.fakes)
    first = await world.create(host, start_time=start, cover_images=[cover(1)])
    again = await world.create(host, start_time=start, cover_images=[cover(1)])  # the app timed out: tapped again
    assert again.id == first.id
    assert len(world.files()) == 1  # the repeat stored no second cover
    assert len(await world.audit("event", first.id)) == 1
    other_title = await world.create(host, start_time=start, title="Another jam")
    assert other_title.id != first.id
    world.fakes.clock.advance(timedelta(minutes=11))
    later = await world.create(host, start_time=start)
    assert later.id not in (first.id, other_title.id)  # outside the window it is a new event
    assert await count_events(world) == 3
