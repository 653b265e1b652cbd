"""Venue reuse, host leads and the audit log, on the in-memory store and on PostgreSQL; the audit job in SAQ."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from dishka import AsyncContainer

from loopin.domain.audit.entry import AuditEntry
from loopin.domain.events.host_lead import new_lead
from loopin.domain.events.venue import Venue, VenueType
from loopin.domain.identity.phone import PhoneNumber
from loopin.entrypoints.di import make_container
from loopin.entrypoints.settings import Settings
from loopin.usecases.audit.ports import AuditLog
from loopin.usecases.audit.record import RECORD_AUDIT_ENTRY, RecordAuditEntry, audit_entry
from loopin.usecases.events.ports import HostLeadRepository, VenueRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.integration.conftest import running_worker
from tests.integration.events_support import venue
from tests.support import Fakes, fakes_provider


async def add_venue(container: AsyncContainer, v: Venue) -> tuple[Venue, bool]:
    async with container() as scope:
        found = await (await scope.get(VenueRepository)).find_or_add(v)
        await (await scope.get(UnitOfWork)).commit()
    return found


async def test_a_venue_round_trips(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    original = venue(
        now,
        latitude=0.0,
        longitude=-72.822612,
        place_id="place-1",
        venue_type=VenueType.OUTDOOR,
        capacity=300,
        metadata={"parking": "street"},
        country_code="in",
    )
    stored, created = await add_venue(any_container, original)
    assert created
    async with any_container() as scope:
        found = await (await scope.get(VenueRepository)).get(stored.id)
    assert found == stored
    assert found is not None
    assert (found.latitude, found.longitude) == (0.0, -72.822612)  # zero is a coordinate


async def test_the_same_place_is_found_again(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    first, _ = await add_venue(any_container, venue(now, "Toit", "Bengaluru", place_id="g-toit"))
    by_place, created = await add_venue(any_container, venue(now, "Toit Brewpub", "Bangalore", place_id="g-toit"))
    assert (by_place.id, created) == (first.id, False)
    by_text, created = await add_venue(any_container, venue(now, " TOIT", "bengaluru"))
    assert (by_text.id, created) == (first.id, False)
    other, created = await add_venue(any_container, venue(now, "Toit", "Pune"))
    assert created
    assert other.id != first.id


async def test_adding_one_place_at_once_from_many_requests_stores_it_once(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    now = fakes.clock.now()
    results = await asyncio.gather(
        *(add_venue(any_container, venue(now, "Cafe Zoe", "Mumbai", place_id="g-zoe")) for _ in range(6))
    )
    assert len({v.id for v, _ in results}) == 1
    assert [created for _, created in results].count(True) == 1


async def test_listing_venues(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    for name, city, kind in (
        ("B", "Mumbai", VenueType.INDOOR),
        ("a", "Navi Mumbai", VenueType.OUTDOOR),
        ("C", "Pune", VenueType.INDOOR),
    ):
        await add_venue(any_container, venue(now, name, city, venue_type=kind))
    await add_venue(any_container, venue(now, "Closed", "Mumbai", is_active=False))
    async with any_container() as scope:
        repo = await scope.get(VenueRepository)
        found = await repo.list_active(city="mumbai", venue_type=None, offset=0, limit=10)
        assert (found.total, [v.name for v in found.rows]) == (2, ["a", "B"])
        found = await repo.list_active(city=None, venue_type=VenueType.INDOOR, offset=1, limit=1)
        assert (found.total, [v.name for v in found.rows]) == (2, ["C"])
        found = await repo.list_active(city="%", venue_type=None, offset=0, limit=10)
        assert found.total == 0  # a wildcard is a character, not a pattern


async def test_one_lead_per_phone_even_at_once(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()

    async def submit(first: str) -> tuple[int, bool]:
        async with any_container() as scope:
            lead, created = await (await scope.get(HostLeadRepository)).add(
                new_lead(first, "Rao", "+919812345678", "", now=now)
            )
            await (await scope.get(UnitOfWork)).commit()
        return lead.id, created

    results = await asyncio.gather(*(submit(f"Asha{'a' * n}") for n in range(5)))
    assert len({lead_id for lead_id, _ in results}) == 1
    assert [c for _, c in results].count(True) == 1
    async with any_container() as scope:
        repo = await scope.get(HostLeadRepository)
        found = await repo.find_by_phone(PhoneNumber("+919812345678"))
        recent = await repo.list_recent(offset=0, limit=10)
    assert found is not None
    assert (recent.total, recent.rows) == (1, [found])


async def test_audit_entries_are_appended_once(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    jobs = [
        audit_entry("event.created", actor_id=1, target_type="event", target_id=9, at=now, details={"n": [1, 2]}),
        audit_entry("event.deleted", actor_id=None, target_type="event", target_id=9, at=now + timedelta(1)),
    ]
    for job in (*jobs, jobs[0]):
        async with any_container() as scope:
            await (await scope.get(RecordAuditEntry))(payload=job.payload)
    async with any_container() as scope:
        entries = await (await scope.get(AuditLog)).entries_for("event", 9)
    assert [(e.action, e.actor_id) for e in entries] == [("event.created", 1), ("event.deleted", None)]
    assert entries[0].details == {"n": [1, 2]}
    assert isinstance(entries[0], AuditEntry)


async def test_the_worker_records_audit_entries(queue_settings: Settings, fakes: Fakes) -> None:
    container = make_container(queue_settings, fakes_provider(fakes, inline_jobs=False))
    try:
        async with running_worker(queue_settings, fakes_provider(fakes, inline_jobs=False)):
            async with container() as scope:
                (await scope.get(UnitOfWork)).enqueue(
                    audit_entry(
                        "event.updated", actor_id=3, target_type="event", target_id=77, at=fakes.clock.now()
                    )
                )
                await (await scope.get(UnitOfWork)).commit()

            async def recorded() -> list[AuditEntry]:
                async with container() as scope:
                    return await (await scope.get(AuditLog)).entries_for("event", 77)

            loop = asyncio.get_running_loop()
            deadline = loop.time() + 10
            while not (found := await recorded()):
                assert loop.time() < deadline, f"the worker did not run {RECORD_AUDIT_ENTRY}"
                await asyncio.sleep(0.1)
            assert found[0].action == "event.updated"
    finally:
        await container.close()
