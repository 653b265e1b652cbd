"""GetProfile and UpdateProfile: one's own profile, open to onboarding and waitlisted members; editing never
admits anyone and pictures can only be reordered or removed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from loopin.domain.identity.member import MemberDeactivated, MemberStatus
from loopin.domain.identity.profile import Gender, ProfileChanges
from loopin.domain.shared.errors import ErrorKind, InvalidInput, Unauthenticated
from loopin.usecases.identity.ports import TokenRevocations
from loopin.usecases.identity.profile import GetProfile, ReadProfile, UpdateProfile
from loopin.usecases.identity.views import ProfileView
from loopin.usecases.platform.files import DELETE_FILES, UploadedFile
from tests.support import png_bytes
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.world import NAME, PHONE, START, World

WAIT = timedelta(minutes=215)


@pytest.fixture
async def fixed_world(make_world: MakeWorld) -> World:
    return await make_world(waitlist_min_minutes=215, waitlist_max_minutes=215)


async def get(world: World, member_id: int) -> ProfileView:
    view: ProfileView = await world.run(GetProfile, member_id=member_id)
    return view


async def update(world: World, member_id: int, **changes: object) -> ProfileView:
    view: ProfileView = await world.run(UpdateProfile, member_id=member_id, changes=ProfileChanges(**changes))  # type: ignore[arg-type]
    return view


async def with_pictures(world: World, count: int) -> tuple[int, list[str]]:
    member_id = (await world.sign_in()).member_id
    pictures = [UploadedFile(f"{i}.png", png_bytes(200 + i)) for i in range(count)]
    done = await world.complete(member_id, pictures=pictures)
    return member_id, list(done.profile.picture_urls)


async def test_a_new_member_sees_an_empty_onboarding_profile(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    view = await get(world, member_id)
    assert view.id == member_id
    assert view.phone_number == PHONE
    assert (view.name, view.gender, view.bio, view.location, view.birth_date) == ("", "", "", "", None)
    assert view.interests == ()
    assert view.picture_urls == ()
    assert view.status is MemberStatus.ONBOARDING
    assert view.is_active is False
    assert view.profile_complete is False
    assert view.promote_at is None
    assert view.role == "member"
    assert view.created_at == START


async def test_a_waitlisted_member_sees_when_they_will_be_let_in(fixed_world: World) -> None:
    member_id = await fixed_world.onboard()
    view = await get(fixed_world, member_id)
    assert view.status is MemberStatus.WAITLISTED
    assert view.promote_at == START + WAIT
    assert view.name == NAME
    assert view.profile_complete is True
    assert [i.id for i in view.interests] == [7, 1, 4]  # by name: Fitness, Music, Technology


async def test_reading_the_profile_after_the_wait_promotes_once(fixed_world: World) -> None:
    world = fixed_world
    member_id = await world.onboard()
    world.fakes.clock.advance(WAIT - timedelta(seconds=1))
    assert (await get(world, member_id)).status is MemberStatus.WAITLISTED
    world.fakes.clock.advance(timedelta(seconds=1))
    view = await get(world, member_id)
    assert view.status is MemberStatus.ACTIVE
    assert view.is_active is True
    assert view.promote_at is None
    await get(world, member_id)
    assert len(world.analytics("member_promoted")) == 1
    assert (await world.stored_member(member_id)).status is MemberStatus.ACTIVE


async def test_an_unknown_member_must_sign_in_again(world: World) -> None:
    with pytest.raises(Unauthenticated) as caught:
        await get(world, 404)
    assert caught.value.code == "ACCOUNT_NOT_FOUND"
    assert caught.value.kind is ErrorKind.UNAUTHENTICATED


async def test_a_deactivated_member_cannot_read_or_edit_the_profile(world: World) -> None:
    member_id = await world.onboard()
    await world.change_member(member_id, lambda m: m.deactivate(START))
    with pytest.raises(MemberDeactivated):
        await get(world, member_id)
    with pytest.raises(MemberDeactivated):
        await update(world, member_id, name="New Name")
    assert (await world.stored_member(member_id)).profile.name == NAME


async def test_only_the_given_fields_change(world: World) -> None:
    member_id = await world.onboard()
    before = await world.stored_member(member_id)
    world.fakes.clock.advance(timedelta(minutes=5))
    view = await update(world, member_id, name="  Asha   Iyer ", bio=" Climbs and cooks. ")
    assert (view.name, view.bio) == ("Asha Iyer", "Climbs and cooks.")
    after = await world.stored_member(member_id)
    assert after.profile.name == "Asha Iyer"
    assert after.profile.bio == "Climbs and cooks."
    assert after.profile.birth_date == before.profile.birth_date
    assert after.profile.gender == before.profile.gender
    assert after.profile.interest_ids == before.profile.interest_ids
    assert after.profile.picture_keys == before.profile.picture_keys
    assert after.updated_at == START + timedelta(minutes=5)
    assert after.status is MemberStatus.WAITLISTED


async def test_optional_fields_can_be_cleared(world: World) -> None:
    member_id = await world.onboard()
    await update(world, member_id, bio="Hello", location="Pune")
    view = await update(world, member_id, bio=None, location=None, gender=None, birth_date=None)
    assert (view.bio, view.location, view.gender, view.birth_date) == ("", "", "", None)
    member = await world.stored_member(member_id)
    assert member.profile.gender is None
    assert member.profile.birth_date is None


async def test_gender_birth_date_and_interests_can_change(world: World) -> None:
    member_id = await world.onboard()
    view = await update(
        world, member_id, gender="Prefer not to say", birth_date=date(1990, 7, 1), interest_ids=[2, 2]
    )
    assert view.gender == "prefer_not_to_say"
    assert view.birth_date == date(1990, 7, 1)
    assert [i.id for i in view.interests] == [2]
    member = await world.stored_member(member_id)
    assert member.profile.gender is Gender.PREFER_NOT_TO_SAY
    assert member.profile.interest_ids == (2,)


async def test_every_problem_is_reported_and_nothing_is_saved(world: World) -> None:
    member_id = await world.onboard()
    before = await world.stored_member(member_id)
    with pytest.raises(InvalidInput) as caught:
        await update(
            world,
            member_id,
            name="",
            bio="x" * 501,
            location="y" * 101,
            gender="robot",
            birth_date=START.date(),
            interest_ids=[],
            picture_urls=[],
        )
    assert {p.field for p in caught.value.problems} == {
        "name",
        "bio",
        "location",
        "gender",
        "birth_date",
        "event_interests",
        "profile_pictures",
    }
    assert await world.stored_member(member_id) == before


async def test_unknown_or_retired_interests_are_refused(world: World) -> None:
    member_id = await world.onboard()
    with pytest.raises(InvalidInput) as caught:
        await update(world, member_id, interest_ids=[1, 999])
    assert caught.value.code == "INVALID_EVENT_INTERESTS"
    assert (await world.stored_member(member_id)).profile.interest_ids == (1, 4, 7)


async def test_pictures_can_be_reordered_without_deleting_anything(world: World) -> None:
    member_id, urls = await with_pictures(world, 3)
    keys = (await world.stored_member(member_id)).profile.picture_keys
    view = await update(world, member_id, picture_urls=[urls[2], urls[0], urls[1]])
    assert view.picture_urls == (urls[2], urls[0], urls[1])
    assert (await world.stored_member(member_id)).profile.picture_keys == (keys[2], keys[0], keys[1])
    assert world.jobs.named(DELETE_FILES) == []
    assert set(await world.stored_files()) == set(keys)


async def test_a_removed_picture_is_deleted_after_the_commit(world: World) -> None:
    member_id, urls = await with_pictures(world, 3)
    keys = (await world.stored_member(member_id)).profile.picture_keys
    view = await update(world, member_id, picture_urls=[f" {urls[0]}?", urls[2], urls[2]])
    assert view.picture_urls == (urls[0], urls[2])
    assert set(await world.stored_files()) == {keys[0], keys[2]}
    [job] = world.jobs.named(DELETE_FILES)
    assert job.payload == {"keys": keys[1]}
    [dispatched] = [d for d in world.jobs.dispatched if d.job is job]
    assert dispatched.committed["members"][member_id].profile.picture_keys == (keys[0], keys[2])


@pytest.mark.parametrize(
    "foreign", ["/api/media/profiles/999/elsewhere.png", "https://example.com/me.png", "/api/media/../secret"]
)
async def test_pictures_cannot_be_pointed_elsewhere(world: World, foreign: str) -> None:
    member_id, urls = await with_pictures(world, 2)
    before = await world.stored_member(member_id)
    with pytest.raises(InvalidInput) as caught:
        await update(world, member_id, picture_urls=[urls[0], foreign])
    assert "upload new ones through profile completion" in caught.value.message
    assert await world.stored_member(member_id) == before


async def test_the_last_picture_cannot_be_removed(world: World) -> None:
    member_id, _ = await with_pictures(world, 1)
    with pytest.raises(InvalidInput, match="Keep between 1 and 6 profile pictures"):
        await update(world, member_id, picture_urls=[])
    assert len(await world.stored_files()) == 1


async def test_editing_never_completes_an_onboarding_profile(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    view = await update(world, member_id, name=NAME, gender="female", interest_ids=[1])
    assert view.status is MemberStatus.ONBOARDING
    assert view.profile_complete is False
    with pytest.raises(InvalidInput):
        await update(world, member_id, picture_urls=["/api/media/profiles/1/new.png"])
    member = await world.stored_member(member_id)
    assert member.status is MemberStatus.ONBOARDING
    assert member.promote_at is None
    assert world.analytics("profile_completed") == []


async def test_editing_never_shortens_the_wait(fixed_world: World) -> None:
    world = fixed_world
    member_id = await world.onboard()
    world.fakes.clock.advance(WAIT - timedelta(seconds=1))
    view = await update(world, member_id, name="Asha Iyer")
    assert view.status is MemberStatus.WAITLISTED
    assert (await world.stored_member(member_id)).promote_at == START + WAIT


async def test_an_edit_after_the_wait_promotes_and_is_kept(fixed_world: World) -> None:
    world = fixed_world
    member_id = await world.onboard()
    world.fakes.clock.advance(WAIT)
    view = await update(world, member_id, name="Asha Iyer")
    assert view.status is MemberStatus.ACTIVE
    member = await world.stored_member(member_id)
    assert (member.status, member.profile.name) == (MemberStatus.ACTIVE, "Asha Iyer")
    assert len(world.analytics("member_promoted")) == 1


async def test_a_refused_edit_drops_the_promotion_it_started(fixed_world: World) -> None:
    """The promotion joins the edit's transaction: refused together, and no event leaves for it."""
    world = fixed_world
    member_id = await world.onboard()
    world.fakes.clock.advance(WAIT)
    dispatched = len(world.jobs.dispatched)
    with pytest.raises(InvalidInput):
        await update(world, member_id, name="")
    assert (await world.stored_member(member_id)).status is MemberStatus.WAITLISTED
    assert len(world.jobs.dispatched) == dispatched
    assert world.analytics("member_promoted") == []
    assert (await get(world, member_id)).status is MemberStatus.ACTIVE  # the next request promotes
    assert len(world.analytics("member_promoted")) == 1


# --- ReadProfile: the rendered profile, kept per member ------------------------------------------------------


class Renders:
    """A presenter that counts its calls: each one is a read that missed the kept bytes."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, view: ProfileView) -> bytes:
        self.calls += 1
        return f"{view.name}|{view.status.value}|{view.bio}|{view.role}".encode()


SESSION = "session-1"


async def read(world: World, member_id: int, renders: Renders, session: str = SESSION) -> bytes:
    body: bytes = await world.run(ReadProfile, member_id=member_id, token_id=session, present=renders)
    return body


async def test_an_active_members_profile_is_kept_until_any_save_of_the_member(world: World) -> None:
    member, renders = await world.member(1), Renders()
    first = await read(world, member.id, renders)
    assert await read(world, member.id, renders) == first
    assert renders.calls == 1

    await world.change_member(member.id, lambda m: setattr(m.profile, "bio", "changed elsewhere"))
    assert b"changed elsewhere" in await read(world, member.id, renders)
    assert renders.calls == 2


async def test_a_waitlisted_members_profile_is_never_kept(world: World) -> None:
    member, renders = await world.member(2, status=MemberStatus.WAITLISTED), Renders()
    await read(world, member.id, renders)
    world.advance(timedelta(hours=4))  # let in on their next read, by the clock alone
    assert b"|active|" in await read(world, member.id, renders)
    assert renders.calls == 2


async def test_a_revoked_session_is_refused_even_with_the_profile_kept(world: World) -> None:
    member, renders = await world.member(3), Renders()
    await read(world, member.id, renders)
    revocations = await world.get(TokenRevocations)
    await revocations.revoke(SESSION, until=world.now + timedelta(days=1), now=world.now)
    with pytest.raises(Unauthenticated, match="logged out"):
        await read(world, member.id, renders)
    assert await read(world, member.id, renders, session="session-2")
