"""What both units of work share: the buffer of what a transaction leaves for after its commit, and when it
is released.

This is the one place where a transaction's side effects leave it. Its jobs are written into the outbox inside
the transaction, just before COMMIT (one statement), so they commit or roll back with the change; after
COMMIT the relay hands them to the job runner at once, and whatever it could not hand over stays in the outbox
for the relay loop. Effects run after COMMIT, in order (one that fails is logged: the change is saved); both
are dropped on rollback.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import structlog

from loopin.adapters.jobs.outbox import Outbox, OutboxMessage
from loopin.adapters.jobs.relay import OutboxRelay
from loopin.usecases.shared.ports import Clock, Effect, Job, UnitOfWork

log = structlog.get_logger(__name__)


class AfterCommit:
    """One transaction's jobs and after-commit effects."""

    __slots__ = ("_effects", "_jobs")

    def __init__(self) -> None:
        self._jobs: list[Job] = []
        self._effects: list[Effect] = []

    def enqueue(self, job: Job) -> None:
        self._jobs.append(job)

    def add(self, effect: Effect) -> None:
        if effect not in self._effects:  # an effect registered twice runs once
            self._effects.append(effect)

    def take_jobs(self) -> list[Job]:
        jobs, self._jobs = self._jobs, []
        return jobs

    def take(self) -> tuple[list[Job], list[Effect]]:
        """Empties the buffer: what it held belongs to the commit (or rollback) that takes it."""
        jobs, effects = self._jobs, self._effects
        self._jobs, self._effects = [], []
        return jobs, effects


class BufferedUnitOfWork(UnitOfWork, ABC):
    """A unit of work over some transaction, writing its jobs to the outbox and releasing the rest after COMMIT."""

    def __init__(self, pending: AfterCommit, outbox: Outbox, relay: OutboxRelay, clock: Clock) -> None:
        self._pending = pending
        self._outbox = outbox
        self._relay = relay
        self._clock = clock
        self._staged: list[OutboxMessage] = []  # jobs written to the outbox before the commit (``stage``)

    @abstractmethod
    async def _commit(self) -> None: ...

    @abstractmethod
    async def _rollback(self) -> None: ...

    async def _write(self, jobs: list[Job]) -> list[OutboxMessage]:
        if not jobs:  # a transaction without jobs pays nothing for the outbox
            return []
        now = self._clock.now()
        return await self._outbox.add(jobs, now=now, hold_until=now + self._relay.hold)

    async def stage(self) -> None:
        self._staged += await self._write(self._pending.take_jobs())

    async def commit(self) -> None:
        jobs, effects = self._pending.take()
        messages, self._staged = self._staged, []
        messages += await self._write(jobs)
        await self._commit()
        # Committed: from here on nothing raises, so no use case mistakes a saved change for a failed one.
        await self._relay.deliver_now(messages)
        for effect in effects:
            try:
                await effect()
            except Exception:
                log.exception("after-commit effect failed", effect=getattr(effect, "__qualname__", repr(effect)))

    async def rollback(self) -> None:
        self._pending.take()
        self._staged = []
        await self._rollback()

    def enqueue(self, job: Job) -> None:
        self._pending.enqueue(job)

    def after_commit(self, effect: Effect) -> None:
        self._pending.add(effect)
