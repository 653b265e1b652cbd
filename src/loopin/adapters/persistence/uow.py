"""The SQL unit of work: one AsyncSession per use case; its jobs and effects are released after COMMIT."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from loopin.adapters.jobs.dispatch import JobDispatcher
from loopin.adapters.unit_of_work import AfterCommit, BufferedUnitOfWork
from loopin.domain.shared.errors import Conflict


class SqlUnitOfWork(BufferedUnitOfWork):
    def __init__(self, session: AsyncSession, pending: AfterCommit, dispatcher: JobDispatcher) -> None:
        super().__init__(pending, dispatcher)
        self._session = session

    async def _commit(self) -> None:
        try:
            await self._session.commit()
        except IntegrityError as exc:
            await self._session.rollback()
            raise Conflict("This change conflicts with data saved at the same time. Please retry.") from exc

    async def _rollback(self) -> None:
        await self._session.rollback()
