"""``/api/platform/fee``: what buyers pay on top of a base price (any member), and its change (staff only)."""

from __future__ import annotations

from datetime import datetime

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import get, put
from litestar.params import JSONBody

from loopin.entrypoints.http.auth import MemberRequest
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.wire import to_wire
from loopin.usecases.payments.fees import ChangePlatformFee, FeeView, GetPlatformFee


class FeeIn(msgspec.Struct):
    fee_percentage: str | float | int
    description: str | None = None


class FeeOut(msgspec.Struct):
    success: bool
    fee_percentage: str
    multiplier: str
    description: str
    updated_by: int | None
    updated_at: datetime | None


def fee_out(v: FeeView) -> FeeOut:
    return to_wire(
        FeeOut, v, success=True, fee_percentage=str(v.percentage), multiplier=f"{v.percentage / 100:.4f}"
    )


class PlatformFeeController(LoopinController):
    path = "/api/platform/fee"
    tags = ["payments"]

    @get("/", summary="The platform fee percentage")
    async def read(self, request: MemberRequest, read: FromDishka[GetPlatformFee]) -> FeeOut:
        return fee_out(await read(member_id=request.user.member_id))

    @put("/", summary="Change the platform fee (staff; audited; applies to orders created afterwards)")
    async def change(
        self, request: MemberRequest, data: JSONBody[FeeIn], change: FromDishka[ChangePlatformFee]
    ) -> FeeOut:
        raw = data.fee_percentage
        percentage = raw if isinstance(raw, str) else repr(raw)
        return fee_out(
            await change(member_id=request.user.member_id, percentage=percentage, description=data.description)
        )
