"""The SQL unit of work: one AsyncSession per use case; its jobs go into the outbox in the same transaction."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from loopin.adapters.jobs.outbox import Outbox
from loopin.adapters.jobs.relay import OutboxRelay
from loopin.adapters.unit_of_work import AfterCommit, BufferedUnitOfWork
from loopin.domain.shared.errors import ConcurrentChange
from loopin.usecases.shared.ports import Clock


class SqlUnitOfWork(BufferedUnitOfWork):
    def __init__(
        self, session: AsyncSession, pending: AfterCommit, outbox: Outbox, relay: OutboxRelay, clock: Clock
    ) -> None:
        super().__init__(pending, outbox, relay, clock)
        self._session = session

    async def _commit(self) -> None:
        try:
            await self._session.commit()
        except IntegrityError as exc:
            await self._session.rollback()
            raise ConcurrentChange() from exc

    async def _rollback(self) -> None:
        await self._session.rollback()
