"""The hot reads' hit path: one cache round trip, and nothing of the database side built."""

from __future__ import annotations

from loopin.adapters.clock import ManualClock
from loopin.adapters.memory.cache import MemoryEventCache
from loopin.adapters.memory.identity import MemoryTokenRevocations
from loopin.domain.events.event import EventStatus
from loopin.usecases.events.browse import FeedFilters
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.hot_reads import HotMiss, HotReads, ReadEvent, ReadFeed
from loopin.usecases.events.ports import Rendered, ShownEvent, ViewerSnapshot
from loopin.usecases.events.views import EventView, FeedPageView


class Refused:
    """A ``Deferred`` a hit must never call: the session and repositories a miss reads with."""

    async def __call__(self) -> HotMiss:
        raise AssertionError("a cache hit built the database side")


def never_presented(*_: object) -> bytes:
    raise AssertionError("a cache hit rendered again")


async def test_a_hit_builds_nothing_of_the_database_side() -> None:
    clock = ManualClock()
    revocations = MemoryTokenRevocations(clock)
    cache = MemoryEventCache(clock, revocations)
    reads = HotReads(cache, EventsConfig(), revocations, Refused())
    generation = await cache.generation()
    await cache.keep_viewer(7, ViewerSnapshot(generation, False, "public", ()), 60)
    filters = FeedFilters()
    rest = f"{filters.query().cache_key()}:{int(filters.is_default_page)}"
    await cache.keep_rendered(f"hot-feed:public:{rest}", Rendered(generation, b"the page"), 60)
    shown = ShownEvent(5, 1, EventStatus.PUBLISHED, True, False)
    await cache.keep_rendered("hot-event:5", Rendered(generation, b"the event", shown), 60)

    def present_page(_: FeedPageView) -> bytes:
        return never_presented()

    def present_event(_: EventView, __: bool) -> bytes:
        return never_presented()

    page = await ReadFeed(reads, clock)(member_id=7, token_id="t", filters=filters, present=present_page)
    detail = await ReadEvent(reads)(member_id=7, token_id="t", event_id=5, present=present_event)
    assert (page, detail) == (b"the page", b"the event")
