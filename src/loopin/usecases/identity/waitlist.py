"""The scheduled half of waitlist promotion (the other half runs on the member's own requests)."""

from __future__ import annotations

from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.platform.analytics import analytics_event
from loopin.usecases.shared.ports import Clock, JobQueue, UnitOfWork


class PromoteDueMembers:
    """Promotes in small locked batches, one transaction each, so parallel workers never collide."""

    batch_size = 200

    def __init__(self, members: MemberRepository, uow: UnitOfWork, jobs: JobQueue, clock: Clock) -> None:
        self._members = members
        self._uow = uow
        self._jobs = jobs
        self._clock = clock

    async def __call__(self) -> int:
        promoted = 0
        while True:
            now = self._clock.now()
            batch = await self._members.lock_due_for_promotion(now, self.batch_size)
            for member in batch:
                if member.promote_if_due(now):
                    await self._members.save(member)
                    self._jobs.enqueue(analytics_event("member_promoted", member.id))
                    promoted += 1
            await self._uow.commit()
            if len(batch) < self.batch_size:
                return promoted
