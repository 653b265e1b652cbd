"""Ending a session: the token stops working everywhere at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loopin.usecases.identity.ports import TokenRevocations
from loopin.usecases.shared.ports import Clock


@dataclass(frozen=True, slots=True)
class Logout:
    revocations: TokenRevocations
    clock: Clock

    async def __call__(self, *, token_id: str, expires_at: datetime) -> None:
        await self.revocations.revoke(token_id, until=expires_at, now=self.clock.now())
