"""Ports of the payments context. The payment gateway: PayU in production, the sandbox in the embedded mode
and tests.

A gateway never decides anything on its own: it builds the hosted-checkout form, verifies the signature of
what it posts back, and answers "what really happened to this payment" (PayU's ``verify_payment``), which is
what orders are settled on. Refunds go through it by the refund's own token, so a retry is recognised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Protocol

from loopin.domain.payments.fee import PlatformFeeConfig
from loopin.domain.payments.ledger import LedgerTransaction
from loopin.domain.payments.order import PaymentOrder
from loopin.domain.payments.refund import Refund
from loopin.domain.shared.errors import Unavailable

# The hosted-checkout form the app posts: exactly these keys (any other is dropped by the app's WebView).
CHECKOUT_FIELDS = ("key", "txnid", "amount", "productinfo", "firstname", "email", "phone", "surl", "furl", "hash")


class GatewayUnavailable(
    Unavailable,
    code="PAYMENT_GATEWAY_UNAVAILABLE",
    message="The payment gateway is not answering right now. Please try again shortly.",
):
    """The gateway could not be reached or answered nonsense: nothing is decided, try again later."""


class Outcome(Enum):
    """What the gateway says about a payment."""

    SUCCESS = "success"  # captured
    FAILURE = "failure"
    PENDING = "pending"  # still in progress (a slow UPI payment): nothing decided yet
    NOT_FOUND = "not_found"  # the gateway never saw a payment for this order (verify only)


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    """``base_url`` is this API's public origin: callbacks (and the sandbox page) live under it."""

    txnid: str
    amount: Decimal
    productinfo: str
    firstname: str
    email: str
    phone: str
    base_url: str


@dataclass(frozen=True, slots=True)
class Checkout:
    url: str  # the form's action (``payu_redirect.payu_url``)
    fields: Mapping[str, str]  # the ``CHECKOUT_FIELDS``, signed


@dataclass(frozen=True, slots=True)
class PaymentNotice:
    """A callback or webhook whose signature verified. Only a trigger: orders settle on ``verify``."""

    txnid: str
    outcome: Outcome
    amount: Decimal
    gateway_payment_id: str = ""
    message: str = ""
    details: Mapping[str, str] = field(default_factory=dict)  # what is worth keeping (never the hash)


@dataclass(frozen=True, slots=True)
class PaymentVerdict:
    """The gateway's own record of the payment (``verify_payment``): the source of truth."""

    txnid: str
    outcome: Outcome
    amount: Decimal | None = None
    gateway_payment_id: str = ""
    bank_ref_num: str = ""
    message: str = ""


class RefundOutcome(Enum):
    SUCCEEDED = "succeeded"
    ACCEPTED = "accepted"  # queued or in progress at the gateway
    REJECTED = "rejected"
    DUPLICATE = "duplicate"  # this token was already used: look the refund up instead
    NOT_FOUND = "not_found"  # (status only) the gateway has no refund with this token


@dataclass(frozen=True, slots=True)
class RefundReceipt:
    outcome: RefundOutcome
    gateway_refund_id: str = ""
    message: str = ""


class PaymentGateway(Protocol):
    @property
    def name(self) -> str:
        """``payu`` or ``sandbox``: stored on orders and in ledger account names."""
        ...

    def checkout(self, request: CheckoutRequest) -> Checkout:
        """The signed hosted-checkout form. Pure: no I/O, so it cannot fail after the order exists."""
        ...

    def read_notice(self, fields: Mapping[str, str]) -> PaymentNotice:
        """Verifies a callback/webhook (merchant key and reverse hash, constant time); ``ForgedNotice`` when
        it does not verify or is malformed."""
        ...

    async def verify(self, txnid: str) -> PaymentVerdict:
        """``GatewayUnavailable`` when the gateway cannot say."""
        ...

    async def refund(self, gateway_payment_id: str, token: str, amount: Decimal) -> RefundReceipt:
        """Asks for a refund identified by ``token`` (unique per refund, at most 23 characters)."""
        ...

    async def refund_status(self, gateway_payment_id: str, token: str) -> RefundReceipt:
        """What became of the refund with ``token``."""
        ...


# --- stores ---------------------------------------------------------------------------------------------------


class OpenOrderExists(Exception):
    """The member already has an open order for the event (a unique index, so even a race cannot add two)."""


@dataclass(frozen=True, slots=True)
class OpenHolds:
    """An event's orders still holding seats: who holds them, how many seats in all, and when the first of
    them runs out (``None`` without any)."""

    members: frozenset[int]
    seats: int
    first_expiry: datetime | None


@dataclass(frozen=True, slots=True)
class ReleasedHold:
    """An order that stopped holding its seats (expired) and the seats it gave back."""

    order_id: int
    reference: str
    event_id: int
    member_id: int
    seats: int


@dataclass(frozen=True, slots=True)
class OrderRecord:
    """An order with what its reader needs beside it: its event's title and its refunds, oldest first."""

    order: PaymentOrder
    event_title: str
    refunds: tuple[Refund, ...]


class PaymentOrderRepository(Protocol):
    """Orders by their public id (the txnid). Writes happen on an order ``lock``-ed in the same transaction,
    except ``expire_overdue``, which is one conditional statement that never waits on a lock."""

    async def add(self, order: PaymentOrder) -> PaymentOrder:
        """Stores a new order and returns it with its id; ``OpenOrderExists`` for a second open order."""
        ...

    async def get(self, reference: str) -> PaymentOrder | None:
        """None for an unknown or malformed reference."""
        ...

    async def lock(self, reference: str) -> PaymentOrder | None: ...

    async def get_by_id(self, order_id: int) -> PaymentOrder | None:
        """By row id (what refunds and ledger transactions point at)."""
        ...

    async def open_for(self, event_id: int, member_id: int) -> PaymentOrder | None:
        """The member's order for the event still holding seats (created or pending), if any."""
        ...

    async def open_holds(self, event_id: int) -> OpenHolds:
        """Every order of the event still holding seats, overdue or not (one query)."""
        ...

    async def save(self, order: PaymentOrder) -> None:
        """Writes a locked order (status, capture, refunded amount, check time)."""
        ...

    async def expire_overdue(self, now: datetime, *, event_id: int | None, limit: int) -> list[ReleasedHold]:
        """Orders still holding seats whose window closed (of one event, or all) become ``expired``: one
        conditional update (``status IN ('created','pending')``) skipping rows another transaction holds, so
        each order is released once, and never under a settlement in progress."""
        ...

    async def of_member(self, member_id: int) -> list[OrderRecord]:
        """Every order the member made, newest first, with its event's title (deleted events too) and its
        refunds; a fixed number of statements whatever their count."""
        ...

    async def captured_for_event(self, event_id: int) -> list[str]:
        """References of the event's orders holding money that can still be refunded."""
        ...

    async def due_for_check(
        self, *, opened_before: datetime, released_after: datetime, checked_before: datetime, limit: int
    ) -> list[str]:
        """References worth asking the gateway about: orders still holding seats opened before
        ``opened_before``, and orders expired after ``released_after`` with no capture recorded (a lost
        callback); in both cases not checked since ``checked_before``. Least recently checked first."""
        ...


class RefundRepository(Protocol):
    async def add(self, refund: Refund) -> tuple[Refund, bool]:
        """Stores it, or returns the refund already stored under its idempotency key (flag False)."""
        ...

    async def lock(self, refund_id: int) -> Refund | None: ...

    async def for_order(self, order_id: int) -> list[Refund]:
        """Oldest first."""
        ...

    async def save(self, refund: Refund) -> None: ...

    async def unfinished(self, *, updated_before: datetime, limit: int) -> list[int]:
        """Pending or requested refunds not touched since ``updated_before`` (their job died or PayU is
        still processing them)."""
        ...


class Ledger(Protocol):
    """Append-only. ``record`` writes a balanced transaction once per key, whoever asks again."""

    async def record(self, transaction: LedgerTransaction) -> bool:
        """False when a transaction with this key is already recorded (nothing written)."""
        ...

    async def transactions(self, *, event_id: int) -> list[LedgerTransaction]: ...

    async def host_share(self, host_id: int, event_id: int) -> Decimal:
        """What the platform owes the host for the event: minus the sum of its ``host_payable`` entries."""
        ...


@dataclass(frozen=True, slots=True)
class ReceivedNotice:
    """A callback or webhook as it arrived, verified or not (forged ones are evidence too)."""

    key: str  # a digest of source and fields: the same delivery twice is stored once
    source: str  # surl | furl | webhook
    txnid: str
    verified: bool
    outcome: str  # what it claimed (success/failure/pending), "" when unreadable
    details: Mapping[str, str]
    received_at: datetime


class NoticeLog(Protocol):
    async def record(self, notice: ReceivedNotice) -> bool:
        """False for a delivery already recorded."""
        ...

    async def count(self, txnid: str) -> int: ...


class FeeConfigRepository(Protocol):
    async def get(self) -> PlatformFeeConfig:
        """The stored singleton, or the default (10 %) when none was ever stored."""
        ...

    async def lock(self) -> PlatformFeeConfig:
        """The singleton, created with the default if missing, locked until the transaction ends."""
        ...

    async def save(self, config: PlatformFeeConfig) -> None: ...


class FeeConfigCache(Protocol):
    """The percentage, cached under a generation: ``invalidate`` (after a change commits) makes every earlier
    entry unreachable, so a reader that loaded the old value just before cannot put it back for an hour."""

    async def get(self) -> tuple[int, Decimal | None]:
        """The current generation and the percentage cached for it (None on a miss)."""
        ...

    async def put(self, generation: int, percentage: Decimal, ttl_seconds: int) -> None: ...

    async def invalidate(self) -> None: ...
