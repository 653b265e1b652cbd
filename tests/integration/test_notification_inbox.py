"""NotificationRepository and PreferenceRepository contract on the in-memory store and on PostgreSQL: the inbox
pages, counts and marks read by owner only; mark-all-read racing new notifications loses none; due pushes are
claimed once; preferences round-trip."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from dishka import AsyncContainer

from loopin.domain.identity.member import Member
from loopin.domain.notifications.notification import Notification
from loopin.domain.notifications.preferences import Preferences
from loopin.domain.notifications.templates import NotificationKind
from loopin.entrypoints.worker.registry import run_job
from loopin.usecases.notifications.deliver import notification_job
from loopin.usecases.notifications.inbox import AllRead, MarkAllRead
from loopin.usecases.notifications.ports import NotificationRepository, PreferenceRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.integration.conftest import phone, store_members
from tests.support import Fakes


async def members(container: AsyncContainer, fakes: Fakes, count: int) -> list[Member]:
    now = fakes.clock.now()
    return await store_members(container, *(Member.register(phone(n), now=now) for n in range(1, count + 1)))


async def deliver(container: AsyncContainer, recipient_id: int, n: int = 0) -> None:
    job = notification_job("request_declined", recipient_id=recipient_id, values={"event_name": f"Jam {n}"})
    await run_job(container, job)


async def stored(container: AsyncContainer, member_id: int) -> list[Notification]:
    async with container() as scope:
        found = await (await scope.get(NotificationRepository)).page(
            member_id, before_id=None, unread_only=False, limit=1000
        )
        await (await scope.get(UnitOfWork)).commit()
    return found


async def test_pages_counts_and_owner_only(any_container: AsyncContainer, fakes: Fakes) -> None:
    me, other = await members(any_container, fakes, 2)
    for n in range(4):
        await deliver(any_container, me.id, n)
    await deliver(any_container, other.id)
    async with any_container() as scope:
        repo = await scope.get(NotificationRepository)
        newest = await repo.page(me.id, before_id=None, unread_only=False, limit=2)
        assert [n.title for n in newest] == ["Request Declined: Jam 3", "Request Declined: Jam 2"]
        older = await repo.page(me.id, before_id=newest[-1].id, unread_only=False, limit=10)
        assert [n.title for n in older] == ["Request Declined: Jam 1", "Request Declined: Jam 0"]
        assert await repo.unread_count(me.id) == 4
        [theirs] = await repo.page(other.id, before_id=None, unread_only=False, limit=10)
        assert await repo.lock_mine(me.id, theirs.id) is None
        mine = await repo.lock_mine(me.id, newest[0].id)
        assert mine is not None
        assert (mine.urgent, mine.data["route"]) == (False, "event_detail")
        mine.read_at = fakes.clock.now()
        await repo.save(mine)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        repo = await scope.get(NotificationRepository)
        assert await repo.unread_count(me.id) == 3
        unread = await repo.page(me.id, before_id=None, unread_only=True, limit=10)
        assert [n.id for n in unread] == [newest[1].id] + [n.id for n in older]
        assert await repo.mark_all_read(me.id, None, fakes.clock.now()) == (3, newest[0].id)
        assert await repo.unread_count(other.id) == 1
        await (await scope.get(UnitOfWork)).commit()


async def test_mark_all_read_racing_new_notifications_loses_none(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    """Thirty notifications arrive while the member marks all read five times: every one is stored, each is read
    exactly when its id is at or below a watermark some mark-all-read answered, and the rest stay unread."""
    [me] = await members(any_container, fakes, 1)
    for n in range(5):
        await deliver(any_container, me.id, n)

    async def mark() -> AllRead:
        async with any_container() as scope:
            done: AllRead = await (await scope.get(MarkAllRead))(member_id=me.id)
            return done

    outcomes = await asyncio.gather(
        *(deliver(any_container, me.id, 100 + n) for n in range(30)), *(mark() for _ in range(5))
    )
    answers = [o for o in outcomes if isinstance(o, AllRead)]
    rows = await stored(any_container, me.id)
    assert len(rows) == 35
    assert len({n.key for n in rows}) == 35
    watermark = max(a.up_to_id or 0 for a in answers)
    assert watermark >= max(n.id for n in rows[-5:])  # the first five were there before any mark
    assert sum(a.marked for a in answers) == sum(1 for n in rows if n.is_read)
    for n in rows:
        assert n.is_read == (n.id <= watermark), f"notification {n.id} vs watermark {watermark}"
    async with any_container() as scope:
        assert await (await scope.get(NotificationRepository)).unread_count(me.id) == sum(
            1 for n in rows if n.id > watermark
        )
        await (await scope.get(UnitOfWork)).commit()


async def test_due_pushes_are_claimed_once_across_parallel_sweeps(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    [me] = await members(any_container, fakes, 1)
    now = fakes.clock.now()
    async with any_container() as scope:
        repo = await scope.get(NotificationRepository)
        for n in range(6):
            await repo.add(
                Notification(
                    0,
                    f"k{n}",
                    me.id,
                    "system",
                    "announcement",
                    f"t{n}",
                    "b",
                    created_at=now,
                    push_due_at=now + timedelta(minutes=n - 3),
                )
            )
        await (await scope.get(UnitOfWork)).commit()

    async def claim() -> list[str]:
        async with any_container() as scope:
            repo = await scope.get(NotificationRepository)
            due = await repo.lock_push_due(fakes.clock.now(), 10)
            await asyncio.sleep(0.05)  # hold the locks while the other sweep looks
            for n in due:
                n.pushed_at = fakes.clock.now()
                await repo.save(n)
            await (await scope.get(UnitOfWork)).commit()
            return [n.key for n in due]

    first, second = await asyncio.gather(claim(), claim())
    assert sorted(first + second) == ["k0", "k1", "k2", "k3"]  # due now or before; each claimed once
    assert await claim() == []


async def test_preferences_round_trip(any_container: AsyncContainer, fakes: Fakes) -> None:
    [me] = await members(any_container, fakes, 1)
    async with any_container() as scope:
        repo = await scope.get(PreferenceRepository)
        assert (await repo.get(me.id)).muted == frozenset()
        chosen = Preferences(me.id)
        chosen.mute(frozenset({NotificationKind.REMINDER, NotificationKind.PROMOTIONAL}), fakes.clock.now())
        await repo.save(chosen)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        repo = await scope.get(PreferenceRepository)
        again = await repo.get(me.id)
        assert again.muted == chosen.muted
        assert again.updated_at == chosen.updated_at
        again.mute(frozenset(), fakes.clock.now())
        await repo.save(again)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        assert (await (await scope.get(PreferenceRepository)).get(me.id)).muted == frozenset()
        await (await scope.get(UnitOfWork)).commit()


async def test_old_notifications_go_oldest_first_passing_over_held_rows(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    me, other = await members(any_container, fakes, 2)
    for n in range(3):
        await deliver(any_container, me.id, n)
    await deliver(any_container, other.id, 9)
    fakes.clock.advance(timedelta(days=10))
    await deliver(any_container, me.id, 4)
    oldest, *_ = sorted(await stored(any_container, me.id), key=lambda n: n.id)
    cutoff = fakes.clock.now() - timedelta(days=5)
    async with any_container() as holder:  # a push of the oldest in progress: its row is locked
        assert await (await holder.get(NotificationRepository)).lock_by_key(oldest.key) is not None
        async with any_container() as scope:
            assert await (await scope.get(NotificationRepository)).delete_older_than(cutoff, 2) == 2
            await (await scope.get(UnitOfWork)).commit()
        await (await holder.get(UnitOfWork)).commit()
    async with any_container() as scope:
        assert await (await scope.get(NotificationRepository)).delete_older_than(cutoff, 10) == 2
        await (await scope.get(UnitOfWork)).commit()
    assert ["Jam 4" in n.body for n in await stored(any_container, me.id)] == [True]
    assert await stored(any_container, other.id) == []
