"""Notification devices over PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from loopin.adapters.persistence.orm import DeviceRow
from loopin.domain.notifications.device import Device, DevicePlatform


def device_from_row(row: DeviceRow) -> Device:
    return Device(
        id=row.id,
        member_id=row.member_id,
        player_id=row.player_id,
        platform=DevicePlatform(row.platform),
        is_active=row.is_active,
        registered_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlDeviceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def register(
        self, member_id: int, player_id: str, platform: DevicePlatform, *, now: datetime
    ) -> Device | None:
        changes = {"member_id": member_id, "platform": platform.value, "is_active": True, "updated_at": now}
        statement = (
            insert(DeviceRow)
            .values(player_id=player_id, created_at=now, **changes)
            .on_conflict_do_update(
                index_elements=[DeviceRow.player_id],
                set_=changes,
                where=(DeviceRow.member_id == member_id) | DeviceRow.is_active.is_(False),  # can_be_registered_by
            )
            .returning(DeviceRow)
        )
        row = (await self._session.scalars(statement, execution_options={"populate_existing": True})).one_or_none()
        return device_from_row(row) if row else None

    async def get_by_player_id(self, player_id: str) -> Device | None:
        row = await self._session.scalar(select(DeviceRow).where(DeviceRow.player_id == player_id))
        return device_from_row(row) if row else None

    async def get_by_player_id_for_update(self, player_id: str) -> Device | None:
        statement = select(DeviceRow).where(DeviceRow.player_id == player_id).with_for_update()
        row = await self._session.scalar(statement, execution_options={"populate_existing": True})
        return device_from_row(row) if row else None

    async def save(self, device: Device) -> None:
        row = await self._session.get(DeviceRow, device.id)
        if row is None:
            raise LookupError(f"device {device.id} is not stored")
        row.member_id = device.member_id
        row.platform = device.platform.value
        row.is_active = device.is_active

    async def active_for(self, member_id: int) -> list[Device]:
        rows = await self._session.scalars(
            select(DeviceRow).where(DeviceRow.member_id == member_id, DeviceRow.is_active.is_(True))
        )
        return [device_from_row(r) for r in rows]
