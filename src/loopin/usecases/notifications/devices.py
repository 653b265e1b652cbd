"""Registering and retiring push devices (open to waitlisted members: the app registers right after sign-in)."""

from __future__ import annotations

from loopin.domain.identity.member import Access
from loopin.domain.notifications.device import Device, DevicePlatform, check_player_id
from loopin.domain.shared.errors import Conflict, NotFound
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.notifications.ports import DeviceRepository
from loopin.usecases.shared.ports import Clock


class RegisterDevice(MemberUseCase):
    devices: DeviceRepository
    clock: Clock

    async def __call__(self, *, member_id: int, player_id: str, platform: str) -> Device:
        player_id = check_player_id(player_id)
        kind = DevicePlatform.parse(platform)
        member = await self.access.load(member_id, Access.SELF)
        device = await self.devices.register(member.id, player_id, kind, now=self.clock.now())
        if device is None:
            raise DeviceTaken()
        await self.uow.commit()
        return device


class DeviceTaken(
    Conflict,
    code="DEVICE_REGISTERED_TO_ANOTHER_ACCOUNT",
    message="This phone receives notifications for another account. Log out of that account on this phone first.",
): ...


class DeviceNotFound(
    NotFound, code="DEVICE_NOT_FOUND", message="This device is not registered to your account."
): ...


class DeactivateDevice(MemberUseCase):
    """Only the member the device belongs to may retire it; anyone else sees 404, not someone else's device."""

    devices: DeviceRepository
    clock: Clock

    async def __call__(self, *, member_id: int, player_id: str) -> Device:
        member = await self.access.load(member_id, Access.SELF)
        device = await self.devices.get_by_player_id_for_update(player_id.strip())
        if device is None or device.member_id != member.id:
            raise DeviceNotFound()
        device.is_active = False
        device.updated_at = self.clock.now()
        await self.devices.save(device)
        await self.uow.commit()
        return device
