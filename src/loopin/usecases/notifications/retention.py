"""How long the inbox keeps a notification. The inbox is the member's record of what happened to their
requests, tickets, payments and events, so it keeps a season of it; past that a notification has served its
purpose (DPDP Act s.8(7): erase once the purpose is served) and the table stays the size members use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from loopin.usecases.notifications.ports import NotificationRepository
from loopin.usecases.shared.ports import Clock
from loopin.usecases.shared.sweep import Batch, Sweep

PRUNE_INBOXES = "notifications.prune_inboxes"


@dataclass(frozen=True, slots=True)
class InboxRetention:
    days: int = 90  # NOTIFICATION_RETENTION_DAYS
    batch: int = 1000  # rows per transaction: a short lock on each, however large the backlog


class PruneInboxes(Sweep):
    """Sweep (daily). Notifications created before the retention go, read or not, a batch per transaction;
    rows another transaction holds (a push going out) wait for the next run. Returns how many went."""

    notifications: NotificationRepository
    retention: InboxRetention
    clock: Clock

    @property
    def batch_size(self) -> int:
        return self.retention.batch

    async def sweep_batch(self) -> Batch:
        cutoff = self.clock.now() - timedelta(days=self.retention.days)
        gone = await self.notifications.delete_older_than(cutoff, self.batch_size)
        return Batch(gone, gone)
