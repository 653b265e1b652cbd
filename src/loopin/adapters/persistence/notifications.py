"""Notification devices and in-app notifications over PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert

from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.orm import DeviceRow, NotificationPreferenceRow, NotificationRow
from loopin.adapters.persistence.rows import entity_from_row
from loopin.domain.notifications.device import Device, DevicePlatform
from loopin.domain.notifications.notification import Notification
from loopin.domain.notifications.preferences import Preferences
from loopin.domain.notifications.templates import NotificationKind
from loopin.usecases.notifications.ports import DeviceRepository, NotificationRepository, PreferenceRepository


def device_from_row(row: DeviceRow) -> Device:
    return entity_from_row(Device, row, registered_at=row.created_at)


class SqlDeviceRepository(SqlAdapter, DeviceRepository):
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


INBOX_LOCKS = 0x6E6F7469  # the advisory-lock space of members' inboxes ("noti")


class SqlNotificationRepository(SqlAdapter, NotificationRepository):
    async def lock_by_key(self, key: str) -> Notification | None:
        row = await self._session.scalar(
            select(NotificationRow).where(NotificationRow.key == key).with_for_update(),
            execution_options={"populate_existing": True},
        )
        return notification_from_row(row) if row else None

    async def _lock_inbox(self, member_id: int) -> None:
        """Serialises a member's new notifications with their mark-all-read (until the transaction ends), so an id
        below a mark-all-read's watermark is never committed after it."""
        await self._session.execute(
            text("SELECT pg_advisory_xact_lock(:space, CAST(:member % 2147483647 AS integer))"),
            {"space": INBOX_LOCKS, "member": member_id},
        )

    async def add(self, notification: Notification) -> Notification:
        await self._lock_inbox(notification.recipient_id)
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
            urgent=notification.urgent,
            push_due_at=notification.push_due_at,
        )
        self._session.add(row)
        await self._session.flush()
        notification.id = row.id
        return notification

    async def add_many(self, notifications: Sequence[Notification]) -> int:
        if not notifications:
            return 0
        recipients = sorted({n.recipient_id for n in notifications})
        await self._session.execute(
            text(
                "SELECT pg_advisory_xact_lock(:space, CAST(m % 2147483647 AS integer)) "
                "FROM unnest(CAST(:members AS bigint[])) AS m ORDER BY m"
            ),
            {"space": INBOX_LOCKS, "members": recipients},
        )
        result = await self._session.execute(
            insert(NotificationRow)
            .values(
                [
                    {
                        "key": n.key,
                        "recipient_id": n.recipient_id,
                        "sender_id": n.sender_id,
                        "kind": n.kind,
                        "template": n.template,
                        "title": n.title[:200],
                        "body": n.body[:1000],
                        "data": dict(n.data),
                        "created_at": n.created_at,
                        "urgent": n.urgent,
                        "push_due_at": n.push_due_at,
                    }
                    for n in notifications
                ]
            )
            .on_conflict_do_nothing(index_elements=[NotificationRow.key])
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

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

    async def page(
        self, member_id: int, *, before_id: int | None, unread_only: bool, limit: int
    ) -> list[Notification]:
        statement = select(NotificationRow).where(NotificationRow.recipient_id == member_id)
        if before_id is not None:
            statement = statement.where(NotificationRow.id < before_id)
        if unread_only:
            statement = statement.where(NotificationRow.read_at.is_(None))
        rows = await self._session.scalars(statement.order_by(NotificationRow.id.desc()).limit(limit))
        return [notification_from_row(r) for r in rows]

    async def unread_count(self, member_id: int) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(NotificationRow)
            .where(NotificationRow.recipient_id == member_id, NotificationRow.read_at.is_(None))
        )
        return int(count or 0)

    async def lock_mine(self, member_id: int, notification_id: int) -> Notification | None:
        row = await self._session.scalar(
            select(NotificationRow)
            .where(NotificationRow.id == notification_id, NotificationRow.recipient_id == member_id)
            .with_for_update(),
            execution_options={"populate_existing": True},
        )
        return notification_from_row(row) if row else None

    async def mark_all_read(self, member_id: int, up_to_id: int | None, at: datetime) -> tuple[int, int | None]:
        mine = NotificationRow.recipient_id == member_id
        await self._lock_inbox(member_id)
        if up_to_id is None:
            up_to_id = await self._session.scalar(select(func.max(NotificationRow.id)).where(mine))
            if up_to_id is None:
                return 0, None
        result = await self._session.execute(
            update(NotificationRow)
            .where(mine, NotificationRow.read_at.is_(None), NotificationRow.id <= up_to_id)
            .values(read_at=at)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0), up_to_id  # type: ignore[attr-defined]

    async def lock_push_due(self, now: datetime, limit: int) -> list[Notification]:
        rows = await self._session.scalars(
            select(NotificationRow)
            .where(
                NotificationRow.pushed_at.is_(None),
                NotificationRow.push_due_at.is_not(None),
                NotificationRow.push_due_at <= now,
            )
            .order_by(NotificationRow.push_due_at, NotificationRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True),
            execution_options={"populate_existing": True},
        )
        return [notification_from_row(r) for r in rows]

    async def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        doomed = (
            select(NotificationRow.id)
            .where(NotificationRow.created_at < cutoff)
            .order_by(NotificationRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        result = await self._session.execute(delete(NotificationRow).where(NotificationRow.id.in_(doomed)))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class SqlPreferenceRepository(SqlAdapter, PreferenceRepository):
    async def get(self, member_id: int) -> Preferences:
        row = await self._session.get(NotificationPreferenceRow, member_id, populate_existing=True)
        if row is None:
            return Preferences(member_id)
        return Preferences(member_id, frozenset(NotificationKind(k) for k in row.muted), row.updated_at)

    async def save(self, preferences: Preferences) -> None:
        muted = sorted(k.value for k in preferences.muted)
        await self._session.execute(
            insert(NotificationPreferenceRow)
            .values(member_id=preferences.member_id, muted=muted, updated_at=preferences.updated_at)
            .on_conflict_do_update(
                index_elements=[NotificationPreferenceRow.member_id],
                set_={"muted": muted, "updated_at": preferences.updated_at},
            )
        )
