"""Ports every bounded context uses: time, transactions and after-commit jobs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar

JsonScalar = str | int | float | bool | None
Effect = Callable[[], Awaitable[None]]
T_co = TypeVar("T_co", covariant=True)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class Deferred(Protocol[T_co]):
    """A dependency built when first asked for, in the use case's own scope: what only a slow path needs (the
    hot reads' database side, which a cache hit never opens)."""

    async def __call__(self) -> T_co: ...


class UnitOfWork(Protocol):
    """The use case's transaction, and what it leaves for after its commit.

    ``commit`` stores the jobs ``enqueue``d during the transaction with its change (a transactional outbox), so
    they are delivered at least once if and only if the change committed, whatever happens to the job queue;
    then it runs the effects registered with ``after_commit``. ``rollback`` drops both.
    """

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...

    async def stage(self) -> None:
        """Writes the jobs enqueued so far into the outbox now, inside the transaction (``commit`` writes those
        enqueued after): a use case whose last statement takes a contended row lock stages before it, so that
        statement's lock is held only until the COMMIT right after it. Rolled back with the rest."""
        ...

    def enqueue(self, job: Job) -> None:
        """Buffers the job: it is stored with the commit and dropped on rollback."""
        ...

    def after_commit(self, effect: Effect) -> None:
        """Runs ``effect`` once the transaction committed, never if it rolls back; registered twice, it runs once.

        For in-process consequences of a change (the event cache sees it); work that must survive a crash or
        be retried is a ``Job``.
        """
        ...


@dataclass(frozen=True, slots=True)
class Job:
    """A side effect that must happen after, and only after, the transaction that asked for it commits.

    Delivery is at least once: a handler must be idempotent (a job may run again after a crash or a retry).
    """

    name: str
    payload: Mapping[str, JsonScalar] = field(default_factory=dict)
    key: str | None = None  # jobs with the same key are deduplicated while one is pending; None: a key per job
    attempts: int = 5
    timeout_seconds: int = 30
    keep_result: bool = True  # False for payloads that must not linger (an OTP in an SMS body): sealed at rest
