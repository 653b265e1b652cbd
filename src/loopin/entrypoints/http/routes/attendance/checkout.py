"""A payment order as the app reads it, for both answers that hold seats for a payment: ``POST
/api/payments/orders`` and a paid event's seat offer taken (``POST /api/events/{id}/waitlist/offer/accept``).

It lives with attendance, the lower of the two contexts: attendance answers a taken offer with the order
payments opened for it (``OfferCheckout``, a port payments implements), and payments' order routes build on
what is here."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Protocol

import msgspec


class PayuRedirectOut(msgspec.Struct):
    """The gateway's form: the app posts ``payload`` to ``payu_url`` in its WebView."""

    payu_url: str
    payload: dict[str, str]


class OrderOut(msgspec.Struct):
    id: int
    order_id: str
    event_id: int
    amount: str
    currency: str
    status: str
    seats_count: int
    base_price: str
    platform_fee: str
    fee_percentage: str
    expires_at: datetime
    created_at: datetime | None


class CreatedDataOut(msgspec.Struct):
    """An order holding seats for its payment, and the form that pays it."""

    order: OrderOut
    payu_redirect: PayuRedirectOut


class OrderFigures(Protocol):
    """What an order costs, as every view of an order names it."""

    @property
    def amount(self) -> Decimal: ...
    @property
    def seats(self) -> int: ...
    @property
    def base_price(self) -> Decimal: ...
    @property
    def platform_fee(self) -> Decimal: ...
    @property
    def fee_percentage(self) -> Decimal: ...


def order_figures(order: OrderFigures) -> dict[str, str | int]:
    """Amounts as strings, and the app's name for the seats: where every order's wire shape differs from its
    view (``to_wire(..., **order_figures(view))``)."""
    return {
        "amount": str(order.amount),
        "seats_count": order.seats,
        "base_price": str(order.base_price),
        "platform_fee": str(order.platform_fee),
        "fee_percentage": str(order.fee_percentage),
    }
