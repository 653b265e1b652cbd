"""Reading and editing one's own profile (open to waitlisted members too)."""

from __future__ import annotations

from dataclasses import dataclass

from loopin.domain.identity.member import Access
from loopin.domain.identity.profile import (
    ProfileChanges,
    raise_if_any,
)
from loopin.domain.shared.changes import Keep
from loopin.domain.shared.errors import FieldProblem
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.interests import chosen_interests
from loopin.usecases.identity.jobs import audited_member
from loopin.usecases.identity.ports import InterestRepository, MemberRepository
from loopin.usecases.identity.views import ProfileView
from loopin.usecases.platform.files import delete_files
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.ports import Clock, JobQueue, UnitOfWork


@dataclass(frozen=True, slots=True)
class GetProfile:
    access: MemberAccess
    interests: InterestRepository
    storage: FileStorage
    uow: UnitOfWork

    async def __call__(self, *, member_id: int) -> ProfileView:
        member = await self.access.load(member_id, Access.SELF)
        chosen = await self.interests.get_many(member.profile.interest_ids) if member.profile.interest_ids else []
        await self.uow.commit()
        return ProfileView.of(member, chosen, self.storage)


@dataclass(frozen=True, slots=True)
class UpdateProfile:
    """Editing never admits anyone: status only moves through completion and the waitlist."""

    access: MemberAccess
    members: MemberRepository
    interests: InterestRepository
    storage: FileStorage
    uow: UnitOfWork
    jobs: JobQueue
    clock: Clock
    config: IdentityConfig

    async def __call__(self, *, member_id: int, changes: ProfileChanges) -> ProfileView:
        now = self.clock.now()
        member = await self.access.load(member_id, Access.SELF, for_update=True)
        profile = member.profile
        problems: list[FieldProblem] = []
        removed = changes.apply_to(
            profile,
            problems,
            today=now.astimezone(self.config.timezone).date(),
            picture_keys={self.storage.url_for(k): k for k in profile.picture_keys},
        )
        raise_if_any(problems)
        if isinstance(changes.interest_ids, Keep):
            chosen = await self.interests.get_many(profile.interest_ids) if profile.interest_ids else []
        else:
            chosen = await chosen_interests(self.interests, profile.interest_ids, "event_interests")
        member.updated_at = now
        await self.members.save(member)
        if removed:
            self.jobs.enqueue(delete_files(removed))
        self.jobs.enqueue(
            audited_member("profile_updated", member.id, actor_id=member.id, at=now, fields=[*changes.sent()])
        )
        await self.uow.commit()
        return ProfileView.of(member, chosen, self.storage)
