"""The events use cases on the in-memory adapters: members stored directly, use cases run in their own scope."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from dishka import AsyncContainer

from loopin.adapters.jobs.dispatch import RecordingJobDispatcher
from loopin.domain.audit.entry import AuditEntry
from loopin.domain.events.event import Event
from loopin.domain.events.place import PlaceInput
from loopin.domain.identity.member import Member, MemberStatus, Role
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import Profile
from loopin.entrypoints.di import make_container
from loopin.entrypoints.settings import Settings, load_settings
from loopin.usecases.audit.ports import AuditLog
from loopin.usecases.events.create import CreateEvent, EventForm
from loopin.usecases.events.ports import EventRepository
from loopin.usecases.events.views import EventView
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.platform.files import UploadedFile
from loopin.usecases.shared.ports import UnitOfWork
from tests.integration.conftest import recording_provider
from tests.support import Fakes, fakes_provider, png_bytes

T = TypeVar("T")


@dataclass
class World:
    container: AsyncContainer
    fakes: Fakes
    media_root: Path
    recorder: RecordingJobDispatcher | None = None
    created: int = 0

    async def run(self, kind: type[Any], **arguments: Any) -> Any:
        async with self.container() as scope:
            use_case = await scope.get(kind)
            return await use_case(**arguments)

    async def get(self, kind: type[T]) -> T:
        """An APP-scoped dependency (cache, storage...)."""
        return await self.container.get(kind)

    async def member(
        self,
        n: int,
        *,
        role: Role = Role.MEMBER,
        status: MemberStatus = MemberStatus.ACTIVE,
        name: str = "",
        pictures: Sequence[str] = ("profiles/x/a.png",),
    ) -> Member:
        member = Member.register(PhoneNumber.parse(f"+9198123{n:05d}"), now=self.fakes.clock.now())
        member.role, member.status = role, status
        member.profile = Profile(name=name or f"Member {n}", picture_keys=tuple(pictures))
        async with self.container() as scope:
            stored = await (await scope.get(MemberRepository)).add(member)
            await (await scope.get(UnitOfWork)).commit()
        return stored

    async def create(self, host: Member, **fields: Any) -> EventView:
        """Each event starts a second after the last unless told, so none is taken for a retried create."""
        self.created += 1
        fields.setdefault("start_time", start_in(self.fakes, second=self.created))
        view: EventView = await self.run(CreateEvent, **event_input(self.fakes, host.id, **fields))
        return view

    async def event(self, event_id: int) -> Event:
        async with self.container() as scope:
            found = await (await scope.get(EventRepository)).get(event_id)
        assert found is not None
        return found

    async def change(self, event_id: int, **fields: Any) -> None:
        """Writes straight to the repository (what attendance would do), without touching the cache."""
        async with self.container() as scope:
            repo = await scope.get(EventRepository)
            event = await repo.get_for_update(event_id)
            assert event is not None
            for key, value in fields.items():
                setattr(event, key, value)
            await repo.save(event)
            await (await scope.get(UnitOfWork)).commit()

    async def audit(self, event_id: int) -> list[AuditEntry]:
        async with self.container() as scope:
            return await (await scope.get(AuditLog)).entries_for("event", event_id)

    def files(self) -> list[Path]:
        return sorted(p for p in self.media_root.rglob("*") if p.is_file()) if self.media_root.exists() else []


def start_in(fakes: Fakes, days: int = 3, second: int = 0) -> str:
    """What the app sends: local (IST) midnight of a coming day, in UTC with ``Z``."""
    day = (fakes.clock.now() + timedelta(days=days)).date()
    return f"{day - timedelta(days=1)}T18:30:{second % 60:02d}.000Z"


def event_input(fakes: Fakes, member_id: int, **fields: Any) -> dict[str, Any]:
    """The arguments of ``CreateEvent`` as the app would send them, with ``fields`` changed."""
    place = {
        "venue_name": "Carter Road Amphitheatre",
        "address": "Carter Road, Bandra West, Mumbai, Maharashtra 400050, India",
        "city": "Carter Road Amphitheatre",
        "latitude": "19.0658",
        "longitude": "72.8226",
        "place_id": "place-carter-road",
        "country_code": "IN",
    }
    for key in list(place):
        if key in fields:
            place[key] = fields.pop(key)
    values: dict[str, Any] = {
        "title": "Sunset Jam Session",
        "description": "Bring your guitar.",
        "start_time": start_in(fakes),
        "duration_hours": "3.0",
        "max_capacity": "40",
        "is_paid": "false",
        "ticket_price": "0.0",
        "allow_plus_one": "true",
        "gst_number": "",
        "allowed_genders": "all",
        "status": "draft",
        "is_public": "true",
        "event_interest_ids": "[]",
    }
    values.update(fields)
    return {"member_id": member_id, "form": EventForm(place=PlaceInput(**place), **values)}


def cover(n: int = 0) -> UploadedFile:
    return UploadedFile(f"cover{n}.png", png_bytes(200 + n))


def _settings(tmp_path: Path) -> Settings:
    return load_settings({}, environment="test", media_root=str(tmp_path / "media"))


@pytest.fixture
async def world(fakes: Fakes, tmp_path: Path) -> AsyncIterator[World]:
    """Memory mode; committed jobs run inline (audit entries and analytics land before the call returns)."""
    container = make_container(_settings(tmp_path), fakes_provider(fakes))
    yield World(container, fakes, tmp_path / "media")
    await container.close()


@pytest.fixture
async def recorded_world(fakes: Fakes, tmp_path: Path) -> AsyncIterator[World]:
    """Memory mode; committed jobs are only recorded."""
    recorder = RecordingJobDispatcher()
    container = make_container(
        _settings(tmp_path), fakes_provider(fakes, inline_jobs=False), recording_provider(recorder)
    )
    yield World(container, fakes, tmp_path / "media", recorder)
    await container.close()
