"""The list of event interests members pick from."""

from __future__ import annotations

from loopin.domain.identity.member import Access
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.identity.ports import InterestRepository
from loopin.usecases.identity.views import InterestView
from loopin.usecases.shared.ports import UnitOfWork


class ListEventInterests:
    """Open to onboarding and waitlisted members: they need it to complete and edit their profile."""

    def __init__(self, access: MemberAccess, interests: InterestRepository, uow: UnitOfWork) -> None:
        self._access = access
        self._interests = interests
        self._uow = uow

    async def __call__(self, member_id: int) -> list[InterestView]:
        await self._access.load(member_id, Access.SELF)
        found = await self._interests.list_active()
        await self._uow.commit()
        return [InterestView.of(i) for i in found]
