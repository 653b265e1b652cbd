"""UnitOfWork contract: jobs and effects leave only after, and only once per, commit (in-memory and
SQL); jobs the queue refuses at commit time wait in the outbox."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from dishka import AsyncContainer

from loopin.adapters.jobs.outbox import Outbox
from loopin.adapters.jobs.relay import OutboxRelay
from loopin.domain.identity.member import Member
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.shared.ports import Job, UnitOfWork
from tests.integration.conftest import Recorded, phone
from tests.support import Fakes


def sent(recorded: Recorded) -> list[Job]:
    """What the dispatcher received, without the keys the outbox gave keyless jobs."""
    return [
        j if j.key and not j.key.startswith("job:") else Job(j.name, j.payload) for j in recorded.dispatcher.jobs
    ]


async def ports(scope: AsyncContainer) -> tuple[MemberRepository, UnitOfWork]:
    return await scope.get(MemberRepository), await scope.get(UnitOfWork)


async def test_commit_dispatches_the_jobs_once(recorded: Recorded, fakes: Fakes) -> None:
    first, second = Job("test.first", {"n": 1}), Job("test.second", {"flag": True}, key="k")
    async with recorded.container() as scope:
        repo, uow = await ports(scope)
        await repo.add(Member.register(phone(1), now=fakes.clock.now()))
        uow.enqueue(first)
        uow.enqueue(second)
        assert recorded.dispatcher.jobs == []  # buffered while the transaction is open
        await uow.commit()
        assert sent(recorded) == [first, second]
        await uow.commit()  # nothing new: nothing dispatched again
    assert sent(recorded) == [first, second]
    async with recorded.container() as scope:
        assert await (await scope.get(MemberRepository)).find_by_phone(phone(1)) is not None


async def test_rollback_drops_the_jobs_and_the_changes(recorded: Recorded, fakes: Fakes) -> None:
    async with recorded.container() as scope:
        repo, uow = await ports(scope)
        await repo.add(Member.register(phone(1), now=fakes.clock.now()))
        uow.enqueue(Job("test.dropped"))
        await uow.rollback()
        await uow.commit()  # a later commit of the same scope does not resurrect them
    assert recorded.dispatcher.jobs == []
    async with recorded.container() as scope:
        assert await (await scope.get(MemberRepository)).find_by_phone(phone(1)) is None


async def test_scope_closed_without_commit_dispatches_nothing(recorded: Recorded, fakes: Fakes) -> None:
    async with recorded.container() as scope:
        repo, uow = await ports(scope)
        await repo.add(Member.register(phone(1), now=fakes.clock.now()))
        uow.enqueue(Job("test.abandoned"))
    assert recorded.dispatcher.jobs == []
    async with recorded.container() as scope:
        assert await (await scope.get(MemberRepository)).find_by_phone(phone(1)) is None


async def test_jobs_after_a_rollback_belong_to_the_next_commit(recorded: Recorded) -> None:
    kept = Job("test.kept")
    async with recorded.container() as scope:
        _, uow = await ports(scope)
        uow.enqueue(Job("test.dropped"))
        await uow.rollback()
        uow.enqueue(kept)
        await uow.commit()
    assert sent(recorded) == [kept]


async def test_each_scope_has_its_own_job_buffer(recorded: Recorded) -> None:
    mine, theirs = Job("test.mine"), Job("test.theirs")
    async with recorded.container() as scope, recorded.container() as other:
        _, uow = await ports(scope)
        _, other_uow = await ports(other)
        uow.enqueue(mine)
        other_uow.enqueue(theirs)
        await other_uow.rollback()
        await uow.commit()
    assert sent(recorded) == [mine]


class Effects:
    """After-commit effects that note when they ran, and what the dispatcher held by then."""

    def __init__(self, recorded: Recorded) -> None:
        self.ran: list[tuple[str, int]] = []
        self._recorded = recorded

    def named(self, name: str) -> Callable[[], Awaitable[None]]:
        async def effect() -> None:
            self.ran.append((name, len(self._recorded.dispatcher.jobs)))

        return effect


async def test_effects_run_after_the_commit_and_its_jobs(recorded: Recorded, fakes: Fakes) -> None:
    effects = Effects(recorded)
    first, second = effects.named("first"), effects.named("second")
    async with recorded.container() as scope:
        repo, uow = await ports(scope)
        await repo.add(Member.register(phone(1), now=fakes.clock.now()))
        uow.after_commit(first)
        uow.enqueue(Job("test.job"))
        uow.after_commit(second)
        uow.after_commit(first)  # registered twice, runs once
        assert effects.ran == []
        await uow.commit()
        assert effects.ran == [("first", 1), ("second", 1)]  # in order, once the job was handed over
        await uow.commit()
    assert effects.ran == [("first", 1), ("second", 1)]


async def test_rollback_drops_the_effects(recorded: Recorded) -> None:
    effects = Effects(recorded)
    async with recorded.container() as scope:
        _, uow = await ports(scope)
        uow.after_commit(effects.named("dropped"))
        await uow.rollback()
        uow.after_commit(effects.named("kept"))
        await uow.commit()
    async with recorded.container() as scope:
        (await scope.get(UnitOfWork)).after_commit(effects.named("abandoned"))  # scope closed uncommitted
    assert effects.ran == [("kept", 0)]


async def test_a_commit_whose_jobs_the_queue_refuses_succeeds_and_keeps_them(
    recorded: Recorded, fakes: Fakes
) -> None:
    """The transaction committed: the commit succeeds, what it changed is seen (the event cache is told), and
    its jobs wait in the outbox until the relay hands them over, once the queue is back."""
    effects = Effects(recorded)
    dispatch = recorded.dispatcher.dispatch

    async def refuse(jobs: Sequence[Job]) -> None:
        raise ConnectionError("redis is down")

    recorded.dispatcher.dispatch = refuse  # type: ignore[method-assign]
    kept = Job("test.kept", {"n": 1})
    async with recorded.container() as scope:
        repo, uow = await ports(scope)
        await repo.add(Member.register(phone(1), now=fakes.clock.now()))
        uow.enqueue(kept)
        uow.after_commit(effects.named("cache"))
        await uow.commit()
    assert effects.ran == [("cache", 0)]
    async with recorded.container() as scope:
        assert await (await scope.get(MemberRepository)).find_by_phone(phone(1)) is not None
        (waiting,) = await (await scope.get(Outbox)).pending()
    assert (waiting.job.name, dict(waiting.job.payload)) == ("test.kept", {"n": 1})

    recorded.dispatcher.dispatch = dispatch  # type: ignore[method-assign]
    relay = await recorded.container.get(OutboxRelay)
    fakes.clock.advance(timedelta(minutes=1))
    assert await relay.relay_due() == 1
    assert sent(recorded) == [kept]
    assert recorded.dispatcher.jobs[0].key == waiting.job.key
    async with recorded.container() as scope:
        assert await (await scope.get(Outbox)).pending() == []


async def test_a_failing_effect_does_not_fail_the_commit(recorded: Recorded, fakes: Fakes) -> None:
    effects = Effects(recorded)

    async def broken() -> None:
        raise RuntimeError("cache unreachable")

    async with recorded.container() as scope:
        repo, uow = await ports(scope)
        await repo.add(Member.register(phone(1), now=fakes.clock.now()))
        uow.after_commit(broken)
        uow.after_commit(effects.named("after"))
        await uow.commit()
    assert effects.ran == [("after", 0)]


async def test_staged_jobs_are_written_before_the_commit_and_dropped_by_a_rollback(recorded: Recorded) -> None:
    """``stage`` writes the jobs so far into the outbox inside the transaction (the rush's seat statement comes
    after it); they are dispatched with the commit's own, once, or dropped with a rollback."""
    early, late, dropped = Job("test.early"), Job("test.late"), Job("test.dropped")
    async with recorded.container() as scope:
        _, uow = await ports(scope)
        uow.enqueue(dropped)
        await uow.stage()
        await uow.rollback()
        uow.enqueue(early)
        await uow.stage()
        assert recorded.dispatcher.jobs == []  # staged is not sent
        uow.enqueue(late)
        await uow.commit()
        await uow.commit()
    assert sent(recorded) == [early, late]
