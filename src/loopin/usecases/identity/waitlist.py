"""Waitlist promotion: the scheduled half (the other half runs on the member's own requests), and staff letting
a member in at once or listing who waits (``loopin members``)."""

from __future__ import annotations

from loopin.domain.identity.member import Member
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.shared.errors import NotFound
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


class AdmitMember:
    """Staff let a waitlisted member in now, by phone number."""

    def __init__(self, members: MemberRepository, uow: UnitOfWork, jobs: JobQueue, clock: Clock) -> None:
        self._members = members
        self._uow = uow
        self._jobs = jobs
        self._clock = clock

    async def __call__(self, phone_number: str) -> Member:
        phone = PhoneNumber.parse(phone_number)
        found = await self._members.find_by_phone(phone)
        member = await self._members.get_for_update(found.id) if found else None
        if member is None:
            raise NotFound(f"No member has the number {phone.masked()}.", code="ACCOUNT_NOT_FOUND")
        if member.admit(self._clock.now()):
            await self._members.save(member)
            self._jobs.enqueue(analytics_event("member_promoted", member.id))
        await self._uow.commit()
        return member


class ListWaitlistedMembers:
    def __init__(self, members: MemberRepository, uow: UnitOfWork) -> None:
        self._members = members
        self._uow = uow

    async def __call__(self, limit: int = 100) -> list[Member]:
        waiting = await self._members.list_waitlisted(limit)
        await self._uow.commit()
        return waiting
