"""EventCache contract on the in-memory cache and on Redis: typed round trips, expiry, generations, and the hot
reads' rendered entries and viewer snapshots (valid only under the generation they were read at)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from dishka import AsyncContainer
from redis.asyncio import Redis
from structlog.testing import capture_logs

from loopin.adapters.redis.event_cache import RedisEventCache
from loopin.domain.events.event import EventStatus
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.ports import EventCache, Rendered, ShownEvent, ViewerSnapshot
from loopin.usecases.events.views import EventView, FeedPageView, HostView, InterestRef, VenueView
from loopin.usecases.identity.ports import TokenRevocations
from tests.support import TEST_REDIS_URL, Fakes

NOW = datetime(2030, 1, 1, 12, 30, 15, 123456, tzinfo=UTC)


def view(n: int = 1) -> EventView:
    return EventView(
        id=n,
        uuid=uuid.UUID(int=n),
        canonical_id="Ab12Cd34",
        slug="sunset-jam",
        canonical_path="/in/mumbai/events/sunset-jam--Ab12Cd34",
        share_url="https://loopinsocial.in/in/mumbai/events/sunset-jam--Ab12Cd34",
        title="Sunset Jam",
        description="Bring a guitar",
        host=HostView(7, "Asha Rao", None),
        venue=VenueView(
            3, uuid.UUID(int=3), "Amphi", "Carter Rd", "Mumbai", "mumbai", "in", 19.0658, 72.8226, "p-1",
            "outdoor", 0, {"parking": "yes"}, True, NOW, NOW,
        ),
        start_time=NOW,
        end_time=NOW + timedelta(hours=3),
        timezone="Asia/Kolkata",
        max_capacity=40,
        seats_taken=3,
        seats_held=2,
        requests_count=1,
        is_paid=True,
        ticket_price=Decimal("499.50"),
        platform_fee=Decimal("49.95"),
        allow_plus_one=True,
        gst_number="",
        allowed_genders="all",
        rsvp_expiry_policy="48h",
        cover_images=("/api/media/events/1/a.png",),
        status=EventStatus.POSTPONED,
        is_public=False,
        is_deleted=False,
        interests=(InterestRef(1, "Music", "music"),),
        created_at=NOW,
        updated_at=None,
    )  # fmt: skip


async def test_views_round_trip_exactly(any_container: AsyncContainer) -> None:
    cache = await any_container.get(EventCache)
    page = FeedPageView(2, 0, 50, (view(1), view(2)))
    await cache.put("t:page", page, 60)
    await cache.put("t:event", view(1), 60)
    assert await cache.get("t:page", FeedPageView) == page
    assert await cache.get("t:event", EventView) == view(1)
    assert await cache.get("t:missing", EventView) is None


async def test_entries_expire(any_container: AsyncContainer, fakes: Fakes) -> None:
    cache = await any_container.get(EventCache)
    await cache.put("t:short", view(), 1)
    assert await cache.get("t:short", EventView) is not None
    fakes.clock.advance(timedelta(seconds=2))  # the memory cache follows the clock
    if await cache.get("t:short", EventView) is not None:  # Redis follows its own clock
        import asyncio

        await asyncio.sleep(1.2)
    assert await cache.get("t:short", EventView) is None


async def test_invalidate_moves_to_a_new_generation(any_container: AsyncContainer) -> None:
    cache = await any_container.get(EventCache)
    first = await cache.generation()
    await cache.invalidate()
    second = await cache.generation()
    await cache.invalidate()
    assert first < second < await cache.generation()


async def test_an_entry_of_another_shape_is_a_miss(any_container: AsyncContainer) -> None:
    @dataclass(frozen=True)
    class Old:
        id: int

    cache = await any_container.get(EventCache)
    await cache.put("t:old", Old(1), 60)
    assert await cache.get("t:old", EventView) is None


async def test_a_ttl_of_zero_or_less_stores_nothing(any_container: AsyncContainer) -> None:
    """EVENT_CACHE_TTL_SECONDS=0 turns the cache off: nothing is written (and no error logged: Redis refuses
    an expiry of 0), so every read goes to the database."""
    cache = await any_container.get(EventCache)
    with capture_logs() as logs:
        await cache.put("t:off", view(), 0)
        await cache.put("t:negative", view(), -5)
    assert logs == []
    assert await cache.get("t:off", EventView) is None
    assert await cache.get("t:negative", EventView) is None


async def test_rendered_entries_and_snapshots_come_back_in_one_read_under_their_generation(
    any_container: AsyncContainer,
) -> None:
    cache = await any_container.get(EventCache)
    generation = (await cache.hot(7, "session", ())).generation
    body = b'{"success":true,"data":[]}' + bytes(range(256))  # any bytes, as they are
    shown = ShownEvent(1, 7, EventStatus.PUBLISHED, False, False)
    snapshot = ViewerSnapshot(generation, False, "m7", (1, 5))
    await cache.keep_rendered("t:feed", Rendered(generation, body), 60)
    await cache.keep_rendered("t:event", Rendered(generation, body, shown), 60)
    await cache.keep_viewer(7, snapshot, 60)
    hot = await cache.hot(7, "session", ("t:feed", "t:event", "t:missing"))
    assert (hot.generation, hot.viewer) == (generation, snapshot)
    assert hot.entries == (Rendered(generation, body), Rendered(generation, body, shown), None)
    assert await cache.rendered(generation, "t:event") == Rendered(generation, body, shown)
    assert (await cache.hot(8, "session", ())).viewer is None  # another member's snapshot


async def test_a_new_generation_makes_rendered_entries_and_snapshots_stale(any_container: AsyncContainer) -> None:
    cache = await any_container.get(EventCache)
    generation = (await cache.hot(7, "session", ())).generation
    await cache.keep_rendered("t:feed", Rendered(generation, b"[]"), 60)
    await cache.keep_viewer(7, ViewerSnapshot(generation, False, "public", ()), 60)
    await cache.invalidate()
    hot = await cache.hot(7, "session", ("t:feed",))
    assert hot.generation > generation
    assert (hot.viewer, hot.entries) == (None, (None,))
    assert await cache.rendered(hot.generation, "t:feed") is None


async def test_nothing_rendered_is_kept_with_the_cache_off(any_container: AsyncContainer) -> None:
    cache = await any_container.get(EventCache)
    generation = (await cache.hot(7, "session", ())).generation
    await cache.keep_rendered("t:off", Rendered(generation, b"[]"), 0)
    await cache.keep_viewer(7, ViewerSnapshot(generation, False, "public", ()), 0)
    hot = await cache.hot(7, "session", ("t:off",))
    assert (hot.viewer, hot.entries) == (None, (None,))


async def test_the_hot_read_answers_the_sessions_revocation_in_the_same_round_trip(
    any_container: AsyncContainer,
) -> None:
    cache, revocations = await any_container.get(EventCache), await any_container.get(TokenRevocations)
    now = datetime.now(UTC)
    assert (await cache.hot(7, "session", ())).revoked is False
    await revocations.revoke("session", until=now + timedelta(hours=1), now=now)
    assert (await cache.hot(7, "session", ())).revoked is True
    assert (await cache.hot(7, "another", ())).revoked is False
    await revocations.revoke_member(7, until=now + timedelta(hours=1), now=now)
    assert (await cache.hot(7, "another", ())).revoked is True


async def test_a_shared_entry_is_copied_in_process_and_used_only_under_the_generation_redis_holds(
    any_container: AsyncContainer,
) -> None:
    """The public feed page travels from Redis once per generation and process, never staler than Redis."""
    await any_container.get(EventCache)  # the services container flushed this test's Redis database
    client = Redis.from_url(TEST_REDIS_URL)
    try:
        cache = RedisEventCache(client, EventsConfig(cache_ttl_seconds=60))
        generation = (await cache.hot(7, "session", ())).generation
        await cache.keep_rendered("t:public", Rendered(generation, b"page"), 60)
        first = await cache.hot(7, "session", ("t:public",), shared=True)
        assert first.entries == (Rendered(generation, b"page"),)
        await client.delete(f"{RedisEventCache.prefix}:t:public")  # only the copy has it now
        assert (await cache.hot(8, "session", ("t:public",), shared=True)).entries == first.entries
        assert (await cache.hot(8, "session", ("t:public",))).entries == (None,)  # not shared: from Redis

        await cache.invalidate()
        moved = await cache.hot(7, "session", ("t:public",), shared=True)
        assert moved.entries == (None,)  # the copy's generation is gone, and Redis has no entry for the new one
        await cache.keep_rendered("t:public", Rendered(moved.generation, b"new page"), 60)
        assert (await cache.hot(7, "session", ("t:public",), shared=True)).entries == (
            Rendered(moved.generation, b"new page"),
        )
    finally:
        await client.aclose()
