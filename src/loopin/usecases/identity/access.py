"""The gate every member-facing use case passes: who is calling, and may they do this?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loopin.domain.identity.member import Access, Member
from loopin.domain.shared.errors import Unauthenticated
from loopin.usecases.identity import jobs
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.shared.ports import Clock, UnitOfWork


class SessionEnded(Unauthenticated):
    """A revoked session, refused by a read that folds the revocation check into its own round trip. The bearer
    check (entrypoints/http/auth.py) answers a revoked token with these same words."""

    default_message = "This session has ended (logged out or account deleted). Please log in again."


@dataclass(frozen=True, slots=True)
class MemberAccess:
    """Loads the caller, lets them off the waitlist when their time has come, and applies the access rule.

    Promotion happens here, on the member's own request, as well as in the scheduled job, so nobody waits
    on the scheduler. The caller's use case commits it with the rest of its transaction.
    """

    members: MemberRepository
    clock: Clock
    uow: UnitOfWork
    config: IdentityConfig

    async def load(self, member_id: int, access: Access, *, for_update: bool = False) -> Member:
        if for_update:
            member = await self.members.get_for_update(member_id)
        else:
            member = await self.members.get(member_id)
        return await self.admit(member, access, locked=for_update)

    async def admit(self, member: Member | None, access: Access, *, locked: bool = False) -> Member:
        """The caller as read elsewhere (``None``: not found), promoted when due and let through or refused
        as ``load`` does; ``locked``: read under its row lock."""
        if member is None:
            raise Unauthenticated("Your account was not found. Please sign up again.", code="ACCOUNT_NOT_FOUND")
        now = self.clock.now()
        if member.is_due_for_promotion(now):
            if not locked:
                member = await self.members.get_for_update(member.id) or member
            await self.promote(member, now)
        member.require(access, self.config.waitlist)
        return member

    async def promote(self, member: Member, now: datetime) -> bool:
        """Lets a locked ``member`` off the waitlist if their time has come: saved and announced (the promotion
        jobs) in the caller's transaction. Whether they were promoted now."""
        if not member.promote_if_due(now):
            return False
        await self.members.save(member)
        for job in jobs.promoted(member.id, now):
            self.uow.enqueue(job)
        return True
