"""A member's inbox: their notifications, newest first, a page at a time; the unread count; marking read.

Only the recipient ever sees a notification: another member's id answers 404, as an id that does not exist.
Waitlisted members have an inbox too (their welcome lands there).
"""

from __future__ import annotations

from dataclasses import dataclass

from loopin.domain.identity.member import Access
from loopin.domain.notifications.notification import Notification
from loopin.domain.shared.errors import NotFound
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.notifications.ports import NotificationRepository
from loopin.usecases.shared.paging import older_than, page_size
from loopin.usecases.shared.ports import Clock


class NotificationNotFound(NotFound, code="NOTIFICATION_NOT_FOUND", message="Notification not found."): ...


@dataclass(frozen=True, slots=True)
class InboxPage:
    notifications: list[Notification]
    next_before_id: int | None  # pass as ``before_id`` for the next (older) page; None: nothing older
    unread_count: int


@dataclass(frozen=True, slots=True)
class AllRead:
    marked: int
    up_to_id: int | None  # the watermark: notifications above it (arrived meanwhile) stay unread
    unread_count: int


class ListNotifications(MemberUseCase):
    notifications: NotificationRepository

    async def __call__(
        self, *, member_id: int, before_id: int | None = None, unread_only: bool = False, limit: int = 30
    ) -> InboxPage:
        member = await self.access.load(member_id, Access.SELF)
        page_size(limit)
        found = await self.notifications.page(
            member.id, before_id=before_id, unread_only=unread_only, limit=limit + 1
        )
        unread = await self.notifications.unread_count(member.id)
        await self.uow.commit()
        page, last = older_than(found, limit)
        return InboxPage(page, last.id if last else None, unread)


class CountUnread(MemberUseCase):
    notifications: NotificationRepository

    async def __call__(self, *, member_id: int) -> int:
        member = await self.access.load(member_id, Access.SELF)
        count = await self.notifications.unread_count(member.id)
        await self.uow.commit()
        return count


class MarkNotificationRead(MemberUseCase):
    """Idempotent: marking a read notification again keeps its first read time."""

    notifications: NotificationRepository
    clock: Clock

    async def __call__(self, *, member_id: int, notification_id: int) -> Notification:
        member = await self.access.load(member_id, Access.SELF)
        notification = await self.notifications.lock_mine(member.id, notification_id)
        if notification is None:
            raise NotificationNotFound()
        if notification.read_at is None:
            notification.read_at = self.clock.now()
            await self.notifications.save(notification)
        await self.uow.commit()
        return notification


class MarkAllRead(MemberUseCase):
    """Up to a watermark: the app passes the newest id it has shown (``up_to_id``), so a notification that
    arrives while the member taps "mark all read" is not marked read unseen."""

    notifications: NotificationRepository
    clock: Clock

    async def __call__(self, *, member_id: int, up_to_id: int | None = None) -> AllRead:
        member = await self.access.load(member_id, Access.SELF)
        marked, watermark = await self.notifications.mark_all_read(member.id, up_to_id, self.clock.now())
        unread = await self.notifications.unread_count(member.id)
        await self.uow.commit()
        return AllRead(marked, watermark, unread)
