"""In-memory notification devices, in-app notifications and a recording push sender."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from loopin.adapters.memory.store import MemoryTransaction
from loopin.domain.notifications.device import Device, DevicePlatform
from loopin.domain.notifications.notification import Notification
from loopin.usecases.notifications.ports import DeviceRepository, NotificationRepository, PushResult, PushSender

DEVICES = "devices"


class MemoryDeviceRepository(DeviceRepository):
    def __init__(self, tx: MemoryTransaction) -> None:
        self._tx = tx

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

NOTIFICATIONS, NOTIFICATION_KEYS = "notifications", "notification_keys"


class MemoryNotificationRepository(NotificationRepository):
    def __init__(self, tx: MemoryTransaction) -> None:
        self._tx = tx

    async def lock_by_key(self, key: str) -> Notification | None:
        await self._tx.lock(NOTIFICATION_KEYS, key)
        row_id = self._tx.read(NOTIFICATION_KEYS, key)
        found: Notification | None = self._tx.read(NOTIFICATIONS, row_id) if row_id is not None else None
        return found

    async def add(self, notification: Notification) -> Notification:
        await self._tx.lock(NOTIFICATION_KEYS, notification.key)
        if self._tx.read(NOTIFICATION_KEYS, notification.key) is not None:
            raise LookupError(f"notification {notification.key} is already stored")  # the unique index
        notification.id = self._tx.next_id(NOTIFICATIONS)
        self._tx.write(NOTIFICATION_KEYS, notification.key, notification.id)
        self._tx.write(NOTIFICATIONS, notification.id, notification)
        return notification

    async def save(self, notification: Notification) -> None:
        self._tx.write(NOTIFICATIONS, notification.id, notification)

    async def for_member(self, member_id: int, limit: int) -> list[Notification]:
        mine = [n for n in self._tx.rows(NOTIFICATIONS) if n.recipient_id == member_id]
        return sorted(mine, key=lambda n: n.id, reverse=True)[:limit]


@dataclass(frozen=True, slots=True)
class SentPush:
    player_ids: tuple[str, ...]
    title: str
    body: str
    data: dict[str, str]


class RecordingPushSender(PushSender):
    """Keeps every push for tests; player ids in ``invalid`` are reported back as unknown to the provider."""

    def __init__(self) -> None:
        self.sent: list[SentPush] = []
        self.invalid: set[str] = set()
        self._keys: set[str] = set()

    async def send(
        self,
        player_ids: Sequence[str],
        title: str,
        body: str,
        data: Mapping[str, str],
        *,
        idempotency_key: str | None = None,
    ) -> PushResult:
        if idempotency_key is not None and idempotency_key in self._keys:
            return PushResult(0)  # the provider saw this push already
        if idempotency_key is not None:
            self._keys.add(idempotency_key)
        self.sent.append(SentPush(tuple(player_ids), title, body, dict(data)))
        invalid = tuple(p for p in player_ids if p in self.invalid)
        return PushResult(len(player_ids) - len(invalid), invalid)
