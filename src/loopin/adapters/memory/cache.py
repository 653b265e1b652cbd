"""In-memory event cache and sold-out markers. Cache entries are stored encoded, exactly as Redis would hold
them, with expiry; the hot reads' rendered entries and viewer snapshots (immutable, their bytes already
encoded) are kept as they are."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from typing import TypeVar

import msgspec

from loopin.usecases.events.ports import (
    EventCache,
    HotRead,
    Rendered,
    SoldOut,
    SoldOutCheck,
    SoldOutEvents,
    ViewerSnapshot,
)
from loopin.usecases.identity.ports import TokenRevocations
from loopin.usecases.shared.ports import Clock

T = TypeVar("T")


class MemoryEventCache(EventCache):
    max_entries = 10_000

    def __init__(self, clock: Clock, revocations: TokenRevocations) -> None:
        self._clock = clock
        self._revocations = revocations
        self._generation = 0
        self._entries: dict[str, tuple[float, bytes]] = {}
        self._hot_entries: dict[str, tuple[float, Rendered | ViewerSnapshot]] = {}  # immutable values

    async def generation(self) -> int:
        return self._generation

    def _raw(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, raw = entry
        if expires <= self._clock.now().timestamp():
            self._entries.pop(key, None)
            return None
        return raw

    def _hot(self, key: str, generation: int) -> Rendered | ViewerSnapshot | None:
        found = self._hot_entries.get(key)
        if found is None or found[0] <= self._clock.now().timestamp() or found[1].generation != generation:
            return None
        return found[1]

    async def hot(self, member_id: int, token_id: str, keys: tuple[str, ...], *, shared: bool = False) -> HotRead:
        generation = self._generation
        revoked = await self._revocations.is_revoked(token_id, member_id)
        viewer = self._hot(f"viewer:{member_id}", generation)
        entries = [self._hot(k, generation) for k in keys]
        return HotRead(
            generation,
            viewer if isinstance(viewer, ViewerSnapshot) else None,
            tuple(e if isinstance(e, Rendered) else None for e in entries),
            revoked=revoked,
        )

    async def rendered(self, generation: int, key: str) -> Rendered | None:
        entry = self._hot(key, generation)
        return entry if isinstance(entry, Rendered) else None

    async def keep_rendered(self, key: str, entry: Rendered, ttl_seconds: int) -> None:
        self._keep_hot(key, entry, ttl_seconds)

    async def keep_viewer(self, member_id: int, snapshot: ViewerSnapshot, ttl_seconds: int) -> None:
        self._keep_hot(f"viewer:{member_id}", snapshot, ttl_seconds)

    def _keep_hot(self, key: str, value: Rendered | ViewerSnapshot, ttl_seconds: int) -> None:
        if ttl_seconds <= 0:
            return
        if len(self._hot_entries) >= self.max_entries:
            self._hot_entries.clear()
        self._hot_entries[key] = (self._clock.now().timestamp() + ttl_seconds, value)

    async def get(self, key: str, kind: type[T]) -> T | None:
        raw = self._raw(key)
        if raw is None:
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
        self._hot_entries.clear()


class MemorySoldOutEvents(SoldOutEvents):
    """The Redis markers' rules in this process: a marker counts while its opening is the event's, until its
    lifetime (on the clock) ends."""

    def __init__(self, clock: Clock, revocations: TokenRevocations) -> None:
        self._clock = clock
        self._revocations = revocations
        self._openings: dict[int, str] = {}
        self._marked: dict[int, tuple[float, str, SoldOut, frozenset[int]]] = {}

    async def check(self, event_id: int, member_id: int, token_id: str) -> SoldOutCheck:
        revoked = await self._revocations.is_revoked(token_id, member_id)
        opening = self._openings.setdefault(event_id, secrets.token_hex(8))
        marked = self._marked.get(event_id)
        if marked is None or marked[1] != opening or marked[0] <= self._clock.now().timestamp():
            return SoldOutCheck(opening, revoked=revoked)
        return SoldOutCheck(opening, marked[2], member_id in marked[3], revoked=revoked)

    async def mark(
        self, event_id: int, opening: str, sold_out: SoldOut, ticket_holders: Collection[int], ttl_seconds: int
    ) -> None:
        if ttl_seconds > 0 and self._openings.get(event_id) == opening:
            expires = self._clock.now().timestamp() + ttl_seconds
            self._marked[event_id] = (expires, opening, sold_out, frozenset(ticket_holders))

    async def clear(self, event_id: int) -> None:
        self._openings.pop(event_id, None)
        self._marked.pop(event_id, None)
