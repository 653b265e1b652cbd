"""Who waits, and for how long, before joining Loopin."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class WaitlistPolicy:
    """New members wait a uniformly random whole number of minutes in ``[min_minutes, max_minutes]``."""

    min_minutes: int = 210
    max_minutes: int = 240

    def __post_init__(self) -> None:
        if not 0 <= self.min_minutes <= self.max_minutes:
            raise ValueError("waitlist window must satisfy 0 <= min <= max")

    def promotion_time(self, joined_at: datetime) -> datetime:
        span = self.max_minutes - self.min_minutes
        return joined_at + timedelta(minutes=self.min_minutes + secrets.randbelow(span + 1))

    def describe(self) -> str:
        """In hours for windows of whole quarter hours (3.5 to 4 hours), otherwise in minutes."""
        if self.min_minutes % 15 or self.max_minutes % 15:
            return f"{self.min_minutes}–{self.max_minutes} minutes"
        low, high = self.min_minutes / 60, self.max_minutes / 60
        return f"{low:g}–{high:g} hours"
