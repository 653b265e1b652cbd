"""The periodic jobs, written once. The SAQ worker registers them as cron jobs; embedded mode, which has no
worker, runs the same table on a minute clock inside the API process, so both shapes keep the same hours."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from croniter import croniter
from dishka import AsyncContainer

from loopin.entrypoints.worker.registry import run_job
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

log = structlog.get_logger("loopin.schedule")


@dataclass(frozen=True, slots=True)
class Periodic:
    """A job that finds its own work, run at the minutes ``cron`` (UTC) names."""

    job: str
    cron: str
    timeout: int  # seconds the worker gives one run
    retries: int = 1


SCHEDULE: tuple[Periodic, ...] = (
    Periodic(PROMOTE_DUE_MEMBERS, "* * * * *", 120),  # the sign-up waitlist
    Periodic(EXPIRE_ATTENDANCE, "* * * * *", 120),  # invitations and acceptances past their deadline
    Periodic(PUSH_DUE, "* * * * *", 300),  # pushes the quiet hours held
    Periodic(SEND_REMINDERS, "*/5 * * * *", 240),  # once each, by markers
    Periodic(RESUME_CAMPAIGNS, "*/5 * * * *", 120),  # lost batch chains
    Periodic(COMPLETE_ENDED, "*/5 * * * *", 240),  # events past their door
    Periodic(SEAT_OFFER_SWEEP, "* * * * *", 120),  # the event waitlists' offers
    Periodic(payment_jobs.EXPIRE_HOLDS, "* * * * *", 120),  # seat holds past their payment window
    Periodic(payment_jobs.RECONCILE_ORDERS, "*/5 * * * *", 240),  # callbacks that never came
    Periodic(payment_jobs.RETRY_REFUNDS, "*/10 * * * *", 120),
    # hourly, idempotent per day: closes yesterday (platform time zone) soon after its midnight
    Periodic(SUMMARIZE_AUDIT_DAYS, "20 * * * *", 600, retries=2),
    Periodic(PRUNE_INBOXES, "40 3 * * *", 1800),  # the inbox's retention
    # Mondays 04:00 UTC (09:30 IST): a payout proposed for each host with money and a primary account
    Periodic(payout_jobs.PROPOSE_PAYOUTS, "0 4 * * 1", 600),
)


CATCH_UP = timedelta(days=1)  # the most a late clock makes up for (a process suspended longer skips the rest)


def due_at(minute: datetime) -> list[str]:
    """The jobs whose schedule names this minute, in table order."""
    return due_between(minute - timedelta(minutes=1), minute)


def due_between(after: datetime, until: datetime) -> list[str]:
    """The jobs whose schedule names a minute after ``after`` and up to ``until``, each once, in table order."""
    start = max(after, until - CATCH_UP)
    return [p.job for p in SCHEDULE if croniter(p.cron, start).get_next(datetime) <= until]


def _minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


async def run_on_minute_clock(
    container: AsyncContainer, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> None:
    """Embedded mode's scheduler: at each minute boundary, runs what is due, one job after another. Minutes a
    long run slept through are made up (a Monday 04:00 is not lost to a slow 03:59), each job once. A job that
    fails is logged and tried again at its next minute, as the worker's one retry would."""
    last = _minute(now())
    while True:
        await asyncio.sleep(60 - time.time() % 60)
        minute = _minute(now())
        due, last = due_between(last, minute), max(last, minute)
        for name in due:
            try:
                await run_job(container, Job(name))
            except Exception:
                log.exception("scheduled job failed", job=name)
