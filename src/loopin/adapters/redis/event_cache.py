"""Feed pages and event details in Redis, under a generation counter that every change bumps.

The cache only ever speeds reads up: when Redis cannot be reached, reads go to the database and writes to
the cache are skipped (entries also expire, which bounds how long anything can be stale).

Entries every member shares (``hot(..., shared=True)``: the public feed page, ~40-100 KB) are also copied into
this process and fetched from Redis only when the generation read in the same round trip moved past the copy's:
a hit then carries a few small values over the network instead of the page. A copy is used only under the very
generation Redis holds, so it is never staler than Redis on anything the generation sees; what it does not see
lasts at most one more ``cache_ttl_seconds`` than in Redis (a copy lives that long in the process).
"""

from __future__ import annotations

import time
from typing import TypeVar

import msgspec
import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from loopin.adapters.redis.revocations import RedisTokenRevocations
from loopin.usecases.events.config import EventsConfig
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
    shared_kept = 32  # in-process copies of shared entries (pages of the public feed), cleared when full

    def __init__(self, redis: Redis, config: EventsConfig) -> None:
        self._redis = redis
        self._copy_life = config.cache_ttl_seconds
        self._shared: dict[str, tuple[float, Rendered]] = {}  # key -> (expires, monotonic), entry

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

    async def hot(self, member_id: int, token_id: str, keys: tuple[str, ...], *, shared: bool = False) -> HotRead:
        copies = [self._copy(key) if shared else None for key in keys]
        fetched = [key for key, copy in zip(keys, copies, strict=True) if copy is None]
        names = [f"{self.prefix}:generation", f"{self.prefix}:viewer:{member_id}"]
        names += RedisTokenRevocations.keys(token_id, member_id)
        names += [f"{self.prefix}:{key}" for key in fetched]
        try:
            raw = await self._redis.mget(names)
        except RedisError:
            log.warning("event cache unavailable", exc_info=True)
            return HotRead(-1, None, tuple(None for _ in keys))
        generation = int(raw[0] or 0)
        answers = iter(raw[4:])
        entries: list[Rendered | None] = []
        for key, copy in zip(keys, copies, strict=True):
            if copy is None:
                entry = decode_entry(_RENDERED, next(answers), generation)
            elif copy.generation == generation:
                entry = copy
            else:  # the generation moved since the copy was taken: the entry of this one, if any
                entry = await self.rendered(generation, key)
            if shared:
                self._share(key, entry)
            entries.append(entry)
        return HotRead(
            generation,
            decode_entry(_VIEWER, raw[1], generation),
            tuple(entries),
            revoked=raw[2] is not None or raw[3] is not None,
        )

    def _copy(self, key: str) -> Rendered | None:
        kept = self._shared.get(key)
        if kept is None or kept[0] <= time.monotonic():
            return None
        return kept[1]

    def _share(self, key: str, entry: Rendered | None) -> None:
        if entry is None or self._copy_life <= 0:
            self._shared.pop(key, None)
            return
        if key not in self._shared or self._shared[key][1] is not entry:
            if len(self._shared) >= self.shared_kept:
                self._shared.clear()
            self._shared[key] = (time.monotonic() + self._copy_life, entry)

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
