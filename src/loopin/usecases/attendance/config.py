"""Tunable numbers of the attendance context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from loopin.domain.attendance.waitlist import OfferWindow


@dataclass(frozen=True, slots=True)
class AttendanceConfig:
    check_in_opens_before: timedelta = timedelta(hours=12)  # door staff may scan from this long before start
    sweep_batch: int = 500  # expiries handled per transaction by the scheduled job
    search_default_limit: int = 50
    search_max_limit: int = 100
    invite_max_users: int = 50
    bulk_max_requests: int = 100
    # reminders (docs/notifications.md): ticket holders this long before the start, largest first
    ticket_reminders: tuple[timedelta, ...] = field(
        default_factory=lambda: (timedelta(hours=24), timedelta(hours=2))
    )
    host_pending_notice: timedelta = timedelta(hours=24)  # hosts with requests still waiting, before the start
    invitation_expiry_notice: timedelta = timedelta(hours=6)  # invitees, before their invitation lapses
    kickoff_grace: timedelta = timedelta(hours=1)  # a host's "open the scanner" is not sent later than this
    reminder_batch: int = 1000  # reminders of one kind claimed per transaction
    offer_window: OfferWindow = field(default_factory=OfferWindow)  # how long a freed seat is held for the next
    waitlist_scan: int = 500  # waiting places one turn of the line looks at (first fit, in line order)
