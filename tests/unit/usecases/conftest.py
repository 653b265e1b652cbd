"""Fixtures of the identity use-case tests: the memory-mode container with a job log, the clock at START."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from dishka import Provider

from loopin.adapters.jobs.dispatch import JobDispatcher
from loopin.domain.identity.otp import OtpPolicy
from loopin.entrypoints.di import make_container
from loopin.entrypoints.settings import load_settings
from tests.support import Fakes, fakes_provider
from tests.unit.usecases.harness import START, App, JobLog, observing_provider

MakeApp = Callable[..., Awaitable[App]]


@pytest.fixture
def issued_codes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Makes sign-in codes predictable and distinct, so "the old code" is never the new one by chance."""
    codes = [f"{n:04d}" for n in (1111, 2222, 3333, 4444, 5555, 6666, 7777, 8888)]
    it = iter(codes)
    monkeypatch.setattr(OtpPolicy, "new_code", lambda self: next(it))
    return codes


@pytest.fixture
async def make_app(fakes: Fakes, tmp_path: Path) -> AsyncIterator[MakeApp]:
    """Builds an app on the in-memory adapters; settings and extra dishka overrides may be given."""
    fakes.clock.advance(START - fakes.clock.now())  # pinned to whole seconds: rate-limit arithmetic stays exact
    apps: list[App] = []

    async def build(
        *overrides: Provider,
        wrap_dispatcher: Callable[[JobDispatcher], JobDispatcher] | None = None,
        **settings: Any,
    ) -> App:
        config = load_settings({}, environment="test", media_root=str(tmp_path / "media"), **settings)
        log = JobLog()
        container = make_container(
            config, fakes_provider(fakes, inline_jobs=False), observing_provider(log, wrap_dispatcher), *overrides
        )
        app = App(container, fakes, log)
        apps.append(app)
        return app

    yield build
    for app in apps:
        await app.container.close()
        assert app.jobs.failures == [], f"jobs failed: {app.jobs.failures}"


@pytest.fixture
async def app(make_app: MakeApp) -> App:
    return await make_app()
