"""Ids of tokens ended by logout, and members whose every session ended (an erased account), kept until the
tokens would have expired anyway."""

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
        await self._mark(f"{self.prefix}:{token_id}", until, now)

    async def revoke_member(self, member_id: int, *, until: datetime, now: datetime) -> None:
        await self._mark(f"{self.prefix}:member:{member_id}", until, now)

    @classmethod
    def keys(cls, token_id: str, member_id: int) -> tuple[str, str]:
        """The token's key and its member's: reads that fold the check into their own round trip use these."""
        return f"{cls.prefix}:{token_id}", f"{cls.prefix}:member:{member_id}"

    async def is_revoked(self, token_id: str, member_id: int | None = None) -> bool:
        keys = [f"{self.prefix}:{token_id}"] if member_id is None else [*self.keys(token_id, member_id)]
        try:
            return bool(await self._redis.exists(*keys))
        except RedisError as exc:
            raise Unavailable() from exc

    async def _mark(self, key: str, until: datetime, now: datetime) -> None:
        ttl_ms = int((until - now).total_seconds() * 1000)
        if ttl_ms > 0:
            try:
                await self._redis.set(key, b"1", px=ttl_ms)
            except RedisError as exc:
                raise Unavailable() from exc
