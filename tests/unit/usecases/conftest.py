"""Fixtures of the use-case tests: ``world`` (jobs run inline and are logged), ``recorded_world`` (jobs are only
logged), ``make_world`` for settings and dishka overrides of one's own; the clock starts at ``START``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from dishka import Provider

from loopin.adapters.jobs.dispatch import JobDispatcher
from loopin.adapters.memory.notifications import RecordingPushSender
from loopin.domain.identity.otp import OtpPolicy
from loopin.entrypoints.di import make_container
from loopin.entrypoints.settings import load_settings
from tests.support import Fakes, fakes_provider
from tests.unit.usecases.world import START, JobLog, World, world_provider

MakeWorld = Callable[..., Awaitable[World]]


@pytest.fixture
def issued_codes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Makes sign-in codes predictable and distinct, so "the old code" is never the new one by chance."""
    codes = [f"{n:04d}" for n in (1111, 2222, 3333, 4444, 5555, 6666, 7777, 8888)]
    it = iter(codes)
    monkeypatch.setattr(OtpPolicy, "new_code", lambda self: next(it))
    return codes


@pytest.fixture
async def make_world(fakes: Fakes, tmp_path: Path) -> AsyncIterator[MakeWorld]:
    """Builds a world on the in-memory adapters; settings and extra dishka overrides may be given. Every job
    that ran must have succeeded."""
    fakes.clock.advance(START - fakes.clock.now())  # pinned to whole seconds: rate-limit arithmetic stays exact
    worlds: list[World] = []

    async def build(
        *overrides: Provider,
        run_jobs: bool = True,
        wrap_dispatcher: Callable[[JobDispatcher], JobDispatcher] | None = None,
        **settings: Any,
    ) -> World:
        media_root = tmp_path / "media"
        settings.setdefault(
            "events_max_per_member_per_day", 1000
        )  # the feed tests fill pages with one host's events
        config = load_settings({}, environment="test", media_root=str(media_root), **settings)
        log, push = JobLog(), RecordingPushSender()
        container = make_container(
            config,
            fakes_provider(fakes, inline_jobs=False),
            world_provider(log, push, run_jobs=run_jobs, wrap=wrap_dispatcher),
            *overrides,
        )
        world = World(container, fakes, log, push, media_root)
        worlds.append(world)
        return world

    yield build
    for world in worlds:
        await world.container.close()
        assert world.jobs.failures == [], f"jobs failed: {world.jobs.failures}"


@pytest.fixture
async def world(make_world: MakeWorld) -> World:
    return await make_world()


@pytest.fixture
async def recorded_world(make_world: MakeWorld) -> World:
    """Committed jobs are logged, not run."""
    return await make_world(run_jobs=False)
