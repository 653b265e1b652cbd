"""Staff switching an account off and on again, and making someone staff (the console and ``loopin members``).

Every change names the staff member who made it in the audit log; the console asks for a fresh code before a
deactivation (``docs/admin.md``), the use case only for the staff role.
"""

from __future__ import annotations

from loopin.domain.identity.member import Access, Member, MemberStatus
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import Profile
from loopin.domain.shared.errors import Conflict, NotFound
from loopin.usecases.identity import jobs
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.identity.ports import MemberRepository, TokenRevocations
from loopin.usecases.platform.analytics import analytics_event
from loopin.usecases.shared.ports import Clock
from loopin.usecases.shared.use_case import UseCase


class MemberNotFound(NotFound, code="ACCOUNT_NOT_FOUND", message="No such member."): ...


async def _locked_member(members: MemberRepository, member_id: int) -> Member:
    member = await members.get_for_update(member_id)
    if member is None:
        raise MemberNotFound()
    return member


class DeactivateMember(MemberUseCase):
    """Staff switch an account off: every use case refuses it from the next request on, and its app sessions
    are revoked once the change is committed. Staff cannot switch themselves off (nobody could undo it from
    the console they are locked out of)."""

    members: MemberRepository
    revocations: TokenRevocations
    clock: Clock
    config: IdentityConfig

    async def __call__(self, *, staff_id: int, member_id: int) -> Member:
        staff = await self.access.load(staff_id, Access.STAFF)
        if member_id == staff.id:
            raise Conflict("You cannot deactivate your own account.", code="CANNOT_DEACTIVATE_SELF")
        member = await _locked_member(self.members, member_id)
        now = self.clock.now()
        if member.deactivate(now):
            await self.members.save(member)
            self.uow.enqueue(jobs.audited_member("deactivated", member.id, actor_id=staff.id, at=now))

            async def end_sessions() -> None:
                until = now + self.config.session_lifetime
                await self.revocations.revoke_member(member_id, until=until, now=now)

            self.uow.after_commit(end_sessions)
        await self.uow.commit()
        return member


class ReactivateMember(MemberUseCase):
    members: MemberRepository
    clock: Clock

    async def __call__(self, *, staff_id: int, member_id: int) -> Member:
        staff = await self.access.load(staff_id, Access.STAFF)
        member = await _locked_member(self.members, member_id)
        now = self.clock.now()
        if member.reactivate(now):
            await self.members.save(member)
            self.uow.enqueue(
                jobs.audited_member(
                    "reactivated", member.id, actor_id=staff.id, at=now, status=member.status.value
                )
            )
        await self.uow.commit()
        return member


STAFF_NAME = "Loopin Staff"


class AppointStaff(UseCase):
    """An operator (``loopin members make-staff``, or the development server on start) makes the member with
    this number staff — with ``superuser``, a superuser (who alone may change the platform fee) — registering an
    active account first when the number has none. Idempotent; it never takes a superuser's role away."""

    members: MemberRepository
    clock: Clock

    async def __call__(self, *, phone_number: str, name: str = STAFF_NAME, superuser: bool = False) -> Member:
        phone = PhoneNumber.parse(phone_number)
        now = self.clock.now()
        member = await self.members.lock_by_phone(phone)
        if member is None:
            member = Member.register(phone, now=now)
            member.status = MemberStatus.ACTIVE
            member.profile = Profile(name=name)
            member = await self.members.add(member)
            self.uow.enqueue(analytics_event("member_signed_up", member.id))
        made: list[str] = []
        if member.make_staff(now):
            made.append("made_staff")
        if superuser and member.make_superuser(now):
            made.append("made_superuser")
        if made:
            await self.members.save(member)
        for action in made:
            self.uow.enqueue(jobs.audited_member(action, member.id, actor_id=None, at=now, by="operator"))
        await self.uow.commit()
        return member
