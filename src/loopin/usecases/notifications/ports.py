"""Ports of the notifications context."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from loopin.domain.notifications.device import Device, DevicePlatform


class DeviceRepository(Protocol):
    async def register(self, member_id: int, player_id: str, platform: DevicePlatform, *, now: datetime) -> Device:
        """Creates the device or moves an existing player id to this member, active again (one statement)."""
        ...

    async def get_by_player_id(self, player_id: str) -> Device | None: ...

    async def save(self, device: Device) -> None: ...

    async def active_for(self, member_id: int) -> list[Device]: ...
