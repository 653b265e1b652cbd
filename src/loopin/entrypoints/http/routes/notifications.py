"""``/api/notifications``: push device registration (the app's OneSignal subscription id)."""

from __future__ import annotations

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Response, delete, post
from litestar.params import FromPath, JSONBody

from loopin.entrypoints.http.auth import MemberRequest
from loopin.usecases.notifications.devices import DeactivateDevice, RegisterDevice


class RegisterDeviceIn(msgspec.Struct):
    onesignal_player_id: str
    platform: str


class DeviceOut(msgspec.Struct):
    success: bool
    message: str
    device_id: int
    is_active: bool


class DeviceController(Controller):
    path = "/api/notifications/devices"
    tags = ["notifications"]

    @post("/register", summary="Register this phone for push (waitlisted members too)")
    @inject
    async def register(
        self,
        request: MemberRequest,
        data: JSONBody[RegisterDeviceIn],
        register: FromDishka[RegisterDevice],
    ) -> Response[DeviceOut]:
        device = await register(
            member_id=request.user.member_id, player_id=data.onesignal_player_id, platform=data.platform
        )
        return Response(DeviceOut(True, "Device registered", device.id, device.is_active), status_code=201)

    @delete("/{player_id:str}", status_code=200, summary="Stop push to this phone (at logout)")
    @inject
    async def deactivate(
        self,
        request: MemberRequest,
        player_id: FromPath[str],
        deactivate: FromDishka[DeactivateDevice],
    ) -> DeviceOut:
        device = await deactivate(member_id=request.user.member_id, player_id=player_id)
        return DeviceOut(True, "Device deactivated", device.id, device.is_active)
