"""``POST /api/payments/orders`` and ``GET /api/payments/orders/{order_id}``, exactly as the app reads them."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal
from typing import Annotated, TypeAlias

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import get, post
from litestar.params import JSONBody, PathParameter

from loopin.domain.shared.errors import InvalidInput
from loopin.entrypoints.http.auth import REVOCATION_IN_USE_CASE, Caller, MemberRequest
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import Id
from loopin.entrypoints.http.routes.attendance.checkout import (
    CreatedDataOut,
    OrderOut,
    PayuRedirectOut,
    order_figures,
)
from loopin.entrypoints.http.wire import to_wire
from loopin.usecases.payments.orders import CreatePaymentOrder, GetPaymentOrder
from loopin.usecases.payments.views import OrderCreated, OrderView

MAX_AMOUNT = 10_000_000  # rupees: far above any ticket; beyond it the number is not a price at all
OrderReference: TypeAlias = Annotated[
    str, PathParameter(description="The order's `order_id` (LP…, as `POST /api/payments/orders` gave it).")
]


class CreateOrderIn(msgspec.Struct):
    """``amount`` is the event's base price per seat as the app shows it (a number; strings are refused)."""

    event_id: Id
    amount: float | int | str | bool | None  # anything JSON may carry: only a number is an amount
    seats_count: int = 1


class CreatedOut(msgspec.Struct):
    success: bool
    message: str
    data: CreatedDataOut


class RefundOut(msgspec.Struct):
    amount: str
    status: str
    reason: str
    created_at: datetime | None
    completed_at: datetime | None


class OrderDetailOut(OrderOut):
    """Flat order fields in ``data`` (the app reads ``data.order`` when present, else ``data`` itself): the
    order as created, and what became of it."""

    failure_reason: str
    refunded_amount: str
    refunds: list[RefundOut]
    updated_at: datetime | None


class OrderDetailEnvelope(msgspec.Struct):
    success: bool
    message: str
    data: OrderDetailOut


def created_out(c: OrderCreated) -> CreatedOut:
    return CreatedOut(
        success=True,
        message="Order ready: complete the payment within the time shown." if not c.reused else "Order resumed.",
        data=CreatedDataOut(
            order=to_wire(OrderOut, c.order, **order_figures(c.order)),
            payu_redirect=PayuRedirectOut(payu_url=c.checkout.url, payload=dict(c.checkout.fields)),
        ),
    )


def detail_out(v: OrderView) -> OrderDetailEnvelope:
    return OrderDetailEnvelope(
        success=True,
        message="Order retrieved",
        data=to_wire(
            OrderDetailOut,
            v,
            **order_figures(v),
            refunded_amount=str(v.refunded_amount),
            refunds=[to_wire(RefundOut, r, amount=str(r.amount)) for r in v.refunds],
        ),
    )


def _amount(raw: float | int | str | bool | None) -> Decimal:
    """A JSON number (the app parses the price to a float); a string, a boolean or null is not one."""
    if (
        isinstance(raw, bool)
        or not isinstance(raw, float | int)
        or not math.isfinite(raw)
        or not 0 <= raw <= MAX_AMOUNT
    ):
        raise InvalidInput.single("amount", "amount must be the ticket price in rupees, as a number")
    return Decimal(str(raw))


class PaymentOrderController(LoopinController):
    path = "/api/payments/orders"
    tags = ["payments"]

    @post(
        "/",
        status_code=201,
        opt=REVOCATION_IN_USE_CASE,  # read with the sold-out marker, in its round trip
        summary="Start paying for a paid event: holds the seats, returns the PayU form",
    )
    async def create(
        self, request: MemberRequest, data: JSONBody[CreateOrderIn], create: FromDishka[CreatePaymentOrder]
    ) -> CreatedOut:
        created = await create(
            member_id=request.user.member_id,
            event_id=data.event_id,
            amount=_amount(data.amount),
            seats=data.seats_count,
            base_url=str(request.base_url),
            token_id=request.user.token_id,
        )
        return created_out(created)

    @get("/{order_id:str}", summary="The order (its owner or staff); settled on read when PayU already knows")
    async def read(
        self, caller: Caller, order_id: OrderReference, read: FromDishka[GetPaymentOrder]
    ) -> OrderDetailEnvelope:
        return detail_out(await read(member_id=caller, reference=order_id))
