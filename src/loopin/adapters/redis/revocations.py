"""Ids of tokens ended by logout, kept until the token would have expired anyway."""

from __future__ import annotations

from datetime import datetime

from redis.asyncio import Redis
from redis.exceptions import RedisError

from loopin.domain.shared.errors import Unavailable
from loopin.usecases.identity.ports import TokenRevocations


class RedisTokenRevocations(TokenRevocations):
    prefix = "loopin:revoked"

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def revoke(self, token_id: str, *, until: datetime, now: datetime) -> None:
        ttl_ms = int((until - now).total_seconds() * 1000)
        if ttl_ms > 0:
            try:
                await self._redis.set(f"{self.prefix}:{token_id}", b"1", px=ttl_ms)
            except RedisError as exc:
                raise Unavailable() from exc

    async def is_revoked(self, token_id: str) -> bool:
        try:
            return bool(await self._redis.exists(f"{self.prefix}:{token_id}"))
        except RedisError as exc:
            raise Unavailable() from exc
