"""SoldOutEvents contract (in-memory and Redis): a marker counts only under the opening read before it was set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from dishka import AsyncContainer
from redis.asyncio import Redis

from loopin.adapters.redis.sold_out import RedisSoldOutEvents
from loopin.usecases.events.ports import SoldOut, SoldOutCheck, SoldOutEvents
from loopin.usecases.identity.ports import TokenRevocations

STARTS = datetime(2027, 1, 2, 18, 30, tzinfo=UTC)
FULL = SoldOut(host_id=7, start_time=STARTS)


async def markers_of(container: AsyncContainer) -> SoldOutEvents:
    return await container.get(SoldOutEvents)


async def test_a_mark_stands_for_everyone_but_the_ticket_holders(any_container: AsyncContainer) -> None:
    markers = await markers_of(any_container)
    first = await markers.check(101, 1, "t")
    assert first.opening is not None
    assert (first.sold_out, first.held_a_ticket) == (None, False)
    assert (await markers.check(101, 2, "t")).opening == first.opening  # the same opening until a clear
    await markers.mark(101, first.opening, FULL, [3, 4], ttl_seconds=60)
    seen = await markers.check(101, 1, "t")
    assert (seen.opening, seen.sold_out, seen.held_a_ticket) == (first.opening, FULL, False)
    assert (await markers.check(101, 3, "t")).held_a_ticket
    assert (await markers.check(101, 4, "t")).held_a_ticket
    assert (await markers.check(102, 1, "t")).sold_out is None  # per event


async def test_a_clear_voids_the_marker_and_every_mark_begun_before_it(any_container: AsyncContainer) -> None:
    markers = await markers_of(any_container)
    before = await markers.check(201, 1, "t")
    assert before.opening is not None
    await markers.mark(201, before.opening, FULL, [3], ttl_seconds=60)
    await markers.clear(201)
    after = await markers.check(201, 1, "t")
    assert after.sold_out is None
    assert after.opening is not None
    assert after.opening != before.opening
    # a reader that read the event before the change marks late: nothing stands
    await markers.mark(201, before.opening, FULL, [3], ttl_seconds=60)
    assert (await markers.check(201, 1, "t")).sold_out is None
    # one that began after it does
    await markers.mark(201, after.opening, FULL, [], ttl_seconds=60)
    assert (await markers.check(201, 3, "t")).sold_out == FULL
    assert not (await markers.check(201, 3, "t")).held_a_ticket  # the holders are the last mark's


async def test_markers_off_and_many_holders(any_container: AsyncContainer) -> None:
    markers = await markers_of(any_container)
    opening = (await markers.check(301, 1, "t")).opening
    assert opening is not None
    await markers.mark(301, opening, FULL, [2], ttl_seconds=0)  # 0: markers are off
    assert (await markers.check(301, 1, "t")).sold_out is None
    holders = list(range(10_000, 12_500))  # more than one batch of the Redis script
    await markers.mark(301, opening, FULL, holders, ttl_seconds=60)
    assert all([(await markers.check(301, m, "t")).held_a_ticket for m in (10_000, 11_000, 12_499)])
    assert not (await markers.check(301, 12_500, "t")).held_a_ticket
    await markers.clear(301)
    await markers.clear(301)  # clearing nothing is fine
    assert (await markers.check(301, 10_000, "t")).sold_out is None


async def test_unreachable_markers_leave_every_answer_to_the_database() -> None:
    """Redis down: no marker stands and no opening is given (nothing is marked), and a clear does not fail the
    change it follows (it was committed; the marker's lifetime bounds it)."""
    redis = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    markers = RedisSoldOutEvents(redis)
    try:
        assert await markers.check(401, 1, "t") == SoldOutCheck(None)
        await markers.mark(401, "an opening", FULL, [2], ttl_seconds=60)
        await markers.clear(401)
    finally:
        await redis.aclose()


async def test_the_check_reads_the_sessions_revocation(any_container: AsyncContainer) -> None:
    """The confirmation's bearer check rides in the marker's round trip: the token's and the member's keys."""
    markers = await markers_of(any_container)
    revocations = await any_container.get(TokenRevocations)
    now = datetime.now(UTC)
    assert not (await markers.check(501, 1, "token-a")).revoked
    await revocations.revoke("token-a", until=now + timedelta(hours=1), now=now)
    assert (await markers.check(501, 1, "token-a")).revoked
    assert not (await markers.check(501, 1, "token-b")).revoked
    opening = (await markers.check(501, 2, "token-c")).opening
    assert opening is not None
    await markers.mark(501, opening, FULL, [], ttl_seconds=60)
    assert (await markers.check(501, 2, "token-c")).sold_out == FULL  # marked: still read with the marker
    await revocations.revoke_member(2, until=now + timedelta(hours=1), now=now)
    assert (await markers.check(501, 2, "token-c")).revoked


async def test_a_paid_events_marker_carries_its_price_and_plus_ones_rule(any_container: AsyncContainer) -> None:
    markers = await markers_of(any_container)
    opening = (await markers.check(601, 1, "t")).opening
    assert opening is not None
    paid = SoldOut(host_id=7, start_time=STARTS, ticket_price=Decimal("499.50"), allow_plus_one=False)
    await markers.mark(601, opening, paid, [2], ttl_seconds=60)
    assert (await markers.check(601, 1, "t")).sold_out == paid
    assert (await markers.check(601, 2, "t")).held_a_ticket
    assert FULL.ticket_price is None  # a free event's
