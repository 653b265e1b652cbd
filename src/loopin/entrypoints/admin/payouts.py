"""The payout queue by state (paged on the server, oldest first: the order staff work it in) and the payout's
page: approve, record the bank transfer's UTR or its failure. Every decision needs a fresh code and goes through
the payouts use cases, so it is locked, validated and audited exactly like ``/api/staff/payouts``."""

from __future__ import annotations

from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, get, post
from litestar.response import Redirect, Template

from loopin.domain.payouts.payout import PayoutStatus
from loopin.domain.shared.errors import DomainError, InvalidInput
from loopin.entrypoints.admin.members import Choice, Confirmed, Offset, staff_id
from loopin.entrypoints.admin.rendering import AnyRequest, Table, back_to, notify, page
from loopin.entrypoints.admin.session import fresh_step_up, session_of, signed_in_staff, step_up_fresh
from loopin.entrypoints.admin.sign_in import Form
from loopin.entrypoints.http.params import PathId
from loopin.usecases.payouts.staff import ApprovePayout, ListPayouts, MarkPayoutFailed, MarkPayoutPaid, ViewPayout
from loopin.usecases.shared.ports import Clock

QUEUES = ("requested", "approved", "paid", "failed", "cancelled", "all")


class UtrIn(msgspec.Struct):
    utr: str = ""


class ReasonIn(msgspec.Struct):
    reason: str = ""


def _queue(raw: str | None) -> str:
    if not raw:
        return "requested"
    if raw not in QUEUES:
        raise InvalidInput.single("status", f"The status is one of {', '.join(QUEUES)}.")
    return raw


def _back(payout_id: int) -> Redirect:
    return back_to(f"/admin/payouts/{payout_id}")


class PayoutAdminController(Controller):
    path = "/admin/payouts"
    include_in_schema = False
    guards = [signed_in_staff]

    @get("/")
    @inject
    async def queue(
        self,
        request: AnyRequest,
        read: FromDishka[ListPayouts],
        status: Choice = None,
        offset: Offset = 0,
    ) -> Template:
        shown = _queue(status)
        table = Table.of("/admin/payouts", {"status": shown}, "created_at", "asc", offset)
        found = await read(
            member_id=staff_id(request),
            status=None if shown == "all" else PayoutStatus(shown),
            offset=table.offset,
            limit=table.limit,
        )
        return page(
            request,
            "payouts.html",
            nav="payouts",
            payouts=found.payouts,
            table=table.counted(found.total, "created_at"),
            status=shown,
            queues=QUEUES,
        )

    @get("/{payout_id:int}")
    @inject
    async def payout(
        self, request: AnyRequest, payout_id: PathId, view: FromDishka[ViewPayout], clock: FromDishka[Clock]
    ) -> Template:
        return page(
            request,
            "payout.html",
            nav="payouts",
            payout=await view(member_id=staff_id(request), payout_id=payout_id),
            stepped_up=step_up_fresh(session_of(request), clock.now().timestamp()),
        )

    @post("/{payout_id:int}/approve", guards=[fresh_step_up])
    @inject
    async def approve(
        self,
        request: AnyRequest,
        payout_id: PathId,
        data: Annotated[Confirmed, Form],
        approve: FromDishka[ApprovePayout],
    ) -> Redirect:
        try:
            payout = await approve(member_id=staff_id(request), payout_id=payout_id)
        except DomainError as exc:
            notify(request, exc.message, "error")
        else:
            notify(request, f"Payout #{payout.id} is approved: send the transfer, then record its UTR here.")
        return _back(payout_id)

    @post("/{payout_id:int}/mark-paid", guards=[fresh_step_up])
    @inject
    async def mark_paid(
        self,
        request: AnyRequest,
        payout_id: PathId,
        data: Annotated[UtrIn, Form],
        mark: FromDishka[MarkPayoutPaid],
    ) -> Redirect:
        try:
            payout = await mark(member_id=staff_id(request), payout_id=payout_id, utr=data.utr)
        except DomainError as exc:
            notify(request, exc.message, "error")
        else:
            notify(request, f"Payout #{payout.id} is paid (UTR {payout.utr}); the host is told.")
        return _back(payout_id)

    @post("/{payout_id:int}/mark-failed", guards=[fresh_step_up])
    @inject
    async def mark_failed(
        self,
        request: AnyRequest,
        payout_id: PathId,
        data: Annotated[ReasonIn, Form],
        mark: FromDishka[MarkPayoutFailed],
    ) -> Redirect:
        try:
            payout = await mark(member_id=staff_id(request), payout_id=payout_id, reason=data.reason)
        except DomainError as exc:
            notify(request, exc.message, "error")
        else:
            notify(request, f"Payout #{payout.id} failed: ₹{payout.amount} is back in the host's balance.")
        return _back(payout_id)
