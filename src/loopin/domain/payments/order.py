"""A payment order: one attempt to buy seats of a paid event, and the seats it holds while the buyer pays.

The order's ``order_id`` is the public key and PayU's ``txnid``. Price, fee and shares are fixed when the order
is created (the amount charged and what the ledger records never disagree, spec weakness W14).

::

    created ──▶ pending                       (the gateway says the payment is still in progress)
    created|pending ──▶ paid                  (verified capture: the held seats become the ticket)
    created|pending ──▶ failed | expired      (verified failure / payment window over: the seats go back)
    expired ──▶ paid                          (a late verified capture, and the seats could be taken again)
    paid ──▶ refunded                         (the whole amount refunded)
    failed|expired ──▶ refunded               (a capture that could not be fulfilled, refunded)

Only ``created`` and ``pending`` hold seats. Every other status is reached at most once: the stores apply a
transition as one conditional update on the current status, so two notices racing cannot both win.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum

from loopin.domain.payments.errors import InvalidOrderTransition
from loopin.domain.payments.fee import PriceQuote
from loopin.domain.shared.money import CURRENCY, ZERO
from loopin.domain.shared.transitions import Transitions

ORDER_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud to support without errors
ORDER_ID_MAX = 25  # PayU's txnid limit
EXPIRED_REASON = "The payment window closed before the payment completed."


class OrderStatus(Enum):
    CREATED = "created"
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"
    REFUNDED = "refunded"

    @property
    def holds_seats(self) -> bool:
        return self in OPEN_STATUSES


OPEN_STATUSES: frozenset[OrderStatus] = frozenset({OrderStatus.CREATED, OrderStatus.PENDING})

TRANSITIONS = Transitions(
    {
        OrderStatus.CREATED: {OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.FAILED, OrderStatus.EXPIRED},
        OrderStatus.PENDING: {OrderStatus.PAID, OrderStatus.FAILED, OrderStatus.EXPIRED},
        OrderStatus.PAID: {OrderStatus.REFUNDED},
        OrderStatus.FAILED: {OrderStatus.REFUNDED},
        OrderStatus.EXPIRED: {OrderStatus.PAID, OrderStatus.REFUNDED},
    }
)
sources_of = TRANSITIONS.sources_of


def new_order_id(now: datetime) -> str:
    """``LP`` + ``yymmdd`` + 12 random characters: 20 characters, letters and digits only (safe in PayU's
    pipe-separated hashes), about 60 bits of randomness."""
    suffix = "".join(secrets.choice(ORDER_ID_ALPHABET) for _ in range(12))
    return f"LP{now:%y%m%d}{suffix}"


def is_order_id(reference: str) -> bool:
    """An order id PayU takes as a ``txnid``: ASCII letters and digits, at most ``ORDER_ID_MAX`` of them."""
    return reference.isascii() and reference.isalnum() and len(reference) <= ORDER_ID_MAX


@dataclass(frozen=True, slots=True)
class Capture:
    """Money the gateway confirmed it took for an order."""

    gateway_payment_id: str  # PayU ``mihpayid``: what refunds refer to
    amount: Decimal
    bank_ref_num: str = ""


@dataclass(slots=True)
class PaymentOrder:
    id: int
    order_id: str
    event_id: int
    member_id: int
    host_id: int
    quote: PriceQuote
    gateway: str
    expires_at: datetime
    status: OrderStatus = OrderStatus.CREATED
    gateway_payment_id: str | None = None
    bank_ref_num: str = ""
    failure_reason: str = ""
    captured_amount: Decimal = ZERO
    refunded_amount: Decimal = ZERO  # refunds requested or done (in flight included)
    captured_at: datetime | None = None
    closed_at: datetime | None = None  # when it left created/pending
    checked_at: datetime | None = None  # when the gateway was last asked about it
    uuid: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def open(
        cls,
        *,
        event_id: int,
        member_id: int,
        host_id: int,
        quote: PriceQuote,
        gateway: str,
        expires_at: datetime,
        now: datetime,
        order_id: str | None = None,
    ) -> PaymentOrder:
        """Id 0 means "not stored yet"."""
        if quote.amount <= ZERO:
            raise ValueError("a payment order charges something")
        if expires_at <= now:
            raise ValueError("a payment window ends in the future")
        reference = order_id or new_order_id(now)
        if not is_order_id(reference):
            raise ValueError("an order id is at most 25 ASCII letters and digits")
        return cls(
            id=0,
            order_id=reference,
            event_id=event_id,
            member_id=member_id,
            host_id=host_id,
            quote=quote,
            gateway=gateway,
            expires_at=expires_at,
            created_at=now,
            updated_at=now,
        )

    # --- reading -------------------------------------------------------------------------------------------

    @property
    def seats(self) -> int:
        return self.quote.seats

    @property
    def amount(self) -> Decimal:
        return self.quote.amount

    @property
    def currency(self) -> str:
        return CURRENCY

    @property
    def holds_seats(self) -> bool:
        return self.status.holds_seats

    def is_overdue(self, now: datetime) -> bool:
        """Still holding seats after its payment window: the next reader or the sweep expires it."""
        return self.holds_seats and now >= self.expires_at

    @property
    def is_captured(self) -> bool:
        return self.gateway_payment_id is not None

    @property
    def refundable_amount(self) -> Decimal:
        return max(ZERO, self.captured_amount - self.refunded_amount)

    def can_become(self, target: OrderStatus) -> bool:
        return TRANSITIONS.allows(self.status, target)

    # --- transitions ---------------------------------------------------------------------------------------

    def checked(self, now: datetime) -> None:
        """The gateway was asked (reconciliation asks the least recently checked first)."""
        self.checked_at = now

    def mark_pending(self, now: datetime, hold_until: datetime) -> None:
        """The payment is in progress at the gateway (a UPI approval pending): the hold lasts at least until
        ``hold_until``, so the seats are not released under a payment that may still succeed."""
        self._move(OrderStatus.PENDING, now)
        self.expires_at = max(self.expires_at, hold_until)

    def mark_paid(self, capture: Capture, now: datetime) -> None:
        """The held seats (or seats taken again, from ``expired``) become the ticket."""
        self._check_capture(capture)
        self._move(OrderStatus.PAID, now)
        self._record_capture(capture, now)

    def record_unfulfilled_capture(self, capture: Capture, now: datetime) -> None:
        """Money arrived for an order that can no longer be fulfilled (failed, or expired and the seats are
        gone): keep the capture so it can be refunded; the status changes when the refund is made."""
        if self.status not in (OrderStatus.FAILED, OrderStatus.EXPIRED):
            raise InvalidOrderTransition(f"A {self.status.value} order does not take an unfulfilled capture.")
        if self.is_captured:
            raise InvalidOrderTransition("This order's payment is already recorded.")
        self._check_capture(capture)
        self._record_capture(capture, now)

    def mark_failed(self, reason: str, now: datetime) -> None:
        self._move(OrderStatus.FAILED, now)
        self.failure_reason = reason.strip()[:500] or "Payment failed"

    def expire(self, now: datetime) -> None:
        self._move(OrderStatus.EXPIRED, now)
        self.failure_reason = EXPIRED_REASON

    def add_refund(self, amount: Decimal, now: datetime) -> None:
        """A refund was opened; the whole captured amount refunded makes the order ``refunded``."""
        if amount <= ZERO or amount > self.refundable_amount:
            raise InvalidOrderTransition(f"Cannot refund {amount}: {self.refundable_amount} is refundable.")
        self.refunded_amount += amount
        self.updated_at = now
        if self.refunded_amount == self.captured_amount:
            self._move(OrderStatus.REFUNDED, now)

    def _check_capture(self, capture: Capture) -> None:
        if capture.amount != self.amount:
            raise InvalidOrderTransition(f"Captured {capture.amount}, but the order is for {self.amount}.")

    def _record_capture(self, capture: Capture, now: datetime) -> None:
        self.gateway_payment_id = capture.gateway_payment_id
        self.bank_ref_num = capture.bank_ref_num
        self.captured_amount = capture.amount
        self.captured_at = now

    def _move(self, target: OrderStatus, now: datetime) -> None:
        if not self.can_become(target):
            raise InvalidOrderTransition(f"A {self.status.value} order cannot become {target.value}.")
        if self.status.holds_seats:
            self.closed_at = now
        self.status = target
        self.updated_at = now
