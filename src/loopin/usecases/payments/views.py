"""What payments use cases hand back: plain data (no entities, no wire format)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from loopin.domain.payments.order import PaymentOrder
from loopin.domain.payments.refund import Refund
from loopin.usecases.payments.ports import Checkout
from loopin.usecases.shared.attributes import from_attributes


@dataclass(frozen=True, slots=True)
class RefundView:
    amount: Decimal
    status: str
    reason: str
    created_at: datetime | None
    completed_at: datetime | None

    @classmethod
    def of(cls, r: Refund) -> RefundView:
        return from_attributes(cls, r, status=r.status.value, reason=r.reason.value)


@dataclass(frozen=True, slots=True)
class OrderView:
    id: int
    order_id: str
    event_id: int
    member_id: int
    amount: Decimal
    currency: str
    status: str
    seats: int
    base_price: Decimal
    buyer_price: Decimal
    platform_fee: Decimal
    fee_percentage: Decimal
    expires_at: datetime
    failure_reason: str
    refunded_amount: Decimal
    refunds: tuple[RefundView, ...]
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, o: PaymentOrder, refunds: Sequence[Refund] = ()) -> OrderView:
        """The quote's figures under their own names, beside the order's."""
        q = o.quote
        return from_attributes(
            cls,
            o,
            status=o.status.value,
            base_price=q.base_price,
            buyer_price=q.buyer_price,
            platform_fee=q.platform_fee,
            fee_percentage=q.fee_percentage,
            refunds=tuple(RefundView.of(r) for r in refunds),
        )


@dataclass(frozen=True, slots=True)
class OrderCreated:
    order: OrderView
    checkout: Checkout
    reused: bool  # an open order of the same member and event answered again (a retry)


@dataclass(frozen=True, slots=True)
class NoticeHandled:
    """What a callback route needs to answer: the order's status once the notice was dealt with."""

    txnid: str
    status: str
    changed: bool
