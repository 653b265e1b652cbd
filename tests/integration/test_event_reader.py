"""EventReader contract: the SQL query and the in-memory reader both implement ``FeedQuery.matches``.

A matrix of events (every status, public and private, deleted, over, two cities, interests) is read by
every kind of viewer through many queries; each answer must equal the domain rule applied to the rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from dishka import AsyncContainer

from loopin.domain.events.event import Event, EventStatus
from loopin.domain.events.feed import FeedQuery
from loopin.domain.events.venue import Venue
from loopin.domain.events.visibility import Viewer
from loopin.domain.identity.member import Member
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.ports import EventReader, PlatformFees
from loopin.usecases.events.views import ViewShape
from loopin.usecases.platform.ports import FileStorage
from tests.integration.events_support import event, full_event, members, store_events, store_venues, venue
from tests.support import Fakes


async def world(container: AsyncContainer, now: datetime) -> tuple[list[Member], dict[int, Venue], list[Event]]:
    people = await members(container, now, 4, staff=(3,))
    mumbai, pune = await store_venues(
        container, venue(now, "Carter Road", "Mumbai"), venue(now, "Vetal Hill", "Pune", country_code="in")
    )
    rows: list[Event] = []
    day = 1.0
    for host in people[:2]:
        for status in EventStatus:
            for public in (True, False):
                day += 0.5
                rows.append(
                    event(
                        host,
                        now,
                        days=day,
                        title=f"{status.value} {'public' if public else 'private'} by {host.id} jam"
                        if public
                        else f"{status.value} secret by {host.id}",
                        status=status,
                        is_public=public,
                        venue_id=(mumbai if int(day * 2) % 2 else pune).id,
                        interest_ids=(1, 4) if public else (7,),
                        description="Bring your GUITAR" if status is EventStatus.PUBLISHED else "",
                    )
                )
    same_time = event(people[0], now, days=20, title="Tie A")
    rows += [same_time, event(people[0], now, days=20, title="Tie B")]
    rows.append(event(people[1], now, days=-2, title="Over already"))
    gone = event(people[1], now, days=3, title="Deleted one")
    gone.deleted_at = now
    rows.append(gone)
    rows.append(event(people[1], now, days=4, title="No venue"))
    stored = await store_events(container, *rows)
    return people, {mumbai.id: mumbai, pune.id: pune}, stored


QUERIES = [
    FeedQuery(limit=100),
    FeedQuery(upcoming=False, limit=100),
    FeedQuery(statuses=(EventStatus.DRAFT, EventStatus.CANCELLED), upcoming=False, limit=100),
    FeedQuery(is_public=False, limit=100),
    FeedQuery(host_id=2, limit=100),
    FeedQuery(interest_id=7, limit=100),
    FeedQuery(interest_id=4, limit=100),
    FeedQuery(city="pune", limit=100),
    FeedQuery(city="Bombay", country_code="IN", limit=100),
    FeedQuery(country_code="us", limit=100),
    FeedQuery(search="guitar", limit=100),
    FeedQuery(search="100%_", limit=100),
    FeedQuery(search="JAM", upcoming=False, limit=100),
    FeedQuery(offset=3, limit=4),
    FeedQuery(offset=500, limit=4),
]


@pytest.mark.parametrize("viewer_kind", ["host1", "host2", "staff", "guest", "invited", "anonymous"])
async def test_reader_answers_the_domain_rule(
    any_container: AsyncContainer, fakes: Fakes, viewer_kind: str
) -> None:
    now = fakes.clock.now()
    people, venues, stored = await world(any_container, now)
    private_of_host2 = [e.id for e in stored if not e.is_public and e.host_id == people[1].id]
    viewer = {
        "host1": Viewer(people[0].id),
        "host2": Viewer(people[1].id),
        "staff": Viewer(people[2].id, is_staff=True),
        "guest": Viewer(people[3].id),
        "invited": Viewer(people[3].id, granted=frozenset(private_of_host2)),
        "anonymous": Viewer.anonymous(),
    }[viewer_kind]
    for query in QUERIES:
        truth = sorted(
            (e for e in stored if query.matches(e, venues.get(e.venue_id or 0), viewer, now)),
            key=lambda e: (e.start_time, e.id),
        )
        async with any_container() as scope:
            page = await (await scope.get(EventReader)).page(query, viewer, now)
        assert page.total == len(truth), query
        assert [r.event.id for r in page.records] == [e.id for e in truth][
            query.offset : query.offset + query.limit
        ]


async def test_records_carry_host_venue_and_interests(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    (host,) = await members(any_container, now, 1)
    (place,) = await store_venues(any_container, venue(now, latitude=19.0658, longitude=72.8226, place_id="p-1"))
    (stored,) = await store_events(
        any_container,
        event(host, now, venue_id=place.id, interest_ids=(7, 1, 999)),  # 999: unknown
    )
    async with any_container() as scope:
        reader = await scope.get(EventReader)
        record = await reader.record(stored.id)
        by_canonical = await reader.record_by_canonical_id(stored.canonical_id)
        missing = await reader.record(999999)
    assert record is not None
    assert record == by_canonical
    assert missing is None
    assert (record.host.id, record.host.name, record.host.picture_key) == (host.id, "Member 1", "profiles/1/a.png")
    assert record.venue is not None
    assert (record.venue.id, record.venue.latitude, record.venue.longitude) == (place.id, 19.0658, 72.8226)
    assert [i.name for i in record.interests] == ["Fitness", "Music"]  # known ones, by name


async def test_the_upcoming_boundary_is_the_end_time(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    (host,) = await members(any_container, now, 1)
    (stored,) = await store_events(any_container, event(host, now, days=1))
    async with any_container() as scope:
        reader = await scope.get(EventReader)
        during = await reader.page(FeedQuery(), Viewer(None), stored.start_time + timedelta(hours=1))
        at_end = await reader.page(FeedQuery(), Viewer(None), stored.end_time)
    assert during.total == 1
    assert at_end.total == 0


@pytest.mark.parametrize("viewer_kind", ["host1", "staff", "invited", "anonymous"])
async def test_the_read_model_builds_the_views_the_records_make(
    any_container: AsyncContainer, fakes: Fakes, viewer_kind: str
) -> None:
    """``page_views`` (rows straight into views, the feed's miss) equals ``page`` then ``ViewShape.of``, the
    entity path, field for field: paid and free, with and without a venue, covers, unknown interests,
    deleted, every status, several cities (and so the same bytes once presented)."""
    now = fakes.clock.now()
    people, _, stored = await world(any_container, now)
    (berlin,) = await store_venues(
        any_container, venue(now, "Tempelhof", "Berlin", country_code="de", latitude=52.47, longitude=13.40)
    )
    full = full_event(people[0], now, berlin.id)
    full.interest_ids = (7, 1, 999)
    await store_events(any_container, full)
    private = frozenset(e.id for e in stored if not e.is_public)
    viewer = {
        "host1": Viewer(people[0].id),
        "staff": Viewer(people[2].id, is_staff=True),
        "invited": Viewer(people[3].id, granted=private),
        "anonymous": Viewer.anonymous(),
    }[viewer_kind]
    async with any_container() as scope:
        shape = ViewShape(
            await scope.get(FileStorage),
            (await scope.get(EventsConfig)).site_url,
            await (await scope.get(PlatformFees)).policy(),
        )
        reader = await scope.get(EventReader)
        seen = []
        for query in QUERIES:
            records = await reader.page(query, viewer, now)
            views = await reader.page_views(query, viewer, now, shape)
            assert views.total == records.total, query
            assert views.views == [shape.of(r) for r in records.records], query
            seen += views.views
    assert {v.venue is None for v in seen} == {True, False}
    if viewer_kind in ("host1", "staff"):
        shown = next(v for v in seen if v.id == full.id)
        assert shown.platform_fee > 0
        assert len(shown.cover_images) == 2
        assert [i.name for i in shown.interests] == ["Fitness", "Music"]  # known ones, by name


async def test_the_read_model_builds_an_events_view_as_its_record_makes_it(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    """``detail_view`` (one statement, the event's miss) equals ``record`` then ``ViewShape.of`` for every event
    (deleted, draft, private, with and without a venue, paid, covers, unknown interests); none for no event."""
    now = fakes.clock.now()
    people, _, stored = await world(any_container, now)
    (berlin,) = await store_venues(
        any_container, venue(now, "Tempelhof", "Berlin", country_code="de", latitude=52.47, longitude=13.40)
    )
    full = full_event(people[0], now, berlin.id)
    full.interest_ids = (7, 1, 999)
    (full,) = await store_events(any_container, full)
    async with any_container() as scope:
        shape = ViewShape(
            await scope.get(FileStorage),
            (await scope.get(EventsConfig)).site_url,
            await (await scope.get(PlatformFees)).policy(),
        )
        reader = await scope.get(EventReader)
        for event_id in [e.id for e in stored] + [full.id]:
            record = await reader.record(event_id)
            assert record is not None
            assert await reader.detail_view(event_id, shape) == shape.of(record), event_id
        assert await reader.detail_view(999_999, shape) is None
        assert await reader.detail_view(2**63, shape) is None
        shown = await reader.detail_view(full.id, shape)
    assert shown is not None
    assert [i.name for i in shown.interests] == ["Fitness", "Music"]
    assert {e.is_deleted for e in stored} == {True, False}
