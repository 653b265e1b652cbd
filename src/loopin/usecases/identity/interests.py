"""The list of event interests members pick from."""

from __future__ import annotations

from collections.abc import Sequence

from loopin.domain.identity.interest import EventInterest
from loopin.domain.identity.member import Access
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.identity.ports import InterestRepository
from loopin.usecases.identity.views import InterestView


async def chosen_interests(interests: InterestRepository, ids: Sequence[int], field: str) -> list[EventInterest]:
    """The interests ``ids`` names, every one of them active; else a 422 on ``field`` (profiles and events)."""
    found = await interests.get_many(ids) if ids else []
    if len([i for i in found if i.is_active]) != len(ids):
        raise InvalidInput.single(
            field, "One or more selected interests are not available", code="INVALID_EVENT_INTERESTS"
        )
    return found


class ListEventInterests(MemberUseCase):
    """Open to onboarding and waitlisted members: they need it to complete and edit their profile."""

    interests: InterestRepository

    async def __call__(self, *, member_id: int) -> list[InterestView]:
        await self.access.load(member_id, Access.SELF)
        found = await self.interests.list_active()
        await self.uow.commit()
        return [InterestView.of(i) for i in found]
