"""Ending a session: the token stops working everywhere at once."""

from __future__ import annotations

from datetime import datetime

from loopin.usecases.identity import jobs
from loopin.usecases.identity.ports import TokenRevocations
from loopin.usecases.shared.ports import Clock
from loopin.usecases.shared.use_case import UseCase


class Logout(UseCase):
    revocations: TokenRevocations
    clock: Clock

    async def __call__(self, *, member_id: int, token_id: str, expires_at: datetime) -> None:
        now = self.clock.now()
        await self.revocations.revoke(token_id, until=expires_at, now=now)
        self.uow.enqueue(jobs.audited_member("signed_out", member_id, actor_id=member_id, at=now))
        await self.uow.commit()
