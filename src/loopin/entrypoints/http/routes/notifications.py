"""``/api/notifications``: push device registration (the app's OneSignal subscription id), the member's inbox
and their notification preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import Response, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from loopin.domain.notifications.notification import Notification
from loopin.domain.notifications.templates import NotificationKind
from loopin.entrypoints.http.auth import Caller
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import Id, OptionalQueryId, PageSize, PathId
from loopin.entrypoints.http.wire import to_wire
from loopin.usecases.notifications.devices import DeactivateDevice, RegisterDevice
from loopin.usecases.notifications.inbox import (
    CountUnread,
    ListNotifications,
    MarkAllRead,
    MarkNotificationRead,
)
from loopin.usecases.notifications.preferences import (
    ChangeNotificationPreferences,
    GetNotificationPreferences,
    PreferencesView,
)


class RegisterDeviceIn(msgspec.Struct):
    onesignal_player_id: str
    platform: str


class DeviceOut(msgspec.Struct):
    success: bool
    message: str
    device_id: int
    is_active: bool


class DeviceController(LoopinController):
    path = "/api/notifications/devices"
    tags = ["notifications"]

    @post("/register", summary="Register this phone for push (waitlisted members too)")
    async def register(
        self,
        caller: Caller,
        data: JSONBody[RegisterDeviceIn],
        register: FromDishka[RegisterDevice],
    ) -> Response[DeviceOut]:
        device = await register(member_id=caller, player_id=data.onesignal_player_id, platform=data.platform)
        return Response(DeviceOut(True, "Device registered", device.id, device.is_active), status_code=201)

    @delete("/{player_id:str}", status_code=200, summary="Stop push to this phone (at logout)")
    async def deactivate(
        self,
        caller: Caller,
        player_id: FromPath[str],
        deactivate: FromDishka[DeactivateDevice],
    ) -> DeviceOut:
        device = await deactivate(member_id=caller, player_id=player_id)
        return DeviceOut(True, "Device deactivated", device.id, device.is_active)


# --- the inbox ---------------------------------------------------------------------------------------------


class NotificationOut(msgspec.Struct):
    id: int
    type: str
    template: str
    title: str
    body: str
    data: dict[str, str]
    sender_id: int | None
    is_read: bool
    created_at: datetime | None
    read_at: datetime | None


class InboxOut(msgspec.Struct):
    success: bool
    notifications: list[NotificationOut]
    next_before_id: int | None
    unread_count: int


class UnreadOut(msgspec.Struct):
    success: bool
    unread_count: int


class ReadOut(msgspec.Struct):
    success: bool
    notification: NotificationOut


class ReadAllIn(msgspec.Struct):
    up_to_id: Id | None = None


class ReadAllOut(msgspec.Struct):
    success: bool
    marked: int
    up_to_id: int | None
    unread_count: int


class KindOut(msgspec.Struct):
    type: str
    label: str
    muted: bool
    can_mute: bool


class QuietHoursOut(msgspec.Struct):
    start: str
    end: str
    timezone: str


class PreferencesOut(msgspec.Struct):
    success: bool
    muted: list[str]
    types: list[KindOut]
    quiet_hours: QuietHoursOut


class PreferencesIn(msgspec.Struct):
    muted: Annotated[list[Annotated[str, msgspec.Meta(max_length=32)]], msgspec.Meta(max_length=50)]


def notification_out(n: Notification) -> NotificationOut:
    return to_wire(NotificationOut, n, type=n.kind, data=dict(n.data), is_read=n.is_read)


def preferences_out(view: PreferencesView) -> PreferencesOut:
    muted = view.preferences.muted
    quiet = view.quiet
    return PreferencesOut(
        success=True,
        muted=sorted(k.value for k in muted),
        types=[KindOut(k.value, k.label, k in muted, k.mutable) for k in NotificationKind],
        quiet_hours=QuietHoursOut(quiet.start.strftime("%H:%M"), quiet.end.strftime("%H:%M"), quiet.zone.key),
    )


class InboxController(LoopinController):
    path = "/api/notifications"
    tags = ["notifications"]

    @get("/", summary="My notifications, newest first; page back with next_before_id")
    async def inbox(
        self,
        caller: Caller,
        read: FromDishka[ListNotifications],
        unread: Annotated[bool, QueryParameter(description="only unread ones")] = False,
        before_id: OptionalQueryId = None,
        limit: PageSize = 30,
    ) -> InboxOut:
        page = await read(member_id=caller, before_id=before_id, unread_only=unread, limit=limit)
        return InboxOut(
            True, [notification_out(n) for n in page.notifications], page.next_before_id, page.unread_count
        )

    @get("/unread-count", summary="How many of my notifications are unread")
    async def unread_count(self, caller: Caller, count: FromDishka[CountUnread]) -> UnreadOut:
        return UnreadOut(True, await count(member_id=caller))

    @post("/{notification_id:int}/read", status_code=200, summary="Mark one of my notifications read")
    async def mark_read(
        self, caller: Caller, notification_id: PathId, mark: FromDishka[MarkNotificationRead]
    ) -> ReadOut:
        notification = await mark(member_id=caller, notification_id=notification_id)
        return ReadOut(True, notification_out(notification))

    @post(
        "/read-all",
        status_code=200,
        summary="Mark my notifications read up to up_to_id (the newest the app has shown); newer ones stay unread",
    )
    async def mark_all_read(
        self, caller: Caller, mark: FromDishka[MarkAllRead], data: JSONBody[ReadAllIn | None] = None
    ) -> ReadAllOut:
        done = await mark(member_id=caller, up_to_id=data.up_to_id if data else None)
        return ReadAllOut(True, done.marked, done.up_to_id, done.unread_count)

    @get("/preferences", summary="Which notification types I muted (never pushed), and the quiet hours")
    async def preferences(self, caller: Caller, read: FromDishka[GetNotificationPreferences]) -> PreferencesOut:
        return preferences_out(await read(member_id=caller))

    @put("/preferences", summary="Replace the set of muted notification types")
    async def change_preferences(
        self,
        caller: Caller,
        data: JSONBody[PreferencesIn],
        change: FromDishka[ChangeNotificationPreferences],
    ) -> PreferencesOut:
        return preferences_out(await change(member_id=caller, muted=data.muted))
