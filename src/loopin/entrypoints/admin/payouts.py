"""The payout queue by state (paged on the server, oldest first: the order staff work it in) and the payout's
page: approve, show the account number for the transfer, record the bank transfer's UTR or its failure. Every
decision needs a fresh code and goes through the payouts use cases, so it is locked, validated and audited
exactly like ``/api/staff/payouts``."""

from __future__ import annotations

from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import get, post
from litestar.response import Redirect, Template

from loopin.domain.payouts.payout import PayoutStatus
from loopin.entrypoints.admin.rendering import AnyRequest, Table, inr, page
from loopin.entrypoints.admin.screen import Choice, ConsoleController, Form, done, staff_id
from loopin.entrypoints.admin.session import fresh_step_up
from loopin.entrypoints.http.params import Offset, PathId
from loopin.usecases.payouts.staff import (
    ApprovePayout,
    ListPayouts,
    MarkPayoutFailed,
    MarkPayoutPaid,
    ShowTransferDetails,
    ViewPayout,
)
from loopin.usecases.staff.desk import checked_status

QUEUES = (*(s.value for s in PayoutStatus), "all")


class UtrIn(msgspec.Struct):
    utr: str = ""


class ReasonIn(msgspec.Struct):
    reason: str = ""


def _queue(raw: str | None) -> str:
    return checked_status(raw or None, QUEUES) or PayoutStatus.REQUESTED.value


class PayoutAdminController(ConsoleController):
    path = "/admin/payouts"

    @get("/")
    async def queue(
        self, request: AnyRequest, read: FromDishka[ListPayouts], status: Choice = None, offset: Offset = 0
    ) -> Template:
        shown = _queue(status)
        table = Table.of("/admin/payouts", {"status": shown}, "created_at", "asc", offset)
        found = await read(
            member_id=staff_id(request),
            status=None if shown == "all" else PayoutStatus(shown),
            offset=table.offset,
            limit=table.limit,
        )
        listed = table.counted(found.total, ("created_at",))
        return page(
            request,
            "payouts.html",
            nav="payouts",
            payouts=found.rows,
            table=listed,
            status=shown,
            queues=QUEUES,
        )

    @get("/{payout_id:int}")
    async def payout(self, request: AnyRequest, payout_id: PathId, view: FromDishka[ViewPayout]) -> Template:
        found = await view(member_id=staff_id(request), payout_id=payout_id)
        return page(request, "payout.html", nav="payouts", payout=found)

    @post("/{payout_id:int}/approve", guards=[fresh_step_up])
    async def approve(
        self, request: AnyRequest, payout_id: PathId, approve: FromDishka[ApprovePayout]
    ) -> Redirect:
        action = approve(member_id=staff_id(request), payout_id=payout_id)
        return await done(
            request, action, lambda p: f"Payout #{p.id} is approved: send the transfer, then record its UTR here."
        )

    @post("/{payout_id:int}/transfer-details", guards=[fresh_step_up])
    async def transfer_details(
        self, request: AnyRequest, payout_id: PathId, show: FromDishka[ShowTransferDetails]
    ) -> Template:
        """A page of its own (answered to a POST, never kept: every console page is no-store), so the number is
        on screen only after a deliberate, fresh, audited click."""
        details = await show(member_id=staff_id(request), payout_id=payout_id)
        return page(request, "payout_transfer.html", nav="payouts", transfer=details)

    @post("/{payout_id:int}/mark-paid", guards=[fresh_step_up])
    async def mark_paid(
        self,
        request: AnyRequest,
        payout_id: PathId,
        data: Annotated[UtrIn, Form],
        mark: FromDishka[MarkPayoutPaid],
    ) -> Redirect:
        action = mark(member_id=staff_id(request), payout_id=payout_id, utr=data.utr)
        return await done(request, action, lambda p: f"Payout #{p.id} is paid (UTR {p.utr}); the host is told.")

    @post("/{payout_id:int}/mark-failed", guards=[fresh_step_up])
    async def mark_failed(
        self,
        request: AnyRequest,
        payout_id: PathId,
        data: Annotated[ReasonIn, Form],
        mark: FromDishka[MarkPayoutFailed],
    ) -> Redirect:
        action = mark(member_id=staff_id(request), payout_id=payout_id, reason=data.reason)
        return await done(
            request, action, lambda p: f"Payout #{p.id} failed: {inr(p.amount)} is back in the host's balance."
        )
