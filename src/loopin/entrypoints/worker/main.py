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
from loopin.usecases.attendance.jobs import EXPIRE_ATTENDANCE, SEAT_OFFER_SWEEP
from loopin.usecases.attendance.reminders import SEND_REMINDERS
from loopin.usecases.audit.summaries import SUMMARIZE_AUDIT_DAYS
from loopin.usecases.events.jobs import COMPLETE_ENDED
from loopin.usecases.identity.jobs import PROMOTE_DUE_MEMBERS
from loopin.usecases.notifications.deliver import PUSH_DUE
from loopin.usecases.notifications.retention import PRUNE_INBOXES
from loopin.usecases.payments import jobs as payment_jobs
from loopin.usecases.payouts import jobs as payout_jobs
from loopin.usecases.shared.ports import Job
from loopin.usecases.staff.campaigns import RESUME_CAMPAIGNS


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
    promote = _task(PROMOTE_DUE_MEMBERS)
    return {
        "queue": Queue.from_url(settings.redis_url, name=settings.queue_name),
        "functions": functions,
        "cron_jobs": [
            CronJob(promote, cron="* * * * *", timeout=120, retries=1),
            CronJob(_task(EXPIRE_ATTENDANCE), cron="* * * * *", timeout=120, retries=1),  # invitations, requests
            CronJob(_task(PUSH_DUE), cron="* * * * *", timeout=300, retries=1),  # pushes the quiet hours held
            CronJob(_task(SEND_REMINDERS), cron="*/5 * * * *", timeout=240, retries=1),  # once each, by markers
            CronJob(_task(RESUME_CAMPAIGNS), cron="*/5 * * * *", timeout=120, retries=1),  # lost batch chains
            CronJob(_task(COMPLETE_ENDED), cron="*/5 * * * *", timeout=240, retries=1),  # events past their door
            CronJob(_task(SEAT_OFFER_SWEEP), cron="* * * * *", timeout=120, retries=1),  # waitlist offers
            CronJob(_task(payment_jobs.EXPIRE_HOLDS), cron="* * * * *", timeout=120, retries=1),  # seat holds
            CronJob(_task(payment_jobs.RECONCILE_ORDERS), cron="*/5 * * * *", timeout=240, retries=1),
            CronJob(_task(payment_jobs.RETRY_REFUNDS), cron="*/10 * * * *", timeout=120, retries=1),
            # hourly, idempotent per day: closes yesterday (platform time zone) soon after its midnight
            CronJob(_task(SUMMARIZE_AUDIT_DAYS), cron="20 * * * *", timeout=600, retries=2),
            CronJob(_task(PRUNE_INBOXES), cron="40 3 * * *", timeout=1800, retries=1),  # the inbox's retention
            # Mondays 04:00 UTC (09:30 IST): a payout proposed for each host with money and a primary account
            CronJob(_task(payout_jobs.PROPOSE_PAYOUTS), cron="0 4 * * 1", timeout=600, retries=1),
        ],
        "concurrency": 20,
        "startup": startup,
        "shutdown": shutdown,
    }


def settings() -> SettingsDict[Context]:
    """Entry point for the ``saq`` CLI, which accepts a callable."""
    return build_settings()
