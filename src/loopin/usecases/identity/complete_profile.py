"""First-time (or repeated) profile completion from the app's onboarding photo step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from loopin.domain.identity.member import Access
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import (
    BIO_MAX,
    LOCATION_MAX,
    Gender,
    Profile,
    check_interest_ids,
    clean_name,
    clean_text,
    parse_birth_date,
    raise_if_any,
)
from loopin.domain.shared.errors import FieldProblem, Forbidden
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.interests import chosen_interests
from loopin.usecases.identity.jobs import audited_member, promoted
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.identity.pictures import check_pictures, store_pictures
from loopin.usecases.identity.ports import InterestRepository, MemberRepository
from loopin.usecases.identity.views import ProfileView
from loopin.usecases.platform.analytics import analytics_event
from loopin.usecases.platform.files import UploadedFile, delete_files, discard
from loopin.usecases.platform.ports import FileStorage, ImageInspector
from loopin.usecases.shared.ports import Clock


@dataclass(frozen=True, slots=True)
class ProfileCompleted:
    profile: ProfileView
    waitlisted_now: bool


class CompleteProfile(MemberUseCase):
    """Validates everything before touching storage; pictures replaced by a retry are removed after commit."""

    members: MemberRepository
    interests: InterestRepository
    storage: FileStorage
    inspector: ImageInspector
    clock: Clock
    config: IdentityConfig

    async def __call__(
        self,
        *,
        member_id: int,
        phone_number: str | None,
        name: str,
        birth_date: str,
        gender: str,
        interest_ids: Sequence[int],
        pictures: Sequence[UploadedFile],
        bio: str = "",
        location: str = "",
    ) -> ProfileCompleted:
        now = self.clock.now()
        today = now.astimezone(self.config.timezone).date()
        problems: list[FieldProblem] = []
        name = clean_name(name, problems)
        born = parse_birth_date(birth_date, today, problems)
        parsed_gender = Gender.parse(gender, problems)
        bio = clean_text(bio, "bio", BIO_MAX, problems)
        location = clean_text(location, "location", LOCATION_MAX, problems)
        interest_ids = check_interest_ids(interest_ids, problems)
        checked = check_pictures(pictures, self.inspector, self.config, problems)
        raise_if_any(problems)

        member = await self.access.load(member_id, Access.SELF, for_update=True)
        if phone_number and PhoneNumber.parse(phone_number) != member.phone:
            raise Forbidden("Phone number does not match the signed-in account.", code="PHONE_MISMATCH")
        found = await chosen_interests(self.interests, interest_ids, "event_interests")

        new_keys = await store_pictures(self.storage, member.id, checked)
        try:
            replaced = member.profile.picture_keys
            waitlisted_now = member.complete_profile(
                Profile(
                    name=name,
                    birth_date=born,
                    gender=parsed_gender,
                    bio=bio,
                    location=location,
                    interest_ids=interest_ids,
                    picture_keys=tuple(new_keys),
                ),
                now=now,
                waitlist=self.config.waitlist,
            )
            admitted_now = waitlisted_now and member.promote_if_due(now)  # a zero-minute window: in at once
            await self.members.save(member)
            if replaced:
                self.uow.enqueue(delete_files(replaced))
            self.uow.enqueue(
                audited_member(
                    "profile_completed", member.id, actor_id=member.id, at=now, first_time=waitlisted_now
                )
            )
            self.uow.enqueue(
                analytics_event(
                    "profile_completed",
                    member.id,
                    first_time=waitlisted_now,
                    pictures=len(new_keys),
                    interests=len(interest_ids),
                )
            )
            if admitted_now:
                for job in promoted(member.id, now):
                    self.uow.enqueue(job)
            await self.uow.commit()
        except BaseException:
            await self.uow.rollback()
            await discard(self.storage, new_keys)
            raise
        return ProfileCompleted(ProfileView.of(member, found, self.storage), waitlisted_now)
