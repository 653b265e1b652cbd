"""In-memory event cache: entries are stored encoded, exactly as Redis would hold them, with expiry."""

from __future__ import annotations

from typing import TypeVar

import msgspec

from loopin.usecases.events.ports import EventCache
from loopin.usecases.shared.ports import Clock

T = TypeVar("T")


class MemoryEventCache(EventCache):
    max_entries = 10_000

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._generation = 0
        self._entries: dict[str, tuple[float, bytes]] = {}

    async def generation(self) -> int:
        return self._generation

    async def get(self, key: str, kind: type[T]) -> T | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, raw = entry
        if expires <= self._clock.now().timestamp():
            self._entries.pop(key, None)
            return None
        try:
            return msgspec.json.decode(raw, type=kind)
        except msgspec.DecodeError:  # an entry of another shape: a miss, as in Redis
            return None

    async def put(self, key: str, value: object, ttl_seconds: int) -> None:
        if ttl_seconds <= 0:  # caching off (EVENT_CACHE_TTL_SECONDS=0)
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()  # entries of old generations are unreachable anyway
        self._entries[key] = (self._clock.now().timestamp() + ttl_seconds, msgspec.json.encode(value))

    async def invalidate(self) -> None:
        self._generation += 1
        self._entries.clear()
