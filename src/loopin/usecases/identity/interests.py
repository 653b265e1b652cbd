"""The list of event interests members pick from."""

from __future__ import annotations

from dataclasses import dataclass

from loopin.domain.identity.member import Access
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.identity.ports import InterestRepository
from loopin.usecases.identity.views import InterestView
from loopin.usecases.shared.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class ListEventInterests:
    """Open to onboarding and waitlisted members: they need it to complete and edit their profile."""

    access: MemberAccess
    interests: InterestRepository
    uow: UnitOfWork

    async def __call__(self, *, member_id: int) -> list[InterestView]:
        await self.access.load(member_id, Access.SELF)
        found = await self.interests.list_active()
        await self.uow.commit()
        return [InterestView.of(i) for i in found]
