"""Ports of the payments context. The payment gateway: PayU in production, the sandbox in the embedded mode
and tests.

A gateway never decides anything on its own: it builds the hosted-checkout form, verifies the signature of
what it posts back, and answers "what really happened to this payment" (PayU's ``verify_payment``), which is
what orders are settled on. Refunds go through it by the refund's own token, so a retry is recognised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Protocol

from loopin.domain.shared.errors import Unavailable

# The hosted-checkout form the app posts: exactly these keys (any other is dropped by the app's WebView).
CHECKOUT_FIELDS = ("key", "txnid", "amount", "productinfo", "firstname", "email", "phone", "surl", "furl", "hash")


class GatewayUnavailable(Unavailable):
    """The gateway could not be reached or answered nonsense: nothing is decided, try again later."""

    code = "PAYMENT_GATEWAY_UNAVAILABLE"
    default_message = "The payment gateway is not answering right now. Please try again shortly."


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
