"""A member chooses which notification types may reach their phone (every sender honours it: the delivery
job, the reminders and the campaigns)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from loopin.domain.identity.member import Access
from loopin.domain.notifications.preferences import Preferences, QuietHours
from loopin.domain.notifications.templates import parse_kind
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.notifications.ports import PreferenceRepository
from loopin.usecases.shared.ports import Clock

MAX_TYPES = 50


@dataclass(frozen=True, slots=True)
class PreferencesView:
    preferences: Preferences
    quiet: QuietHours


class GetNotificationPreferences(MemberUseCase):
    preferences: PreferenceRepository
    quiet: QuietHours

    async def __call__(self, *, member_id: int) -> PreferencesView:
        member = await self.access.load(member_id, Access.SELF)
        chosen = await self.preferences.get(member.id)
        await self.uow.commit()
        return PreferencesView(chosen, self.quiet)


class ChangeNotificationPreferences(MemberUseCase):
    """Replaces the set of muted types (an unknown or unmutable type is a 422, nothing changed)."""

    preferences: PreferenceRepository
    quiet: QuietHours
    clock: Clock

    async def __call__(self, *, member_id: int, muted: Sequence[str]) -> PreferencesView:
        member = await self.access.load(member_id, Access.SELF)
        if len(muted) > MAX_TYPES:
            raise InvalidInput.single("muted", f"At most {MAX_TYPES} types")
        kinds = frozenset(parse_kind(raw, "muted") for raw in muted)
        chosen = await self.preferences.get(member.id)
        chosen.mute(kinds, self.clock.now())
        await self.preferences.save(chosen)
        await self.uow.commit()
        return PreferencesView(chosen, self.quiet)
