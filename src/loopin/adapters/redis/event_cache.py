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

from loopin.adapters.redis.revocations import RedisTokenRevocations
from loopin.usecases.events.ports import EventCache, HotRead, Rendered, ViewerSnapshot

log = structlog.get_logger(__name__)
T = TypeVar("T")
Entry = TypeVar("Entry", Rendered, ViewerSnapshot)
_ENCODE = msgspec.msgpack.Encoder().encode  # the rendered body travels as msgpack bin: no base64, no copy
_RENDERED = msgspec.msgpack.Decoder(Rendered)
_VIEWER = msgspec.msgpack.Decoder(ViewerSnapshot)


def decode_entry(decoder: msgspec.msgpack.Decoder[Entry], raw: bytes | None, generation: int) -> Entry | None:
    """A miss for nothing, another generation's entry, or one of another shape (an older release)."""
    if raw is None:
        return None
    try:
        entry = decoder.decode(raw)
    except msgspec.DecodeError:
        return None
    return entry if entry.generation == generation else None


def encode_entry(value: Rendered | ViewerSnapshot) -> bytes:
    return _ENCODE(value)


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

    async def hot(self, member_id: int, token_id: str, keys: tuple[str, ...]) -> HotRead:
        names = [f"{self.prefix}:generation", f"{self.prefix}:viewer:{member_id}"]
        names += RedisTokenRevocations.keys(token_id, member_id)
        names += [f"{self.prefix}:{key}" for key in keys]
        try:
            raw = await self._redis.mget(names)
        except RedisError:
            log.warning("event cache unavailable", exc_info=True)
            return HotRead(-1, None, tuple(None for _ in keys))
        generation = int(raw[0] or 0)
        return HotRead(
            generation,
            decode_entry(_VIEWER, raw[1], generation),
            tuple(decode_entry(_RENDERED, r, generation) for r in raw[4:]),
            revoked=raw[2] is not None or raw[3] is not None,
        )

    async def rendered(self, generation: int, key: str) -> Rendered | None:
        try:
            raw = await self._redis.get(f"{self.prefix}:{key}")
        except RedisError:
            log.warning("event cache unavailable", exc_info=True)
            return None
        return decode_entry(_RENDERED, raw, generation)

    async def keep_rendered(self, key: str, entry: Rendered, ttl_seconds: int) -> None:
        await self._keep(f"{self.prefix}:{key}", entry, ttl_seconds)

    async def keep_viewer(self, member_id: int, snapshot: ViewerSnapshot, ttl_seconds: int) -> None:
        await self._keep(f"{self.prefix}:viewer:{member_id}", snapshot, ttl_seconds)

    async def _keep(self, name: str, value: Rendered | ViewerSnapshot, ttl_seconds: int) -> None:
        if ttl_seconds <= 0 or value.generation < 0:  # caching off, or read while Redis was down
            return
        try:
            await self._redis.set(name, encode_entry(value), ex=ttl_seconds)
        except RedisError:
            log.warning("event cache unavailable", exc_info=True)

    async def invalidate(self) -> None:
        try:
            await self._redis.incr(f"{self.prefix}:generation")
        except RedisError:
            log.error("event cache could not be invalidated; entries expire on their own", exc_info=True)
