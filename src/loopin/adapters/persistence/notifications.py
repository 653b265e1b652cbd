"""Notification devices and in-app notifications over PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from loopin.adapters.persistence.orm import DeviceRow, NotificationRow
from loopin.adapters.persistence.rows import entity_from_row
from loopin.domain.notifications.device import Device, DevicePlatform
from loopin.domain.notifications.notification import Notification
from loopin.usecases.notifications.ports import DeviceRepository, NotificationRepository


def device_from_row(row: DeviceRow) -> Device:
    return entity_from_row(Device, row, registered_at=row.created_at)


class SqlDeviceRepository(DeviceRepository):
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


def notification_from_row(row: NotificationRow) -> Notification:
    return entity_from_row(Notification, row, data={str(k): str(v) for k, v in (row.data or {}).items()})


class SqlNotificationRepository(NotificationRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_by_key(self, key: str) -> Notification | None:
        row = await self._session.scalar(
            select(NotificationRow).where(NotificationRow.key == key).with_for_update(),
            execution_options={"populate_existing": True},
        )
        return notification_from_row(row) if row else None

    async def add(self, notification: Notification) -> Notification:
        row = NotificationRow(
            key=notification.key,
            recipient_id=notification.recipient_id,
            sender_id=notification.sender_id,
            kind=notification.kind,
            template=notification.template,
            title=notification.title[:200],
            body=notification.body[:1000],
            data=dict(notification.data),
            created_at=notification.created_at,
            pushed_at=notification.pushed_at,
            read_at=notification.read_at,
        )
        self._session.add(row)
        await self._session.flush()
        notification.id = row.id
        return notification

    async def save(self, notification: Notification) -> None:
        row = await self._session.get(NotificationRow, notification.id)
        if row is None:
            raise LookupError(f"notification {notification.id} is not stored")
        row.pushed_at = notification.pushed_at
        row.read_at = notification.read_at

    async def for_member(self, member_id: int, limit: int) -> list[Notification]:
        rows = await self._session.scalars(
            select(NotificationRow)
            .where(NotificationRow.recipient_id == member_id)
            .order_by(NotificationRow.id.desc())
            .limit(limit)
        )
        return [notification_from_row(r) for r in rows]
