"""Members browsing events: the feed, one event, and its share link."""

from __future__ import annotations

from dataclasses import dataclass

from loopin.domain.events.event import EventStatus
from loopin.domain.events.feed import DEFAULT_LIMIT, MAX_LIMIT, FeedQuery
from loopin.domain.events.problems import Problems
from loopin.domain.events.rules import is_country_code, parse_status
from loopin.domain.identity.member import Access, Member
from loopin.usecases.events.access import EventAccess
from loopin.usecases.events.catalog import EventCatalog
from loopin.usecases.events.views import EventView, FeedPageView, ShareLink
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.shared.paging import offset_problem, search_problem, search_terms
from loopin.usecases.shared.ports import Clock


@dataclass(frozen=True, slots=True)
class FeedFilters:
    """The feed's query parameters as sent. With none of them (the app), the page is the app's default page."""

    status: str | None = None
    is_public: bool | None = None
    host_id: int | None = None
    is_upcoming: bool | None = None
    interest_id: int | None = None
    city: str | None = None
    country_code: str | None = None
    search: str | None = None
    offset: int | None = None
    limit: int | None = None

    @property
    def is_default_page(self) -> bool:
        return all(
            v is None
            for v in (
                self.status,
                self.is_public,
                self.host_id,
                self.is_upcoming,
                self.interest_id,
                self.city,
                self.country_code,
                self.search,
                self.offset,
                self.limit,
            )
        )

    def query(self) -> FeedQuery:
        p = Problems()
        statuses: list[EventStatus] = []
        for raw in (self.status or "").split(","):
            if raw.strip():
                status = parse_status(raw, p)
                if status is not None:
                    statuses.append(status)
        offset = 0 if self.offset is None else self.offset
        limit = DEFAULT_LIMIT if self.limit is None else self.limit
        p.note(offset_problem(offset))
        if not 1 <= limit <= MAX_LIMIT:
            p.add("limit", f"limit must be between 1 and {MAX_LIMIT}")
        search = search_terms(self.search)
        p.note(search_problem(search))
        if any(ch < " " for ch in self.city or ""):
            p.add("city", "city must not contain control characters")
        if self.country_code is not None and not is_country_code(self.country_code.strip()):
            p.add("country_code", "country_code must be a 2-letter country code")
        p.raise_if_any()
        return FeedQuery(
            statuses=tuple(dict.fromkeys(statuses)),
            is_public=self.is_public,
            host_id=self.host_id or None,
            upcoming=True if self.is_upcoming is None else self.is_upcoming,
            interest_id=self.interest_id or None,
            city=(self.city or "").strip() or None,
            country_code=(self.country_code or "").strip().lower() or None,
            search=search or None,
            offset=offset,
            limit=limit,
        )


class ListFeed(MemberUseCase):
    """Upcoming events the member may see, soonest first.

    The app sends no parameters; its page also carries the caller's own upcoming events even when they
    fall beyond it, because the app finds "my events" (the host dashboard) in the feed.
    """

    event_access: EventAccess
    catalog: EventCatalog
    clock: Clock

    async def __call__(self, *, member_id: int, filters: FeedFilters) -> FeedPageView:
        query = filters.query()
        member = await self.access.load(member_id, Access.MEMBER)
        viewer = await self.event_access.viewer(member)
        cache_class = await self.catalog.cache_class(viewer)
        page = await self.catalog.page(
            query, viewer, cache_class, self.clock.now(), pin_own=filters.is_default_page
        )
        await self.uow.commit()
        return page


class GetEvent(MemberUseCase):
    event_access: EventAccess
    catalog: EventCatalog

    async def __call__(self, *, member_id: int, event_id: int) -> EventView:
        member = await self.access.load(member_id, Access.MEMBER)
        view = await self.event_access.require_visible(await self.catalog.detail(event_id), member)
        await self.uow.commit()
        return view


class GetShareUrl(MemberUseCase):
    """Open without a session for public events; private and draft events need one that may see them."""

    event_access: EventAccess
    catalog: EventCatalog

    async def __call__(self, *, member_id: int | None, event_id: int) -> ShareLink:
        member: Member | None = None
        if member_id is not None:
            member = await self.access.load(member_id, Access.MEMBER)
        view = await self.event_access.require_visible(await self.catalog.detail(event_id), member)
        await self.uow.commit()
        return ShareLink.of(view)
