"""Ending a session: the token stops working everywhere at once."""

from __future__ import annotations

from datetime import datetime

from loopin.usecases.identity.ports import TokenRevocations
from loopin.usecases.shared.ports import Clock


class Logout:
    def __init__(self, revocations: TokenRevocations, clock: Clock) -> None:
        self._revocations = revocations
        self._clock = clock

    async def __call__(self, token_id: str, expires_at: datetime) -> None:
        await self._revocations.revoke(token_id, until=expires_at, now=self._clock.now())
