"""Tunable numbers of the attendance context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from loopin.domain.attendance.waitlist import OfferWindow


@dataclass(frozen=True, slots=True)
class AttendanceConfig:
    check_in_opens_before: timedelta = timedelta(hours=12)  # door staff may scan from this long before start
    check_in_closes_after: timedelta = timedelta(hours=12)  # ... until this long after the end
    sweep_batch: int = 500  # expiries handled per transaction by the scheduled job
    search_default_limit: int = 50
    search_max_limit: int = 100
    invite_max_users: int = 50
    bulk_max_requests: int = 100
    offer_window: OfferWindow = field(default_factory=OfferWindow)  # how long a freed seat is held for the next
    waitlist_scan: int = 500  # waiting places one turn of the line looks at (first fit, in line order)
