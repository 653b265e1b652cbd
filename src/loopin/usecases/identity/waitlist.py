"""The scheduled half of waitlist promotion (the other half runs on the member's own requests)."""

from __future__ import annotations

from dataclasses import dataclass

from loopin.usecases.identity import jobs
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.shared.ports import Clock, JobQueue, UnitOfWork


@dataclass(frozen=True, slots=True)
class PromoteDueMembers:
    """Promotes in small locked batches, one transaction each, so parallel workers never collide."""

    batch_size = 200

    members: MemberRepository
    uow: UnitOfWork
    jobs: JobQueue
    clock: Clock

    async def __call__(self) -> int:
        promoted = 0
        while True:
            now = self.clock.now()
            batch = await self.members.lock_due_for_promotion(now, self.batch_size)
            for member in batch:
                if member.promote_if_due(now):
                    await self.members.save(member)
                    for job in jobs.promoted(member.id, now):
                        self.jobs.enqueue(job)
                    promoted += 1
            await self.uow.commit()
            if len(batch) < self.batch_size:
                return promoted
