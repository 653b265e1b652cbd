"""Public pages, venues, host leads and the audit job on the in-memory adapters."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest

from loopin.domain.events.changes import EventChanges
from loopin.domain.events.event import EventNotFound
from loopin.domain.events.place import PlaceInput
from loopin.domain.events.venue import VenueNotFound
from loopin.domain.identity.member import Role
from loopin.domain.shared.errors import Forbidden, InvalidInput, RateLimited
from loopin.usecases.audit.record import RecordAuditEntry, audit_entry
from loopin.usecases.events.hosts import BecomeAHost, HostLeadSubmitted, ListHostLeads
from loopin.usecases.events.manage import UpdateEvent
from loopin.usecases.events.public import (
    CityEvents,
    CityNotFound,
    CityPage,
    EventSeo,
    InterestNotFound,
    PublicEvent,
    SeoPage,
)
from loopin.usecases.events.venues import CreateVenue, GetVenue, ListVenues
from loopin.usecases.events.views import VenueView
from loopin.usecases.shared.paging import Page
from tests.unit.usecases.forms import start_in
from tests.unit.usecases.world import World


async def test_public_event_by_canonical_id(world: World) -> None:
    host = await world.member(1)
    public = await world.create(host)
    private = await world.create(host, is_public="false")
    draft = await world.create(host, publish="false")
    assert (await world.run(PublicEvent, canonical_id=public.canonical_id)).id == public.id
    for hidden in (private.canonical_id, draft.canonical_id, "nOtThErE", "../etc", ""):
        with pytest.raises(EventNotFound):
            await world.run(PublicEvent, canonical_id=hidden)


async def test_seo_metadata_and_the_redirect_of_stale_links(world: World) -> None:
    host = await world.member(1, name="Asha Rao")
    event = await world.create(host, is_paid="true", ticket_price="500", max_capacity="0")
    page: SeoPage = await world.run(EventSeo, canonical_id=event.canonical_id)
    assert page.redirect_to is None
    assert page.seo["title"] == "Sunset Jam Session in Mumbai | Loopin"
    assert page.seo["canonical_url"] == event.share_url
    assert str(page.seo["event_start_time"]).endswith("+05:30")
    schema = page.schema["event"]
    assert isinstance(schema, dict)
    assert schema["offers"]["availability"] == "https://schema.org/InStock"  # unlimited is never sold out
    assert schema["offers"]["price"] == "500.00"
    assert schema["location"]["geo"] == {"@type": "GeoCoordinates", "latitude": 19.0658, "longitude": 72.8226}
    assert schema["organizer"]["name"] == "Asha Rao"
    fresh: SeoPage = await world.run(
        EventSeo, canonical_id=event.canonical_id, url_city_slug="mumbai", url_event_slug=event.slug
    )
    assert fresh.redirect_to is None
    await world.run(UpdateEvent, member_id=host.id, event_id=event.id, changes=EventChanges(title="Moonrise Jam"))
    stale: SeoPage = await world.run(
        EventSeo, canonical_id=event.canonical_id, url_event_slug="sunset-jam-session"
    )
    assert stale.redirect_to == f"https://loopinsocial.in/in/mumbai/events/moonrise-jam--{event.canonical_id}"
    moved: SeoPage = await world.run(EventSeo, canonical_id=event.canonical_id, url_city_slug="pune")
    assert moved.redirect_to is not None


async def test_a_citys_upcoming_public_events(world: World) -> None:
    host = await world.member(1)
    for day in (4, 2, 3):
        await world.create(
            host, title=f"Mumbai {day}", start_time=start_in(world.fakes, day), event_interest_ids="[1]"
        )
    await world.create(host, title="Mumbai private", is_public="false")
    await world.create(host, title="Mumbai draft", publish="false")
    await world.create(
        host, title="Pune", place_id="", venue_name="Vetal", city="Pune", address="Vetal Tekdi, Pune"
    )
    page: CityPage = await world.run(CityEvents, country_code="IN", city="mumbai", page=1, limit=2)
    assert [e.title for e in page.page.events] == ["Mumbai 2", "Mumbai 3"]
    assert page.pagination["total"] == 3
    assert page.pagination["total_pages"] == 2
    assert page.pagination["next_url"] == "/in/mumbai/events?page=2"
    assert page.seo["h1"] == "Events in Mumbai"
    second: CityPage = await world.run(CityEvents, country_code="in", city="bombay", page=2, limit=2)
    assert [e.title for e in second.page.events] == ["Mumbai 4"]
    music: CityPage = await world.run(CityEvents, country_code="in", city="mumbai", interest_slug="music")
    assert music.interest is not None
    assert music.page.total == 3
    with pytest.raises(InterestNotFound):
        await world.run(CityEvents, country_code="in", city="mumbai", interest_slug="knitting")
    assert (await world.run(CityEvents, country_code="us", city="mumbai")).page.total == 0
    for country in ("india", "éé", "i1"):  # two ASCII letters, as the feed and a venue read it (is_country_code)
        with pytest.raises(InvalidInput):
            await world.run(CityEvents, country_code=country, city="mumbai")


async def test_a_path_no_city_slug_has_is_not_a_city_page(world: World) -> None:
    """Only an unseen but well-formed city gets a page (with no events); anything else never names a city."""
    assert (await world.run(CityEvents, country_code="in", city="jaipur")).seo["h1"] == "Events in Jaipur"
    for city in ("a" * 3000, "a" * 101, "!!!", "new delhi", "café"):
        with pytest.raises(CityNotFound):
            await world.run(CityEvents, country_code="in", city=city)


async def test_venues_are_deduplicated_per_place(world: World) -> None:
    member = await world.member(1)
    place = PlaceInput(venue_name="Toit", address="80 Feet Rd, Koramangala", city="Bengaluru", venue_type="indoor")
    first, created = await world.run(CreateVenue, member_id=member.id, place=place)
    assert created is True
    again, created_again = await world.run(
        CreateVenue,
        member_id=member.id,
        place=PlaceInput(venue_name="TOIT", address="80 feet rd,  koramangala", city="bengaluru"),
    )
    assert created_again is False
    assert again.id == first.id
    view: VenueView = await world.run(GetVenue, member_id=member.id, venue_id=first.id)
    assert (view.city_slug, view.country_code) == ("bangalore", "in")
    page: Page[VenueView] = await world.run(
        ListVenues, member_id=member.id, city="benga", venue_type=None, offset=0, limit=10
    )
    assert [v.id for v in page.rows] == [first.id]
    assert (
        await world.run(ListVenues, member_id=member.id, city="pune", venue_type=None, offset=0, limit=10)
    ).total == 0
    with pytest.raises(VenueNotFound):
        await world.run(GetVenue, member_id=member.id, venue_id=999)
    with pytest.raises(InvalidInput):
        await world.run(CreateVenue, member_id=member.id, place=PlaceInput(venue_name="", address="x", city="y"))
    with pytest.raises(InvalidInput):
        await world.run(ListVenues, member_id=member.id, city=None, venue_type="cave", offset=0, limit=10)


def lead(phone: str, address: str = "10.0.0.1", first: str = "Asha") -> dict[str, str]:
    return {
        "first_name": first,
        "last_name": "Rao",
        "phone_number": phone,
        "message": "I run a book club",
        "client_address": address,
    }


async def test_one_host_lead_per_phone(world: World) -> None:
    first: HostLeadSubmitted = await world.run(BecomeAHost, **lead("+919812345678"))
    assert first.created is True
    assert first.lead.phone_number == "+919812345678"
    again: HostLeadSubmitted = await world.run(BecomeAHost, **lead("98123 45678", first="Someone"))
    assert again.created is False
    assert again.lead.id == first.lead.id
    assert again.lead.first_name == "Asha"  # the stored lead, not the repeat
    with pytest.raises(InvalidInput) as raised:
        await world.run(
            BecomeAHost,
            first_name="",
            last_name="Rao",
            phone_number="12",
            message="x" * 1001,
            client_address="10.0.0.1",
        )
    assert {p.field for p in raised.value.problems} == {"first_name", "phone_number", "message"}


async def test_host_leads_are_rate_limited_per_address(world: World) -> None:
    for n in range(10):
        await world.run(BecomeAHost, **lead(f"+9198123{n:05d}"))
    with pytest.raises(RateLimited):
        await world.run(BecomeAHost, **lead("+919812399999"))
    await world.run(BecomeAHost, **lead("+919812399999", address="10.0.0.2"))
    world.fakes.clock.advance(timedelta(hours=1, seconds=1))
    await world.run(BecomeAHost, **lead("+919812399998"))


async def test_only_staff_list_host_leads(world: World) -> None:
    await world.run(BecomeAHost, **lead("+919812345678"))
    await world.run(BecomeAHost, **lead("+919812345679"))
    member, staff = await world.member(1), await world.member(2, role=Role.STAFF)
    with pytest.raises(Forbidden):
        await world.run(ListHostLeads, member_id=member.id, offset=0, limit=10)
    leads = await world.run(ListHostLeads, member_id=staff.id, offset=0, limit=10)
    assert leads.total == 2
    assert [x.phone_number for x in leads.rows] == ["+919812345679", "+919812345678"]  # newest first


async def test_recording_an_audit_entry_twice_writes_it_once(world: World) -> None:
    job = audit_entry(
        "event.updated",
        actor_id=7,
        target_type="event",
        target_id=42,
        at=world.fakes.clock.now(),
        details={"changed": ["title"], "price": "500.00"},
    )
    assert await world.run(RecordAuditEntry, payload=job.payload) is True
    assert await world.run(RecordAuditEntry, payload=job.payload) is False
    (entry,) = await world.audit("event", 42)
    assert entry.entry_id == uuid.UUID(str(job.payload["entry_id"]))
    assert entry.details == json.loads(str(job.payload["details"]))
    assert entry.at == world.fakes.clock.now()


async def test_host_leads_from_ipv6_are_limited_per_64(world: World) -> None:
    for n in range(10):
        await world.run(BecomeAHost, **lead(f"+9198123{n:05d}", address=f"2001:db8:5:6::{n + 1:x}"))
    with pytest.raises(RateLimited):
        await world.run(BecomeAHost, **lead("+919812399999", address="2001:db8:5:6:abcd::1"))
    await world.run(BecomeAHost, **lead("+919812399999", address="2001:db8:5:7::1"))
