"""A use case's session keeps the rows it loaded: saving an entity does not read its row again."""

from __future__ import annotations

import gc

from dishka import AsyncContainer
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

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
