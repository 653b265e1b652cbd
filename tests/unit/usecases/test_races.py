"""Interleavings at the points where a real database waits on the network, made deterministic with a Gate.

Each test pauses one request right after a read, lets a second request run to its commit, then resumes the
first. The failing ones are real lost updates in the use cases (or in an in-memory adapter); see the reasons.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from loopin.adapters.memory.identity import MemoryMemberRepository, MemoryOtpChallengeRepository
from loopin.adapters.memory.notifications import MemoryDeviceRepository
from loopin.domain.identity.member import MemberDeactivated, MemberStatus, Role
from loopin.domain.identity.otp import OtpRejected
from loopin.domain.identity.phone import PhoneNumber
from loopin.usecases.identity.ports import MemberRepository, OtpChallengeRepository
from loopin.usecases.identity.profile import GetProfile
from loopin.usecases.identity.request_otp import RequestOtp
from loopin.usecases.identity.verify_otp import SessionStarted
from loopin.usecases.identity.waitlist import PromoteDueMembers
from loopin.usecases.notifications.devices import DeactivateDevice, RegisterDevice
from loopin.usecases.notifications.ports import DeviceRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.factories import MemberFactory
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.interleavings import Gate, pause_provider, within
from tests.unit.usecases.world import ADDRESS, PHONE, START, World, phone

WAIT = timedelta(minutes=215)


async def due_member_with_fresh_code(world: World) -> tuple[int, str]:
    """A waitlisted member whose promotion time has passed, and a new code in their SMS inbox."""
    member_id = await world.onboard()
    world.fakes.clock.advance(WAIT + timedelta(minutes=1))
    return member_id, await world.request_code()


async def test_a_request_holding_the_member_lock_makes_promotion_wait_not_duplicate(make_world: MakeWorld) -> None:
    """MemberAccess re-reads the member under its lock before promoting: a parallel scheduled run that
    promoted first is seen, so one promotion is recorded."""
    gate = Gate()
    world = await make_world(
        pause_provider(MemberRepository, MemoryMemberRepository, after={"get": gate}),
        waitlist_min_minutes=215,
        waitlist_max_minutes=215,
    )
    member_id = await world.onboard()
    world.fakes.clock.advance(WAIT)
    gate.arm()
    reader = asyncio.create_task(world.run(GetProfile, member_id=member_id))
    await within(gate.reached.wait())  # read the member unlocked, still waitlisted
    assert await within(world.run(PromoteDueMembers)) == 1
    gate.open()
    view = await within(reader)
    assert view.status is MemberStatus.ACTIVE
    assert len(world.analytics("member_promoted")) == 1


async def test_signing_in_never_undoes_a_deactivation_committed_meanwhile(make_world: MakeWorld) -> None:
    gate = Gate()
    world = await make_world(
        pause_provider(MemberRepository, MemoryMemberRepository, before={"lock_by_phone": gate}),
        waitlist_min_minutes=215,
        waitlist_max_minutes=215,
    )
    member_id, code = await due_member_with_fresh_code(world)
    gate.arm()
    sign_in = asyncio.create_task(world.verify(PHONE, code))
    await within(gate.reached.wait())
    await within(world.change_member(member_id, lambda m: m.deactivate(START + WAIT)))
    gate.open()
    outcome = await within(asyncio.gather(sign_in, return_exceptions=True))
    assert (await world.stored_member(member_id)).status is MemberStatus.DEACTIVATED
    assert isinstance(outcome[0], MemberDeactivated)


async def test_a_promotion_is_recorded_once_when_sign_in_and_the_scheduler_race(make_world: MakeWorld) -> None:
    gate = Gate()
    world = await make_world(
        pause_provider(MemberRepository, MemoryMemberRepository, before={"lock_by_phone": gate}),
        waitlist_min_minutes=215,
        waitlist_max_minutes=215,
    )
    member_id, code = await due_member_with_fresh_code(world)
    gate.arm()
    sign_in = asyncio.create_task(world.verify(PHONE, code))
    await within(gate.reached.wait())
    assert await within(world.run(PromoteDueMembers)) == 1
    gate.open()
    session: SessionStarted = await within(sign_in)
    assert session.admitted is True
    assert (await world.stored_member(member_id)).status is MemberStatus.ACTIVE
    assert len(world.analytics("member_promoted")) == 1


async def test_an_account_stored_after_the_code_was_locked_is_signed_into_not_duplicated(
    make_world: MakeWorld,
) -> None:
    """A first sign-in inserts its member without reading for one (the code's lock said the phone was free):
    an account that holds the phone by then is locked and signed into instead, as a returning member's."""
    gate = Gate()
    world = await make_world(
        pause_provider(OtpChallengeRepository, MemoryOtpChallengeRepository, after={"lock_for_sign_in": gate})
    )
    code = await world.request_code()
    gate.arm()
    sign_in = asyncio.create_task(world.verify(PHONE, code))
    await within(gate.reached.wait())
    holder = MemberFactory.build(
        phone=PhoneNumber.parse(PHONE), status=MemberStatus.ACTIVE, role=Role.MEMBER, joined_at=START
    )
    async with world.container() as scope:
        await (await scope.get(MemberRepository)).add(holder)
        await (await scope.get(UnitOfWork)).commit()
    gate.open()
    session: SessionStarted = await within(sign_in)
    assert (session.member_id, session.created) == (holder.id, False)
    assert [m.id for m in await world.members_with_phone(PHONE)] == [holder.id]
    assert world.analytics("member_signed_up") == []


async def test_retiring_a_device_does_not_touch_it_after_it_moved_to_another_member(make_world: MakeWorld) -> None:
    """The retirement holds the device row: the phone changing hands waits for it, then wins."""
    gate = Gate()
    world = await make_world(
        pause_provider(DeviceRepository, MemoryDeviceRepository, after={"get_by_player_id_for_update": gate})
    )
    first = (await world.sign_in(phone(1))).member_id
    second = (await world.sign_in(phone(2))).member_id
    await world.run(RegisterDevice, member_id=first, player_id="player-1", platform="android")
    gate.arm()
    retire = asyncio.create_task(world.run(DeactivateDevice, member_id=first, player_id="player-1"))
    await within(gate.reached.wait())
    moved = asyncio.create_task(world.run(RegisterDevice, member_id=second, player_id="player-1", platform="ios"))
    for _ in range(20):
        await asyncio.sleep(0)
    assert not moved.done()  # waits for the row the retirement holds
    gate.open()
    await within(asyncio.gather(retire, moved))
    device = await world.device("player-1")
    assert device is not None
    assert (device.member_id, device.is_active) == (second, True)


@pytest.mark.usefixtures("issued_codes")
async def test_a_new_code_issued_during_a_wrong_guess_still_works(make_world: MakeWorld) -> None:
    held, putting = Gate(), Gate(hold=False)
    world = await make_world(
        pause_provider(
            OtpChallengeRepository,
            MemoryOtpChallengeRepository,
            after={"lock_for_sign_in": held},
            before={"put_new": putting},
        ),
    )
    old = await world.request_code()
    world.fakes.clock.advance(timedelta(seconds=30))
    held.arm()
    guess = asyncio.create_task(world.verify(PHONE, "9999"))
    await within(held.reached.wait())  # the guess holds the challenge lock, the old challenge in hand
    putting.arm()
    resend = asyncio.create_task(world.run(RequestOtp, phone_number=PHONE, client_address=ADDRESS))
    await within(putting.reached.wait())  # the resend is storing the new challenge (or waiting for the lock)
    held.open()
    outcomes = await within(asyncio.gather(guess, resend, return_exceptions=True))
    assert isinstance(outcomes[0], OtpRejected)
    new = world.fakes.sms.last_code_for(PHONE)
    assert (old, new) == ("1111", "2222")
    try:
        session = await world.verify(PHONE, new)
    except OtpRejected as exc:
        raise AssertionError(f"the code just sent was refused: {exc.code} {exc.message}") from exc
    assert session.created
