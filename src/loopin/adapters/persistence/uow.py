"""The SQL unit of work: one AsyncSession per use case, jobs released only after COMMIT."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from loopin.adapters.jobs.dispatch import JobBuffer, JobDispatcher, release_after_commit
from loopin.domain.shared.errors import Conflict


class SqlUnitOfWork:
    def __init__(self, session: AsyncSession, buffer: JobBuffer, dispatcher: JobDispatcher) -> None:
        self._session = session
        self._buffer = buffer
        self._dispatcher = dispatcher

    async def commit(self) -> None:
        try:
            await self._session.commit()
        except IntegrityError as exc:
            await self._session.rollback()
            self._buffer.drain()
            raise Conflict("This change conflicts with data saved at the same time. Please retry.") from exc
        await release_after_commit(self._dispatcher, self._buffer.drain())

    async def rollback(self) -> None:
        await self._session.rollback()
        self._buffer.drain()
