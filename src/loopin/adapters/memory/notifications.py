"""In-memory notification devices."""

from __future__ import annotations

from datetime import datetime

from loopin.adapters.memory.store import MemoryTransaction
from loopin.domain.notifications.device import Device, DevicePlatform

DEVICES = "devices"


class MemoryDeviceRepository:
    def __init__(self, tx: MemoryTransaction) -> None:
        self._tx = tx

    async def register(self, member_id: int, player_id: str, platform: DevicePlatform, *, now: datetime) -> Device:
        await self._tx.lock(DEVICES, player_id)
        device: Device | None = self._tx.read(DEVICES, player_id)
        if device is None:
            device = Device(self._tx.next_id(DEVICES), member_id, player_id, platform, True, now, now)
        else:
            device.member_id, device.platform, device.is_active, device.updated_at = member_id, platform, True, now
        self._tx.write(DEVICES, player_id, device)
        return device

    async def get_by_player_id(self, player_id: str) -> Device | None:
        device: Device | None = self._tx.read(DEVICES, player_id)
        return device

    async def save(self, device: Device) -> None:
        self._tx.write(DEVICES, device.player_id, device)

    async def active_for(self, member_id: int) -> list[Device]:
        return [d for d in self._tx.rows(DEVICES) if d.member_id == member_id and d.is_active]
