from __future__ import annotations

from redis.asyncio import Redis


class RedisReadiness:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def check(self) -> None:
        if not await self._redis.ping():  # type: ignore[misc]
            raise ConnectionError("redis did not answer PING")
