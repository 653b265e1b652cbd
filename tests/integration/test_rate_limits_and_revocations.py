"""RateLimiter and TokenRevocations contracts (in-memory and Redis), and the Redis limiter under load."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from dishka import AsyncContainer
from redis.asyncio import Redis

from loopin.adapters.redis.rate_limit import RedisRateLimiter
from loopin.usecases.identity.ports import TokenRevocations
from loopin.usecases.platform.ports import RateLimit, RateLimiter
from tests.support import TEST_REDIS_URL, Fakes

PER_MINUTE = RateLimit("contract-minute", 2, 60)
PER_HOUR = RateLimit("contract-hour", 3, 3600)
COOLDOWN = RateLimit("contract-cooldown", 1, 30)


async def limiter_of(container: AsyncContainer) -> RateLimiter:
    return await container.get(RateLimiter)


async def test_hits_within_the_limit_are_allowed_then_refused(any_container: AsyncContainer, fakes: Fakes) -> None:
    limiter = await limiter_of(any_container)
    now = fakes.clock.now()
    assert await limiter.acquire([(PER_MINUTE, "a")], now=now) == 0
    assert await limiter.acquire([(PER_MINUTE, "a")], now=now + timedelta(seconds=10)) == 0
    # the oldest hit leaves the window at now+60s: 40 seconds from now+20s
    assert await limiter.acquire([(PER_MINUTE, "a")], now=now + timedelta(seconds=20)) == 40
    # a partial second rounds up
    assert await limiter.acquire([(PER_MINUTE, "a")], now=now + timedelta(seconds=20, milliseconds=500)) == 40
    assert await limiter.acquire([(PER_MINUTE, "a")], now=now + timedelta(seconds=59, milliseconds=900)) == 1
    # subjects and limit names are counted apart
    assert await limiter.acquire([(PER_MINUTE, "b")], now=now + timedelta(seconds=20)) == 0
    assert await limiter.acquire([(RateLimit("other", 2, 60), "a")], now=now + timedelta(seconds=20)) == 0


async def test_the_window_slides_with_now(any_container: AsyncContainer, fakes: Fakes) -> None:
    limiter = await limiter_of(any_container)
    now = fakes.clock.now()
    assert await limiter.acquire([(PER_MINUTE, "a")], now=now) == 0
    assert await limiter.acquire([(PER_MINUTE, "a")], now=now + timedelta(seconds=30)) == 0
    assert await limiter.acquire([(PER_MINUTE, "a")], now=now + timedelta(seconds=59)) == 1
    # exactly one window after the first hit, that hit no longer counts
    assert await limiter.acquire([(PER_MINUTE, "a")], now=now + timedelta(seconds=60)) == 0
    # now the hits of +30s and +60s fill the window: free again at +90s
    assert await limiter.acquire([(PER_MINUTE, "a")], now=now + timedelta(seconds=61)) == 29
    assert await limiter.acquire([(PER_MINUTE, "a")], now=now + timedelta(seconds=90)) == 0


async def test_several_limits_are_all_or_nothing(any_container: AsyncContainer, fakes: Fakes) -> None:
    limiter = await limiter_of(any_container)
    now = fakes.clock.now()
    hits = [(COOLDOWN, "phone"), (PER_HOUR, "phone"), (PER_MINUTE, "address")]
    assert await limiter.acquire(hits, now=now) == 0
    # the cooldown refuses: nothing is counted against the other two
    for seconds in (1, 2, 3, 4):
        assert await limiter.acquire(hits, now=now + timedelta(seconds=seconds)) == 30 - seconds
    # the per-minute and per-hour limits each have exactly one hit so far
    assert await limiter.acquire([(PER_MINUTE, "address")], now=now + timedelta(seconds=5)) == 0
    assert await limiter.acquire([(PER_MINUTE, "address")], now=now + timedelta(seconds=6)) == 54
    assert await limiter.acquire([(PER_HOUR, "phone")], now=now + timedelta(seconds=7)) == 0
    assert await limiter.acquire([(PER_HOUR, "phone")], now=now + timedelta(seconds=8)) == 0
    # the answer is the longest wait of the refusing limits
    assert await limiter.acquire(hits, now=now + timedelta(seconds=10)) == 3600 - 10
    assert await limiter.acquire(hits, now=now + timedelta(seconds=31)) == 3600 - 31


async def test_a_refused_call_counts_nothing(any_container: AsyncContainer, fakes: Fakes) -> None:
    limiter = await limiter_of(any_container)
    now = fakes.clock.now()
    assert await limiter.acquire([(PER_MINUTE, "a")], now=now) == 0
    assert await limiter.acquire([(PER_MINUTE, "a")], now=now + timedelta(seconds=1)) == 0
    for seconds in range(2, 40):
        assert await limiter.acquire([(PER_MINUTE, "a")], now=now + timedelta(seconds=seconds)) > 0
    # had the refusals counted, the window would still be full at +61s
    assert await limiter.acquire([(PER_MINUTE, "a")], now=now + timedelta(seconds=61)) == 0


async def test_concurrent_hits_never_exceed_the_limit(any_container: AsyncContainer, fakes: Fakes) -> None:
    limiter = await limiter_of(any_container)
    limit = RateLimit("contract-burst", 5, 60)
    now = fakes.clock.now()
    waits = await asyncio.gather(*(limiter.acquire([(limit, "burst")], now=now) for _ in range(50)))
    assert waits.count(0) == 5
    assert all(w == 60 for w in waits if w)


async def test_redis_limiter_under_parallel_load_from_many_clients(service_container: AsyncContainer) -> None:
    """50 concurrent acquires over five separate connections pools (as five processes would): exactly 5 pass."""
    container_limiter = await service_container.get(RateLimiter)
    assert isinstance(container_limiter, RedisRateLimiter)
    clients = [Redis.from_url(TEST_REDIS_URL) for _ in range(5)]
    try:
        limiters = [RedisRateLimiter(client) for client in clients]
        limit = RateLimit("load", 5, 60)
        hits = [(limit, "one-phone"), (RateLimit("load-address", 1000, 60), "one-address")]
        now = datetime.now(UTC)
        waits = await asyncio.gather(*(limiters[i % 5].acquire(hits, now=now) for i in range(50)))
        assert waits.count(0) == 5
        assert all(w == 60 for w in waits if w)
        # only the five allowed calls were counted, in both keys
        assert await clients[0].zcard("loopin:rl:load:one-phone") == 5
        assert await clients[0].zcard("loopin:rl:load-address:one-address") == 5
        assert await container_limiter.acquire(hits, now=now) == 60
    finally:
        for client in clients:
            await client.aclose()


async def test_revoked_token_is_revoked_until_it_would_have_expired(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    revocations = await any_container.get(TokenRevocations)
    now = fakes.clock.now()
    await revocations.revoke("jti-1", until=now + timedelta(hours=1), now=now)
    assert await revocations.is_revoked("jti-1")
    assert not await revocations.is_revoked("jti-2")
    await revocations.revoke("jti-1", until=now + timedelta(hours=2), now=now)  # revoking twice is harmless
    assert await revocations.is_revoked("jti-1")


async def test_expired_revocation_no_longer_matters(any_container: AsyncContainer, fakes: Fakes) -> None:
    revocations = await any_container.get(TokenRevocations)
    now = fakes.clock.now()
    await revocations.revoke("short", until=now + timedelta(milliseconds=300), now=now)
    assert await revocations.is_revoked("short")
    # Redis forgets by real time, the in-memory adapter by the clock: move both past ``until``
    fakes.clock.advance(timedelta(seconds=1))
    await asyncio.sleep(0.5)
    assert not await revocations.is_revoked("short")


async def test_revocation_ending_in_the_past_is_not_stored(any_container: AsyncContainer, fakes: Fakes) -> None:
    revocations = await any_container.get(TokenRevocations)
    now = fakes.clock.now()
    await revocations.revoke("past", until=now - timedelta(seconds=1), now=now)
    await revocations.revoke("now", until=now, now=now)
    # ``now`` says this token expired an hour ago; were it stored, the clock (an hour earlier) would match
    await revocations.revoke("stale", until=now + timedelta(hours=1), now=now + timedelta(hours=2))
    assert not await revocations.is_revoked("past")
    assert not await revocations.is_revoked("now")
    assert not await revocations.is_revoked("stale")
