"""Tunable numbers of the events context, filled from settings by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from loopin.usecases.platform.creation_limits import CreationLimit
from loopin.usecases.platform.ports import RateLimit


@dataclass(frozen=True, slots=True)
class EventsConfig:
    timezone: str = "Asia/Kolkata"  # events without a time zone of their own happen here
    site_url: str = "https://loopinsocial.in"  # share links and public pages
    cover_max_bytes: int = 5 * 1024 * 1024
    cover_min_bytes: int = 100
    cache_ttl_seconds: int = 60  # bounds staleness the generation cannot see (a host renaming themselves)
    sold_out_ttl_seconds: int = 10  # a sold-out marker's lifetime: bounds it when a clear was lost (0: off)
    completion_batch: int = 200  # ended events completed per transaction by the scheduled job
    pinned_own_events: int = 100  # the app's feed always carries the caller's own upcoming events
    lead_limit_per_address_per_hour: int = 10
    duplicate_window: timedelta = field(default_factory=lambda: timedelta(minutes=10))  # retried creates
    events_per_member: CreationLimit = field(
        default_factory=lambda: CreationLimit(RateLimit("create-event-day", 20, 24 * 3600), "events")
    )
    venues_per_member: CreationLimit = field(
        default_factory=lambda: CreationLimit(RateLimit("create-venue-hour", 10, 3600), "venues")
    )
