"""Scheduled reminders (every five minutes): ticket holders before the start (24 h and 2 h by default), hosts
whose join requests still wait as the event nears, hosts at the start of an event guests hold tickets for (open
the scanner), invitees whose invitation is about to lapse.

Each reminder goes out exactly once per person, event and kind, however often the scheduler runs, even twice
at once or retried: the sent-marker row (``ReminderLedger.claim``) and the reminder's notification job commit in
one transaction, and only the run that inserted the marker enqueues the job (whose notification key is the
marker's too). A ticket holder who would get two reminders in one run (a ticket issued 90 minutes before) gets
the nearest one only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from loopin.usecases.attendance.config import AttendanceConfig
from loopin.usecases.attendance.ports import ReminderDue, ReminderLedger, ReminderSource
from loopin.usecases.notifications.deliver import notification_job
from loopin.usecases.shared.ports import Clock, Job
from loopin.usecases.shared.use_case import UseCase

SEND_REMINDERS = "attendance.send_reminders"
SOON = timedelta(hours=12)  # a ticket reminder this close to the start is urgent (and says "soon")


def when(moment: datetime, zone: str, now: datetime) -> str:
    """The event's wall clock, as a guest reads it: "today at 19:30", "tomorrow at 09:00", "on Fri 6 Mar at …"."""
    local, today = moment.astimezone(ZoneInfo(zone)), now.astimezone(ZoneInfo(zone)).date()
    days = (local.date() - today).days
    day = "today" if days == 0 else "tomorrow" if days == 1 else f"on {local:%a} {local.day} {local:%b}"
    return f"{day} at {local:%H:%M}"


def reminder_key(kind: str, event_id: int, member_id: int) -> str:
    return f"reminder:{kind}:{event_id}:{member_id}"


class SendReminders(UseCase):
    """Job (cron). Returns how many reminders this run sent."""

    source: ReminderSource
    ledger: ReminderLedger
    clock: Clock
    config: AttendanceConfig

    async def __call__(self) -> int:
        now = self.clock.now()
        sent = 0
        offsets = sorted(self.config.ticket_reminders, reverse=True)
        for i, before in enumerate(offsets):
            nearer = offsets[i + 1] if i + 1 < len(offsets) else timedelta(0)
            due = await self.source.ticket_holders(now + nearer, now + before, self.config.reminder_batch)
            template = "reminder_soon" if before <= SOON else "reminder_day_before"
            sent += await self._send(f"ticket_{_hours(before)}h", due, template, now)
        hosts = await self.source.hosts_with_pending(
            now, now + self.config.host_pending_notice, self.config.reminder_batch
        )
        sent += await self._send("host_pending", hosts, "reminder_pending_requests", now)
        starting = await self.source.hosts_with_guests(
            now - self.config.kickoff_grace, now, self.config.reminder_batch
        )
        sent += await self._send("host_kickoff", starting, "reminder_check_in", now)
        invitees = await self.source.invitees_expiring(
            now, now + self.config.invitation_expiry_notice, self.config.reminder_batch
        )
        sent += await self._send("invitation_expiring", invitees, "reminder_invitation_expiring", now)
        return sent

    async def _send(self, kind: str, due: list[ReminderDue], template: str, now: datetime) -> int:
        if not due:
            return 0
        claimed = await self.ledger.claim(kind, [(d.event_id, d.member_id) for d in due], now)
        for d in due:
            if (d.event_id, d.member_id) in claimed:
                self.uow.enqueue(self._notice(kind, d, template, now))
        await self.uow.commit()
        return len(claimed)

    @staticmethod
    def _notice(kind: str, d: ReminderDue, template: str, now: datetime) -> Job:
        values: dict[str, object] = {"event_name": d.event_title}
        ticket = kind.startswith("ticket_")  # "still coming?": the app offers POST /api/events/{id}/release-seat
        if template in ("reminder_pending_requests", "reminder_check_in"):
            values["count"] = d.count
        elif template == "reminder_invitation_expiring":
            values["when"] = when(d.deadline or d.start_time, d.timezone, now)
        else:
            values["when"] = when(d.start_time, d.timezone, now)
        return notification_job(
            template,
            recipient_id=d.member_id,
            values=values,
            data={"event_id": d.event_id, "reminder": kind, **({"action": "release_seat"} if ticket else {})},
            key=reminder_key(kind, d.event_id, d.member_id),
        )


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:g}"
