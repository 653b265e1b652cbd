"""Helpers of the integration suites: members to store, containers with a job recorder, a SAQ worker."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import msgspec
import pytest
from dishka import AsyncContainer, Provider, Scope
from saq import Worker

from loopin.adapters.jobs.dispatch import JobDispatcher, RecordingJobDispatcher
from loopin.domain.identity.member import Member, MemberStatus, Role
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import Gender, Profile
from loopin.entrypoints.di import make_container
from loopin.entrypoints.settings import Settings
from loopin.entrypoints.worker.main import build_settings
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.support import Fakes, fakes_provider


def phone(n: int) -> PhoneNumber:
    """Distinct valid Indian mobile numbers."""
    return PhoneNumber.parse(f"+9198123{n:05d}")


def full_member(n: int, now: datetime) -> Member:
    """A member with every field set to something other than its default."""
    member = Member.register(phone(n), now=now - timedelta(days=2))
    member.role = Role.STAFF
    member.status = MemberStatus.WAITLISTED
    member.profile = Profile(
        name="Asha Rao",
        birth_date=date(2000, 1, 5),
        gender=Gender.PREFER_NOT_TO_SAY,
        bio="Climbs, cooks, reads.",
        location="Pune",
        interest_ids=(7, 1, 4),
        picture_keys=("members/1/a.png", "members/1/b.jpg"),
    )
    member.waitlisted_at = now - timedelta(hours=1, microseconds=123)
    member.promote_at = now + timedelta(hours=3, microseconds=456)
    member.updated_at = now - timedelta(minutes=5)
    return member


def waitlisted(n: int, promote_at: datetime) -> Member:
    member = Member.register(phone(n), now=promote_at - timedelta(hours=4))
    member.status = MemberStatus.WAITLISTED
    member.waitlisted_at = promote_at - timedelta(hours=4)
    member.promote_at = promote_at
    return member


async def store_members(container: AsyncContainer, *members: Member) -> list[Member]:
    async with container() as scope:
        repo = await scope.get(MemberRepository)
        stored = [await repo.add(m) for m in members]
        await (await scope.get(UnitOfWork)).commit()
    return stored


@pytest.fixture(autouse=True)
def _services_ready_for_services_params(request: pytest.FixtureRequest) -> None:
    """Sets up ``clean_services`` (and the session ``database``) before ``any_container`` runs.

    ``any_container`` asks for ``clean_services`` from inside its own coroutine, where pytest-asyncio
    cannot start another fixture ("Runner.run() cannot be called from a running event loop"), and where
    ``database`` could not call ``asyncio.run`` either. Requested first, here, outside the loop, both are
    ready and cached, so ``any_container``'s own request just returns them.
    """
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and "services" in callspec.params.values():
        request.getfixturevalue("clean_services")


def recording_provider(recorder: RecordingJobDispatcher) -> Provider:
    provider = Provider(scope=Scope.APP)
    provider.provide(lambda: recorder, provides=JobDispatcher, override=True)
    return provider


@dataclass(frozen=True, slots=True)
class Recorded:
    container: AsyncContainer
    dispatcher: RecordingJobDispatcher


@pytest.fixture(params=["memory", "services"])
async def recorded(
    request: pytest.FixtureRequest, memory_settings: Settings, service_settings: Settings, fakes: Fakes
) -> AsyncIterator[Recorded]:
    """Like ``any_container``, with every committed job kept in a recorder instead of being run."""
    if request.param == "services":
        request.getfixturevalue("clean_services")
        settings = service_settings
    else:
        settings = memory_settings
    recorder = RecordingJobDispatcher()
    container = make_container(settings, fakes_provider(fakes, inline_jobs=False), recording_provider(recorder))
    yield Recorded(container, recorder)
    await container.close()


@pytest.fixture
def queue_settings(service_settings: Settings, clean_services: None) -> Settings:
    """Service settings on a queue of their own, so no other worker or test run can take these jobs."""
    return msgspec.structs.replace(service_settings, queue_name=f"loopin-test-{uuid.uuid4().hex[:12]}")


@asynccontextmanager
async def running_worker(
    settings: Settings, *overrides: Provider, with_cron: bool = False
) -> AsyncIterator[Worker[Any]]:
    """A real SAQ worker (not burst mode) on ``settings.queue_name``, stopped on exit.

    Without ``with_cron`` the per-minute sweeps are left out: one firing at a minute boundary would race the
    job a test runs by hand.
    """
    worker_settings = build_settings(settings, container_overrides=overrides)
    if not with_cron:
        worker_settings["cron_jobs"] = []
    worker: Worker[Any] = Worker(**worker_settings)
    task = asyncio.create_task(worker.start())
    try:
        async with asyncio.timeout(10):
            while "container" not in worker.context:
                if task.done():
                    task.result()
                    raise AssertionError("the worker stopped before it started")
                await asyncio.sleep(0.02)
        yield worker
    finally:
        await worker.stop()
        await asyncio.wait_for(task, 10)
        await worker.queue.disconnect()


async def eventually(condition: Any, *, what: str, timeout: float = 30.0) -> None:
    """Polls ``condition()`` until it is truthy; fails (with ``what``) after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            pytest.fail(f"timed out after {timeout:g}s waiting for {what}")
        await asyncio.sleep(0.05)
