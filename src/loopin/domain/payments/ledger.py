"""The money ledger: append-only, double-entry, in rupees to the paisa.

Every movement is one transaction of entries whose amounts sum to zero (debits positive, credits negative),
identified by a unique idempotency key, so a retried job or a duplicated callback can never record it twice.

Accounts::

    <gateway>_receivable     what the gateway (PayU) holds for us: in on capture, out on refund
    host_payable:<host id>   what the platform owes a host (payouts draw on it)
    platform_fee_revenue     the platform's fee
    refunds_payable          owed back to buyers until the gateway has refunded them
    payouts_in_flight        drawn by payout requests not yet paid (the payouts context)
    payout_bank              the platform's bank account hosts are paid from (credited when a payout is paid)

A paid order:          Dr receivable amount | Cr host_payable base x seats | Cr platform_fee_revenue fee
An unfulfilled capture: Dr receivable amount | Cr refunds_payable amount
A refund owed:         Dr host_payable, Dr platform_fee_revenue (the same split) | Cr refunds_payable
A refund paid:         Dr refunds_payable | Cr receivable

Payouts (``domain/payouts/ledger.py``) write per-event entries: a transaction of theirs spans the host's events,
so each entry names its event (``LedgerEntry.event_id``) and the transaction names its payout, not an order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum

from loopin.domain.payments.order import PaymentOrder
from loopin.domain.payments.refund import Refund, RefundReason
from loopin.domain.shared.money import CENT, CURRENCY, ZERO, in_paise

PLATFORM_FEE_REVENUE = "platform_fee_revenue"
REFUNDS_PAYABLE = "refunds_payable"
HOST_PAYABLE_PREFIX = "host_payable:"


def receivable(gateway: str) -> str:
    return f"{gateway}_receivable"


def host_payable(host_id: int) -> str:
    return f"{HOST_PAYABLE_PREFIX}{host_id}"


class UnbalancedTransaction(ValueError):
    pass


class LedgerKind(Enum):
    PAYMENT = "payment"
    UNFULFILLED_PAYMENT = "unfulfilled_payment"
    REFUND_OWED = "refund_owed"
    REFUND_PAID = "refund_paid"
    PAYOUT_DRAWN = "payout_drawn"
    PAYOUT_RETURNED = "payout_returned"
    PAYOUT_PAID = "payout_paid"


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    account: str
    amount: Decimal  # debit > 0, credit < 0
    event_id: int | None = None  # None: the transaction's event

    def __post_init__(self) -> None:
        if not self.amount.is_finite() or self.amount != self.amount.quantize(CENT) or self.amount == ZERO:
            raise UnbalancedTransaction(f"an entry moves a non-zero amount in paise, not {self.amount}")
        if not self.account:
            raise UnbalancedTransaction("an entry names its account")


@dataclass(frozen=True, slots=True)
class LedgerTransaction:
    key: str  # unique: the same movement is never recorded twice
    kind: LedgerKind
    event_id: int | None  # None: each entry names its event (a payout)
    order_id: int | None  # the order's row id (None for a payout)
    entries: tuple[LedgerEntry, ...]
    at: datetime
    currency: str = CURRENCY
    payout_id: int | None = None

    def __post_init__(self) -> None:
        if len(self.entries) < 2:
            raise UnbalancedTransaction("a transaction moves money between at least two accounts")
        total = sum((e.amount for e in self.entries), ZERO)
        if total != ZERO:
            raise UnbalancedTransaction(f"entries of {self.key} sum to {total}, not 0")
        if any(self.event_of(e) is None for e in self.entries):
            raise UnbalancedTransaction(f"every entry of {self.key} belongs to an event")

    def event_of(self, entry: LedgerEntry) -> int | None:
        return entry.event_id if entry.event_id is not None else self.event_id

    def total(self, account: str) -> Decimal:
        return sum((e.amount for e in self.entries if e.account == account), ZERO)


def _movement(
    order: PaymentOrder, key: str, kind: LedgerKind, at: datetime, *legs: tuple[str, Decimal]
) -> LedgerTransaction:
    """A transaction about one order; a leg that moves nothing is left out."""
    entries = tuple(LedgerEntry(account, amount) for account, amount in legs if amount != ZERO)
    return LedgerTransaction(key, kind, order.event_id, order.id, entries, at)


def _capture(
    order: PaymentOrder, kind: LedgerKind, at: datetime, amount: Decimal, *owed_to: tuple[str, Decimal]
) -> LedgerTransaction:
    """The gateway holds ``amount`` for the order, owed to ``owed_to``. One key for every kind: an order's
    capture is recorded once, whichever way it went."""
    key = f"order:{order.order_id}:capture"
    return _movement(order, key, kind, at, (receivable(order.gateway), amount), *owed_to)


def payment_captured(order: PaymentOrder, at: datetime) -> LedgerTransaction:
    """A paid order: the buyer's money split between the host and the platform."""
    q = order.quote
    owed_to = (host_payable(order.host_id), -q.host_share), (PLATFORM_FEE_REVENUE, -q.platform_fee)
    return _capture(order, LedgerKind.PAYMENT, at, q.amount, *owed_to)


def unfulfilled_capture(order: PaymentOrder, at: datetime) -> LedgerTransaction:
    """Money captured for an order that got no ticket: all of it is owed back to the buyer."""
    amount = order.captured_amount
    return _capture(order, LedgerKind.UNFULFILLED_PAYMENT, at, amount, (REFUNDS_PAYABLE, -amount))


def refund_owed(order: PaymentOrder, refund: Refund, at: datetime) -> LedgerTransaction | None:
    """The host and the platform give back their parts of a refund of a *fulfilled* order (a full refund
    exactly reverses the payment; a partial one splits in proportion, the platform's part rounded half up).
    None for an unfulfilled capture: that money is already owed back."""
    if refund.reason is RefundReason.UNFULFILLED:
        return None
    q = order.quote
    platform_part = in_paise(q.platform_fee * refund.amount / q.amount)
    return _movement(
        order,
        f"refund:{refund.idempotency_key}:owed",
        LedgerKind.REFUND_OWED,
        at,
        (host_payable(order.host_id), refund.amount - platform_part),
        (PLATFORM_FEE_REVENUE, platform_part),
        (REFUNDS_PAYABLE, -refund.amount),
    )


def refund_paid(order: PaymentOrder, refund: Refund, at: datetime) -> LedgerTransaction:
    """The gateway has given the money back."""
    return _movement(
        order,
        f"refund:{refund.idempotency_key}:paid",
        LedgerKind.REFUND_PAID,
        at,
        (REFUNDS_PAYABLE, refund.amount),
        (receivable(order.gateway), -refund.amount),
    )


def balances(transactions: Iterable[LedgerTransaction]) -> dict[str, Decimal]:
    """Account → balance (debits minus credits) over ``transactions``."""
    totals: dict[str, Decimal] = {}
    for txn in transactions:
        for entry in txn.entries:
            totals[entry.account] = totals.get(entry.account, ZERO) + entry.amount
    return totals
