"""A host inviting a member to an event.

One row per member and event. The invitee answers ``going`` or ``declined`` until ``expires_at`` and may
change their mind until then (not once a ticket is issued); an expired invitation can be sent again.

::

    pending ──going──▶ accepted ──declined (no ticket)──▶ declined ──going (before expires_at)──▶ accepted
       │ └──declined──▶ declined
       └──expires_at passes──▶ expired ──host invites again──▶ pending
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from loopin.domain.attendance.errors import InvitationExpired, TicketHeld
from loopin.domain.events.event import RsvpExpiryPolicy


class InvitationStatus(Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"

    @classmethod
    def parse(cls, raw: str) -> InvitationStatus:
        return cls(raw.strip().lower())


GRANTING_INVITATION: frozenset[InvitationStatus] = frozenset({InvitationStatus.PENDING, InvitationStatus.ACCEPTED})
"""Invitations that open a private event to the invitee (``EventAccessGrants``, on both stores)."""


@dataclass(slots=True)
class Invitation:
    id: int
    event_id: int
    invitee_id: int
    host_id: int
    expires_at: datetime
    expiry_policy: RsvpExpiryPolicy = RsvpExpiryPolicy.HOURS_48
    message: str = ""
    status: InvitationStatus = InvitationStatus.PENDING
    answered_at: datetime | None = None
    uuid: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def send(
        cls,
        event_id: int,
        invitee_id: int,
        host_id: int,
        *,
        policy: RsvpExpiryPolicy,
        expires_at: datetime,
        message: str,
        now: datetime,
    ) -> Invitation:
        """Id 0 means "not stored yet"."""
        return cls(0, event_id, invitee_id, host_id, expires_at, policy, message, created_at=now, updated_at=now)

    def status_at(self, now: datetime) -> InvitationStatus:
        """A pending invitation past its deadline reads as expired before the sweep marks it."""
        return InvitationStatus.EXPIRED if self.is_overdue(now) else self.status

    def is_overdue(self, now: datetime) -> bool:
        """Pending past ``expires_at``: the next reader or the sweep expires it."""
        return self.status is InvitationStatus.PENDING and now >= self.expires_at

    def is_open(self, now: datetime) -> bool:
        """Still answerable (pending or already answered, before the deadline)."""
        return self.status is not InvitationStatus.EXPIRED and now < self.expires_at

    def can_resend(self, now: datetime) -> bool:
        return self.status_at(now) is InvitationStatus.EXPIRED

    def resend(self, *, policy: RsvpExpiryPolicy, expires_at: datetime, message: str, now: datetime) -> None:
        self.status = InvitationStatus.PENDING
        self.expiry_policy = policy
        self.expires_at = expires_at
        self.message = message
        self.answered_at = None
        self.updated_at = now

    def answer(self, going: bool, now: datetime, *, has_ticket: bool) -> bool:
        """Returns False when the answer is the one already given. Raises ``InvitationExpired`` past the
        deadline (call ``expire`` and commit first, so the expiry is recorded)."""
        wanted = InvitationStatus.ACCEPTED if going else InvitationStatus.DECLINED
        if self.status is wanted:
            return False
        # Saying "not going" after accepting is always possible (without a ticket); anything else needs time.
        if not self.is_open(now) and not (not going and self.status is InvitationStatus.ACCEPTED):
            raise InvitationExpired()
        if not going and has_ticket:
            raise TicketHeld()
        self.status = wanted
        self.answered_at = now
        self.updated_at = now
        return True

    def expire(self, now: datetime) -> bool:
        if self.is_overdue(now):
            self.status = InvitationStatus.EXPIRED
            self.updated_at = now
            return True
        return False

    def withdrawn_by_guest(self, now: datetime) -> None:
        """The guest cancelled the ticket this invitation led to: they are no longer going."""
        self.status = InvitationStatus.DECLINED
        self.answered_at = now
        self.updated_at = now
