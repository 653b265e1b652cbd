"""RegisterDevice and DeactivateDevice: push subscriptions, open to onboarding and waitlisted members."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopin.domain.identity.member import MemberDeactivated
from loopin.domain.notifications.device import Device, DevicePlatform
from loopin.domain.shared.errors import ErrorKind, InvalidInput
from loopin.usecases.notifications.devices import (
    DeactivateDevice,
    DeviceNotFound,
    DeviceTaken,
    RegisterDevice,
)
from tests.unit.usecases.world import START, World, phone

PLAYER = "3f1c2b7a-0d4e-4c9a-9b1e-5f6a7b8c9d0e"


async def register(world: World, member_id: int, player_id: str = PLAYER, platform: str = "android") -> Device:
    device: Device = await world.run(RegisterDevice, member_id=member_id, player_id=player_id, platform=platform)
    return device


async def deactivate(world: World, member_id: int, player_id: str = PLAYER) -> Device:
    device: Device = await world.run(DeactivateDevice, member_id=member_id, player_id=player_id)
    return device


async def test_a_member_fresh_from_sign_in_registers_a_device(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    device = await register(world, member_id, f"  {PLAYER} ", " iOS ")
    assert device.id > 0
    assert (device.member_id, device.player_id, device.platform) == (member_id, PLAYER, DevicePlatform.IOS)
    assert device.is_active
    assert device.registered_at == device.updated_at == START
    assert await world.device(PLAYER) == device


async def test_a_waitlisted_member_registers_a_device(world: World) -> None:
    member_id = await world.onboard()
    assert (await register(world, member_id)).is_active


async def test_a_deactivated_member_cannot_register(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    await world.change_member(member_id, lambda m: m.deactivate(START))
    with pytest.raises(MemberDeactivated):
        await register(world, member_id)
    assert await world.device(PLAYER) is None


@pytest.mark.parametrize(
    ("player_id", "platform", "field"), [("", "ios", "onesignal_player_id"), (PLAYER, "web", "platform")]
)
async def test_bad_input_is_refused_and_nothing_is_stored(
    world: World, player_id: str, platform: str, field: str
) -> None:
    member_id = (await world.sign_in()).member_id
    with pytest.raises(InvalidInput) as caught:
        await register(world, member_id, player_id, platform)
    assert caught.value.problems[0].field == field
    assert await world.device(PLAYER) is None


async def test_a_device_retired_at_logout_moves_to_whoever_signs_in_next(world: World) -> None:
    """The app deactivates its subscription when a member logs out; the next member on that phone takes it."""
    first = (await world.sign_in(phone(1))).member_id
    second = (await world.sign_in(phone(2))).member_id
    original = await register(world, first)
    await deactivate(world, first)
    world.fakes.clock.advance(timedelta(minutes=1))
    moved = await register(world, second, platform="ios")
    assert moved.id == original.id
    assert (moved.member_id, moved.platform, moved.is_active) == (second, DevicePlatform.IOS, True)
    assert moved.updated_at == START + timedelta(minutes=1)
    assert await world.device(PLAYER) == moved


async def test_an_active_device_of_someone_else_cannot_be_taken_over(world: World) -> None:
    """Knowing a subscription id must not let anyone receive another member's pushes."""
    owner = (await world.sign_in(phone(1))).member_id
    intruder = (await world.sign_in(phone(2))).member_id
    original = await register(world, owner)
    with pytest.raises(DeviceTaken) as caught:
        await register(world, intruder)
    assert caught.value.kind is ErrorKind.CONFLICT
    assert await world.device(PLAYER) == original
    assert (await register(world, owner)).member_id == owner  # the owner re-registering is fine


async def test_a_member_retires_their_device_and_can_register_it_again(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    await register(world, member_id)
    world.fakes.clock.advance(timedelta(minutes=1))
    retired = await deactivate(world, member_id, f" {PLAYER} ")
    assert retired.is_active is False
    assert retired.updated_at == START + timedelta(minutes=1)
    stored = await world.device(PLAYER)
    assert stored is not None
    assert stored.is_active is False
    assert (await register(world, member_id)).is_active


async def test_nobody_can_retire_someone_elses_device(world: World) -> None:
    owner = (await world.sign_in(phone(1))).member_id
    stranger = (await world.sign_in(phone(2))).member_id
    await register(world, owner)
    with pytest.raises(DeviceNotFound) as caught:
        await deactivate(world, stranger)
    assert caught.value.code == "DEVICE_NOT_FOUND"
    assert caught.value.kind is ErrorKind.NOT_FOUND
    stored = await world.device(PLAYER)
    assert stored is not None
    assert (stored.member_id, stored.is_active) == (owner, True)


async def test_retiring_an_unknown_device_is_not_found(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    with pytest.raises(DeviceNotFound):
        await deactivate(world, member_id, "never-registered")


async def test_a_deactivated_member_cannot_retire_a_device_either(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    await register(world, member_id)
    await world.change_member(member_id, lambda m: m.deactivate(START))
    with pytest.raises(MemberDeactivated):
        await deactivate(world, member_id)
    stored = await world.device(PLAYER)
    assert stored is not None
    assert stored.is_active
