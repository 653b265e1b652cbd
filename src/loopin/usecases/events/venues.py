"""Venues: created from the app's Google place fields (or the venue API), reused when the place comes again."""

from __future__ import annotations

from loopin.domain.events.place import PlaceInput, venue_from_place
from loopin.domain.events.problems import Problems
from loopin.domain.events.rules import parse_venue_type
from loopin.domain.events.venue import Venue, VenueNotFound, VenueType
from loopin.domain.identity.member import Access
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.ports import VenueRepository
from loopin.usecases.events.views import VenueView
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.platform.ports import RateLimiter
from loopin.usecases.shared.paging import Page
from loopin.usecases.shared.ports import Clock


async def active_venue(venues: VenueRepository, venue_id: int) -> Venue:
    venue = await venues.get(venue_id)
    if venue is None or not venue.is_active:
        raise VenueNotFound()
    return venue


class CreateVenue(MemberUseCase):
    """Any active member may add a venue; the same place again returns the stored one (no duplicates)."""

    venues: VenueRepository
    limiter: RateLimiter
    clock: Clock
    config: EventsConfig

    async def __call__(self, *, member_id: int, place: PlaceInput) -> tuple[VenueView, bool]:
        member = await self.access.load(member_id, Access.MEMBER)
        now = self.clock.now()
        problems = Problems()
        draft = venue_from_place(place, problems, now=now, created_by=member.id)
        problems.raise_if_any()
        assert draft is not None
        await self.config.venues_per_member.count(self.limiter, member.id, now)
        venue, created = await self.venues.find_or_add(draft)
        await self.uow.commit()
        return VenueView.of(venue), created


class GetVenue(MemberUseCase):
    venues: VenueRepository

    async def __call__(self, *, member_id: int, venue_id: int) -> VenueView:
        await self.access.load(member_id, Access.MEMBER)
        venue = await active_venue(self.venues, venue_id)
        await self.uow.commit()
        return VenueView.of(venue)


class ListVenues(MemberUseCase):
    venues: VenueRepository

    async def __call__(
        self, *, member_id: int, city: str | None, venue_type: str | None, offset: int, limit: int
    ) -> Page[VenueView]:
        await self.access.load(member_id, Access.MEMBER)
        problems = Problems()
        kind: VenueType | None = parse_venue_type(venue_type, problems) if venue_type else None
        problems.raise_if_any()
        found = await self.venues.list_active(city=city, venue_type=kind, offset=offset, limit=limit)
        await self.uow.commit()
        return Page(found.total, [VenueView.of(v) for v in found.rows])
