"""What both units of work share: the buffer of what a transaction leaves for after its commit, and when it
is released.

This is the one place where a transaction's side effects leave it: jobs go to the dispatcher and effects run
after COMMIT (effects even when the jobs could not be queued: the change is saved all the same); both are
dropped on rollback. A transactional outbox would write the jobs into the transaction here, before COMMIT.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from loopin.adapters.jobs.dispatch import JobDispatcher
from loopin.usecases.shared.ports import Effect, Job, JobQueue, JobsNotQueued, UnitOfWork


class AfterCommit(JobQueue):
    """One transaction's jobs (it implements the JobQueue port) and after-commit effects."""

    __slots__ = ("_effects", "_jobs")

    def __init__(self) -> None:
        self._jobs: list[Job] = []
        self._effects: list[Effect] = []

    def enqueue(self, job: Job) -> None:
        self._jobs.append(job)

    def add(self, effect: Effect) -> None:
        if effect not in self._effects:  # an effect registered twice runs once
            self._effects.append(effect)

    def discard(self) -> None:
        self._jobs, self._effects = [], []

    async def release(self, dispatcher: JobDispatcher) -> None:
        """Hands the jobs over, then runs the effects; ``JobsNotQueued`` when the jobs could not be queued."""
        jobs, effects = self._jobs, self._effects
        self.discard()
        try:
            await _dispatch(dispatcher, jobs)
        finally:
            for effect in effects:
                await effect()


async def _dispatch(dispatcher: JobDispatcher, jobs: Sequence[Job]) -> None:
    if not jobs:
        return
    try:
        await dispatcher.dispatch(jobs)
    except JobsNotQueued:
        raise
    except Exception as exc:
        raise JobsNotQueued() from exc


class BufferedUnitOfWork(UnitOfWork, ABC):
    """A unit of work over some transaction, releasing its ``AfterCommit`` buffer only after COMMIT."""

    def __init__(self, pending: AfterCommit, dispatcher: JobDispatcher) -> None:
        self._pending = pending
        self._dispatcher = dispatcher

    @abstractmethod
    async def _commit(self) -> None: ...

    @abstractmethod
    async def _rollback(self) -> None: ...

    async def commit(self) -> None:
        try:
            await self._commit()
        except BaseException:
            self._pending.discard()
            raise
        await self._pending.release(self._dispatcher)

    async def rollback(self) -> None:
        self._pending.discard()
        await self._rollback()

    def after_commit(self, effect: Effect) -> None:
        self._pending.add(effect)
