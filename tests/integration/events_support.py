"""Storing members, venues and events straight through the ports, for the events contract suites."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from dishka import AsyncContainer

from loopin.domain.events.event import Event, EventStatus
from loopin.domain.events.venue import Venue
from loopin.domain.identity.member import Member, Role
from loopin.usecases.events.ports import EventRepository, VenueRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.factories import EventFactory, MemberFactory, ProfileFactory
from tests.integration.conftest import phone, store_members


async def members(
    container: AsyncContainer, now: datetime, count: int, *, staff: Sequence[int] = ()
) -> list[Member]:
    made = []
    for n in range(1, count + 1):
        profile = ProfileFactory.build(
            name=f"Member {n}", gender=None, interest_ids=(), picture_keys=(f"profiles/{n}/a.png",)
        )
        role = Role.STAFF if n in staff else Role.MEMBER
        made.append(MemberFactory.build(phone=phone(n), role=role, profile=profile, joined_at=now, updated_at=now))
    return await store_members(container, *made)


def venue(now: datetime, name: str = "Carter Road Amphitheatre", city: str = "Mumbai", **details: Any) -> Venue:
    return Venue.new(name=name, address=f"{name} Road, {city}", city=city, now=now, **details)


async def store_venues(container: AsyncContainer, *venues: Venue) -> list[Venue]:
    async with container() as scope:
        repo = await scope.get(VenueRepository)
        stored = [(await repo.find_or_add(v))[0] for v in venues]
        await (await scope.get(UnitOfWork)).commit()
    return stored


def event(
    host: Member,
    now: datetime,
    *,
    days: float = 2,
    title: str = "Sunset Jam Session",
    venue_id: int | None = None,
    **details: Any,
) -> Event:
    return EventFactory.starting(
        host.id, now, starts_in=timedelta(days=days), title=title, venue_id=venue_id, **details
    )


def full_event(host: Member, now: datetime, venue_id: int) -> Event:
    """Every field set to something other than its default."""
    from loopin.domain.events.event import AllowedGenders, RsvpExpiryPolicy

    e = event(
        host,
        now,
        days=5.5,
        title="Full Moon Jam",
        venue_id=venue_id,
        description="Every field set.",
        max_capacity=25,
        is_paid=True,
        ticket_price=Decimal("499.50"),
        allow_plus_one=False,
        gst_number="27AAPFU0939F1ZV",
        allowed_genders=AllowedGenders.NON_BINARY,
        rsvp_expiry_policy=RsvpExpiryPolicy.DAY_BEFORE_EVENT,
        status=EventStatus.POSTPONED,
        is_public=False,
        interest_ids=(7, 1, 4),
        cover_image_keys=("events/1/a.png", "events/1/b.jpg"),
    )
    e.timezone = "Europe/Berlin"
    e.updated_at = now + timedelta(minutes=1, microseconds=17)
    return e


async def store_events(container: AsyncContainer, *events: Event) -> list[Event]:
    async with container() as scope:
        repo = await scope.get(EventRepository)
        stored = [await repo.add(e) for e in events]
        await (await scope.get(UnitOfWork)).commit()
    return stored
