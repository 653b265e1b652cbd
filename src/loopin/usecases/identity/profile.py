"""Reading and editing one's own profile (open to waitlisted members too)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from loopin.domain.identity.member import Access, Member, MemberStatus
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import (
    ProfileChanges,
    raise_if_any,
)
from loopin.domain.shared.changes import Keep
from loopin.domain.shared.errors import FieldProblem
from loopin.usecases.identity.access import SessionEnded
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.interests import chosen_interests
from loopin.usecases.identity.jobs import audited_member
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.identity.ports import InterestRepository, MemberRepository, ProfileCache, TokenRevocations
from loopin.usecases.identity.views import ProfileView
from loopin.usecases.platform.files import delete_files
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.ports import Clock, UnitOfWork


class GetProfile(MemberUseCase):
    interests: InterestRepository
    storage: FileStorage

    async def __call__(self, *, member_id: int) -> ProfileView:
        member = await self.access.load(member_id, Access.SELF)
        chosen = await self.interests.get_many(member.profile.interest_ids) if member.profile.interest_ids else []
        await self.uow.commit()
        return ProfileView.of(member, chosen, self.storage)


ProfilePresenter = Callable[[ProfileView], bytes]


@dataclass(frozen=True, slots=True)
class ReadProfile:
    """``GetProfile`` rendered, and kept per member: the app reads it on every launch.

    The caller's route leaves the session's revocation to this read, which folds it into the cache's one round
    trip (revocation, version, bytes). Only active members' profiles are kept: a waitlisted one changes with
    the clock (``MemberAccess`` lets them in on their own read). Every save of a member forgets theirs after
    its commit (``ProfileForgettingMembers``), so a kept profile is stale at most from a change's commit to its
    after-commit effect; what no save announces (an interest renamed in the database) lasts at most
    ``IdentityConfig.profile_cache_ttl_seconds``.
    """

    get: GetProfile
    cache: ProfileCache
    revocations: TokenRevocations
    config: IdentityConfig

    async def __call__(self, *, member_id: int, token_id: str, present: ProfilePresenter) -> bytes:
        ttl = self.config.profile_cache_ttl_seconds
        version = None
        if ttl > 0:
            kept = await self.cache.read(member_id, token_id)
            if kept.revoked:
                raise SessionEnded()
            if kept.body is not None:
                return kept.body
            version = kept.version
        elif await self.revocations.is_revoked(token_id, member_id):
            raise SessionEnded()
        view = await self.get(member_id=member_id)
        body = present(view)
        if version is not None and view.status is MemberStatus.ACTIVE:
            await self.cache.keep(member_id, version, body, ttl)
        return body


class ProfileForgettingMembers(MemberRepository):
    """The members repository every use case gets: each save forgets the member's kept profile after the
    commit (one rule in one place, whichever use case changed them)."""

    def __init__(self, members: MemberRepository, cache: ProfileCache, uow: UnitOfWork) -> None:
        self._members = members
        self._cache = cache
        self._uow = uow

    async def get(self, member_id: int) -> Member | None:
        return await self._members.get(member_id)

    async def get_for_update(self, member_id: int) -> Member | None:
        return await self._members.get_for_update(member_id)

    async def find_by_phone(self, phone: PhoneNumber) -> Member | None:
        return await self._members.find_by_phone(phone)

    async def lock_by_phone(self, phone: PhoneNumber) -> Member | None:
        return await self._members.lock_by_phone(phone)

    async def add(self, member: Member) -> Member:
        return await self._members.add(member)

    async def add_if_phone_free(self, member: Member) -> Member | None:
        return await self._members.add_if_phone_free(member)

    async def save(self, member: Member) -> None:
        await self._members.save(member)
        member_id = member.id
        self._uow.after_commit(lambda: self._cache.forget(member_id))

    async def lock_due_for_promotion(self, now: datetime, limit: int) -> list[Member]:
        return await self._members.lock_due_for_promotion(now, limit)

    async def list_waitlisted(self, limit: int) -> list[Member]:
        return await self._members.list_waitlisted(limit)


class UpdateProfile(MemberUseCase):
    """Editing never admits anyone: status only moves through completion and the waitlist."""

    members: MemberRepository
    interests: InterestRepository
    storage: FileStorage
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
            self.uow.enqueue(delete_files(removed))
        self.uow.enqueue(
            audited_member("profile_updated", member.id, actor_id=member.id, at=now, fields=[*changes.sent()])
        )
        await self.uow.commit()
        return ProfileView.of(member, chosen, self.storage)
