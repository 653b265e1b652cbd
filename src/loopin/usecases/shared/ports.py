"""Ports every bounded context uses: time, transactions and after-commit jobs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from loopin.domain.shared.errors import Unavailable

JsonScalar = str | int | float | bool | None
Effect = Callable[[], Awaitable[None]]


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class JobsNotQueued(Unavailable):
    """Raised by ``UnitOfWork.commit`` when the transaction committed but its jobs could not be queued.

    The change is saved: a use case must not undo what it wrote outside the database (stored files).
    """

    default_message = "Your change was saved, but a follow-up step could not be started. Please try again shortly."


class UnitOfWork(Protocol):
    """The use case's transaction, and what it leaves for after its commit.

    ``commit`` releases the jobs enqueued during the transaction (``JobsNotQueued`` when they could not be
    queued) and then runs the effects registered with ``after_commit``, in both cases; ``rollback`` drops both.
    """

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...

    def after_commit(self, effect: Effect) -> None:
        """Runs ``effect`` once the transaction committed, never if it rolls back; registered twice, it runs once.

        For in-process consequences of a change (the event cache sees it); work that must survive a crash or
        be retried is a ``Job``.
        """
        ...


@dataclass(frozen=True, slots=True)
class Job:
    """A side effect that must happen after, and only after, the transaction that asked for it commits."""

    name: str
    payload: Mapping[str, JsonScalar] = field(default_factory=dict)
    key: str | None = None  # jobs with the same key are deduplicated while one is pending
    attempts: int = 5
    timeout_seconds: int = 30
    keep_result: bool = True  # False for payloads that must not linger (an OTP in an SMS body)


class JobQueue(Protocol):
    def enqueue(self, job: Job) -> None:
        """Buffers the job; the unit of work dispatches it after commit and drops it on rollback."""
        ...
