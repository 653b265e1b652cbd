"""``/api/platform/fee``: what buyers pay on top of a base price (any member). Read only: the fee is changed in
the staff console by a superuser who has just entered a code (a bearer token carries no fresh proof)."""

from __future__ import annotations

from datetime import datetime

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import get

from loopin.entrypoints.http.auth import Caller
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.wire import to_wire
from loopin.usecases.payments.fees import FeeView, GetPlatformFee


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
    async def read(self, caller: Caller, read: FromDishka[GetPlatformFee]) -> FeeOut:
        return fee_out(await read(member_id=caller))
