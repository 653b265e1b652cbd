"""What identity use cases hand back: plain data, no entities, no wire format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from loopin.domain.identity.interest import EventInterest
from loopin.domain.identity.member import Member, MemberStatus
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.attributes import from_attributes


@dataclass(frozen=True, slots=True)
class InterestView:
    id: int
    name: str
    slug: str
    is_active: bool
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, interest: EventInterest) -> InterestView:
        return from_attributes(cls, interest)


@dataclass(frozen=True, slots=True)
class ProfileView:
    id: int
    phone_number: str
    name: str
    gender: str
    bio: str
    location: str
    birth_date: date | None
    interests: tuple[InterestView, ...]
    picture_urls: tuple[str, ...]
    status: MemberStatus
    role: str
    profile_complete: bool
    promote_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None

    @property
    def is_active(self) -> bool:
        return self.status is MemberStatus.ACTIVE

    @classmethod
    def of(cls, member: Member, interests: list[EventInterest], storage: FileStorage) -> ProfileView:
        p = member.profile
        by_id = {i.id: i for i in interests if i.is_active}
        chosen = sorted((by_id[i] for i in p.interest_ids if i in by_id), key=lambda i: i.name)
        return from_attributes(
            cls,
            p,
            id=member.id,
            phone_number=member.phone.e164,
            gender=p.gender.value if p.gender else "",
            interests=tuple(InterestView.of(i) for i in chosen),
            picture_urls=tuple(storage.url_for(k) for k in p.picture_keys),
            status=member.status,
            role=member.role.value,
            profile_complete=p.is_complete,
            promote_at=member.promote_at if member.status is MemberStatus.WAITLISTED else None,
            created_at=member.joined_at,
            updated_at=member.updated_at,
        )
