"""The scheduled completion: published events whose door has closed become ``completed``."""

from __future__ import annotations

from loopin.domain.events.event import CHECK_IN_AFTER_END
from loopin.usecases.events import jobs
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.ports import EventCache, EventRepository
from loopin.usecases.shared.ports import Clock
from loopin.usecases.shared.sweep import Batch, Sweep


class CompleteEndedEvents(Sweep):
    """Scheduled job (every five minutes): every published event that ended more than the door's check-in
    window ago is completed (``Event.complete``), a batch per transaction, each event under its row lock and
    skipping rows a request holds (the next run takes them). Audited with no actor, like the other sweeps.
    Returns how many it completed."""

    events: EventRepository
    cache: EventCache
    clock: Clock
    config: EventsConfig

    @property
    def batch_size(self) -> int:
        return self.config.completion_batch

    async def sweep_batch(self) -> Batch:
        now = self.clock.now()
        batch = await self.events.lock_ended(now - CHECK_IN_AFTER_END, self.batch_size)
        completed = 0
        for event in batch:
            if event.complete(now):
                await self.events.save(event)
                ended = event.end_time.isoformat()
                self.uow.enqueue(jobs.audited("completed", event, None, now, end_time=ended))
                completed += 1
        if completed:
            self.uow.after_commit(self.cache.invalidate)
        return Batch(len(batch), completed)
