"""The feed, event detail and share links: visibility, paging, pinning, and the cache."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopin.domain.events.changes import EventChanges
from loopin.domain.events.event import EventNotFound, EventStatus
from loopin.domain.identity.member import Member, MemberStatus, MemberWaitlisted, Role
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.events.browse import FeedFilters, GetEvent, GetShareUrl, ListFeed
from loopin.usecases.events.manage import UpdateEvent
from loopin.usecases.events.views import EventView, FeedPageView, ShareLink
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.forms import start_in
from tests.unit.usecases.world import World


async def feed(world: World, member: Member, **params: object) -> FeedPageView:
    page: FeedPageView = await world.run(ListFeed, member_id=member.id, filters=FeedFilters(**params))  # type: ignore[arg-type]
    return page


def titles(page: FeedPageView) -> list[str]:
    return [e.title for e in page.events]


async def test_members_see_public_published_events_and_their_own_everything(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    staff = await world.member(3, role=Role.STAFF)
    await world.create(host, title="Public party", start_time=start_in(world.fakes, 4))
    await world.create(host, title="Private dinner", is_public="false", start_time=start_in(world.fakes, 3))
    await world.create(host, title="Draft plan", publish="false", start_time=start_in(world.fakes, 2))
    cancelled = await world.create(host, title="Cancelled gig", start_time=start_in(world.fakes, 5))
    await world.run(
        UpdateEvent, member_id=host.id, event_id=cancelled.id, changes=EventChanges(status="cancelled")
    )
    deleted = await world.create(host, title="Deleted", start_time=start_in(world.fakes, 6))
    await world.change_event(deleted.id, deleted_at=world.fakes.clock.now())
    assert titles(await feed(world, guest)) == ["Public party"]
    assert titles(await feed(world, host)) == ["Draft plan", "Private dinner", "Public party", "Cancelled gig"]
    assert titles(await feed(world, staff)) == ["Draft plan", "Private dinner", "Public party", "Cancelled gig"]
    guest_search = await feed(world, guest, search="dinner")
    assert guest_search.total == 0
    assert titles(await feed(world, guest, host_id=host.id, is_upcoming=False)) == ["Public party"]
    assert (await feed(world, guest, status="draft")).events == ()


async def test_feed_is_soonest_first_and_pages_with_offset_and_limit(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    for day in (5, 2, 9, 3):
        await world.create(host, title=f"Day {day}", start_time=start_in(world.fakes, day))
    page = await feed(world, guest, limit=2)
    assert (page.total, page.offset, page.limit) == (4, 0, 2)
    assert titles(page) == ["Day 2", "Day 3"]
    assert titles(await feed(world, guest, offset=2, limit=2)) == ["Day 5", "Day 9"]
    assert titles(await feed(world, guest, offset=4, limit=2)) == []


async def test_past_events_leave_the_feed_once_they_end(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    await world.create(host, start_time=start_in(world.fakes, 1), duration_hours="2")
    assert (await feed(world, guest)).total == 1
    world.fakes.clock.advance(timedelta(days=3))
    assert (await feed(world, guest, limit=10)).total == 0  # another key: the cached default page may linger
    assert (await feed(world, guest, is_upcoming=False)).total == 1


async def test_feed_filters(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    await world.create(host, title="Jam in Mumbai", event_interest_ids="[1]")
    await world.create(
        host,
        title="Pune run",
        place_id="",
        venue_name="Vetal Hill",
        city="Vetal Hill",
        address="Vetal Tekdi, Pune, Maharashtra 411004, India",
        event_interest_ids="[7]",
    )
    assert titles(await feed(world, guest, city="pune")) == ["Pune run"]
    assert titles(await feed(world, guest, city="Bombay")) == ["Jam in Mumbai"]
    assert titles(await feed(world, guest, interest_id=7)) == ["Pune run"]
    assert titles(await feed(world, guest, search="JAM")) == ["Jam in Mumbai"]
    assert titles(await feed(world, guest, country_code="IN", limit=10)) == ["Jam in Mumbai", "Pune run"]
    assert titles(await feed(world, guest, is_public=False)) == []


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"status": "bogus"},
        {"search": "x" * 101},
        {"country_code": "ind"},
        {"country_code": "12"},  # two characters, not two letters: refused as a venue's country code is
        {"country_code": "é1"},
    ],
)
async def test_bad_feed_parameters(world: World, params: dict[str, object]) -> None:
    guest = await world.member(2)
    with pytest.raises(InvalidInput):
        await feed(world, guest, **params)


async def test_the_apps_page_carries_the_hosts_own_events_beyond_it(world: World) -> None:
    host, other, guest = await world.member(1), await world.member(2), await world.member(3)
    for n in range(55):
        await world.create(other, title=f"Soon {n:02d}", start_time=start_in(world.fakes, 2))
    mine = await world.create(host, title="Mine, later", start_time=start_in(world.fakes, 30))
    app_page = await feed(world, host)
    assert app_page.limit == 50
    assert len(app_page.events) == 51
    assert app_page.events[-1].id == mine.id
    assert len((await feed(world, guest)).events) == 50  # other members get the plain page
    assert mine.id not in {e.id for e in (await feed(world, host, limit=50)).events}  # explicit paging is plain


async def test_waitlisted_members_get_403(world: World) -> None:
    host = await world.member(1)
    event = await world.create(host)
    waiting = await world.member(2, status=MemberStatus.WAITLISTED)
    with pytest.raises(MemberWaitlisted):
        await feed(world, waiting)
    with pytest.raises(MemberWaitlisted):
        await world.run(GetEvent, member_id=waiting.id, event_id=event.id)
    with pytest.raises(MemberWaitlisted):
        await world.run(GetShareUrl, member_id=waiting.id, event_id=event.id)


async def test_detail_hides_what_the_member_may_not_see(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    staff = await world.member(3, role=Role.STAFF)
    private = await world.create(host, is_public="false")
    draft = await world.create(host, publish="false")
    for event in (private, draft):
        with pytest.raises(EventNotFound):
            await world.run(GetEvent, member_id=guest.id, event_id=event.id)
        assert (await world.run(GetEvent, member_id=host.id, event_id=event.id)).id == event.id
        assert (await world.run(GetEvent, member_id=staff.id, event_id=event.id)).id == event.id
    with pytest.raises(EventNotFound):
        await world.run(GetEvent, member_id=guest.id, event_id=99999)


async def test_share_links(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    public = await world.create(host)
    private = await world.create(host, is_public="false")
    link: ShareLink = await world.run(GetShareUrl, member_id=None, event_id=public.id)
    assert link.canonical_id == public.canonical_id
    assert link.canonical_url == "https://loopinsocial.in" + link.canonical_path
    assert link.canonical_path.endswith(f"/events/sunset-jam-session--{public.canonical_id}")
    with pytest.raises(EventNotFound):
        await world.run(GetShareUrl, member_id=None, event_id=private.id)
    with pytest.raises(EventNotFound):
        await world.run(GetShareUrl, member_id=guest.id, event_id=private.id)
    assert (
        await world.run(GetShareUrl, member_id=host.id, event_id=private.id)
    ).canonical_id == private.canonical_id


async def test_reads_are_cached_until_a_change_invalidates_them(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.create(host)
    assert (await world.run(GetEvent, member_id=guest.id, event_id=event.id)).seats_taken == 0
    assert (await feed(world, guest)).events[0].seats_taken == 0
    await world.change_event(event.id, seats_taken=5)  # behind the cache's back
    assert (
        await world.run(GetEvent, member_id=guest.id, event_id=event.id)
    ).seats_taken == 0  # served from the cache
    assert (await feed(world, guest)).events[0].seats_taken == 0
    renamed: EventView = await world.run(
        UpdateEvent, member_id=host.id, event_id=event.id, changes=EventChanges(title="Renamed jam")
    )
    assert renamed.seats_taken == 5
    detail = await world.run(GetEvent, member_id=guest.id, event_id=event.id)
    assert (detail.title, detail.seats_taken) == ("Renamed jam", 5)
    assert titles(await feed(world, guest)) == ["Renamed jam"]


async def test_cached_pages_never_leak_between_members(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    await world.create(host, title="Public party")
    await world.create(host, title="Host's draft", publish="false")
    assert sorted(titles(await feed(world, host))) == ["Host's draft", "Public party"]
    assert titles(await feed(world, guest)) == ["Public party"]  # same query, right after: not the host's page
    staff = await world.member(3, role=Role.STAFF)
    assert len((await feed(world, staff)).events) == 2
    assert titles(await feed(world, guest)) == ["Public party"]


async def test_a_status_filter_of_cancelled_shows_only_own_cancelled_events(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.create(host)
    await world.run(UpdateEvent, member_id=host.id, event_id=event.id, changes=EventChanges(status="cancelled"))
    own = await feed(world, host, status="cancelled")
    assert [e.status for e in own.events] == [EventStatus.CANCELLED]
    assert (await feed(world, guest, status="cancelled")).events == ()


async def test_a_ttl_of_zero_turns_the_cache_off(make_world: MakeWorld) -> None:
    world = await make_world(event_cache_ttl_seconds=0)
    host, guest = await world.member(1), await world.member(2)
    event = await world.create(host)
    assert (await feed(world, guest)).events[0].seats_taken == 0
    await world.change_event(event.id, seats_taken=4)  # behind the cache's back: nothing was cached
    assert (await feed(world, guest)).events[0].seats_taken == 4
    assert (await world.run(GetEvent, member_id=guest.id, event_id=event.id)).seats_taken == 4
