"""The scheduled sweep: invitations and accepted requests past their deadlines expire."""

from __future__ import annotations

from loopin.usecases.attendance import jobs
from loopin.usecases.attendance.config import AttendanceConfig
from loopin.usecases.attendance.ports import (
    InvitationRepository,
    JoinRequestRepository,
)
from loopin.usecases.events.ports import EventCache
from loopin.usecases.shared.ports import Clock
from loopin.usecases.shared.use_case import UseCase


class ExpireOverdue(UseCase):
    """Scheduled job: marks pending invitations and unconfirmed accepted requests past their deadlines as
    expired, a batch per run, skipping rows a request is working on. Returns how many it expired."""

    invitations: InvitationRepository
    requests: JoinRequestRepository
    cache: EventCache
    clock: Clock
    config: AttendanceConfig

    async def __call__(self) -> int:
        now = self.clock.now()
        expired = 0
        for invitation in await self.invitations.lock_overdue(now, self.config.sweep_batch):
            if invitation.expire(now):
                await self.invitations.save(invitation)
                self.uow.enqueue(jobs.audited_invitation("expired", invitation, None, now))
                expired += 1
        for request in await self.requests.lock_overdue(now, self.config.sweep_batch):
            if request.expire(now):
                await self.requests.save(request)
                self.uow.enqueue(jobs.audited_request("expired", request, None, now))
                expired += 1
        if expired:
            self.uow.after_commit(self.cache.invalidate)
        await self.uow.commit()
        return expired
