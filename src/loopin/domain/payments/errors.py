"""Failures of the payments context, each with the stable code clients and tests rely on.

Messages of refusals that are *not* about capacity avoid the words "seat" and "capacity": the app shows its
own "sold out" text for 400s that mention them.
"""

from __future__ import annotations

from loopin.domain.shared.errors import Conflict, NotFound, Refused


class OrderNotFound(NotFound, code="ORDER_NOT_FOUND", message="Payment order not found."): ...


class PaymentNotRequired(
    Refused, code="PAYMENT_NOT_REQUIRED", message="This event is free: it does not require payment."
): ...


class PriceChanged(Refused, code="PRICE_CHANGED"): ...


class InvalidOrderTransition(Conflict, code="INVALID_ORDER_TRANSITION"): ...


class ForgedNotice(
    Refused, code="INVALID_PAYMENT_SIGNATURE", message="The payment response could not be verified."
):
    """A callback or webhook whose signature (reverse hash) or merchant key does not verify."""


class NoticeMismatch(Refused, code="PAYMENT_MISMATCH", message="The payment response does not match the order."):
    """A correctly signed notice that does not describe the stored order (another amount)."""


class RefundNotAllowed(Conflict, code="REFUND_NOT_ALLOWED"): ...
