"""``/api/staff/payouts``: the payout queue by state, approve, mark paid (the bank's UTR), mark failed or cancel
(the money returns to the host's balance). Staff only; every decision audited, the host notified when paid or
failed."""

from __future__ import annotations

from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import get, post
from litestar.params import JSONBody, QueryParameter

from loopin.domain.payouts.payout import PayoutStatus
from loopin.entrypoints.http.auth import Caller
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import Offset, PageSize, PathId
from loopin.entrypoints.http.routes.payouts.wire import (
    PayoutEnvelope,
    PayoutListOut,
    payout_answer,
    payout_list_out,
)
from loopin.usecases.payouts.requests import CancelPayout
from loopin.usecases.payouts.staff import ApprovePayout, ListPayouts, MarkPayoutFailed, MarkPayoutPaid

Text = Annotated[str, msgspec.Meta(max_length=2000)]


class PaidIn(msgspec.Struct):
    utr: Text


class ReasonIn(msgspec.Struct):
    reason: Text


class StaffPayoutController(LoopinController):
    path = "/api/staff/payouts"
    tags = ["staff"]

    @get("/", summary="Payout requests, oldest first, optionally of one state (staff)")
    async def queue(
        self,
        caller: Caller,
        read: FromDishka[ListPayouts],
        status: Annotated[PayoutStatus | None, QueryParameter(description="requested, approved, paid...")] = None,
        offset: Offset = 0,
        limit: PageSize = 50,
    ) -> PayoutListOut:
        found = await read(member_id=caller, status=status, offset=offset, limit=limit)
        return payout_list_out(found, offset, limit)

    @post("/{payout_id:int}/approve", status_code=200, summary="Approve: the payout goes to its sender (staff)")
    async def approve(
        self, caller: Caller, payout_id: PathId, approve: FromDishka[ApprovePayout]
    ) -> PayoutEnvelope:
        payout = await approve(member_id=caller, payout_id=payout_id)
        return payout_answer("Payout approved", payout)

    @post("/{payout_id:int}/mark-paid", status_code=200, summary="Record the bank transfer's UTR (staff)")
    async def mark_paid(
        self, caller: Caller, payout_id: PathId, data: JSONBody[PaidIn], mark: FromDishka[MarkPayoutPaid]
    ) -> PayoutEnvelope:
        payout = await mark(member_id=caller, payout_id=payout_id, utr=data.utr)
        return payout_answer("Payout marked paid", payout)

    @post("/{payout_id:int}/mark-failed", status_code=200, summary="The transfer failed: money back (staff)")
    async def mark_failed(
        self,
        caller: Caller,
        payout_id: PathId,
        data: JSONBody[ReasonIn],
        mark: FromDishka[MarkPayoutFailed],
    ) -> PayoutEnvelope:
        payout = await mark(member_id=caller, payout_id=payout_id, reason=data.reason)
        return payout_answer("Payout marked failed; the amount is back in the host's balance", payout)

    @post("/{payout_id:int}/cancel", status_code=200, summary="Cancel a payout not yet paid: money back (staff)")
    async def cancel(
        self, caller: Caller, payout_id: PathId, data: JSONBody[ReasonIn], cancel: FromDishka[CancelPayout]
    ) -> PayoutEnvelope:
        payout = await cancel(member_id=caller, payout_id=payout_id, reason=data.reason)
        return payout_answer("Payout cancelled; the amount is back in the host's balance", payout)
