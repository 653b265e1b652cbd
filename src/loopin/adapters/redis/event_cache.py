"""Feed pages and event details in Redis, under a generation counter that every change bumps.

The cache only ever speeds reads up: when Redis cannot be reached, reads go to the database and writes to
the cache are skipped (entries also expire, which bounds how long anything can be stale).
"""

from __future__ import annotations

from typing import TypeVar

import msgspec
import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from loopin.usecases.events.ports import EventCache

log = structlog.get_logger(__name__)
T = TypeVar("T")


class RedisEventCache(EventCache):
    prefix = "loopin:events"

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def generation(self) -> int:
        try:
            raw = await self._redis.get(f"{self.prefix}:generation")
        except RedisError:
            log.warning("event cache unavailable", exc_info=True)
            return -1  # a generation no entry is ever written under while Redis is down
        return int(raw or 0)

    async def get(self, key: str, kind: type[T]) -> T | None:
        try:
            raw = await self._redis.get(f"{self.prefix}:{key}")
        except RedisError:
            log.warning("event cache unavailable", exc_info=True)
            return None
        if raw is None:
            return None
        try:
            return msgspec.json.decode(raw, type=kind)
        except msgspec.DecodeError:  # written by an older release with another shape: a miss
            return None

    async def put(self, key: str, value: object, ttl_seconds: int) -> None:
        if ttl_seconds <= 0:  # caching off (EVENT_CACHE_TTL_SECONDS=0)
            return
        try:
            await self._redis.set(f"{self.prefix}:{key}", msgspec.json.encode(value), ex=ttl_seconds)
        except RedisError:
            log.warning("event cache unavailable", exc_info=True)

    async def invalidate(self) -> None:
        try:
            await self._redis.incr(f"{self.prefix}:generation")
        except RedisError:
            log.error("event cache could not be invalidated; entries expire on their own", exc_info=True)
