"""Daily summaries of the audit log: entries per action for each closed day, and the chain's head at its end.

A scheduled job closes every day not summarised yet, up to yesterday (platform time zone); a day is stored once
(a second run, or two runs at once, leave it as it is), so the job is idempotent per day. Days are counted by
when entries were recorded, which only ever moves forward, so a closed day never gets new entries.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from loopin.usecases.audit.config import AuditConfig
from loopin.usecases.audit.ports import AuditDay, AuditDays, AuditLog
from loopin.usecases.shared.ports import Clock
from loopin.usecases.shared.use_case import UseCase

SUMMARIZE_AUDIT_DAYS = "audit.summarize_days"


class SummarizeAuditDays(UseCase):
    log: AuditLog
    days: AuditDays
    clock: Clock
    config: AuditConfig

    async def __call__(self) -> list[date]:
        """Returns the days this run stored."""
        now = self.clock.now()
        yesterday = now.astimezone(self.config.timezone).date() - timedelta(days=1)
        first = await self._first_open_day(yesterday)
        stored: list[date] = []
        day = first
        while day <= yesterday and len(stored) < self.config.catch_up_days:
            start, end = self._bounds(day)
            actions = tuple(await self.log.count_actions(start, end))
            head = await self.log.head_before(end)
            if await self.days.add(AuditDay(day, sum(a.entries for a in actions), head, actions, now)):
                stored.append(day)
            await self.uow.commit()
            day += timedelta(days=1)
        return stored

    async def _first_open_day(self, yesterday: date) -> date:
        latest = await self.days.latest()
        if latest is not None:
            return latest + timedelta(days=1)
        first = await self.log.first_recorded_at()
        await self.uow.commit()
        return yesterday if first is None else min(first.astimezone(self.config.timezone).date(), yesterday)

    def _bounds(self, day: date) -> tuple[datetime, datetime]:
        start = datetime.combine(day, time.min, tzinfo=self.config.timezone)
        return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=self.config.timezone)
