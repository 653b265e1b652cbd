"""``/api/payouts``: the host's money screen (``summary``), their payout requests, asking to be paid, and
cancelling a request staff have not approved yet."""

from __future__ import annotations

from datetime import datetime

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import get, post
from litestar.params import JSONBody

from loopin.domain.payouts.balance import MONEY_FIGURES
from loopin.domain.shared.money import CURRENCY
from loopin.entrypoints.http.auth import Caller
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import Id, Offset, PageSize, PathId
from loopin.entrypoints.http.routes.payouts.wire import (
    PayoutEnvelope,
    PayoutListOut,
    PayoutOut,
    payout_answer,
    payout_list_out,
    payout_out,
    read_amount,
)
from loopin.entrypoints.http.wire import to_wire
from loopin.usecases.payouts.balances import GetPayoutSummary
from loopin.usecases.payouts.requests import CancelPayout, ListMyPayouts, RequestPayout
from loopin.usecases.payouts.views import PayoutSummary


class PayoutRequestIn(msgspec.Struct):
    bank_account_id: Id | None = None  # none: the primary account
    amount: float | int | str | bool | None = None  # none: all that is available


class MoneyFiguresOut(msgspec.Struct):
    """The ledger's figures (``MONEY_FIGURES``) as money strings: an event's own, or summed over the host's."""

    gross_sales: str
    platform_fee: str
    refunds: str
    host_share: str
    in_flight: str
    paid_out: str


class EventBalanceOut(MoneyFiguresOut):
    event_id: int
    title: str
    ends_at: datetime
    settles_at: datetime
    settled: bool
    balance: str
    available: str


class TotalsOut(MoneyFiguresOut):
    pending: str
    available: str


class SummaryOut(msgspec.Struct):
    currency: str
    totals: TotalsOut
    minimum_payout: str
    settlement_delay_hours: int
    events: list[EventBalanceOut]
    in_flight: PayoutOut | None


class SummaryEnvelope(msgspec.Struct):
    success: bool
    message: str
    data: SummaryOut


def _money(figures: object, *more: str) -> dict[str, str]:
    """The ``MONEY_FIGURES`` and ``more`` of ``figures`` (an event's or the host's balance), as strings."""
    return {name: str(getattr(figures, name)) for name in (*MONEY_FIGURES, *more)}


def summary_out(s: PayoutSummary) -> SummaryEnvelope:
    totals = TotalsOut(**_money(s.balance, "pending", "available"))
    events = [to_wire(EventBalanceOut, e, **_money(e, "balance", "available")) for e in s.events]
    in_flight = payout_out(s.in_flight) if s.in_flight else None
    data = SummaryOut(CURRENCY, totals, str(s.minimum), s.settlement_delay_hours, events, in_flight)
    return SummaryEnvelope(True, "Payout summary retrieved", data)


class PayoutController(LoopinController):
    path = "/api/payouts"
    tags = ["payouts"]

    @get("/summary", summary="My earnings per event and in all, and what can be paid out now (hosts)")
    async def summary(self, caller: Caller, read: FromDishka[GetPayoutSummary]) -> SummaryEnvelope:
        return summary_out(await read(member_id=caller))

    @get("/requests", summary="My payout requests, newest first")
    async def mine(
        self,
        caller: Caller,
        read: FromDishka[ListMyPayouts],
        offset: Offset = 0,
        limit: PageSize = 20,
    ) -> PayoutListOut:
        found = await read(member_id=caller, offset=offset, limit=limit)
        return payout_list_out(found, offset, limit)

    @post("/requests", status_code=201, summary="Ask to be paid the available balance (or part of it)")
    async def ask(
        self, caller: Caller, data: JSONBody[PayoutRequestIn], ask: FromDishka[RequestPayout]
    ) -> PayoutEnvelope:
        payout = await ask(member_id=caller, bank_account_id=data.bank_account_id, amount=read_amount(data.amount))
        return payout_answer("Payout request created", payout)

    @post("/requests/{payout_id:int}/cancel", status_code=200, summary="Cancel my request before it is approved")
    async def cancel(self, caller: Caller, payout_id: PathId, cancel: FromDishka[CancelPayout]) -> PayoutEnvelope:
        payout = await cancel(member_id=caller, payout_id=payout_id)
        return payout_answer("Payout request cancelled", payout)
