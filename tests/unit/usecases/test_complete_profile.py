"""CompleteProfile: everything is validated first; pictures are stored under server-chosen names; the first
completion waitlists; a retry replaces the profile and its pictures (old ones deleted after commit)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from loopin.adapters.jobs.dispatch import JobDispatcher
from loopin.adapters.jobs.relay import OutboxRelay
from loopin.adapters.memory.identity import INTERESTS, MemoryMemberRepository
from loopin.domain.identity.member import MemberDeactivated, MemberStatus
from loopin.domain.identity.profile import Gender
from loopin.domain.shared.errors import ErrorKind, Forbidden, InvalidInput
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.platform.files import DELETE_FILES, UploadedFile
from tests.support import jpeg_bytes, png_bytes
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.interleavings import Failure, pause_provider
from tests.unit.usecases.world import NAME, START, FailingDispatcher, World

KEY = re.compile(r"profiles/(\d+)/[0-9a-f]{24}\.(png|jpg|webp)")


def pngs(count: int, extra: int = 200) -> list[UploadedFile]:
    return [UploadedFile(f"p{i}.png", png_bytes(extra + i)) for i in range(count)]


async def test_the_first_completion_puts_the_member_on_the_waitlist(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    world.fakes.clock.advance(timedelta(minutes=2))
    now = START + timedelta(minutes=2)
    done = await world.complete(member_id)
    assert done.waitlisted_now is True
    member = await world.stored_member(member_id)
    assert member.status is MemberStatus.WAITLISTED
    assert member.waitlisted_at == now
    assert member.promote_at is not None
    wait = member.promote_at - now
    assert timedelta(minutes=210) <= wait <= timedelta(minutes=240)
    assert wait % timedelta(minutes=1) == timedelta(0)
    assert member.profile.name == NAME
    assert member.profile.birth_date == date(2000, 1, 5)
    assert member.profile.gender is Gender.FEMALE
    assert member.profile.interest_ids == (1, 4, 7)
    view = done.profile
    assert view.status is MemberStatus.WAITLISTED
    assert view.profile_complete is True
    assert view.promote_at == member.promote_at
    assert [i.name for i in view.interests] == ["Fitness", "Music", "Technology"]


async def test_the_wait_follows_the_waitlist_settings(make_world: MakeWorld) -> None:
    world = await make_world(waitlist_min_minutes=5, waitlist_max_minutes=5)
    member_id = await world.onboard()
    assert (await world.stored_member(member_id)).promote_at == START + timedelta(minutes=5)


async def test_pictures_are_stored_under_server_chosen_names(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    uploads = [UploadedFile("../../etc/passwd.png", png_bytes()), UploadedFile("x.exe", jpeg_bytes())]
    done = await world.complete(member_id, pictures=uploads)
    keys = (await world.stored_member(member_id)).profile.picture_keys
    assert len(keys) == 2
    matches = [KEY.fullmatch(k) for k in keys]
    assert all(matches)
    assert [(m.group(1), m.group(2)) for m in matches if m] == [(str(member_id), "png"), (str(member_id), "jpg")]
    files = await world.stored_files()
    assert files == {keys[0]: uploads[0].data, keys[1]: uploads[1].data}
    assert done.profile.picture_urls == tuple(f"/api/media/{k}" for k in keys)


async def test_completion_is_recorded_in_analytics_without_personal_data(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    await world.complete(member_id, pictures=pngs(2))
    [event] = world.analytics("profile_completed")
    assert event.properties == {"first_time": True, "pictures": 2, "interests": 3}
    assert "Asha" not in repr(event)
    assert "9812345678" not in repr(event)
    [job] = world.jobs.named("platform.capture_analytics")[-1:]
    assert job.payload["event"] == "profile_completed"
    [dispatched] = [d for d in world.jobs.dispatched if d.job is job]
    assert dispatched.committed["members"][member_id].status is MemberStatus.WAITLISTED  # left after commit


async def test_completing_again_replaces_the_profile_and_never_restarts_the_wait(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    await world.complete(member_id)
    first = await world.stored_member(member_id)
    world.fakes.clock.advance(timedelta(minutes=1))
    again = await world.complete(member_id, name="Asha R", pictures=pngs(2, extra=300), interest_ids=[2])
    assert again.waitlisted_now is False
    member = await world.stored_member(member_id)
    assert member.status is MemberStatus.WAITLISTED
    assert member.promote_at == first.promote_at
    assert member.waitlisted_at == first.waitlisted_at
    assert member.profile.name == "Asha R"
    assert member.profile.interest_ids == (2,)
    assert set(await world.stored_files()) == set(member.profile.picture_keys)  # the old picture is gone
    assert not set(first.profile.picture_keys) & set(member.profile.picture_keys)
    [delete] = world.jobs.named(DELETE_FILES)
    assert delete.payload == {"keys": "\n".join(first.profile.picture_keys)}
    [dispatched] = [d for d in world.jobs.dispatched if d.job is delete]
    committed = dispatched.committed["members"][member_id]
    assert committed.profile.picture_keys == member.profile.picture_keys  # deleted only after the commit
    assert [e.properties["first_time"] for e in world.analytics("profile_completed")] == [True, False]


async def test_three_completions_in_a_row_leave_one_set_of_pictures(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    for _ in range(3):
        await world.complete(member_id, pictures=pngs(3))
    member = await world.stored_member(member_id)
    assert len(member.profile.picture_keys) == 3
    assert set(await world.stored_files()) == set(member.profile.picture_keys)
    assert member.status is MemberStatus.WAITLISTED


async def test_an_active_member_completing_again_stays_active(make_world: MakeWorld) -> None:
    world = await make_world(waitlist_min_minutes=0, waitlist_max_minutes=0)
    member_id = await world.onboard()
    done = await world.complete(member_id, name="Asha Rao-Iyer")
    assert done.waitlisted_now is False
    assert done.profile.status is MemberStatus.ACTIVE
    assert (await world.stored_member(member_id)).status is MemberStatus.ACTIVE


async def test_every_problem_is_reported_at_once_and_nothing_is_touched(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    dispatched = len(world.jobs.dispatched)
    with pytest.raises(InvalidInput) as caught:
        await world.complete(
            member_id,
            name="A",
            birth_date="2015-01-01",
            gender="robot",
            bio="x" * 501,
            location="y" * 101,
            interest_ids=[],
            pictures=[],
        )
    assert caught.value.kind is ErrorKind.INVALID_INPUT
    assert {p.field for p in caught.value.problems} == {
        "name",
        "birth_date",
        "gender",
        "bio",
        "location",
        "event_interests",
        "profile_pictures",
    }
    member = await world.stored_member(member_id)
    assert member.status is MemberStatus.ONBOARDING
    assert member.profile.name == ""
    assert await world.stored_files() == {}
    assert len(world.jobs.dispatched) == dispatched


@pytest.mark.parametrize("name", ["श्रीनिवास रामानुजन्", "José Álvarez", "Zoë D’Souza", "தமிழ்செல்வி"])
async def test_indic_and_accented_names_are_kept(world: World, name: str) -> None:
    member_id = (await world.sign_in()).member_id
    done = await world.complete(member_id, name=f"  {name} ")
    assert done.profile.name == name
    assert (await world.stored_member(member_id)).profile.name == name


async def test_the_minimum_age_is_counted_in_the_platform_time_zone(make_world: MakeWorld) -> None:
    world = await make_world()
    member_id = (await world.sign_in()).member_id
    # 20:00 UTC on 1 March is already 2 March (01:30) in Asia/Kolkata
    world.fakes.clock.advance(timedelta(hours=-10, minutes=-30))
    assert (await world.complete(member_id, birth_date="2008-03-02")).profile.birth_date == date(2008, 3, 2)
    with pytest.raises(InvalidInput, match="18 years or older"):
        await world.complete(member_id, birth_date="2008-03-03")


async def test_the_platform_time_zone_is_a_setting(make_world: MakeWorld) -> None:
    world = await make_world(platform_timezone="UTC")
    member_id = (await world.sign_in()).member_id
    world.fakes.clock.advance(timedelta(hours=-10, minutes=-30))  # still 1 March in UTC
    with pytest.raises(InvalidInput, match="18 years or older"):
        await world.complete(member_id, birth_date="2008-03-02")


@pytest.mark.parametrize("spelling", ["+91 98123-45678", "919812345678", "09812345678", None, ""])
async def test_the_phone_number_may_be_given_in_any_spelling_or_left_out(
    world: World, spelling: str | None
) -> None:
    member_id = (await world.sign_in()).member_id
    assert (await world.complete(member_id, spelling)).waitlisted_now


async def test_another_phone_number_is_refused(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    with pytest.raises(Forbidden) as caught:
        await world.complete(member_id, "+919812345679")
    assert caught.value.code == "PHONE_MISMATCH"
    assert (await world.stored_member(member_id)).status is MemberStatus.ONBOARDING
    assert await world.stored_files() == {}


@pytest.mark.parametrize("ids", [[999], [1, 999]])
async def test_unknown_interests_are_refused_before_any_picture_is_stored(world: World, ids: list[int]) -> None:
    member_id = (await world.sign_in()).member_id
    with pytest.raises(InvalidInput) as caught:
        await world.complete(member_id, interest_ids=ids)
    assert caught.value.code == "INVALID_EVENT_INTERESTS"
    assert await world.stored_files() == {}
    assert (await world.stored_member(member_id)).status is MemberStatus.ONBOARDING


async def test_retired_interests_are_refused(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    (await world.store()).tables[INTERESTS][2].is_active = False
    with pytest.raises(InvalidInput) as caught:
        await world.complete(member_id, interest_ids=[1, 2])
    assert caught.value.code == "INVALID_EVENT_INTERESTS"


async def test_a_deactivated_member_cannot_complete_a_profile(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    await world.change_member(member_id, lambda m: m.deactivate(START))
    with pytest.raises(MemberDeactivated):
        await world.complete(member_id)
    assert await world.stored_files() == {}
    assert world.analytics("profile_completed") == []


async def test_a_failed_transaction_removes_the_pictures_it_stored(make_world: MakeWorld) -> None:
    failure = Failure(RuntimeError("database went away"))
    world = await make_world(pause_provider(MemberRepository, MemoryMemberRepository, before={"save": failure}))
    member_id = (await world.sign_in()).member_id
    dispatched = len(world.jobs.dispatched)
    failure.arm()
    with pytest.raises(RuntimeError, match="database went away"):
        await world.complete(member_id, pictures=pngs(3))
    assert await world.stored_files() == {}
    assert (await world.stored_member(member_id)).status is MemberStatus.ONBOARDING
    assert len(world.jobs.dispatched) == dispatched
    assert world.analytics("profile_completed") == []


async def test_pictures_of_a_committed_profile_survive_a_queue_outage(make_world: MakeWorld) -> None:
    dispatchers: list[FailingDispatcher] = []

    def wrap(inner: JobDispatcher) -> JobDispatcher:
        dispatchers.append(FailingDispatcher(inner))
        return dispatchers[-1]

    world = await make_world(wrap_dispatcher=wrap)
    member_id = (await world.sign_in()).member_id
    dispatchers[0].failing = True
    await world.complete(member_id)  # committed: the member is told it worked
    member = await world.stored_member(member_id)
    assert member.status is MemberStatus.WAITLISTED
    assert member.profile.picture_keys
    assert set(member.profile.picture_keys) <= set(await world.stored_files())
    assert world.analytics("profile_completed") == []  # waiting in the outbox
    dispatchers[0].failing = False
    world.fakes.clock.advance(timedelta(minutes=1))
    await (await world.get(OutboxRelay)).relay_due()
    assert len(world.analytics("profile_completed")) == 1
