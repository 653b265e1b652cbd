"""A member asking a host to let them join an event.

One row per member and event: a withdrawn, expired or (after a wait) declined request is renewed in place,
so "one live request per member and event" is a unique key, not a convention.

::

    pending ──accept──▶ accepted ──(ticket issued)
       │  └──decline──▶ declined ──renew (after DECLINED_RENEWAL_WAIT)──▶ pending
       └──withdraw──▶ cancelled ──renew──▶ pending
    accepted ──decline (no ticket)──▶ declined;  ──withdraw / ticket cancelled──▶ cancelled
    accepted ──confirm_by passes without a ticket──▶ expired ──renew──▶ pending
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from loopin.domain.attendance.errors import (
    AlreadyAccepted,
    DuplicateRequest,
    RequestDeclinedRecently,
    RequestNotPending,
)

DECLINED_RENEWAL_WAIT = timedelta(hours=24)


class RequestStatus(Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"  # withdrawn by the member (or their ticket was cancelled)
    EXPIRED = "expired"  # accepted, but not confirmed in time

    @classmethod
    def parse(cls, raw: str) -> RequestStatus:
        return cls(raw.strip().lower())

    @property
    def is_open(self) -> bool:
        """Still standing (waiting for the host, or accepted): it may be withdrawn or declined, and it counts
        as the member having asked."""
        return self in OPEN_REQUEST


OPEN_REQUEST: frozenset[RequestStatus] = frozenset({RequestStatus.PENDING, RequestStatus.ACCEPTED})


@dataclass(slots=True)
class JoinRequest:
    id: int
    event_id: int
    requester_id: int
    seats_requested: int = 1
    message: str = ""
    host_message: str = ""
    status: RequestStatus = RequestStatus.PENDING
    confirm_by: datetime | None = None  # accepted and not yet ticketed: confirm before this
    decided_at: datetime | None = None
    uuid: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def open(cls, event_id: int, requester_id: int, seats: int, message: str, now: datetime) -> JoinRequest:
        """Id 0 means "not stored yet"."""
        return cls(0, event_id, requester_id, seats, message, created_at=now, updated_at=now)

    # --- reading ---------------------------------------------------------------------------------------------

    def status_at(self, now: datetime) -> RequestStatus:
        """What the member and the host see: an accepted request past its deadline reads as expired."""
        return RequestStatus.EXPIRED if self.is_overdue(now) else self.status

    def is_overdue(self, now: datetime) -> bool:
        """Accepted and past ``confirm_by`` without a ticket: the next reader or the sweep expires it."""
        return self.status is RequestStatus.ACCEPTED and self.confirm_by is not None and now >= self.confirm_by

    @property
    def is_pending(self) -> bool:
        return self.status is RequestStatus.PENDING

    def can_confirm(self, now: datetime, *, has_ticket: bool) -> bool:
        return not has_ticket and self.status_at(now) is RequestStatus.ACCEPTED

    # --- the member ------------------------------------------------------------------------------------------

    def renew(self, seats: int, message: str, now: datetime) -> None:
        """Asks again on the same row. Refuses while a request is live, and for a while after a decline."""
        status = self.status_at(now)
        if status is RequestStatus.PENDING:
            raise DuplicateRequest()
        if status is RequestStatus.ACCEPTED:
            raise AlreadyAccepted()
        if status is RequestStatus.DECLINED:
            wait_until = (self.decided_at or self.updated_at or now) + DECLINED_RENEWAL_WAIT
            if now < wait_until:
                hours = max(1, round((wait_until - now).total_seconds() / 3600))
                raise RequestDeclinedRecently(
                    f"The host declined your request. You can ask again in about {hours} hour"
                    f"{'s' if hours != 1 else ''}."
                )
        self.status = RequestStatus.PENDING
        self.seats_requested = seats
        self.message = message
        self.host_message = ""
        self.confirm_by = None
        self.decided_at = None
        self.updated_at = now

    def withdraw(self, now: datetime) -> bool:
        """Pending or accepted (not ticketed: the caller checks) → cancelled. Returns whether it was pending."""
        if not self.status.is_open:
            raise RequestNotPending(f"This request is {self.status_at(now).value}; there is nothing to withdraw.")
        was_pending = self.is_pending
        self.status = RequestStatus.CANCELLED
        self.confirm_by = None
        self.updated_at = now
        return was_pending

    def wait_for_seat(self, now: datetime) -> None:
        """On the event's waitlist: the acceptance no longer expires (the place stands in for confirming)."""
        self.confirm_by = None
        self.updated_at = now

    def ticket_issued(self, now: datetime) -> None:
        """Confirmed: nothing expires any more."""
        self.confirm_by = None
        self.updated_at = now

    # --- the host --------------------------------------------------------------------------------------------

    def accept(self, now: datetime, host_message: str, confirm_by: datetime) -> bool:
        """Returns False when it was already accepted (a repeated click changes nothing)."""
        if self.status_at(now) is RequestStatus.ACCEPTED:
            return False
        if not self.is_pending:
            state = self.status_at(now).value
            raise RequestNotPending(f"This request is {state}; only pending requests can be accepted.")
        self._decide(RequestStatus.ACCEPTED, now, host_message, confirm_by)
        return True

    def decline(self, now: datetime, host_message: str, *, has_ticket: bool) -> bool:
        """Pending, or accepted without a ticket (the host changed their mind). False when already declined."""
        if self.status is RequestStatus.DECLINED:
            return False
        if not self.status.is_open:
            raise RequestNotPending(f"This request is {self.status_at(now).value}; it can no longer be declined.")
        if has_ticket:
            raise RequestNotPending("This guest already holds a ticket; the request can no longer be declined.")
        self._decide(RequestStatus.DECLINED, now, host_message, None)
        return True

    def _decide(
        self, status: RequestStatus, now: datetime, host_message: str, confirm_by: datetime | None
    ) -> None:
        """The host's answer; an empty message keeps the one given before."""
        self.status = status
        if host_message:
            self.host_message = host_message
        self.confirm_by = confirm_by
        self.decided_at = now
        self.updated_at = now

    # --- the clock -------------------------------------------------------------------------------------------

    def expire(self, now: datetime) -> bool:
        if not self.is_overdue(now):
            return False
        self.status = RequestStatus.EXPIRED
        self.updated_at = now
        return True
