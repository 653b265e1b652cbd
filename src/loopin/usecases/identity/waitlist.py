"""Waitlist promotion: the scheduled half (the other half runs on the member's own requests), and staff letting
a member in at once or listing who waits (``loopin members``)."""

from __future__ import annotations

from loopin.domain.identity.member import Access, Member
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.shared.errors import NotFound
from loopin.usecases.identity import jobs
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.platform.analytics import analytics_event
from loopin.usecases.shared.ports import Clock
from loopin.usecases.shared.sweep import Batch, Sweep
from loopin.usecases.shared.use_case import UseCase


class PromoteDueMembers(MemberUseCase, Sweep):
    """Promotes in small locked batches, one transaction each, so parallel workers never collide."""

    batch_size = 200

    members: MemberRepository
    clock: Clock

    async def sweep_batch(self) -> Batch:
        now = self.clock.now()
        batch = await self.members.lock_due_for_promotion(now, self.batch_size)
        promoted = 0
        for member in batch:
            if await self.access.promote(member, now):
                promoted += 1
        return Batch(len(batch), promoted)


class AdmitMember(MemberUseCase):
    """Staff let a waitlisted member in now, by phone number: from the console (``staff_id``, checked to be
    staff and named in the audit log) or by an operator on the command line (no one signed in)."""

    members: MemberRepository
    clock: Clock

    async def __call__(self, *, phone_number: str, staff_id: int | None = None) -> Member:
        if staff_id is not None:
            await self.access.load(staff_id, Access.STAFF)
        phone = PhoneNumber.parse(phone_number)
        member = await self.members.lock_by_phone(phone)
        if member is None:
            raise NotFound(f"No member has the number {phone.masked()}.", code="ACCOUNT_NOT_FOUND")
        now = self.clock.now()
        if member.admit(now):
            await self.members.save(member)
            self.uow.enqueue(analytics_event("member_promoted", member.id))
            by = "operator" if staff_id is None else "staff"
            self.uow.enqueue(jobs.audited_member("admitted", member.id, actor_id=staff_id, at=now, by=by))
            self.uow.enqueue(jobs.admitted(member.id))
        await self.uow.commit()
        return member


class ListWaitlistedMembers(UseCase):
    members: MemberRepository

    async def __call__(self, *, limit: int = 100) -> list[Member]:
        waiting = await self.members.list_waitlisted(limit)
        await self.uow.commit()
        return waiting
