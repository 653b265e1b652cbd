"""The app's two hottest reads, the feed and one event, answered from the cache without the database.

The app opens the feed on every launch and an event from it on every tap, so both keep what they send **as
rendered bytes** (the route's presenter encodes a view once; hits are sent as they are) and keep what they need
to know about the caller as a ``ViewerSnapshot`` (staff or not, their feed cache class, the private events
opened to them). A hit is one cache round trip — the generation, the snapshot, the entry and the session's
revocation together (the route's bearer check leaves the revocation to these reads) — and no SQL; a miss reads
the database as ``ListFeed``/``GetEvent`` do, then keeps both. A revoked session is refused on every path.

Staleness: entries and snapshots are kept under the event cache's generation, which every change to what an
event shows or who may see it bumps after its commit (``EventCache.invalidate``), so a hit never shows what a
committed change replaced once that change's after-commit effect has run; what the generation cannot see (a host
renaming themselves, a member's status changed outside these contexts) lasts at most ``cache_ttl_seconds``.
Only members let in (``Access.MEMBER`` passed) get a snapshot; anyone else always takes the database path.
A detail is rendered for everyone but its host (who also sees their own phone number): the host's own reads are
never served from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from loopin.domain.events.event import EventNotFound
from loopin.domain.events.visibility import Viewer, can_view
from loopin.domain.identity.member import Access, passes
from loopin.usecases.events.access import EventAccess
from loopin.usecases.events.browse import FeedFilters
from loopin.usecases.events.catalog import EventCatalog, feed_class
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.ports import EventCache, HotRead, Readers, Rendered, ShownEvent, ViewerSnapshot
from loopin.usecases.events.views import EventView, FeedPageView
from loopin.usecases.identity.access import MemberAccess, SessionEnded
from loopin.usecases.identity.ports import TokenRevocations
from loopin.usecases.shared.ports import Clock, Deferred, UnitOfWork

FeedPresenter = Callable[[FeedPageView], bytes]
EventPresenter = Callable[[EventView, bool], bytes]  # the view, and whether the caller hosts it


@dataclass(frozen=True, slots=True)
class HotMiss:
    """What a read that missed needs: the database, in the use case's transaction."""

    readers: Readers
    access: MemberAccess
    event_access: EventAccess
    catalog: EventCatalog
    uow: UnitOfWork


@dataclass(frozen=True, slots=True)
class HotReads:
    """What the feed and the detail share: the snapshot of the caller, read once per generation. The database
    side is built on a miss only (``Deferred``): a hit opens no session and builds no repository."""

    cache: EventCache
    config: EventsConfig
    revocations: TokenRevocations
    database: Deferred[HotMiss]

    @property
    def ttl(self) -> int:
        return self.config.cache_ttl_seconds  # 0: the cache is off, nothing is kept or looked up

    async def hot(self, member_id: int, token_id: str, keys: tuple[str, ...], *, shared: bool = False) -> HotRead:
        """The cache's round trip, the session's revocation checked in it (or on its own when the cache is off
        or cannot be reached: then ``TokenRevocations`` answers, or raises ``Unavailable``)."""
        hot = await self.cache.hot(member_id, token_id, keys, shared=shared) if self.ttl > 0 else None
        if hot is not None and hot.generation >= 0:
            revoked = hot.revoked
        else:
            revoked = await self.revocations.is_revoked(token_id, member_id)
        if revoked:
            raise SessionEnded()
        return hot if hot is not None else HotRead(-1, None, tuple(None for _ in keys))

    async def snapshot(self, miss: HotMiss, member_id: int, generation: int) -> ViewerSnapshot:
        """The caller from the database, and their snapshot, kept. A member who passes as they stand is read in
        one go (``Readers``); anyone else is loaded as every use case loads them (refused, or let in off the
        waitlist now and committed with the read)."""
        standing = await miss.readers.standing(member_id)
        if standing is not None and passes(Access.MEMBER, standing.status, standing.role):
            staff = standing.role.is_staff
            viewer = Viewer(member_id, staff, frozenset() if staff else standing.granted)
            cache_class = feed_class(viewer, hosts=standing.hosts)
        else:
            viewer = await miss.event_access.viewer(await miss.access.load(member_id, Access.MEMBER))
            cache_class = await miss.catalog.cache_class(viewer)
        snapshot = ViewerSnapshot(generation, viewer.is_staff, cache_class, tuple(sorted(viewer.granted)))
        if self.ttl > 0:
            await self.cache.keep_viewer(member_id, snapshot, self.ttl)
        return snapshot


@dataclass(frozen=True, slots=True)
class ReadFeed:
    """``ListFeed``, rendered: the same page for the same filters and caller, as the presenter encodes it."""

    reads: HotReads
    clock: Clock

    async def __call__(
        self, *, member_id: int, token_id: str, filters: FeedFilters, present: FeedPresenter
    ) -> bytes:
        query = filters.query()
        pin_own = filters.is_default_page
        rest = f"{query.cache_key()}:{int(pin_own)}"
        cache, ttl = self.reads.cache, self.reads.ttl
        hot = await self.reads.hot(member_id, token_id, (f"hot-feed:public:{rest}",), shared=True)
        generation, snapshot, public = hot.generation, hot.viewer, hot.entries[0]
        if snapshot is not None:
            found = await self._kept(member_id, snapshot, rest, public)
            if found is not None:
                return found
        miss = await self.reads.database()
        if snapshot is None:  # a member's first read of this generation: who they are, then the page kept
            snapshot = await self.reads.snapshot(miss, member_id, generation)
            found = await self._kept(member_id, snapshot, rest, public) if ttl > 0 else None
            if found is not None:
                await miss.uow.commit()
                return found
        page = await miss.catalog.read_page(
            query, snapshot.viewer(member_id), snapshot.cache_class, self.clock.now(), pin_own=pin_own
        )
        await miss.uow.commit()
        body = present(page)
        if ttl > 0:
            key = f"hot-feed:{self._rendered_class(member_id, snapshot)}:{rest}"
            await cache.keep_rendered(key, Rendered(generation, body), ttl)
        return body

    async def _kept(
        self, member_id: int, snapshot: ViewerSnapshot, rest: str, public: Rendered | None
    ) -> bytes | None:
        """The page kept for the caller's class: the public one came with the first round trip."""
        rendered_class = self._rendered_class(member_id, snapshot)
        if rendered_class == "public":
            return public.body if public is not None else None
        own = await self.reads.cache.rendered(snapshot.generation, f"hot-feed:{rendered_class}:{rest}")
        return own.body if own is not None else None

    @staticmethod
    def _rendered_class(member_id: int, snapshot: ViewerSnapshot) -> str:
        """Who may be sent the same bytes: staff share pages but not what is rendered for each (their own
        events show their number back to them), so theirs are their own."""
        return f"s{member_id}" if snapshot.is_staff else snapshot.cache_class


@dataclass(frozen=True, slots=True)
class ReadEvent:
    """``GetEvent``, rendered: 404 for an event the caller may not see, decided on the kept facts on a hit."""

    reads: HotReads

    async def __call__(self, *, member_id: int, token_id: str, event_id: int, present: EventPresenter) -> bytes:
        cache, ttl = self.reads.cache, self.reads.ttl
        key = f"hot-event:{event_id}"
        hot = await self.reads.hot(member_id, token_id, (key,))
        generation, snapshot, entry = hot.generation, hot.viewer, hot.entries[0]
        # the host's own view shows their number back to them: never this entry
        if entry is not None and (entry.shown is None or entry.shown.host_id == member_id):
            entry = None
        if snapshot is not None and entry is not None and entry.shown is not None:
            return self._allowed(entry.shown, snapshot, member_id, entry.body)
        miss = await self.reads.database()
        snapshot = await self.reads.snapshot(miss, member_id, generation)
        if entry is not None and entry.shown is not None:  # their first read of this generation, a kept event
            await miss.uow.commit()
            return self._allowed(entry.shown, snapshot, member_id, entry.body)
        view = await miss.catalog.read_detail(event_id)
        await miss.uow.commit()
        if view is None:
            raise EventNotFound()
        for_others = present(view, False)
        if ttl > 0:  # kept whoever asked: the next caller's own visibility is checked on the facts beside it
            shown = ShownEvent(view.id, view.host_id, view.status, view.is_public, view.is_deleted)
            await cache.keep_rendered(key, Rendered(generation, for_others, shown), ttl)
        if not can_view(view, snapshot.viewer(member_id)):
            raise EventNotFound()
        return present(view, True) if view.host_id == member_id else for_others

    @staticmethod
    def _allowed(shown: ShownEvent, snapshot: ViewerSnapshot, member_id: int, body: bytes) -> bytes:
        if not can_view(shown, snapshot.viewer(member_id)):
            raise EventNotFound()
        return body
