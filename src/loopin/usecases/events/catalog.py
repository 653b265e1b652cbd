"""Reading events through the cache, and deciding which viewers may share cached pages.

Cache keys carry the cache generation (bumped after every change) and the viewer's visibility class:
``public`` for everyone who sees only what any member sees, ``staff``, or ``m<id>`` for a member who hosts
events or was granted private ones. Two viewers share cached pages only when they see exactly the same events.
Details are cached per event whatever the viewer; who may see one is checked on every read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from loopin.domain.events.feed import MAX_LIMIT, FeedQuery
from loopin.domain.events.visibility import Viewer
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.ports import EventCache, EventReader, EventRecord, EventRepository, PlatformFees
from loopin.usecases.events.views import EventView, FeedPageView, ViewShape
from loopin.usecases.platform.ports import FileStorage

T = TypeVar("T")


def feed_class(viewer: Viewer, *, hosts: bool) -> str:
    """Whose cached pages ``viewer`` may share, ``hosts`` saying whether they host an event not deleted."""
    if viewer.is_staff:
        return "staff"
    if viewer.member_id is None:
        return "public"
    if viewer.granted or hosts:
        return f"m{viewer.member_id}"
    return "public"


@dataclass(frozen=True, slots=True)
class EventCatalog:
    """Event details and feed pages, read through the cache."""

    reader: EventReader
    events: EventRepository
    cache: EventCache
    storage: FileStorage
    config: EventsConfig
    fees: PlatformFees

    async def view(self, record: EventRecord) -> EventView:
        """With the fee buyers pay on top of its price now (a fee change invalidates the cache)."""
        return EventView.of(record, self.storage, self.config, await self.fees.policy())

    async def shape(self) -> ViewShape:
        """How views are built now: file URLs, the site's address, the fee buyers pay on top of a price."""
        return ViewShape(self.storage, self.config.site_url, await self.fees.policy())

    async def cache_class(self, viewer: Viewer) -> str:
        """Whose cached pages ``viewer`` may share (see the module's docstring); hosting is read only when the
        answer depends on it."""
        member_id = viewer.member_id
        if member_id is None or viewer.is_staff or viewer.granted:
            return feed_class(viewer, hosts=False)
        return feed_class(viewer, hosts=await self.events.hosts_any(member_id))

    @property
    def _caching(self) -> bool:
        return self.config.cache_ttl_seconds > 0  # EVENT_CACHE_TTL_SECONDS=0 turns the cache off

    async def _key(self, kind: str, rest: str) -> str | None:
        return f"{kind}:{await self.cache.generation()}:{rest}" if self._caching else None

    async def _cached(self, key: str | None, kind: type[T]) -> T | None:
        return await self.cache.get(key, kind) if key is not None else None

    async def _keep(self, key: str | None, value: object) -> None:
        if key is not None:
            await self.cache.put(key, value, self.config.cache_ttl_seconds)

    async def detail(self, event_id: int) -> EventView | None:
        key = await self._key("event", str(event_id))
        cached = await self._cached(key, EventView)
        if cached is not None:
            return cached
        view = await self.read_detail(event_id)
        if view is not None:
            await self._keep(key, view)
        return view

    async def read_detail(self, event_id: int) -> EventView | None:
        """From the database, not cached (the hot reads cache what they render instead)."""
        return await self.reader.detail_view(event_id, await self.shape())

    async def by_canonical_id(self, canonical_id: str) -> EventView | None:
        key = await self._key("canonical", canonical_id)
        cached = await self._cached(key, EventView)
        if cached is not None:
            return cached
        record = await self.reader.record_by_canonical_id(canonical_id)
        if record is None:
            return None
        view = await self.view(record)
        await self._keep(key, view)
        return view

    async def page(
        self, query: FeedQuery, viewer: Viewer, cache_class: str, now: datetime, *, pin_own: bool = False
    ) -> FeedPageView:
        """One page; with ``pin_own`` the viewer's own upcoming events are added when the page missed them."""
        key = await self._key("feed", f"{cache_class}:{query.cache_key()}:{int(pin_own)}")
        cached = await self._cached(key, FeedPageView)
        if cached is not None:
            return cached
        page = await self.read_page(query, viewer, cache_class, now, pin_own=pin_own)
        await self._keep(key, page)
        return page

    async def read_page(
        self, query: FeedQuery, viewer: Viewer, cache_class: str, now: datetime, *, pin_own: bool = False
    ) -> FeedPageView:
        """From the database, not cached (the hot reads cache what they render instead)."""
        shape = await self.shape()
        found = await self.reader.page_views(query, viewer, now, shape)
        views = found.views
        own_elsewhere = found.total > query.offset + len(views) or query.offset > 0
        if pin_own and viewer.member_id is not None and cache_class != "public" and own_elsewhere:
            own = await self.reader.page_views(
                FeedQuery(host_id=viewer.member_id, limit=min(self.config.pinned_own_events, MAX_LIMIT)),
                viewer,
                now,
                shape,
            )
            seen = {v.id for v in views}
            views += [v for v in own.views if v.id not in seen]
            views.sort(key=lambda v: (v.start_time, v.id))
        return FeedPageView(found.total, query.offset, query.limit, tuple(views))
