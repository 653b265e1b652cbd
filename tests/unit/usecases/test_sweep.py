"""The loop every scheduled sweep shares (``Sweep``): a commit per batch, and it stops on a short batch or on a
full batch that settled nothing."""

from __future__ import annotations

from loopin.usecases.shared.ports import Effect, Job
from loopin.usecases.shared.sweep import Batch, Sweep


class CountingUnitOfWork:
    def __init__(self) -> None:
        self.commits = 0

    async def commit(self) -> None:
        self.commits += 1

    async def rollback(self) -> None:
        raise AssertionError("a sweep commits each batch")

    async def stage(self) -> None:
        raise AssertionError("a sweep does not stage")

    def enqueue(self, job: Job) -> None:
        raise AssertionError("this sweep enqueues nothing")

    def after_commit(self, effect: Effect) -> None:
        raise AssertionError("this sweep registers nothing")


class ScriptedSweep(Sweep):
    """Plays its batches in order; a batch past the script fails the test (the loop went on too long)."""

    batches: list[Batch]

    batch_size = 3

    async def sweep_batch(self) -> Batch:
        return self.batches.pop(0)


async def run(*batches: Batch) -> tuple[int, int, int]:
    """What the sweep returned, how many commits it made, how many scripted batches it left."""
    uow = CountingUnitOfWork()
    script = list(batches)
    total = await ScriptedSweep(uow=uow, batches=script)()
    return total, uow.commits, len(script)


async def test_full_batches_go_on_and_a_short_one_ends_the_sweep_each_committed() -> None:
    assert await run(Batch(3, 3), Batch(3, 2), Batch(1, 1), Batch(3, 3)) == (6, 3, 1)


async def test_an_empty_batch_ends_the_sweep() -> None:
    assert await run(Batch(0, 0), Batch(3, 3)) == (0, 1, 1)


async def test_a_full_batch_that_settled_nothing_ends_the_sweep_rather_than_take_it_again() -> None:
    assert await run(Batch(3, 3), Batch(3, 0), Batch(3, 0)) == (3, 2, 1)


async def test_a_batch_counts_what_it_says_when_that_is_not_what_it_settled() -> None:
    assert await run(Batch(3, 3, counted=1), Batch(2, 2, counted=0)) == (1, 2, 0)
