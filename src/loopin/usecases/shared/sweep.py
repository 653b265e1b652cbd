"""The loop every scheduled sweep runs: take a locked batch of what is due, handle it, commit, again.

One transaction per batch keeps each row lock short, however large the backlog: a request that wants one of
those rows waits for a batch, never for the whole sweep, and sweeps running in parallel skip each other's
rows (``SKIP LOCKED``). Each sweep says its batch size and its one batch step; the loop is here.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass

from loopin.usecases.shared.use_case import UseCase


@dataclass(frozen=True, slots=True)
class Batch:
    """What one batch step did. ``taken``: rows its locked read returned. ``settled``: of those, how many it
    changed so that they are no longer due. ``counted``: what the sweep reports for the batch, when that is
    not ``settled`` (pushes that reached a phone, say)."""

    taken: int
    settled: int
    counted: int | None = None


class Sweep(UseCase):
    """A scheduled use case that works through its backlog a batch per transaction. Returns the sum of what its
    batches counted.

    It stops on a short batch (fewer rows than ``batch_size``: nothing due is left but rows another transaction
    holds, which the next run takes) or on a full batch that settled none: the locked read would return the
    same rows again, so going on would spin, reading and committing the same batch forever.

    Declares no fields, so a use case with another base (``MemberUseCase``) can extend it too."""

    @property
    @abstractmethod
    def batch_size(self) -> int:
        """The limit of the step's locked read."""

    @abstractmethod
    async def sweep_batch(self) -> Batch:
        """Locks at most ``batch_size`` due rows and handles them, in the open transaction (which the loop
        commits); hooks that must wait for the commit go to ``uow.after_commit``."""

    async def __call__(self) -> int:
        total = 0
        while True:
            batch = await self.sweep_batch()
            await self.uow.commit()
            total += batch.settled if batch.counted is None else batch.counted
            if batch.taken < self.batch_size or not batch.settled:
                return total
