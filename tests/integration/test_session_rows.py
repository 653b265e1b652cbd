"""A use case's session keeps the rows it loaded: saving an entity does not read its row again."""

from __future__ import annotations

import gc

from dishka import AsyncContainer
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from loopin.adapters.persistence.database import transaction_connection
from loopin.domain.identity.member import Member
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import Profile
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.support import Fakes


async def test_save_after_a_locked_read_costs_no_second_select(
    service_container: AsyncContainer, fakes: Fakes
) -> None:
    async with service_container() as scope:
        member = await (await scope.get(MemberRepository)).add(
            Member.register(PhoneNumber.parse("+919812300077"), now=fakes.clock.now())
        )
        await (await scope.get(UnitOfWork)).commit()

    statements: list[str] = []
    engine = await service_container.get(AsyncEngine)

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement.split()[0].upper())

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with service_container() as scope:
            members = await scope.get(MemberRepository)
            locked = await members.get_for_update(member.id)
            assert locked is not None
            gc.collect()  # the row object is only weakly held by the identity map
            locked.profile = Profile(name="Asha Rao")
            await members.save(locked)
            await (await scope.get(UnitOfWork)).commit()
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    assert statements == ["SELECT", "UPDATE"]


async def test_a_scope_whose_use_case_committed_ends_with_its_session_closed_and_no_connection_held(
    service_container: AsyncContainer, fakes: Fakes
) -> None:
    engine = await service_container.get(AsyncEngine)
    pool = engine.sync_engine.pool
    async with service_container() as scope:
        member = await (await scope.get(MemberRepository)).add(
            Member.register(PhoneNumber.parse("+919812300078"), now=fakes.clock.now())
        )
        await (await scope.get(UnitOfWork)).commit()
    async with service_container() as scope:
        session = await scope.get(AsyncSession)
        assert await (await scope.get(MemberRepository)).get_for_update(member.id) is not None  # an ORM row
        await (await scope.get(UnitOfWork)).commit()
        assert session.in_transaction() is False
        assert len(session.identity_map) == 1
    assert len(session.identity_map) == 0  # closed: its rows let go of
    assert pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_scope_whose_use_case_did_not_commit_rolls_back_and_hands_its_connection_back(
    service_container: AsyncContainer, fakes: Fakes
) -> None:
    engine = await service_container.get(AsyncEngine)
    pool = engine.sync_engine.pool
    async with service_container() as scope:
        session = await scope.get(AsyncSession)
        member = await (await scope.get(MemberRepository)).add(
            Member.register(PhoneNumber.parse("+919812300079"), now=fakes.clock.now())
        )
        assert pool.checkedout() == 1  # type: ignore[attr-defined]
    assert session.in_transaction() is False
    assert pool.checkedout() == 0  # type: ignore[attr-defined]
    async with service_container() as scope:
        assert await (await scope.get(MemberRepository)).get(member.id) is None  # rolled back


async def test_core_statements_of_one_transaction_share_its_connection_and_a_new_transaction_gets_its_own(
    service_container: AsyncContainer,
) -> None:
    async with service_container() as scope:
        session = await scope.get(AsyncSession)
        first = await transaction_connection(session)
        assert await transaction_connection(session) is first
        assert first.sync_connection is (await session.connection()).sync_connection
        await session.commit()
        second = await transaction_connection(session)
        assert second is not first
        assert second.sync_connection is (await session.connection()).sync_connection
        await session.rollback()
