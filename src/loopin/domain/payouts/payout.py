"""A payout request: a host's available balance on its way to their bank account.

::

    requested ──▶ approved ──▶ paid            (staff record the bank's UTR, or a payout API confirms)
        │             └──────▶ failed          (the transfer bounced: the money returns to the balance)
        └─────────────┴──────▶ cancelled       (host while requested, staff until paid: the money returns)

A request draws its amount from the host's settled events in one ledger transaction (``allocations``: how
much from which event); ``failed`` and ``cancelled`` write the exact reverse, ``paid`` moves the money out.
``paid``, ``failed`` and ``cancelled`` are final.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum

from loopin.domain.payouts.errors import InvalidPayoutTransition
from loopin.domain.shared.errors import InvalidInput
from loopin.domain.shared.money import ZERO
from loopin.domain.shared.transitions import Transitions

UTR = re.compile(r"[A-Z0-9]{6,30}")
REASON_MAX = 500


class PayoutStatus(Enum):
    REQUESTED = "requested"
    APPROVED = "approved"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def in_flight(self) -> bool:
        """Not final yet: its draw is still on its way to the bank."""
        return not TRANSITIONS.is_final(self)


TRANSITIONS = Transitions(
    {
        PayoutStatus.REQUESTED: {PayoutStatus.APPROVED, PayoutStatus.CANCELLED},
        PayoutStatus.APPROVED: {PayoutStatus.PAID, PayoutStatus.FAILED, PayoutStatus.CANCELLED},
    }
)
IN_FLIGHT: frozenset[PayoutStatus] = frozenset(s for s in PayoutStatus if s.in_flight)


class PayoutOrigin(Enum):
    HOST = "host"  # the host asked
    PROPOSAL = "proposal"  # the weekly job proposed it


@dataclass(frozen=True, slots=True)
class Allocation:
    """What a payout draws from one event (negative: a debt on that event settled from the others)."""

    event_id: int
    amount: Decimal


def read_utr(raw: str) -> str:
    """A bank transfer reference: NEFT 16, RTGS 22, IMPS 12 characters; letters and digits."""
    utr = raw.strip().upper()
    if not UTR.fullmatch(utr):
        raise InvalidInput.single("utr", "The UTR is 6 to 30 letters or digits, as the bank shows it.")
    return utr


def read_reason(raw: str) -> str:
    reason = " ".join(raw.split())
    if not 3 <= len(reason) <= REASON_MAX or not reason.isprintable():
        raise InvalidInput.single("reason", f"Say why in 3 to {REASON_MAX} printable characters.")
    return reason


@dataclass(slots=True)
class PayoutRequest:
    id: int
    host_id: int
    bank_account_id: int
    amount: Decimal
    allocations: tuple[Allocation, ...]
    status: PayoutStatus = PayoutStatus.REQUESTED
    origin: PayoutOrigin = PayoutOrigin.HOST
    sender: str = "manual"  # the PayoutSender that carries it out
    sender_reference: str = ""  # the payout API's id for it (none for manual transfers)
    utr: str | None = None
    failure_reason: str = ""
    approved_by: int | None = None
    approved_at: datetime | None = None
    closed_by: int | None = None  # who marked it paid, failed or cancelled (None: the system)
    closed_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.amount <= ZERO or sum((a.amount for a in self.allocations), ZERO) != self.amount:
            raise ValueError("a payout draws a positive amount, exactly its allocations")

    @property
    def reference(self) -> str:
        """What the transfer carries as its remark and a payout API as its idempotency key."""
        return f"LPPO{self.id}"

    @classmethod
    def draw(
        cls,
        *,
        host_id: int,
        bank_account_id: int,
        allocations: tuple[Allocation, ...],
        origin: PayoutOrigin,
        sender: str,
        now: datetime,
    ) -> PayoutRequest:
        amount = sum((a.amount for a in allocations), ZERO)
        return cls(
            0, host_id, bank_account_id, amount, allocations, origin=origin, sender=sender, created_at=now,
            updated_at=now,
        )  # fmt: skip

    def _move(self, target: PayoutStatus, now: datetime) -> None:
        if not TRANSITIONS.allows(self.status, target):
            raise InvalidPayoutTransition(f"This payout is {self.status.value}: it cannot become {target.value}.")
        self.status, self.updated_at = target, now

    def approve(self, by: int, now: datetime, sender_reference: str = "") -> None:
        self._move(PayoutStatus.APPROVED, now)
        self.approved_by, self.approved_at, self.sender_reference = by, now, sender_reference

    def mark_paid(self, utr: str, by: int | None, now: datetime) -> None:
        self._move(PayoutStatus.PAID, now)
        self.utr, self.closed_by, self.closed_at = utr, by, now

    def mark_failed(self, reason: str, by: int | None, now: datetime) -> None:
        self._move(PayoutStatus.FAILED, now)
        self.failure_reason, self.closed_by, self.closed_at = reason, by, now

    def cancel(self, by: int, now: datetime, reason: str = "") -> None:
        self._move(PayoutStatus.CANCELLED, now)
        self.failure_reason, self.closed_by, self.closed_at = reason, by, now

    @property
    def returns_money(self) -> bool:
        """Failed and cancelled payouts give their draw back to the balance."""
        return self.status in (PayoutStatus.FAILED, PayoutStatus.CANCELLED)
