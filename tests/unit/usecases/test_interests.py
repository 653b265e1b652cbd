"""ListEventInterests: the active interests by name, for every member who is not deactivated."""

from __future__ import annotations

import pytest

from loopin.adapters.memory.identity import INTERESTS
from loopin.domain.identity.interest import SEED_INTERESTS, slugify
from loopin.domain.identity.member import MemberDeactivated
from loopin.usecases.identity.interests import ListEventInterests
from loopin.usecases.identity.views import InterestView
from tests.unit.usecases.harness import START, App


async def interests(app: App, member_id: int) -> list[InterestView]:
    found: list[InterestView] = await app.call(ListEventInterests, member_id=member_id)
    return found


async def test_an_onboarding_member_gets_the_seeded_list_sorted_by_name(app: App) -> None:
    member_id = (await app.sign_in()).member_id
    found = await interests(app, member_id)
    assert [i.name for i in found] == sorted(SEED_INTERESTS)
    assert all(i.slug == slugify(i.name) for i in found)
    assert all(i.is_active for i in found)
    assert len({i.id for i in found}) == 20
    music = next(i for i in found if i.name == "Music")
    assert (music.id, music.slug, music.created_at) == (1, "music", START)


async def test_waitlisted_members_get_the_list_too(app: App) -> None:
    member_id = await app.onboard()
    assert len(await interests(app, member_id)) == 20


async def test_retired_interests_are_not_listed(app: App) -> None:
    member_id = (await app.sign_in()).member_id
    (await app.store()).tables[INTERESTS][1].is_active = False
    found = await interests(app, member_id)
    assert len(found) == 19
    assert "Music" not in {i.name for i in found}


async def test_deactivated_members_are_refused(app: App) -> None:
    member_id = (await app.sign_in()).member_id
    await app.change_member(member_id, lambda m: m.deactivate(START))
    with pytest.raises(MemberDeactivated):
        await interests(app, member_id)
