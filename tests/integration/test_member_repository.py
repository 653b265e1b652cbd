"""MemberRepository contract: each test runs on the in-memory store and on PostgreSQL (``any_container``)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from dishka import AsyncContainer

from loopin.domain.identity.member import Member, MemberStatus
from loopin.domain.shared.errors import Conflict
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.integration.conftest import full_member, phone, store_members, waitlisted
from tests.support import Fakes


async def test_add_assigns_increasing_ids(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        first = await repo.add(Member.register(phone(1), now=now))
        second = await repo.add(Member.register(phone(2), now=now))
        await (await scope.get(UnitOfWork)).commit()
    (third,) = await store_members(any_container, Member.register(phone(3), now=now))
    assert 0 < first.id < second.id < third.id


async def test_second_account_for_a_phone_is_a_conflict(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    await store_members(any_container, Member.register(phone(1), now=now))
    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        with pytest.raises(Conflict) as raised:
            await repo.add(Member.register(phone(1), now=now))
    assert raised.value.code == "ACCOUNT_EXISTS"
    async with any_container() as scope:  # the first account is intact, the second left nothing behind
        repo = await scope.get(MemberRepository)
        found = await repo.find_by_phone(phone(1))
        assert found is not None
        assert found.status is MemberStatus.ONBOARDING


async def test_duplicate_phone_within_one_transaction_is_a_conflict(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    now = fakes.clock.now()
    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        await repo.add(Member.register(phone(1), now=now))
        with pytest.raises(Conflict):
            await repo.add(Member.register(phone(1), now=now))


async def test_every_field_round_trips(any_container: AsyncContainer, fakes: Fakes) -> None:
    original = full_member(1, fakes.clock.now())
    expected = full_member(1, fakes.clock.now())
    (stored,) = await store_members(any_container, original)
    expected.id = stored.id
    assert stored == expected

    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        by_id = await repo.get(stored.id)
        by_phone = await repo.find_by_phone(phone(1))
        locked = await repo.get_for_update(stored.id)
    assert by_id == expected
    assert by_phone == expected
    assert locked == expected
    assert by_id is not None
    assert by_id.profile.interest_ids == (7, 1, 4)  # order kept
    assert by_id.joined_at is not None
    assert by_id.joined_at.utcoffset() == timedelta(0)


async def test_unknown_member_is_none(any_container: AsyncContainer) -> None:
    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        assert await repo.get(987654) is None
        assert await repo.get_for_update(987654) is None
        assert await repo.find_by_phone(phone(99)) is None


async def test_save_persists_only_after_commit(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    (member,) = await store_members(any_container, full_member(1, now))

    async with any_container() as writer:
        repo = await writer.get(MemberRepository)
        changed = await repo.get_for_update(member.id)
        assert changed is not None
        changed.profile.name = "Asha R."
        changed.profile.interest_ids = (2,)
        changed.profile.picture_keys = ()
        changed.profile.gender = None
        changed.profile.birth_date = None
        changed.status = MemberStatus.ACTIVE
        changed.promote_at = None
        changed.updated_at = now + timedelta(seconds=1)
        await repo.save(changed)
        assert await repo.get(member.id) == changed  # the writer sees its own change

        async with any_container() as reader:  # another transaction does not, yet
            before = await (await reader.get(MemberRepository)).get(member.id)
            assert before is not None
            assert before.profile.name == "Asha Rao"
            assert before.status is MemberStatus.WAITLISTED

        await (await writer.get(UnitOfWork)).commit()

    async with any_container() as reader:
        after = await (await reader.get(MemberRepository)).get(member.id)
    assert after == changed


async def test_uncommitted_changes_vanish_when_the_scope_closes(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    now = fakes.clock.now()
    (member,) = await store_members(any_container, full_member(1, now))

    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        changed = await repo.get_for_update(member.id)
        assert changed is not None
        changed.profile.name = "Never Saved"
        await repo.save(changed)
        await repo.add(Member.register(phone(2), now=now))
        # no commit

    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        assert await repo.get(member.id) == member
        assert await repo.find_by_phone(phone(2)) is None
        # the row lock went with the transaction: it can be taken again at once
        assert await asyncio.wait_for(repo.get_for_update(member.id), 5) == member


async def test_rollback_discards_changes(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    (member,) = await store_members(any_container, full_member(1, now))
    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        uow = await scope.get(UnitOfWork)
        changed = await repo.get_for_update(member.id)
        assert changed is not None
        changed.profile.bio = "rolled back"
        await repo.save(changed)
        await uow.rollback()
        assert await repo.get(member.id) == member


async def test_save_of_an_unknown_member_fails(any_container: AsyncContainer, fakes: Fakes) -> None:
    ghost = full_member(1, fakes.clock.now())
    ghost.id = 424242
    async with any_container() as scope:
        with pytest.raises(LookupError):
            await (await scope.get(MemberRepository)).save(ghost)


async def test_get_for_update_blocks_a_second_transaction_until_the_first_commits(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    (member,) = await store_members(any_container, full_member(1, fakes.clock.now()))
    events: list[str] = []
    first_holds_lock = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with any_container() as scope:
            repo = await scope.get(MemberRepository)
            mine = await repo.get_for_update(member.id)
            assert mine is not None
            events.append("first locked")
            first_holds_lock.set()
            await release_first.wait()
            mine.profile.name = "Changed First"
            await repo.save(mine)
            events.append("first commits")
            await (await scope.get(UnitOfWork)).commit()

    async def second() -> None:
        await first_holds_lock.wait()
        async with any_container() as scope:
            repo = await scope.get(MemberRepository)
            events.append("second asks")
            mine = await repo.get_for_update(member.id)
            assert mine is not None
            events.append(f"second locked, sees {mine.profile.name}")
            await (await scope.get(UnitOfWork)).commit()

    first_task = asyncio.create_task(first())
    second_task = asyncio.create_task(second())
    await asyncio.wait_for(first_holds_lock.wait(), 5)
    await asyncio.sleep(0.3)  # ample time for the second to take the lock, were it free
    assert not second_task.done()
    assert events == ["first locked", "second asks"]
    release_first.set()
    await asyncio.wait_for(asyncio.gather(first_task, second_task), 10)
    assert events == ["first locked", "second asks", "first commits", "second locked, sees Changed First"]


async def test_plain_reads_do_not_wait_for_a_row_lock(any_container: AsyncContainer, fakes: Fakes) -> None:
    (member,) = await store_members(any_container, full_member(1, fakes.clock.now()))
    async with any_container() as holder:
        assert await (await holder.get(MemberRepository)).get_for_update(member.id) is not None
        async with any_container() as reader:
            repo = await reader.get(MemberRepository)
            assert await asyncio.wait_for(repo.get(member.id), 5) == member
            assert await asyncio.wait_for(repo.find_by_phone(member.phone), 5) == member


async def test_lock_due_for_promotion_returns_due_waitlisted_members_in_order(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    now = fakes.clock.now()
    later = waitlisted(1, now - timedelta(minutes=1))
    earliest = waitlisted(2, now - timedelta(hours=2))
    exactly_now = waitlisted(3, now)
    not_yet = waitlisted(4, now + timedelta(seconds=1))
    middle = waitlisted(5, now - timedelta(minutes=30))
    active = waitlisted(6, now - timedelta(hours=3))
    active.status = MemberStatus.ACTIVE
    deactivated = waitlisted(7, now - timedelta(hours=3))
    deactivated.status = MemberStatus.DEACTIVATED
    onboarding = Member.register(phone(8), now=now)
    await store_members(
        any_container, later, earliest, exactly_now, not_yet, middle, active, deactivated, onboarding
    )

    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        due = await repo.lock_due_for_promotion(now, 10)
        assert [m.phone for m in due] == [earliest.phone, middle.phone, later.phone, exactly_now.phone]
        assert all(m.status is MemberStatus.WAITLISTED for m in due)
        assert due[0] == earliest

    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        limited = await repo.lock_due_for_promotion(now, 2)
        assert [m.phone for m in limited] == [earliest.phone, middle.phone]
        assert await repo.lock_due_for_promotion(now - timedelta(days=1), 10) == []


async def test_a_second_promoter_skips_rows_another_holds(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    members = [waitlisted(n, now - timedelta(minutes=10 - n)) for n in range(1, 6)]
    await store_members(any_container, *members)
    phones = [m.phone for m in members]

    async with any_container() as first:
        first_batch = await (await first.get(MemberRepository)).lock_due_for_promotion(now, 2)
        assert [m.phone for m in first_batch] == phones[:2]
        async with any_container() as second:
            repo = await second.get(MemberRepository)
            second_batch = await asyncio.wait_for(repo.lock_due_for_promotion(now, 2), 5)
            assert [m.phone for m in second_batch] == phones[2:4]
            async with any_container() as third:
                rest = await asyncio.wait_for(
                    (await third.get(MemberRepository)).lock_due_for_promotion(now, 10), 5
                )
                assert [m.phone for m in rest] == phones[4:]

    async with any_container() as scope:  # every lock ended with its transaction
        repo = await scope.get(MemberRepository)
        again = await asyncio.wait_for(repo.lock_due_for_promotion(now, 10), 5)
        assert [m.phone for m in again] == phones


async def test_promoted_members_leave_the_queue(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    await store_members(any_container, waitlisted(1, now - timedelta(minutes=2)), waitlisted(2, now))
    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        for member in await repo.lock_due_for_promotion(now, 10):
            assert member.promote_if_due(now)
            await repo.save(member)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        assert await repo.lock_due_for_promotion(now, 10) == []
        found = await repo.find_by_phone(phone(1))
        assert found is not None
        assert found.status is MemberStatus.ACTIVE
        assert found.updated_at == now


async def test_list_waitlisted_soonest_first(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    later, sooner = await store_members(
        any_container, waitlisted(1, now + timedelta(hours=2)), waitlisted(2, now + timedelta(hours=1))
    )
    await store_members(any_container, Member.register(phone(3), now=now))  # onboarding: not on the list
    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        assert [m.id for m in await repo.list_waitlisted(10)] == [sooner.id, later.id]
        assert [m.id for m in await repo.list_waitlisted(1)] == [sooner.id]


async def test_add_if_phone_free_stores_a_new_member_and_nothing_for_a_taken_phone(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    now = fakes.clock.now()
    (holder,) = await store_members(any_container, full_member(1, now))
    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        assert await repo.add_if_phone_free(Member.register(phone(1), now=now)) is None  # no error either
        added = await repo.add_if_phone_free(Member.register(phone(2), now=now))
        assert added is not None
        assert added.id > holder.id
        assert added.joined_at == now
        assert await repo.lock_by_phone(phone(1)) == holder  # the transaction goes on after the taken phone
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        assert await repo.find_by_phone(phone(2)) == added
        assert await repo.find_by_phone(phone(1)) == holder


async def test_add_if_phone_free_waits_for_a_parallel_add_of_the_phone(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    """As the unique index does: the second insert waits for the first transaction, then finds the phone taken."""
    now = fakes.clock.now()
    async with any_container() as first:
        repo = await first.get(MemberRepository)
        stored = await repo.add_if_phone_free(Member.register(phone(1), now=now))
        assert stored is not None
        async with any_container() as second:
            others = await second.get(MemberRepository)
            waiting = asyncio.create_task(others.add_if_phone_free(Member.register(phone(1), now=now)))
            await asyncio.sleep(0.2)
            assert not waiting.done()
            await (await first.get(UnitOfWork)).commit()
            assert await asyncio.wait_for(waiting, 5) is None


async def test_lock_by_phone_reads_the_member_under_its_lock(any_container: AsyncContainer, fakes: Fakes) -> None:
    (member,) = await store_members(any_container, full_member(1, fakes.clock.now()))
    async with any_container() as holder:
        repo = await holder.get(MemberRepository)
        assert await repo.lock_by_phone(phone(99)) is None
        assert await repo.lock_by_phone(member.phone) == member
        async with any_container() as other:  # the row is held: a second lock by phone waits
            others = await other.get(MemberRepository)
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(others.lock_by_phone(member.phone), 0.3)


async def test_a_member_locked_by_phone_is_saved(any_container: AsyncContainer, fakes: Fakes) -> None:
    """``lock_by_phone`` then ``save`` (sign-in's promotion, admitting, appointing staff): the change is stored."""
    (member,) = await store_members(any_container, waitlisted(1, fakes.clock.now() - timedelta(minutes=1)))
    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        locked = await repo.lock_by_phone(member.phone)
        assert locked is not None
        assert locked.promote_if_due(fakes.clock.now())
        locked.profile.name = "Renamed"
        await repo.save(locked)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        stored = await (await scope.get(MemberRepository)).get(member.id)
    assert stored is not None
    assert (stored.status, stored.profile.name) == (MemberStatus.ACTIVE, "Renamed")


async def test_lock_by_phone_sees_a_change_committed_after_the_member_was_read(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    """A use case that read the member earlier decides on what the lock protects, and reads it so afterwards."""
    (member,) = await store_members(any_container, full_member(1, fakes.clock.now()))
    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        assert await repo.get(member.id) is not None
        async with any_container() as other:
            others = await other.get(MemberRepository)
            changed = await others.get_for_update(member.id)
            assert changed is not None
            changed.profile.name = "Changed meanwhile"
            await others.save(changed)
            await (await other.get(UnitOfWork)).commit()
        locked = await repo.lock_by_phone(member.phone)
        assert locked is not None
        assert locked.profile.name == "Changed meanwhile"
        again = await repo.get(member.id)
        assert again is not None
        assert again.profile.name == "Changed meanwhile"
