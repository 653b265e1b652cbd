"""PromoteDueMembers (the scheduled half of waitlist promotion) and the settings behind the window."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopin.domain.identity.member import MemberStatus
from loopin.domain.identity.waitlist import WaitlistPolicy
from loopin.entrypoints.settings import load_settings
from loopin.entrypoints.worker.registry import run_job
from loopin.usecases.identity import jobs
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.identity.waitlist import PromoteDueMembers
from loopin.usecases.platform.analytics import Pseudonyms
from loopin.usecases.shared.ports import Job
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.world import World, phone

WAIT = timedelta(minutes=215)


@pytest.fixture
async def fixed_world(make_world: MakeWorld) -> World:
    return await make_world(waitlist_min_minutes=215, waitlist_max_minutes=215)


async def onboard_at(world: World, *offsets_minutes: int) -> list[int]:
    """Onboards one member per offset, each that many minutes after the previous step's clock."""
    ids = []
    for n, offset in enumerate(offsets_minutes):
        world.fakes.clock.advance(timedelta(minutes=offset))
        ids.append(await world.onboard(phone(n)))
    return ids


async def promote(world: World) -> int:
    count: int = await world.run(PromoteDueMembers)
    return count


async def statuses(world: World, ids: list[int]) -> list[MemberStatus]:
    return [(await world.stored_member(i)).status for i in ids]


def test_the_window_comes_from_the_settings() -> None:
    assert load_settings({"ENVIRONMENT": "production"}).identity_config().waitlist == WaitlistPolicy(210, 240)
    settings = load_settings({"WAITLIST_MIN_MINUTES": "5", "WAITLIST_MAX_MINUTES": "7"})
    assert settings.identity_config().waitlist == WaitlistPolicy(5, 7)


async def test_only_members_whose_time_has_come_are_promoted(fixed_world: World) -> None:
    world = fixed_world
    early, middle, late = await onboard_at(world, 0, 10, 10)  # promote at START + 215, 225, 235 minutes
    assert await promote(world) == 0
    world.fakes.clock.advance(WAIT - timedelta(minutes=10))  # START + 225: exactly the middle member's time
    assert await promote(world) == 2
    assert await statuses(world, [early, middle, late]) == [
        MemberStatus.ACTIVE,
        MemberStatus.ACTIVE,
        MemberStatus.WAITLISTED,
    ]
    pseudonyms = await world.get(Pseudonyms)
    assert sorted(e.distinct_id for e in world.analytics("member_promoted")) == sorted(
        [pseudonyms.member(early), pseudonyms.member(middle)]
    )
    assert await promote(world) == 0  # nobody twice
    world.fakes.clock.advance(timedelta(minutes=10))
    assert await promote(world) == 1
    assert len(world.analytics("member_promoted")) == 3


async def test_onboarding_and_deactivated_members_are_left_alone(fixed_world: World) -> None:
    world = fixed_world
    waiting, deactivated = await onboard_at(world, 0, 0)
    onboarding = (await world.sign_in(phone(9))).member_id
    await world.change_member(deactivated, lambda m: m.deactivate(world.fakes.clock.now()))
    world.fakes.clock.advance(WAIT * 3)
    assert await promote(world) == 1
    assert await statuses(world, [waiting, deactivated, onboarding]) == [
        MemberStatus.ACTIVE,
        MemberStatus.DEACTIVATED,
        MemberStatus.ONBOARDING,
    ]


async def test_members_locked_by_another_transaction_are_skipped_not_waited_for(fixed_world: World) -> None:
    world = fixed_world
    busy, free = await onboard_at(world, 0, 0)
    world.fakes.clock.advance(WAIT)
    async with world.container() as scope:
        await (await scope.get(MemberRepository)).get_for_update(busy)  # e.g. the member's own request
        assert await promote(world) == 1
    assert await statuses(world, [busy, free]) == [MemberStatus.WAITLISTED, MemberStatus.ACTIVE]
    assert await promote(world) == 1  # the lock is gone with that transaction
    assert await statuses(world, [busy, free]) == [MemberStatus.ACTIVE, MemberStatus.ACTIVE]


async def test_large_backlogs_are_promoted_in_batches(fixed_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world = fixed_world
    monkeypatch.setattr(PromoteDueMembers, "batch_size", 2)
    ids = await onboard_at(world, 0, 0, 0, 0, 0)
    world.fakes.clock.advance(WAIT)
    assert await promote(world) == 5
    assert set(await statuses(world, ids)) == {MemberStatus.ACTIVE}
    assert len(world.analytics("member_promoted")) == 5


async def test_the_scheduled_job_runs_the_promotion(fixed_world: World) -> None:
    world = fixed_world
    [member_id] = await onboard_at(world, 0)
    world.fakes.clock.advance(WAIT)
    assert await run_job(world.container, Job(jobs.PROMOTE_DUE_MEMBERS)) == 1
    assert (await world.stored_member(member_id)).status is MemberStatus.ACTIVE


async def test_a_zero_minute_window_lets_members_in_as_they_complete_their_profile(make_world: MakeWorld) -> None:
    """Development's default: a newcomer walks the whole app at once."""
    world = await make_world(waitlist_min_minutes=0, waitlist_max_minutes=0)
    member_id = (await world.sign_in()).member_id
    done = await world.complete(member_id)
    assert done.waitlisted_now is True
    assert done.profile.status is MemberStatus.ACTIVE
    assert (await world.stored_member(member_id)).status is MemberStatus.ACTIVE
    assert await promote(world) == 0
    assert [e.event for e in world.analytics()][-2:] == ["profile_completed", "member_promoted"]
