"""SAQ worker settings: ``saq loopin.entrypoints.worker.main.settings`` (or ``loopin worker``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from saq import CronJob, Queue
from saq.types import Context, SettingsDict

from loopin.entrypoints.di import make_container
from loopin.entrypoints.logging import configure_logging
from loopin.entrypoints.settings import Settings, load_settings
from loopin.entrypoints.worker.registry import HANDLERS, run_job
from loopin.usecases.attendance.jobs import EXPIRE_ATTENDANCE
from loopin.usecases.identity.jobs import PROMOTE_DUE_MEMBERS
from loopin.usecases.payments import jobs as payment_jobs
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
        ctx["container"] = make_container(settings, *container_overrides)  # type: ignore[typeddict-unknown-key]

    async def shutdown(ctx: Context) -> None:
        await ctx["container"].close()  # type: ignore[typeddict-item]

    functions = [(name, _task(name)) for name in HANDLERS]
    promote = _task(PROMOTE_DUE_MEMBERS)
    return {
        "queue": Queue.from_url(settings.redis_url, name=settings.queue_name),
        "functions": functions,
        "cron_jobs": [
            CronJob(promote, cron="* * * * *", timeout=120, retries=1),
            CronJob(_task(EXPIRE_ATTENDANCE), cron="* * * * *", timeout=120, retries=1),  # invitations, requests
            CronJob(_task(payment_jobs.EXPIRE_HOLDS), cron="* * * * *", timeout=120, retries=1),  # seat holds
            CronJob(_task(payment_jobs.RECONCILE_ORDERS), cron="*/5 * * * *", timeout=240, retries=1),
            CronJob(_task(payment_jobs.RETRY_REFUNDS), cron="*/10 * * * *", timeout=120, retries=1),
        ],
        "concurrency": 20,
        "startup": startup,
        "shutdown": shutdown,
    }


def settings() -> SettingsDict[Context]:
    """Entry point for the ``saq`` CLI, which accepts a callable."""
    return build_settings()
