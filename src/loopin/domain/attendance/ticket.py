"""A ticket: the seats a guest holds at an event, and what happened at the door.

One row per member and event. Issuing takes seats, cancelling releases them, check-in and check-out only
record the door (a guest who came and left still held their seats: ``going_count`` counts seats held).

::

    going ──check in──▶ checked_in ──check out──▶ checked_out ──check in (re-entry)──▶ checked_in
      └──cancel──▶ cancelled ──reissue (accepted again, confirmed again)──▶ going   (new code)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import NotRequired, TypedDict, Unpack

from loopin.domain.attendance.errors import AlreadyCheckedIn, NotCheckedIn, TicketCancelled
from loopin.domain.attendance.secret import TicketCodes


class TicketStatus(Enum):
    GOING = "going"
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    CANCELLED = "cancelled"


class PaymentStatus(Enum):
    UNPAID = "unpaid"  # a free event: nothing to pay
    PAID = "paid"


class TicketSource(Enum):
    REQUEST = "request"
    INVITATION = "invitation"


class TicketGrant(TypedDict):
    """What a ticket is issued (or issued again) with; a ticket with a payment order is a paid one."""

    source: TicketSource
    codes: TicketCodes
    now: datetime
    request_id: NotRequired[int | None]
    invitation_id: NotRequired[int | None]
    payment_order_id: NotRequired[str | None]


@dataclass(frozen=True, slots=True)
class DoorResult:
    """``already`` is true when the scan changed nothing (a second scan of the same ticket)."""

    ticket: Ticket
    already: bool


@dataclass(slots=True)
class Ticket:
    id: int
    event_id: int
    member_id: int
    seats: int
    source: TicketSource
    nonce: str
    secret_digest: str
    status: TicketStatus = TicketStatus.GOING
    payment_status: PaymentStatus = PaymentStatus.UNPAID
    payment_order_id: str | None = None
    request_id: int | None = None
    invitation_id: int | None = None
    issued_at: datetime | None = None
    checked_in_at: datetime | None = None
    checked_out_at: datetime | None = None
    cancelled_at: datetime | None = None
    uuid: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def issue(cls, event_id: int, member_id: int, seats: int, **grant: Unpack[TicketGrant]) -> Ticket:
        """Id 0 means "not stored yet"."""
        ticket = cls(
            0, event_id, member_id, seats, grant["source"], nonce="", secret_digest="", created_at=grant["now"]
        )
        ticket._grant(seats, grant)
        return ticket

    def reissue(self, seats: int, **grant: Unpack[TicketGrant]) -> None:
        """A cancelled ticket issued again: new seats and a new code (the old code never opens the door)."""
        if self.is_live:
            raise ValueError("only a cancelled ticket is issued again")
        self._grant(seats, grant)

    def _grant(self, seats: int, grant: TicketGrant) -> None:
        codes, now = grant["codes"], grant["now"]
        self.seats, self.source = seats, grant["source"]
        self.request_id, self.invitation_id = grant.get("request_id"), grant.get("invitation_id")
        self.payment_order_id = grant.get("payment_order_id")
        self.payment_status = PaymentStatus.PAID if self.payment_order_id else PaymentStatus.UNPAID
        self.nonce = codes.new_nonce()
        self.secret_digest = codes.lookup_digest(codes.secret(self.uuid, self.nonce))
        self.status = TicketStatus.GOING
        self.issued_at = now
        self.checked_in_at = self.checked_out_at = self.cancelled_at = None
        self.updated_at = now

    # --- reading ---------------------------------------------------------------------------------------------

    @property
    def is_live(self) -> bool:
        """Holds seats (going, or came to the door)."""
        return self.status is not TicketStatus.CANCELLED

    @property
    def is_checked_in(self) -> bool:
        return self.status is TicketStatus.CHECKED_IN

    @property
    def has_attended(self) -> bool:
        return self.checked_in_at is not None

    def secret(self, codes: TicketCodes) -> str:
        return codes.secret(self.uuid, self.nonce)

    # --- the door --------------------------------------------------------------------------------------------

    def check_in(self, now: datetime) -> DoorResult:
        """Idempotent: a second scan changes nothing and says so. A guest who left comes back in."""
        if self.status is TicketStatus.CANCELLED:
            raise TicketCancelled()
        if self.status is TicketStatus.CHECKED_IN:
            return DoorResult(self, already=True)
        already = self.status is TicketStatus.CHECKED_OUT
        self.status = TicketStatus.CHECKED_IN
        if self.checked_in_at is None:
            self.checked_in_at = now
        self.checked_out_at = None
        self.updated_at = now
        return DoorResult(self, already=already)

    def check_out(self, now: datetime) -> DoorResult:
        if self.status is TicketStatus.CANCELLED:
            raise TicketCancelled()
        if self.status is TicketStatus.CHECKED_OUT:
            return DoorResult(self, already=True)
        if self.status is not TicketStatus.CHECKED_IN:
            raise NotCheckedIn()
        self.status = TicketStatus.CHECKED_OUT
        self.checked_out_at = now
        self.updated_at = now
        return DoorResult(self, already=False)

    # --- the guest -------------------------------------------------------------------------------------------

    def cancel(self, now: datetime) -> int:
        """Returns the seats it released. Only before the door: a guest who came cannot un-come."""
        if self.status is TicketStatus.CANCELLED:
            raise TicketCancelled("This ticket is already cancelled.")
        if self.has_attended:
            raise AlreadyCheckedIn()
        self.status = TicketStatus.CANCELLED
        self.cancelled_at = now
        self.updated_at = now
        return self.seats
