"""How much one member may create: venues and events are shown to everyone, so one member must not be able to
flood them. Each use case that creates counts the creation against its limit before it stores anything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loopin.domain.shared.errors import RateLimited
from loopin.usecases.platform.ports import RateLimit, RateLimiter


@dataclass(frozen=True, slots=True)
class CreationLimit:
    limit: RateLimit
    noun: str  # what is created, plural: "venues"

    async def count(self, limiter: RateLimiter, member_id: int, now: datetime) -> None:
        """Counts one creation by ``member_id``; past the limit, a 429 with the wait and nothing counted."""
        wait = await limiter.acquire([(self.limit, f"member:{member_id}")], now=now)
        if wait:
            minutes = max(1, -(-wait // 60))
            later = f"{minutes} minutes" if minutes < 120 else f"{-(-minutes // 60)} hours"
            raise RateLimited(
                wait,
                f"You have created {self.limit.limit} {self.noun} recently, the most we allow. "
                f"Please try again in {later}.",
                code="CREATION_LIMITED",
            )
