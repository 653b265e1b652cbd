"""The attendance use cases on the in-memory adapters: members and events stored directly, each use case in
its own scope (one transaction), committed jobs run inline so audit entries and notifications can be read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from dishka import AsyncContainer, Provider, Scope

from loopin.adapters.memory.notifications import RecordingPushSender
from loopin.domain.audit.entry import AuditEntry
from loopin.domain.events.event import Event, EventStatus
from loopin.domain.identity.member import Member, MemberStatus, Role
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import Gender, Profile
from loopin.domain.notifications.notification import Notification
from loopin.entrypoints.di import make_container
from loopin.entrypoints.settings import load_settings
from loopin.usecases.audit.ports import AuditLog
from loopin.usecases.events.ports import EventRepository
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.notifications.ports import NotificationRepository, PushSender
from loopin.usecases.shared.ports import UnitOfWork
from tests.support import Fakes, fakes_provider

T = TypeVar("T")
START = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)


def push_provider(push: RecordingPushSender) -> Provider:
    provider = Provider(scope=Scope.APP)
    provider.provide(lambda: push, provides=PushSender, override=True)
    return provider


@dataclass
class World:
    container: AsyncContainer
    fakes: Fakes
    push: RecordingPushSender

    @property
    def now(self) -> datetime:
        return self.fakes.clock.now()

    def advance(self, delta: timedelta) -> None:
        self.fakes.clock.advance(delta)

    async def run(self, kind: type[Any], **arguments: Any) -> Any:
        async with self.container() as scope:
            use_case = await scope.get(kind)
            return await use_case(**arguments)

    async def member(
        self,
        n: int,
        *,
        name: str | None = None,
        gender: Gender | None = Gender.FEMALE,
        status: MemberStatus = MemberStatus.ACTIVE,
        role: Role = Role.MEMBER,
    ) -> Member:
        member = Member.register(PhoneNumber.parse(f"+9198765{n:05d}"), now=self.now)
        member.status, member.role = status, role
        member.profile = Profile(
            name=name or f"Guest {n}", gender=gender, interest_ids=(1, 4), picture_keys=(f"profiles/{n}/a.png",)
        )
        if status is MemberStatus.WAITLISTED:
            member.waitlisted_at, member.promote_at = self.now, self.now + timedelta(hours=4)
        async with self.container() as scope:
            stored = await (await scope.get(MemberRepository)).add(member)
            await (await scope.get(UnitOfWork)).commit()
        return stored

    async def event(self, host: Member, **details: Any) -> Event:
        status = details.pop("status", EventStatus.PUBLISHED)
        starts_in = details.pop("starts_in", timedelta(days=3))
        event = Event.new(
            host_id=host.id,
            title=details.pop("title", "Sunset Jam Session"),
            start_time=self.now + starts_in,
            end_time=self.now + starts_in + timedelta(hours=3),
            timezone="Asia/Kolkata",
            now=self.now,
            **details,
        )
        event.status = status
        async with self.container() as scope:
            stored = await (await scope.get(EventRepository)).add(event)
            await (await scope.get(UnitOfWork)).commit()
        return stored

    async def reload(self, event: Event) -> Event:
        async with self.container() as scope:
            found = await (await scope.get(EventRepository)).get(event.id)
        assert found is not None
        return found

    async def change_event(self, event: Event, **changes: Any) -> Event:
        async with self.container() as scope:
            repo = await scope.get(EventRepository)
            stored = await repo.get_for_update(event.id)
            assert stored is not None
            for key, value in changes.items():
                setattr(stored, key, value)
            await repo.save(stored)
            await (await scope.get(UnitOfWork)).commit()
        return stored

    async def audit(self, target_type: str, target_id: int) -> list[AuditEntry]:
        async with self.container() as scope:
            return await (await scope.get(AuditLog)).entries_for(target_type, target_id)

    async def actions(self, target_type: str, target_id: int) -> list[str]:
        return [e.action for e in await self.audit(target_type, target_id)]

    async def notifications(self, member: Member) -> list[Notification]:
        async with self.container() as scope:
            return await (await scope.get(NotificationRepository)).for_member(member.id, 100)

    async def templates(self, member: Member) -> list[str]:
        return [n.template for n in reversed(await self.notifications(member))]


@pytest.fixture
async def world(fakes: Fakes, tmp_path: Path) -> AsyncIterator[World]:
    fakes.clock.advance(START - fakes.clock.now())
    push = RecordingPushSender()
    settings = load_settings({}, environment="test", media_root=str(tmp_path / "media"))
    container = make_container(settings, fakes_provider(fakes), push_provider(push))
    yield World(container, fakes, push)
    await container.close()
