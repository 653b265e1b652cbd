"""UnitOfWork + JobQueue contract: jobs leave only after, and only once per, commit (in-memory and SQL)."""

from __future__ import annotations

from dishka import AsyncContainer

from loopin.domain.identity.member import Member
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.shared.ports import Job, JobQueue, UnitOfWork
from tests.integration.conftest import Recorded, phone
from tests.support import Fakes


async def ports(scope: AsyncContainer) -> tuple[MemberRepository, UnitOfWork, JobQueue]:
    return await scope.get(MemberRepository), await scope.get(UnitOfWork), await scope.get(JobQueue)


async def test_commit_dispatches_the_jobs_once(recorded: Recorded, fakes: Fakes) -> None:
    first, second = Job("test.first", {"n": 1}), Job("test.second", {"flag": True}, key="k")
    async with recorded.container() as scope:
        repo, uow, jobs = await ports(scope)
        await repo.add(Member.register(phone(1), now=fakes.clock.now()))
        jobs.enqueue(first)
        jobs.enqueue(second)
        assert recorded.dispatcher.jobs == []  # buffered while the transaction is open
        await uow.commit()
        assert recorded.dispatcher.jobs == [first, second]
        await uow.commit()  # nothing new: nothing dispatched again
    assert recorded.dispatcher.jobs == [first, second]
    async with recorded.container() as scope:
        assert await (await scope.get(MemberRepository)).find_by_phone(phone(1)) is not None


async def test_rollback_drops_the_jobs_and_the_changes(recorded: Recorded, fakes: Fakes) -> None:
    async with recorded.container() as scope:
        repo, uow, jobs = await ports(scope)
        await repo.add(Member.register(phone(1), now=fakes.clock.now()))
        jobs.enqueue(Job("test.dropped"))
        await uow.rollback()
        await uow.commit()  # a later commit of the same scope does not resurrect them
    assert recorded.dispatcher.jobs == []
    async with recorded.container() as scope:
        assert await (await scope.get(MemberRepository)).find_by_phone(phone(1)) is None


async def test_scope_closed_without_commit_dispatches_nothing(recorded: Recorded, fakes: Fakes) -> None:
    async with recorded.container() as scope:
        repo, _, jobs = await ports(scope)
        await repo.add(Member.register(phone(1), now=fakes.clock.now()))
        jobs.enqueue(Job("test.abandoned"))
    assert recorded.dispatcher.jobs == []
    async with recorded.container() as scope:
        assert await (await scope.get(MemberRepository)).find_by_phone(phone(1)) is None


async def test_jobs_after_a_rollback_belong_to_the_next_commit(recorded: Recorded) -> None:
    kept = Job("test.kept")
    async with recorded.container() as scope:
        _, uow, jobs = await ports(scope)
        jobs.enqueue(Job("test.dropped"))
        await uow.rollback()
        jobs.enqueue(kept)
        await uow.commit()
    assert recorded.dispatcher.jobs == [kept]


async def test_each_scope_has_its_own_job_buffer(recorded: Recorded) -> None:
    mine, theirs = Job("test.mine"), Job("test.theirs")
    async with recorded.container() as scope, recorded.container() as other:
        _, uow, jobs = await ports(scope)
        _, other_uow, other_jobs = await ports(other)
        jobs.enqueue(mine)
        other_jobs.enqueue(theirs)
        await other_uow.rollback()
        await uow.commit()
    assert recorded.dispatcher.jobs == [mine]
