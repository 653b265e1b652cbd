"""Refunds: which cancellations give money back, and the life of one refund request.

A refund row is written, with a unique idempotency key and the token the gateway will see, *before* the
gateway is called; the job that calls it may run any number of times and the gateway is asked once per
token (spec weakness W24; research §1.7: PayU refuses a reused token, so a retry looks the refund up).

::

    pending ──gateway accepted──▶ requested ──▶ succeeded | failed
       ├──gateway done at once──▶ succeeded
       └──gateway refused──▶ failed
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum

from loopin.domain.payments.errors import RefundNotAllowed
from loopin.domain.payments.order import ORDER_ID_ALPHABET, PaymentOrder
from loopin.domain.shared.money import ZERO
from loopin.domain.shared.transitions import Transitions

REFUND_TOKEN_MAX = 23  # PayU's limit for the merchant's refund token (var2)
DEFAULT_FULL_REFUND_NOTICE = timedelta(hours=24)


class RefundReason(Enum):
    GUEST_CANCELLED = "guest_cancelled"
    EVENT_CANCELLED = "event_cancelled"
    UNFULFILLED = "unfulfilled"  # captured for an order that could not become a ticket
    STAFF = "staff"  # staff refunded what was left of an order from the console


class RefundStatus(Enum):
    PENDING = "pending"  # stored, the gateway not yet (successfully) asked
    REQUESTED = "requested"  # the gateway accepted it and is processing it
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return TRANSITIONS.is_final(self)


TRANSITIONS = Transitions(
    {
        RefundStatus.PENDING: {RefundStatus.REQUESTED, RefundStatus.SUCCEEDED, RefundStatus.FAILED},
        RefundStatus.REQUESTED: {RefundStatus.SUCCEEDED, RefundStatus.FAILED},
    }
)

UNFINISHED_REFUND: frozenset[RefundStatus] = frozenset(s for s in RefundStatus if not s.is_final)
"""The refunds the retry sweep picks up (both stores, and the partial index ``ix_refunds_unfinished``)."""


def new_refund_token() -> str:
    """``LR`` + 18 random characters: 20 characters, within PayU's 23."""
    return "LR" + "".join(secrets.choice(ORDER_ID_ALPHABET) for _ in range(18))


def full_refund_key(order: PaymentOrder) -> str:
    """One full refund per order, whatever asked for it (the guest, the host, an unfulfilled capture)."""
    return f"{order.order_id}:full"


@dataclass(slots=True)
class Refund:
    id: int
    order_id: int  # the order's row id
    idempotency_key: str
    token: str
    amount: Decimal
    reason: RefundReason
    status: RefundStatus = RefundStatus.PENDING
    gateway_refund_id: str = ""  # PayU ``request_id``
    failure_reason: str = ""
    attempts: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    completed_at: datetime | None = None

    @classmethod
    def open(cls, order: PaymentOrder, amount: Decimal, reason: RefundReason, key: str, now: datetime) -> Refund:
        """Id 0 means "not stored yet". Call ``order.add_refund(amount, now)`` in the same transaction."""
        if not order.is_captured:
            raise RefundNotAllowed("Nothing was paid for this order.")
        if amount <= ZERO or amount > order.refundable_amount:
            raise RefundNotAllowed(f"At most ₹{order.refundable_amount} of this order can be refunded.")
        return cls(0, order.id, key, new_refund_token(), amount, reason, created_at=now, updated_at=now)

    def sent(self, now: datetime) -> None:
        """Counts one call to the gateway (so a refund that keeps failing shows how often it was tried)."""
        self.attempts += 1
        self.updated_at = now

    def accepted(self, gateway_refund_id: str, now: datetime) -> None:
        self._move(RefundStatus.REQUESTED, now)
        self.gateway_refund_id = gateway_refund_id or self.gateway_refund_id

    def succeeded(self, gateway_refund_id: str, now: datetime) -> None:
        self._move(RefundStatus.SUCCEEDED, now)
        self.gateway_refund_id = gateway_refund_id or self.gateway_refund_id
        self.completed_at = now

    def failed(self, reason: str, now: datetime) -> None:
        self._move(RefundStatus.FAILED, now)
        self.failure_reason = reason.strip()[:500] or "The gateway refused the refund."
        self.completed_at = now

    def _move(self, target: RefundStatus, now: datetime) -> None:
        if target is self.status:
            return
        if not TRANSITIONS.allows(self.status, target):
            raise RefundNotAllowed(f"A {self.status.value} refund cannot become {target.value}.")
        self.status = target
        self.updated_at = now


@dataclass(frozen=True, slots=True)
class RefundPolicy:
    """Default: a guest who cancels at least ``full_refund_notice`` before the start gets everything back (base
    and fee); later, nothing. A cancelled event refunds every paid guest in full."""

    full_refund_notice: timedelta = DEFAULT_FULL_REFUND_NOTICE

    def for_guest_cancellation(self, order: PaymentOrder, event_start: datetime, now: datetime) -> Decimal:
        if now > event_start - self.full_refund_notice:
            return ZERO
        return order.refundable_amount

    def for_event_cancellation(self, order: PaymentOrder) -> Decimal:
        return order.refundable_amount

    def for_unfulfilled_capture(self, order: PaymentOrder) -> Decimal:
        return order.refundable_amount
