"""Sliding-window rate limits over several keys at once, atomic in one Lua script."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from redis.asyncio import Redis
from redis.exceptions import RedisError

from loopin.domain.shared.errors import Unavailable
from loopin.usecases.platform.ports import RateLimit, RateLimiter

# KEYS: one sorted set per (limit, subject). ARGV: now_ms, member, then (limit, window_ms) per key.
# Checks every window first; only when all allow the hit is it recorded in all of them.
_ACQUIRE = """
local now = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[1 + 2 * i])
  local window = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, -limit, -limit, 'WITHSCORES')
    local until_free = tonumber(oldest[2]) + window - now
    if until_free > wait then wait = until_free end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, tonumber(ARGV[2 + 2 * i]))
end
return 0
"""


class RedisRateLimiter(RateLimiter):
    prefix = "loopin:rl"

    def __init__(self, redis: Redis) -> None:
        self._script = redis.register_script(_ACQUIRE)

    async def acquire(self, hits: Sequence[tuple[RateLimit, str]], *, now: datetime) -> int:
        keys = [self._key(limit, subject) for limit, subject in hits]
        args: list[int | str] = [int(now.timestamp() * 1000), secrets.token_hex(8)]
        for limit, _ in hits:
            args += [limit.limit, limit.window_seconds * 1000]
        try:
            wait_ms = int(await self._script(keys=keys, args=args))
        except RedisError as exc:
            raise Unavailable() from exc
        return 0 if wait_ms <= 0 else max(1, -(-wait_ms // 1000))

    def _key(self, limit: RateLimit, subject: str) -> str:
        return f"{self.prefix}:{limit.name}:{subject}"
