"""The payout object on the wire (host and staff routes alike): amounts as strings to the paisa, the account
masked."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import msgspec

from loopin.domain.shared.errors import InvalidInput
from loopin.domain.shared.money import CURRENCY, to_money
from loopin.entrypoints.http.routes.payouts.bank_accounts import BankAccountOut, account_out
from loopin.entrypoints.http.wire import to_wire
from loopin.usecases.payouts.views import PayoutView
from loopin.usecases.shared.paging import Page

MAX_AMOUNT = Decimal("100000000")  # rupees: far above any payout; beyond it a number is not an amount


class AllocationOut(msgspec.Struct):
    event_id: int
    amount: str


class PayoutOut(msgspec.Struct):
    id: int
    host_id: int
    amount: str
    currency: str
    status: str
    origin: str
    bank_account: BankAccountOut | None
    allocations: list[AllocationOut]
    sender: str
    utr: str | None
    failure_reason: str
    approved_by: int | None
    approved_at: datetime | None
    closed_by: int | None
    closed_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None


class PayoutEnvelope(msgspec.Struct):
    success: bool
    message: str
    data: PayoutOut


class PaginationOut(msgspec.Struct):
    offset: int
    limit: int
    total: int


class PayoutListOut(msgspec.Struct):
    success: bool
    message: str
    data: list[PayoutOut]
    pagination: PaginationOut


def payout_out(v: PayoutView) -> PayoutOut:
    return to_wire(
        PayoutOut,
        v,
        amount=str(v.amount),
        currency=CURRENCY,
        bank_account=account_out(v.bank_account) if v.bank_account else None,
        allocations=[AllocationOut(a.event_id, str(a.amount)) for a in v.allocations],
    )


def payout_answer(message: str, v: PayoutView) -> PayoutEnvelope:
    """The answer of every call that creates or moves a payout, the host's and staff's alike."""
    return PayoutEnvelope(True, message, payout_out(v))


def payout_list_out(found: Page[PayoutView], offset: int, limit: int) -> PayoutListOut:
    return PayoutListOut(
        True,
        f"Retrieved {len(found.rows)} payout requests",
        [payout_out(p) for p in found.rows],
        PaginationOut(offset, limit, found.total),
    )


def read_amount(raw: float | int | str | bool | None) -> Decimal | None:
    """A JSON number or a numeric string of rupees, positive, at most 2 places; None: all that is available."""
    if raw is None:
        return None
    problem = "amount is a positive number of rupees with at most 2 decimals"
    if isinstance(raw, bool):
        raise InvalidInput.single("amount", problem)
    try:
        amount = to_money(str(raw))
    except ValueError:
        raise InvalidInput.single("amount", problem) from None
    if amount != Decimal(str(raw).strip()) or not Decimal(0) < amount <= MAX_AMOUNT:
        raise InvalidInput.single("amount", problem)
    return amount
