"""SAQ worker settings: ``saq loopin.entrypoints.worker.main.settings`` (or ``loopin worker``).

Besides the jobs, the worker runs the outbox relay loop: committed jobs that were not handed to SAQ right after
their commit (Redis was down, the API process died) are relayed from here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from saq import CronJob, Queue
from saq.types import Context, SettingsDict

from loopin.adapters.jobs.relay import OutboxRelay
from loopin.entrypoints.di import make_container
from loopin.entrypoints.logging import configure_logging
from loopin.entrypoints.settings import Settings, load_settings
from loopin.entrypoints.worker.registry import HANDLERS, run_job
from loopin.entrypoints.worker.schedule import SCHEDULE
from loopin.usecases.shared.ports import Job


def _task(name: str) -> Callable[..., Awaitable[object]]:
    async def task(ctx: Context, **payload: Any) -> object:
        return await run_job(ctx["container"], Job(name, payload))  # type: ignore[typeddict-item]

    task.__qualname__ = task.__name__ = name
    return task


def build_settings(
    settings: Settings | None = None, *, container_overrides: tuple[Any, ...] = ()
) -> SettingsDict[Context]:
    settings = settings or load_settings()
    settings.check()
    if not settings.redis_url:
        raise SystemExit("the worker needs REDIS_URL (embedded mode runs jobs inside the API process)")
    configure_logging(settings)

    async def startup(ctx: Context) -> None:
        container = make_container(settings, *container_overrides)
        background = contextlib.AsyncExitStack()
        await background.enter_async_context((await container.get(OutboxRelay)).running())
        ctx["container"] = container  # type: ignore[typeddict-unknown-key]
        ctx["background"] = background  # type: ignore[typeddict-unknown-key]

    async def shutdown(ctx: Context) -> None:
        await ctx["background"].aclose()  # type: ignore[typeddict-item]
        await ctx["container"].close()  # type: ignore[typeddict-item]

    functions = [(name, _task(name)) for name in HANDLERS]
    return {
        "queue": Queue.from_url(settings.redis_url, name=settings.queue_name),
        "functions": functions,
        "cron_jobs": [CronJob(_task(p.job), cron=p.cron, timeout=p.timeout, retries=p.retries) for p in SCHEDULE],
        "concurrency": 20,
        "startup": startup,
        "shutdown": shutdown,
    }


def settings() -> SettingsDict[Context]:
    """Entry point for the ``saq`` CLI, which accepts a callable."""
    return build_settings()
