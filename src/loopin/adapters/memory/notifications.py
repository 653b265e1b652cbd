"""In-memory notification devices, in-app notifications and a recording push sender."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from loopin.adapters.memory.store import MemoryAdapter
from loopin.domain.notifications.device import Device, DevicePlatform
from loopin.domain.notifications.notification import Notification
from loopin.domain.notifications.preferences import Preferences
from loopin.usecases.notifications.ports import (
    DeviceRepository,
    NotificationRepository,
    PreferenceRepository,
    Push,
    PushResult,
    PushSender,
)

DEVICES = "devices"


class MemoryDeviceRepository(MemoryAdapter, DeviceRepository):
    async def register(
        self, member_id: int, player_id: str, platform: DevicePlatform, *, now: datetime
    ) -> Device | None:
        await self._tx.lock(DEVICES, player_id)
        device: Device | None = self._tx.read(DEVICES, player_id)
        if device is None:
            device = Device(self._tx.next_id(DEVICES), member_id, player_id, platform, True, now, now)
        elif not device.can_be_registered_by(member_id):
            return None
        else:
            device.member_id, device.platform, device.is_active, device.updated_at = member_id, platform, True, now
        self._tx.write(DEVICES, player_id, device)
        return device

    async def get_by_player_id(self, player_id: str) -> Device | None:
        device: Device | None = self._tx.read(DEVICES, player_id)
        return device

    async def get_by_player_id_for_update(self, player_id: str) -> Device | None:
        await self._tx.lock(DEVICES, player_id)
        return await self.get_by_player_id(player_id)

    async def save(self, device: Device) -> None:
        self._tx.write(DEVICES, device.player_id, device)

    async def active_for(self, member_id: int) -> list[Device]:
        return [d for d in self._tx.rows(DEVICES) if d.member_id == member_id and d.is_active]


# --- in-app notifications and push (attendance) ------------------------------------------------------------

NOTIFICATIONS, NOTIFICATION_KEYS, INBOXES = "notifications", "notification_keys", "inboxes"


class MemoryNotificationRepository(MemoryAdapter, NotificationRepository):
    async def lock_by_key(self, key: str) -> Notification | None:
        await self._tx.lock(NOTIFICATION_KEYS, key)
        row_id = self._tx.read(NOTIFICATION_KEYS, key)
        if row_id is None:
            return None
        await self._tx.lock(NOTIFICATIONS, row_id)  # the row lock the sweep's SKIP LOCKED respects
        found: Notification | None = self._tx.read(NOTIFICATIONS, row_id)
        return found

    async def add(self, notification: Notification) -> Notification:
        await self._tx.lock(INBOXES, notification.recipient_id)  # as PostgreSQL's advisory lock
        await self._tx.lock(NOTIFICATION_KEYS, notification.key)
        if self._tx.read(NOTIFICATION_KEYS, notification.key) is not None:
            raise LookupError(f"notification {notification.key} is already stored")  # the unique index
        notification.id = self._tx.next_id(NOTIFICATIONS)
        self._tx.write(NOTIFICATION_KEYS, notification.key, notification.id)
        self._tx.write(NOTIFICATIONS, notification.id, notification)
        return notification

    async def add_many(self, notifications: Sequence[Notification]) -> int:
        stored = 0
        for notification in sorted(notifications, key=lambda n: n.recipient_id):
            await self._tx.lock(INBOXES, notification.recipient_id)
            await self._tx.lock(NOTIFICATION_KEYS, notification.key)
            if self._tx.read(NOTIFICATION_KEYS, notification.key) is None:
                await self.add(notification)
                stored += 1
        return stored

    async def save(self, notification: Notification) -> None:
        self._tx.write(NOTIFICATIONS, notification.id, notification)

    async def for_member(self, member_id: int, limit: int) -> list[Notification]:
        mine = [n for n in self._tx.rows(NOTIFICATIONS) if n.recipient_id == member_id]
        return sorted(mine, key=lambda n: n.id, reverse=True)[:limit]

    async def page(
        self, member_id: int, *, before_id: int | None, unread_only: bool, limit: int
    ) -> list[Notification]:
        mine = [
            n
            for n in self._tx.rows(NOTIFICATIONS)
            if n.recipient_id == member_id
            and (before_id is None or n.id < before_id)
            and not (unread_only and n.is_read)
        ]
        return sorted(mine, key=lambda n: n.id, reverse=True)[:limit]

    async def unread_count(self, member_id: int) -> int:
        return sum(1 for n in self._tx.rows(NOTIFICATIONS) if n.recipient_id == member_id and not n.is_read)

    async def lock_mine(self, member_id: int, notification_id: int) -> Notification | None:
        await self._tx.lock(NOTIFICATIONS, notification_id)
        found: Notification | None = self._tx.read(NOTIFICATIONS, notification_id)
        return found if found is not None and found.recipient_id == member_id else None

    async def mark_all_read(self, member_id: int, up_to_id: int | None, at: datetime) -> tuple[int, int | None]:
        await self._tx.lock(INBOXES, member_id)
        mine = [n for n in self._tx.rows(NOTIFICATIONS) if n.recipient_id == member_id]
        if up_to_id is None:
            if not mine:
                return 0, None
            up_to_id = max(n.id for n in mine)
        marked = 0
        for n in mine:
            if n.id <= up_to_id and not n.is_read:
                await self._tx.lock(NOTIFICATIONS, n.id)
                current: Notification | None = self._tx.read(NOTIFICATIONS, n.id)  # as committed once locked
                if current is not None and not current.is_read:
                    current.read_at = at
                    self._tx.write(NOTIFICATIONS, n.id, current)
                    marked += 1
        return marked, up_to_id

    async def lock_push_due(self, now: datetime, limit: int) -> list[Notification]:
        due = sorted(
            (n for n in self._tx.rows(NOTIFICATIONS) if n.is_push_due(now)),
            key=lambda n: (n.push_due_at, n.id),
        )
        claimed: list[Notification] = []
        for n in due:
            if len(claimed) == limit:
                break
            if await self._tx.try_lock(NOTIFICATIONS, n.id):
                current: Notification | None = self._tx.read(NOTIFICATIONS, n.id)
                if current is not None and current.awaits_push:
                    claimed.append(current)
        return claimed

    async def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        old = sorted(
            (n for n in self._tx.rows(NOTIFICATIONS) if n.created_at is not None and n.created_at < cutoff),
            key=lambda n: n.id,
        )
        deleted = 0
        for note in old:
            if deleted == limit:
                break
            if await self._tx.try_lock(NOTIFICATIONS, note.id):
                self._tx.delete(NOTIFICATIONS, note.id)
                self._tx.delete(NOTIFICATION_KEYS, note.key)
                deleted += 1
        return deleted


PREFERENCES = "notification_preferences"
CAMPAIGNS, CAMPAIGN_RECIPIENTS = "campaigns", "campaign_recipients"  # staff write them; erasure cancels deliveries


class MemoryPreferenceRepository(MemoryAdapter, PreferenceRepository):
    async def get(self, member_id: int) -> Preferences:
        found: Preferences | None = self._tx.read(PREFERENCES, member_id)
        return found if found is not None else Preferences(member_id)

    async def save(self, preferences: Preferences) -> None:
        self._tx.write(PREFERENCES, preferences.member_id, preferences)


class RecordingPushSender(PushSender):
    """Keeps every push for tests; player ids in ``invalid`` are reported back as unknown to the provider."""

    def __init__(self) -> None:
        self.sent: list[Push] = []
        self.invalid: set[str] = set()
        self._keys: set[str] = set()

    async def send(self, push: Push) -> PushResult:
        key = push.idempotency_key
        if key is not None and key in self._keys:
            return PushResult(0)  # the provider saw this push already
        if key is not None:
            self._keys.add(key)
        self.sent.append(push)
        invalid = tuple(p for p in push.player_ids if p in self.invalid)
        return PushResult(len(push.player_ids) - len(invalid), invalid)
