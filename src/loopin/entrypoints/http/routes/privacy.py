"""``/api/auth/me``: the member's own data. A copy of it (JSON), and deleting the account, confirmed with a
fresh sign-in code sent to the member's phone. What is erased and what is kept: docs/privacy.md."""

from __future__ import annotations

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import Response, delete, get, post
from litestar.params import JSONBody

from loopin.entrypoints.http.auth import Caller, MemberRequest
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import OtpCode
from loopin.entrypoints.http.routes.identity import OtpSentOut, otp_sent_out
from loopin.entrypoints.http.wire import MessageOut, client_address
from loopin.usecases.privacy.erase import EraseMyAccount, RequestErasureCode
from loopin.usecases.privacy.export import ExportMyData
from loopin.usecases.privacy.views import MemberExport


class ExportOut(msgspec.Struct):
    success: bool
    message: str
    data: MemberExport


class EraseIn(msgspec.Struct):
    otp_code: OtpCode


class PrivacyController(LoopinController):
    path = "/api/auth/me"
    tags = ["privacy"]

    @get(
        "/export",
        summary="A copy of my data (profile, devices, hosted events, requests, invitations, tickets, inbox, "
        "activity, and who else receives some of it); at most 5 an hour",
    )
    async def export(self, caller: Caller, export: FromDishka[ExportMyData]) -> Response[ExportOut]:
        data = await export(member_id=caller)
        filename = f"loopin-data-{data.profile.id}-{data.generated_at:%Y%m%d}.json"
        return Response(
            ExportOut(True, "Here is a copy of your data.", data),
            headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
        )

    @post(
        "/deletion-code",
        status_code=200,
        summary="Send a code to my phone to confirm deleting my account (same limits as sign-in)",
    )
    async def deletion_code(self, request: MemberRequest, send: FromDishka[RequestErasureCode]) -> OtpSentOut:
        sent = await send(member_id=request.user.member_id, client_address=client_address(request))
        return otp_sent_out(sent, "Enter it to delete your account.")

    @delete(
        "/",
        status_code=200,
        summary="Delete my account for good, with the code from deletion-code; 409 while I host events with "
        "guests or hold paid tickets",
    )
    async def erase(
        self, caller: Caller, data: JSONBody[EraseIn], erase: FromDishka[EraseMyAccount]
    ) -> MessageOut:
        await erase(member_id=caller, otp_code=data.otp_code)
        return MessageOut(
            True, "Your account has been deleted. Records the law requires us to keep no longer name you."
        )
