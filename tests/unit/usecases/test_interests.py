"""ListEventInterests: the active interests by name, for every member who is not deactivated."""

from __future__ import annotations

import pytest

from loopin.adapters.memory.identity import INTERESTS
from loopin.domain.identity.interest import SEED_INTERESTS, slugify
from loopin.domain.identity.member import MemberDeactivated
from loopin.usecases.identity.interests import ListEventInterests
from loopin.usecases.identity.views import InterestView
from tests.unit.usecases.world import START, World


async def interests(world: World, member_id: int) -> list[InterestView]:
    found: list[InterestView] = await world.run(ListEventInterests, member_id=member_id)
    return found


async def test_an_onboarding_member_gets_the_seeded_list_sorted_by_name(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    found = await interests(world, member_id)
    assert [i.name for i in found] == sorted(SEED_INTERESTS)
    assert all(i.slug == slugify(i.name) for i in found)
    assert all(i.is_active for i in found)
    assert len({i.id for i in found}) == 20
    music = next(i for i in found if i.name == "Music")
    assert (music.id, music.slug, music.created_at) == (1, "music", START)


async def test_waitlisted_members_get_the_list_too(world: World) -> None:
    member_id = await world.onboard()
    assert len(await interests(world, member_id)) == 20


async def test_retired_interests_are_not_listed(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    (await world.store()).tables[INTERESTS][1].is_active = False
    found = await interests(world, member_id)
    assert len(found) == 19
    assert "Music" not in {i.name for i in found}


async def test_deactivated_members_are_refused(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    await world.change_member(member_id, lambda m: m.deactivate(START))
    with pytest.raises(MemberDeactivated):
        await interests(world, member_id)
