"""MemberAccess: the gate of member-facing use cases (who is calling, may they do this, are they due)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from loopin.adapters.memory.identity import MemoryMemberRepository
from loopin.domain.identity.member import (
    Access,
    Member,
    MemberDeactivated,
    MemberStatus,
    MemberWaitlisted,
    ProfileIncomplete,
    Role,
    StaffOnly,
)
from loopin.domain.shared.errors import ErrorKind, Unauthenticated
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.identity.profile import GetProfile
from loopin.usecases.shared.ports import UnitOfWork
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.interleavings import YieldPoint, pause_provider
from tests.unit.usecases.world import START, World

WAIT = timedelta(minutes=215)


@pytest.fixture
async def fixed_world(make_world: MakeWorld) -> World:
    return await make_world(waitlist_min_minutes=215, waitlist_max_minutes=215)


async def load(world: World, member_id: int, access: Access, *, commit: bool = True) -> Member:
    async with world.container() as scope:
        gate = await scope.get(MemberAccess)
        member = await gate.load(member_id, access)
        if commit:
            await (await scope.get(UnitOfWork)).commit()
        return member


async def test_an_unknown_member_is_asked_to_sign_in_again(world: World) -> None:
    with pytest.raises(Unauthenticated) as caught:
        await load(world, 12345, Access.SELF)
    assert caught.value.code == "ACCOUNT_NOT_FOUND"
    assert caught.value.kind is ErrorKind.UNAUTHENTICATED


async def test_an_onboarding_member_reaches_only_their_own_things(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    assert (await load(world, member_id, Access.SELF)).status is MemberStatus.ONBOARDING
    with pytest.raises(ProfileIncomplete) as caught:
        await load(world, member_id, Access.MEMBER)
    assert caught.value.code == "PROFILE_INCOMPLETE"


async def test_a_waitlisted_member_is_refused_everywhere_else_until_due(fixed_world: World) -> None:
    member_id = await fixed_world.onboard()
    assert (await load(fixed_world, member_id, Access.SELF)).status is MemberStatus.WAITLISTED
    fixed_world.fakes.clock.advance(WAIT - timedelta(seconds=1))
    with pytest.raises(MemberWaitlisted) as caught:
        await load(fixed_world, member_id, Access.MEMBER)
    assert caught.value.kind is ErrorKind.FORBIDDEN
    assert caught.value.code == "WAITLISTED"
    assert (await fixed_world.stored_member(member_id)).status is MemberStatus.WAITLISTED
    assert fixed_world.analytics("member_promoted") == []


@pytest.mark.parametrize(("low", "high", "window"), [(210, 240, "3.5–4 hours"), (60, 120, "1–2 hours")])
async def test_the_waitlist_message_names_the_configured_window(
    make_world: MakeWorld, low: int, high: int, window: str
) -> None:
    world = await make_world(waitlist_min_minutes=low, waitlist_max_minutes=high)
    member_id = await world.onboard()
    with pytest.raises(MemberWaitlisted) as caught:
        await load(world, member_id, Access.MEMBER)
    assert f"within {window} of completing their profile" in caught.value.message


async def test_a_due_member_is_promoted_and_let_in_on_their_next_request(fixed_world: World) -> None:
    world = fixed_world
    member_id = await world.onboard()
    world.fakes.clock.advance(WAIT)
    member = await load(world, member_id, Access.MEMBER)
    assert member.status is MemberStatus.ACTIVE
    assert member.updated_at == START + WAIT
    assert (await world.stored_member(member_id)).status is MemberStatus.ACTIVE
    [event] = world.analytics("member_promoted")
    assert event.properties == {}
    [dispatched] = [d for d in world.jobs.dispatched if d.job.payload.get("event") == "member_promoted"]
    assert dispatched.committed["members"][member_id].status is MemberStatus.ACTIVE


async def test_the_promotion_is_kept_only_if_the_callers_transaction_commits(fixed_world: World) -> None:
    world = fixed_world
    member_id = await world.onboard()
    world.fakes.clock.advance(WAIT)
    member = await load(world, member_id, Access.MEMBER, commit=False)
    assert member.status is MemberStatus.ACTIVE  # what the caller saw
    assert (await world.stored_member(member_id)).status is MemberStatus.WAITLISTED  # nothing committed
    assert world.analytics("member_promoted") == []


async def test_a_deactivated_member_is_refused_even_when_their_wait_is_over(fixed_world: World) -> None:
    world = fixed_world
    member_id = await world.onboard()
    await world.change_member(member_id, lambda m: m.deactivate(START))
    world.fakes.clock.advance(WAIT * 2)
    for access in Access:
        with pytest.raises(MemberDeactivated) as caught:
            await load(world, member_id, access)
        assert caught.value.code == "ACCOUNT_DEACTIVATED"
    assert (await world.stored_member(member_id)).status is MemberStatus.DEACTIVATED
    assert world.analytics("member_promoted") == []


async def test_an_active_member_goes_everywhere(make_world: MakeWorld) -> None:
    world = await make_world(waitlist_min_minutes=0, waitlist_max_minutes=0)
    member_id = await world.onboard()
    for access in (Access.SELF, Access.MEMBER):
        assert (await load(world, member_id, access)).is_active
    with pytest.raises(StaffOnly):
        await load(world, member_id, Access.STAFF)
    await world.change_member(member_id, lambda m: setattr(m, "role", Role.STAFF))
    assert (await load(world, member_id, Access.STAFF)).is_staff


async def test_parallel_requests_of_a_due_member_promote_once(make_world: MakeWorld) -> None:
    """Every request reads the member (still waitlisted) before any promotes; the re-read under the row lock
    lets only the first one promote."""
    world = await make_world(
        pause_provider(MemberRepository, MemoryMemberRepository, after={"get": YieldPoint()}),
        waitlist_min_minutes=215,
        waitlist_max_minutes=215,
    )
    member_id = await world.onboard()
    world.fakes.clock.advance(WAIT)
    views = await asyncio.gather(*(world.run(GetProfile, member_id=member_id) for _ in range(10)))
    assert {v.status for v in views} == {MemberStatus.ACTIVE}
    assert len(world.analytics("member_promoted")) == 1
