"""The platform fee percentage in Redis, under a generation counter a change bumps (after its commit).

One round trip per read (a script returns the generation and the entry of that generation). When Redis
cannot be reached the read is a miss and the database answers; a write is skipped.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from loopin.usecases.payments.ports import FeeConfigCache

log = structlog.get_logger(__name__)

_READ = """
local generation = redis.call('GET', KEYS[1]) or '0'
return {generation, redis.call('GET', KEYS[2] .. generation)}
"""


class RedisFeeConfigCache(FeeConfigCache):
    PREFIX = "loopin:fee"

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._prefix = self.PREFIX
        self._read = redis.register_script(_READ)

    async def get(self) -> tuple[int, Decimal | None]:
        try:
            generation, raw = await self._read(keys=[f"{self._prefix}:generation", f"{self._prefix}:percentage:"])
        except RedisError:
            log.warning("fee cache unavailable", exc_info=True)
            return -1, None  # no entry is ever written under generation -1
        try:
            return int(generation), Decimal(raw.decode()) if raw else None
        except (InvalidOperation, ValueError):
            return int(generation), None

    async def put(self, generation: int, percentage: Decimal, ttl_seconds: int) -> None:
        if generation < 0 or ttl_seconds <= 0:
            return
        try:
            await self._redis.set(f"{self._prefix}:percentage:{generation}", str(percentage), ex=ttl_seconds)
        except RedisError:
            log.warning("fee cache unavailable", exc_info=True)

    async def invalidate(self) -> None:
        try:
            await self._redis.incr(f"{self._prefix}:generation")
        except RedisError:
            log.error("fee cache could not be invalidated; the entry expires within the hour", exc_info=True)
            raise
