"""Reads are cheap: a feed page costs the same number of SQL statements whatever its size (no N+1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dishka import AsyncContainer
from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncEngine

from loopin.domain.events.feed import FeedQuery
from loopin.domain.events.visibility import Viewer
from loopin.usecases.events.browse import FeedFilters, GetEvent, ListFeed
from loopin.usecases.events.ports import EventReader
from loopin.usecases.events.views import FeedPageView
from loopin.usecases.payments.fees import CurrentFee
from tests.integration.events_support import event, members, store_events, store_venues, venue
from tests.support import Fakes


@contextmanager
def counting(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    sa_event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa_event.remove(engine.sync_engine, "before_cursor_execute", record)


async def seed(container: AsyncContainer, fakes: Fakes, count: int) -> list[Any]:
    """``count`` events by 10 hosts at 5 venues, each with interests and covers."""
    now = fakes.clock.now()
    people = await members(container, now, 12)
    venues = await store_venues(container, *(venue(now, f"Venue {n}", "Mumbai") for n in range(5)))
    rows = [
        event(
            people[n % 10],
            now,
            days=1 + n / 10,
            title=f"Event {n}",
            venue_id=venues[n % 5].id,
            interest_ids=(1 + n % 20, 1 + (n + 3) % 20),
            cover_image_keys=(f"events/{n}/a.png",),
        )
        for n in range(count)
    ]
    await store_events(container, *rows)
    return people


async def test_a_page_of_20_and_a_page_of_100_cost_the_same_statements(
    service_container: AsyncContainer, fakes: Fakes
) -> None:
    people = await seed(service_container, fakes, 120)
    guest, host = people[11], people[0]
    engine = await service_container.get(AsyncEngine)
    async with service_container() as scope:  # the fee config is read once an hour, not per page: warm it
        await (await scope.get(CurrentFee)).policy()
    costs: dict[tuple[str, int], int] = {}
    for who in (guest, host):
        for limit in (20, 100):
            async with service_container() as scope:
                list_feed = await scope.get(ListFeed)
                with counting(engine) as statements:
                    page: FeedPageView = await list_feed(member_id=who.id, filters=FeedFilters(limit=limit))
            assert len(page.events) == limit
            assert all(e.interests and e.venue and e.host.name for e in page.events)
            costs["host" if who is host else "guest", limit] = len(statements)
    assert costs["guest", 20] == costs["guest", 100]
    assert costs["host", 20] == costs["host", 100]
    assert costs["guest", 100] <= 7  # member, grants, hosts-any, count, page, interests (nothing per event)


async def test_the_reader_page_is_three_statements(service_container: AsyncContainer, fakes: Fakes) -> None:
    await seed(service_container, fakes, 120)
    engine = await service_container.get(AsyncEngine)
    counts = []
    for limit in (1, 20, 100):
        async with service_container() as scope:
            reader = await scope.get(EventReader)
            with counting(engine) as statements:
                page = await reader.page(FeedQuery(limit=limit), Viewer(None), fakes.clock.now())
            assert len(page.records) == limit
            counts.append(len(statements))
    assert counts == [3, 3, 3]  # count, page with host and venue joined, the page's interests


async def test_cached_reads_skip_the_event_queries(service_container: AsyncContainer, fakes: Fakes) -> None:
    people = await seed(service_container, fakes, 30)
    engine = await service_container.get(AsyncEngine)
    guest = people[11]
    counts = []
    for _ in range(2):
        async with service_container() as scope:
            list_feed = await scope.get(ListFeed)
            get_event = await scope.get(GetEvent)
            with counting(engine) as statements:
                await list_feed(member_id=guest.id, filters=FeedFilters())
                await get_event(member_id=guest.id, event_id=1)
            counts.append(len(statements))
    cold, warm = counts
    assert warm < cold
    # left: the member for each call, whether they host anything, their grants; no event is read
    assert not [s for s in statements if "events.canonical_id" in s or "event_interests" in s or "count(" in s]
