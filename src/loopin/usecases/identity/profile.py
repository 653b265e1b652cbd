"""Reading and editing one's own profile (open to waitlisted members too)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from loopin.domain.identity.member import Access
from loopin.domain.identity.profile import (
    BIO_MAX,
    LOCATION_MAX,
    MAX_PICTURES,
    MIN_PICTURES,
    Gender,
    check_birth_date,
    check_interest_ids,
    clean_name,
    clean_text,
    raise_if_any,
)
from loopin.domain.shared.errors import FieldProblem, InvalidInput
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.ports import InterestRepository, MemberRepository
from loopin.usecases.identity.views import ProfileView
from loopin.usecases.platform.files import delete_files
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.ports import Clock, JobQueue, UnitOfWork


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()


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
class ProfileChanges:
    """Only fields that are not UNSET change. Pictures can be reordered or removed, never pointed elsewhere."""

    name: str | _Unset = UNSET
    bio: str | None | _Unset = UNSET
    location: str | None | _Unset = UNSET
    birth_date: date | None | _Unset = UNSET
    gender: str | None | _Unset = UNSET
    interest_ids: list[int] | _Unset = UNSET
    picture_urls: list[str] | _Unset = UNSET


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
        today = now.astimezone(self.config.timezone).date()
        member = await self.access.load(member_id, Access.SELF, for_update=True)
        profile = member.profile
        problems: list[FieldProblem] = []
        if not isinstance(changes.name, _Unset):
            profile.name = clean_name(changes.name, problems)
        if not isinstance(changes.bio, _Unset):
            profile.bio = clean_text(changes.bio or "", "bio", BIO_MAX, problems)
        if not isinstance(changes.location, _Unset):
            profile.location = clean_text(changes.location or "", "location", LOCATION_MAX, problems)
        if not isinstance(changes.birth_date, _Unset):
            born = changes.birth_date
            profile.birth_date = check_birth_date(born, today, problems) if born is not None else None
        if not isinstance(changes.gender, _Unset):
            profile.gender = Gender.parse(changes.gender, problems) if changes.gender else None
        if not isinstance(changes.interest_ids, _Unset):
            profile.interest_ids = check_interest_ids(changes.interest_ids, problems)
        removed: tuple[str, ...] = ()
        if not isinstance(changes.picture_urls, _Unset):
            kept = self._pictures_kept(profile.picture_keys, changes.picture_urls, problems)
            removed = tuple(k for k in profile.picture_keys if k not in kept)
            profile.picture_keys = kept
        raise_if_any(problems)

        chosen = await self.interests.get_many(profile.interest_ids) if profile.interest_ids else []
        if not isinstance(changes.interest_ids, _Unset) and len([i for i in chosen if i.is_active]) != len(
            profile.interest_ids
        ):
            raise InvalidInput.single(
                "event_interests",
                "One or more selected interests are not available",
                code="INVALID_EVENT_INTERESTS",
            )
        member.updated_at = now
        await self.members.save(member)
        if removed:
            self.jobs.enqueue(delete_files(removed))
        await self.uow.commit()
        return ProfileView.of(member, chosen, self.storage)

    def _pictures_kept(
        self, current: tuple[str, ...], urls: list[str], problems: list[FieldProblem]
    ) -> tuple[str, ...]:
        by_url = {self.storage.url_for(k): k for k in current}
        keys = tuple(dict.fromkeys(by_url.get(u.strip().rstrip("?")) or "" for u in urls))
        if "" in keys:
            problems.append(
                FieldProblem(
                    "profile_pictures",
                    "Pictures can only be reordered or removed here; upload new ones through profile completion",
                )
            )
        elif not MIN_PICTURES <= len(keys) <= MAX_PICTURES:
            problems.append(
                FieldProblem(
                    "profile_pictures", f"Keep between {MIN_PICTURES} and {MAX_PICTURES} profile pictures"
                )
            )
        return keys
