"""Ports of the notifications context."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from loopin.domain.notifications.device import Device, DevicePlatform
from loopin.domain.notifications.notification import Notification
from loopin.domain.notifications.preferences import Preferences


class DeviceRepository(Protocol):
    async def register(
        self, member_id: int, player_id: str, platform: DevicePlatform, *, now: datetime
    ) -> Device | None:
        """Creates the device, or takes an existing player id for this member, active again, when
        ``Device.can_be_registered_by`` allows it; None (and nothing changed) when it does not. One statement,
        so two members registering one id at once cannot both win."""
        ...

    async def get_by_player_id(self, player_id: str) -> Device | None: ...

    async def get_by_player_id_for_update(self, player_id: str) -> Device | None:
        """Locks the row until the transaction ends: its owner may be changing."""
        ...

    async def save(self, device: Device) -> None: ...

    async def active_for(self, member_id: int) -> list[Device]: ...


class NotificationRepository(Protocol):
    async def lock_by_key(self, key: str) -> Notification | None: ...

    async def add(self, notification: Notification) -> Notification:
        """Stores it and returns it with its id (the key is unique)."""
        ...

    async def save(self, notification: Notification) -> None:
        """Stores ``pushed_at`` and ``read_at`` (the rest never changes)."""
        ...

    async def add_many(self, notifications: Sequence[Notification]) -> int:
        """Stores those whose key is new, in one statement (a campaign batch); answers how many were stored.
        Takes each recipient's inbox lock, as ``add`` does."""
        ...

    async def for_member(self, member_id: int, limit: int) -> list[Notification]:
        """Newest first."""
        ...

    async def page(
        self, member_id: int, *, before_id: int | None, unread_only: bool, limit: int
    ) -> list[Notification]:
        """The member's notifications with an id below ``before_id`` (all when None), newest first."""
        ...

    async def unread_count(self, member_id: int) -> int: ...

    async def lock_mine(self, member_id: int, notification_id: int) -> Notification | None:
        """Locks it when it is the member's; None for someone else's, as for one that does not exist."""
        ...

    async def mark_all_read(self, member_id: int, up_to_id: int | None, at: datetime) -> tuple[int, int | None]:
        """Marks the member's unread notifications with an id up to the watermark read, in one statement, and
        answers (how many, the watermark). Without ``up_to_id`` the watermark is the newest id the member has
        when the statement runs. A notification stored meanwhile with a higher id stays unread."""
        ...

    async def lock_push_due(self, now: datetime, limit: int) -> list[Notification]:
        """Notifications not yet pushed whose push is due, oldest first, locked, skipping rows another
        transaction holds (``SKIP LOCKED``)."""
        ...

    async def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        """Deletes up to ``limit`` notifications created before ``cutoff``, oldest first, passing over rows
        another transaction holds; returns how many."""
        ...


class PreferenceRepository(Protocol):
    async def get(self, member_id: int) -> Preferences:
        """The member's choices; nothing muted when they never chose."""
        ...

    async def save(self, preferences: Preferences) -> None:
        """Insert or replace (one row per member)."""
        ...


@dataclass(frozen=True, slots=True)
class PushResult:
    delivered: int
    invalid_player_ids: tuple[str, ...] = ()  # subscriptions the provider no longer knows


@dataclass(frozen=True, slots=True)
class Push:
    """One notification for a member's phones (OneSignal subscription ids)."""

    player_ids: tuple[str, ...]
    title: str
    body: str
    data: Mapping[str, str]
    idempotency_key: str | None = None


class PushSender(Protocol):
    async def send(self, push: Push) -> PushResult:
        """Raises on a provider failure (the job retries); unknown devices come back in the result. Sent again
        with the same ``idempotency_key`` (a retried job), the push reaches nobody twice."""
        ...
