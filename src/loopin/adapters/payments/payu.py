"""PayU India: hosted checkout, verified callbacks and webhooks, ``verify_payment`` and refunds.

Command APIs are form POSTs to ``postservice.php?form=2`` answered with JSON; a network failure, a non-2xx
answer or a body that is not the documented JSON is ``GatewayUnavailable`` (nothing is decided on it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import structlog

from loopin.adapters.payments.payu_protocol import (
    PayUSigner,
    checkout_fields,
    outcome_of,
    parse_amount,
    read_notice,
)
from loopin.domain.shared.money import CENT
from loopin.usecases.payments.ports import (
    Checkout,
    CheckoutRequest,
    GatewayUnavailable,
    Outcome,
    PaymentGateway,
    PaymentNotice,
    PaymentVerdict,
    RefundOutcome,
    RefundReceipt,
)

log = structlog.get_logger("loopin.payu")

# cancel_refund_transaction result codes (PayU "Error codes for refund initiation").
REFUND_DONE = frozenset({100})
REFUND_IN_PROGRESS = frozenset({101, 102, 112, 122, 126, 127})
REFUND_ALREADY_ASKED = frozenset({106, 109, 214, 227})  # token used, request logged, same refund minutes ago


@dataclass(frozen=True, slots=True)
class PayUEndpoints:
    checkout: str
    api: str


ENDPOINTS = {
    "test": PayUEndpoints("https://test.payu.in/_payment", "https://test.payu.in/merchant/postservice.php?form=2"),
    "production": PayUEndpoints(
        "https://secure.payu.in/_payment", "https://info.payu.in/merchant/postservice.php?form=2"
    ),
}


class PayUGateway(PaymentGateway):
    def __init__(
        self,
        key: str,
        salt: str,
        environment: str = "test",
        *,
        timeout_seconds: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if environment not in ENDPOINTS:
            raise ValueError(f"PAYU_ENV is test or production, not {environment!r}")
        self._signer = PayUSigner(key, salt)
        self._endpoints = ENDPOINTS[environment]
        self._client = httpx.AsyncClient(timeout=timeout_seconds, transport=transport)

    @property
    def name(self) -> str:
        return "payu"

    async def close(self) -> None:
        await self._client.aclose()

    def checkout(self, request: CheckoutRequest) -> Checkout:
        return Checkout(self._endpoints.checkout, checkout_fields(self._signer, request))

    def read_notice(self, fields: Mapping[str, str]) -> PaymentNotice:
        return read_notice(self._signer, fields)

    async def verify(self, txnid: str) -> PaymentVerdict:
        data = await self._command("verify_payment", txnid)
        details = data.get("transaction_details")
        entry = details.get(txnid) if isinstance(details, dict) else None
        if not isinstance(entry, dict):
            if str(data.get("status")) == "0":
                return PaymentVerdict(txnid, Outcome.NOT_FOUND)
            raise GatewayUnavailable()
        status = str(entry.get("status", ""))
        if status.strip().lower() == "not found" or entry.get("mihpayid") == "Not Found":
            return PaymentVerdict(txnid, Outcome.NOT_FOUND)
        if entry.get("txnid") not in (None, txnid):
            raise GatewayUnavailable()
        return PaymentVerdict(
            txnid=txnid,
            outcome=outcome_of(status),
            amount=_amount(entry.get("amt") or entry.get("transaction_amount")),
            gateway_payment_id=str(entry.get("mihpayid") or ""),
            bank_ref_num=str(entry.get("bank_ref_num") or ""),
            message=str(entry.get("error_Message") or entry.get("field9") or "")[:200],
        )

    async def refund(self, gateway_payment_id: str, token: str, amount: Decimal) -> RefundReceipt:
        data = await self._command(
            "cancel_refund_transaction", gateway_payment_id, var2=token, var3=str(amount.quantize(CENT))
        )
        request_id = str(data.get("request_id") or "")
        message = str(data.get("msg") or "")[:200]
        try:
            code: int | None = int(data["error_code"])
        except (KeyError, TypeError, ValueError):
            code = None
        if code in REFUND_DONE:
            return RefundReceipt(RefundOutcome.SUCCEEDED, request_id, message)
        if code in REFUND_IN_PROGRESS or (code is None and str(data.get("status")) == "1"):
            return RefundReceipt(RefundOutcome.ACCEPTED, request_id, message)
        if code in REFUND_ALREADY_ASKED:
            return RefundReceipt(RefundOutcome.DUPLICATE, request_id, message)
        return RefundReceipt(RefundOutcome.REJECTED, request_id, message or f"PayU refused the refund ({code}).")

    async def refund_status(self, gateway_payment_id: str, token: str) -> RefundReceipt:
        """``check_action_status`` by PayU id lists every action on the payment; ours is the refund with our
        token."""
        data = await self._command("check_action_status", gateway_payment_id, var2="payuid")
        details = data.get("transaction_details")
        actions = details.get(gateway_payment_id) if isinstance(details, dict) else None
        if not isinstance(actions, dict):
            if str(data.get("status")) == "0":
                return RefundReceipt(RefundOutcome.NOT_FOUND)
            raise GatewayUnavailable()
        for request_id, action in actions.items():
            if not isinstance(action, dict) or str(action.get("action", "")).lower() != "refund":
                continue
            if str(action.get("token", "")) != token:
                continue
            status = str(action.get("status", "")).strip().lower()
            if status == "success":
                return RefundReceipt(RefundOutcome.SUCCEEDED, str(request_id))
            if status in ("failure", "failed"):
                return RefundReceipt(RefundOutcome.REJECTED, str(request_id), "PayU failed the refund.")
            return RefundReceipt(RefundOutcome.ACCEPTED, str(request_id))
        return RefundReceipt(RefundOutcome.NOT_FOUND)

    async def _command(self, command: str, var1: str, **extra: str) -> dict[str, Any]:
        form = {"key": self._signer.key, "command": command, "var1": var1, **extra}
        form["hash"] = self._signer.command_hash(command, var1)
        try:
            response = await self._client.post(self._endpoints.api, data=form)
        except httpx.HTTPError as exc:
            log.warning("payu unreachable", command=command, error=type(exc).__name__)
            raise GatewayUnavailable() from exc
        if response.status_code >= 300:
            log.warning("payu error status", command=command, status=response.status_code)
            raise GatewayUnavailable()
        try:
            data = json.loads(response.text)  # PayU's content type is not always application/json
        except ValueError:
            data = None
        if not isinstance(data, dict):
            log.warning("payu answered something else than JSON", command=command)
            raise GatewayUnavailable()
        return data


def _amount(raw: object) -> Decimal | None:
    if raw is None:
        return None
    try:
        return parse_amount(str(raw))
    except ValueError:
        return None
