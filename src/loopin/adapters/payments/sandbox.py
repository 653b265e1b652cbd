"""The sandbox gateway: PayU's protocol without PayU, for the embedded mode, development and tests.

Its checkout URL is a page of this service (``/api/payments/sandbox/checkout``) that shows the order with
"Pay" and "Fail" buttons. A press is recorded here (the first press of an order wins, as a real payment is
final) and answered with a form that posts a correctly signed PayU response to ``surl``/``furl``, so the
very same callback route runs. ``verify`` answers from what the page recorded; refunds succeed at once.

Records live in the process (embedded mode) or in Redis (several workers), never in the database.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Protocol

from redis.asyncio import Redis

from loopin.adapters.payments.payu_protocol import (
    FAILURE_PATH,
    SUCCESS_PATH,
    PayUSigner,
    checkout_fields,
    read_notice,
)
from loopin.domain.payments.errors import ForgedNotice
from loopin.usecases.payments.ports import (
    CHECKOUT_FIELDS,
    Checkout,
    CheckoutRequest,
    Outcome,
    PaymentGateway,
    PaymentNotice,
    PaymentVerdict,
    RefundOutcome,
    RefundReceipt,
)

SANDBOX_KEY = "SANDBOX"
SANDBOX_CHECKOUT_PATH = "/api/payments/sandbox/checkout"
SANDBOX_COMPLETE_PATH = "/api/payments/sandbox/complete"
RECORD_TTL_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True, slots=True)
class SandboxPayment:
    txnid: str
    status: str  # success | failure
    amount: str
    mihpayid: str
    bank_ref_num: str


@dataclass(frozen=True, slots=True)
class SandboxRefund:
    token: str
    mihpayid: str
    amount: str
    request_id: str


class SandboxRecords(Protocol):
    async def add_payment(self, payment: SandboxPayment) -> SandboxPayment:
        """Stores it unless the txnid already has one; returns the stored one (the first wins)."""
        ...

    async def payment(self, txnid: str) -> SandboxPayment | None: ...

    async def add_refund(self, refund: SandboxRefund) -> bool:
        """False when the token was already used."""
        ...

    async def refund(self, token: str) -> SandboxRefund | None: ...


class MemorySandboxRecords(SandboxRecords):
    def __init__(self) -> None:
        self._payments: dict[str, SandboxPayment] = {}
        self._refunds: dict[str, SandboxRefund] = {}
        self._lock = asyncio.Lock()

    async def add_payment(self, payment: SandboxPayment) -> SandboxPayment:
        async with self._lock:
            return self._payments.setdefault(payment.txnid, payment)

    async def payment(self, txnid: str) -> SandboxPayment | None:
        return self._payments.get(txnid)

    async def add_refund(self, refund: SandboxRefund) -> bool:
        async with self._lock:
            if refund.token in self._refunds:
                return False
            self._refunds[refund.token] = refund
            return True

    async def refund(self, token: str) -> SandboxRefund | None:
        return self._refunds.get(token)


class RedisSandboxRecords(SandboxRecords):
    PREFIX = "loopin:sandbox"

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._prefix = self.PREFIX

    async def add_payment(self, payment: SandboxPayment) -> SandboxPayment:
        key = f"{self._prefix}:payment:{payment.txnid}"
        await self._redis.set(key, json.dumps(asdict(payment)), nx=True, ex=RECORD_TTL_SECONDS)
        stored = await self.payment(payment.txnid)
        return stored or payment

    async def payment(self, txnid: str) -> SandboxPayment | None:
        raw = await self._redis.get(f"{self._prefix}:payment:{txnid}")
        return SandboxPayment(**json.loads(raw)) if raw else None

    async def add_refund(self, refund: SandboxRefund) -> bool:
        key = f"{self._prefix}:refund:{refund.token}"
        return bool(await self._redis.set(key, json.dumps(asdict(refund)), nx=True, ex=RECORD_TTL_SECONDS))

    async def refund(self, token: str) -> SandboxRefund | None:
        raw = await self._redis.get(f"{self._prefix}:refund:{token}")
        return SandboxRefund(**json.loads(raw)) if raw else None


class SandboxGateway(PaymentGateway):
    def __init__(self, salt: str, records: SandboxRecords) -> None:
        self._signer = PayUSigner(SANDBOX_KEY, salt)
        self._records = records

    @property
    def name(self) -> str:
        return "sandbox"

    def checkout(self, request: CheckoutRequest) -> Checkout:
        url = request.base_url.rstrip("/") + SANDBOX_CHECKOUT_PATH
        return Checkout(url, checkout_fields(self._signer, request))

    def read_checkout(self, fields: Mapping[str, str]) -> dict[str, str]:
        """The checkout form as the app posted it, if it is one we signed (as PayU checks the request hash)."""
        if any(not isinstance(fields.get(name), str) for name in CHECKOUT_FIELDS):
            raise ForgedNotice("This is not a checkout form of this service.")
        form = {name: fields[name] for name in CHECKOUT_FIELDS}
        if form["key"] != SANDBOX_KEY or not secrets.compare_digest(
            self._signer.request_hash(form), form["hash"].strip().lower()
        ):
            raise ForgedNotice("This checkout form was not signed by this service.")
        return form

    async def complete(self, fields: Mapping[str, str], *, pay: bool) -> Checkout:
        """Records the press (the first of an order wins) and returns the signed response to post back."""
        form = self.read_checkout(fields)
        if not (form["surl"].endswith(SUCCESS_PATH) and form["furl"].endswith(FAILURE_PATH)):
            raise ForgedNotice("The callback addresses of this form are not this service's.")
        payment = await self._records.add_payment(
            SandboxPayment(
                txnid=form["txnid"],
                status="success" if pay else "failure",
                amount=form["amount"],
                mihpayid=str(secrets.randbelow(9 * 10**17) + 10**17),
                bank_ref_num=str(secrets.randbelow(9 * 10**11) + 10**11),
            )
        )
        succeeded = payment.status == "success"
        response = {
            "mihpayid": payment.mihpayid,
            "mode": "SANDBOX",
            "status": payment.status,
            "unmappedstatus": "captured" if succeeded else "failed",
            "key": SANDBOX_KEY,
            "txnid": payment.txnid,
            "amount": payment.amount,
            "productinfo": form["productinfo"],
            "firstname": form["firstname"],
            "email": form["email"],
            "phone": form["phone"],
            "udf1": "",
            "udf2": "",
            "udf3": "",
            "udf4": "",
            "udf5": "",
            "bank_ref_num": payment.bank_ref_num if succeeded else "",
            "error": "E000" if succeeded else "E308",
            "error_Message": "No Error" if succeeded else "Declined in the sandbox",
        }
        response["hash"] = self._signer.reverse_hash(response)
        return Checkout(form["surl"] if succeeded else form["furl"], response)

    def read_notice(self, fields: Mapping[str, str]) -> PaymentNotice:
        return read_notice(self._signer, fields)

    async def verify(self, txnid: str) -> PaymentVerdict:
        payment = await self._records.payment(txnid)
        if payment is None:
            return PaymentVerdict(txnid, Outcome.NOT_FOUND)
        return PaymentVerdict(
            txnid=txnid,
            outcome=Outcome.SUCCESS if payment.status == "success" else Outcome.FAILURE,
            amount=Decimal(payment.amount),
            gateway_payment_id=payment.mihpayid,
            bank_ref_num=payment.bank_ref_num,
        )

    async def refund(self, gateway_payment_id: str, token: str, amount: Decimal) -> RefundReceipt:
        existing = await self.refund_status(gateway_payment_id, token)
        if existing.outcome is not RefundOutcome.NOT_FOUND:
            return RefundReceipt(RefundOutcome.DUPLICATE, existing.gateway_refund_id)
        refund = SandboxRefund(token, gateway_payment_id, str(amount), str(secrets.randbelow(9 * 10**8) + 10**8))
        if not await self._records.add_refund(refund):
            return RefundReceipt(RefundOutcome.DUPLICATE)
        return RefundReceipt(RefundOutcome.SUCCEEDED, refund.request_id)

    async def refund_status(self, gateway_payment_id: str, token: str) -> RefundReceipt:
        refund = await self._records.refund(token)
        if refund is None or refund.mihpayid != gateway_payment_id:
            return RefundReceipt(RefundOutcome.NOT_FOUND)
        return RefundReceipt(RefundOutcome.SUCCEEDED, refund.request_id)
