"""What a member chose to hear about, and when pushes may reach them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from loopin.domain.notifications.templates import NotificationKind
from loopin.domain.shared.errors import InvalidInput


@dataclass(slots=True)
class Preferences:
    """A muted type is never pushed and never sent by a campaign; its in-app rows are still kept (the inbox is
    the record of what happened to the member's requests, tickets and events). Payments, payouts and the
    account cannot be muted."""

    member_id: int
    muted: frozenset[NotificationKind] = field(default_factory=frozenset)
    updated_at: datetime | None = None

    def allows_push(self, kind: NotificationKind) -> bool:
        return kind not in self.muted

    def mute(self, kinds: frozenset[NotificationKind], now: datetime) -> None:
        fixed = sorted(k.value for k in kinds if not k.mutable)
        if fixed:
            raise InvalidInput.single("muted", f"These notifications cannot be muted: {', '.join(fixed)}")
        self.muted = kinds
        self.updated_at = now


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Non-urgent pushes that fall between ``start`` and ``end`` (the platform's wall clock; the window may
    cross midnight) wait until ``end``; they are deferred, never dropped. Urgent ones (a cancelled event, a
    ticket, a payment, a reminder two hours before) go at once."""

    start: time = time(22, 0)
    end: time = time(8, 0)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Kolkata"))

    def push_at(self, now: datetime, *, urgent: bool) -> datetime:
        """When a push asked for at ``now`` may go out (``now`` itself unless it is quiet)."""
        if urgent or self.start == self.end:
            return now
        local = now.astimezone(self.zone)
        wall = local.time()
        crosses_midnight = self.start > self.end
        quiet = (wall >= self.start or wall < self.end) if crosses_midnight else self.start <= wall < self.end
        if not quiet:
            return now
        day = local.date() + timedelta(days=1) if crosses_midnight and wall >= self.start else local.date()
        return datetime.combine(day, self.end, tzinfo=self.zone).astimezone(now.tzinfo)
