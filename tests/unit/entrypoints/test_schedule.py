"""The periodic jobs' one table: what the worker registers and what embedded mode runs on its minute clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from croniter import croniter

from loopin.entrypoints.worker import schedule
from loopin.entrypoints.worker.registry import HANDLERS
from loopin.entrypoints.worker.schedule import SCHEDULE, due_at, due_between
from loopin.usecases.audit.summaries import SUMMARIZE_AUDIT_DAYS
from loopin.usecases.identity.jobs import PROMOTE_DUE_MEMBERS
from loopin.usecases.notifications.retention import PRUNE_INBOXES
from loopin.usecases.payments import jobs as payment_jobs
from loopin.usecases.payouts import jobs as payout_jobs
from loopin.usecases.shared.ports import Job

EVERY_MINUTE = [p.job for p in SCHEDULE if p.cron == "* * * * *"]


def test_every_periodic_job_has_a_handler_and_a_valid_schedule() -> None:
    assert len({p.job for p in SCHEDULE}) == len(SCHEDULE)
    for periodic in SCHEDULE:
        assert periodic.job in HANDLERS
        assert croniter.is_valid(periodic.cron), periodic


def test_an_ordinary_minute_runs_only_the_minute_jobs() -> None:
    assert due_at(datetime(2026, 12, 8, 9, 7, tzinfo=UTC)) == EVERY_MINUTE


def test_the_weekly_payout_proposal_runs_on_monday_at_four_with_the_five_and_ten_minute_jobs() -> None:
    due = due_at(datetime(2026, 12, 7, 4, 0, tzinfo=UTC))  # a Monday
    assert payout_jobs.PROPOSE_PAYOUTS in due
    assert payment_jobs.RECONCILE_ORDERS in due
    assert payment_jobs.RETRY_REFUNDS in due
    assert SUMMARIZE_AUDIT_DAYS not in due
    assert payout_jobs.PROPOSE_PAYOUTS not in due_at(datetime(2026, 12, 8, 4, 0, tzinfo=UTC))


def test_the_daily_and_hourly_jobs_run_at_their_minute() -> None:
    assert PRUNE_INBOXES in due_at(datetime(2026, 12, 8, 3, 40, tzinfo=UTC))
    assert SUMMARIZE_AUDIT_DAYS in due_at(datetime(2026, 12, 8, 17, 20, tzinfo=UTC))
    assert payment_jobs.RETRY_REFUNDS not in due_at(datetime(2026, 12, 8, 17, 25, tzinfo=UTC))


async def one_wake_up(
    monkeypatch: pytest.MonkeyPatch, started: datetime, woke: datetime, failing: str | None = None
) -> list[str]:
    """Runs the embedded clock from ``started`` through one wake-up at ``woke``; the jobs it ran, in order."""
    readings = iter([started, woke])
    ran: list[str] = []
    sleeps = 0

    async def run_job(container: Any, job: Job) -> None:
        ran.append(job.name)
        if job.name == failing:
            raise RuntimeError(f"{failing} failed")

    async def sleep(seconds: float) -> None:
        nonlocal sleeps
        assert 0 < seconds <= 60
        sleeps += 1
        if sleeps > 1:
            raise asyncio.CancelledError

    monkeypatch.setattr(schedule, "run_job", run_job)
    monkeypatch.setattr(schedule.asyncio, "sleep", sleep)
    with pytest.raises(asyncio.CancelledError):
        await schedule.run_on_minute_clock(container=None, now=lambda: next(readings))  # type: ignore[arg-type]
    return ran


async def test_the_embedded_clock_runs_what_is_due_and_a_failure_does_not_stop_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started, woke = datetime(2026, 12, 8, 9, 6, 59, tzinfo=UTC), datetime(2026, 12, 8, 9, 7, 0, tzinfo=UTC)
    assert await one_wake_up(monkeypatch, started, woke, failing=PROMOTE_DUE_MEMBERS) == EVERY_MINUTE


async def test_minutes_a_long_run_slept_through_are_made_up_each_job_once(monkeypatch: pytest.MonkeyPatch) -> None:
    started = datetime(2026, 12, 7, 3, 58, 30, tzinfo=UTC)  # a Monday
    ran = await one_wake_up(monkeypatch, started, woke=datetime(2026, 12, 7, 4, 3, 0, tzinfo=UTC))  # 03:59-04:03
    assert payout_jobs.PROPOSE_PAYOUTS in ran
    assert payment_jobs.RECONCILE_ORDERS in ran
    assert len(ran) == len(set(ran))


def test_a_clock_that_went_back_runs_nothing_twice() -> None:
    later = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
    assert due_between(later, later - timedelta(minutes=3)) == []
    assert due_between(later, later) == []
