"""OtpChallengeRepository and InterestRepository contracts, on the in-memory store and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from dishka import AsyncContainer

from loopin.domain.identity.interest import SEED_INTERESTS, slugify
from loopin.domain.identity.member import Member
from loopin.domain.identity.otp import OtpChallenge
from loopin.usecases.identity.ports import InterestRepository, OtpChallengeRepository, SignInChallenge
from loopin.usecases.shared.ports import UnitOfWork
from tests.integration.conftest import phone, store_members
from tests.support import Fakes


def challenge(n: int, fakes: Fakes, digest: str = "a" * 64) -> OtpChallenge:
    now = fakes.clock.now()
    return OtpChallenge(phone(n), digest, issued_at=now, expires_at=now + timedelta(minutes=10))


async def put_committed(container: AsyncContainer, *challenges: OtpChallenge) -> None:
    async with container() as scope:
        repo = await scope.get(OtpChallengeRepository)
        for c in challenges:
            await repo.put(c)
        await (await scope.get(UnitOfWork)).commit()


async def test_missing_challenge_is_none(any_container: AsyncContainer) -> None:
    async with any_container() as scope:
        assert await (await scope.get(OtpChallengeRepository)).get_for_update(phone(1)) is None


async def test_challenge_round_trips(any_container: AsyncContainer, fakes: Fakes) -> None:
    stored = challenge(1, fakes)
    stored.attempts = 2
    stored.consumed_at = fakes.clock.now() + timedelta(seconds=42, microseconds=7)
    await put_committed(any_container, stored, challenge(2, fakes, "b" * 64))
    async with any_container() as scope:
        repo = await scope.get(OtpChallengeRepository)
        assert await repo.get_for_update(phone(1)) == stored
        assert await repo.get_for_update(phone(2)) == challenge(2, fakes, "b" * 64)


async def test_lock_for_sign_in_says_whether_an_account_holds_the_phone(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    await put_committed(any_container, challenge(1, fakes), challenge(2, fakes))
    await store_members(any_container, Member.register(phone(1), now=fakes.clock.now()))
    async with any_container() as scope:
        repo = await scope.get(OtpChallengeRepository)
        assert await repo.lock_for_sign_in(phone(3)) is None
        assert await repo.lock_for_sign_in(phone(1)) == SignInChallenge(challenge(1, fakes), phone_taken=True)
        assert await repo.lock_for_sign_in(phone(2)) == SignInChallenge(challenge(2, fakes), phone_taken=False)
        async with any_container() as other:  # the challenge is held: a second sign-in of the phone waits
            others = await other.get(OtpChallengeRepository)
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(others.lock_for_sign_in(phone(2)), 0.3)


async def test_put_replaces_the_earlier_challenge(any_container: AsyncContainer, fakes: Fakes) -> None:
    first = challenge(1, fakes)
    first.attempts = 3
    await put_committed(any_container, first)
    later = fakes.clock.now() + timedelta(minutes=1)
    replacement = OtpChallenge(phone(1), "c" * 64, issued_at=later, expires_at=later + timedelta(minutes=10))
    async with any_container() as scope:
        repo = await scope.get(OtpChallengeRepository)
        assert await repo.get_for_update(phone(1)) == first  # loaded (and locked) before the upsert
        await repo.put(replacement)
        assert await repo.get_for_update(phone(1)) == replacement  # the transaction sees its own upsert
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        assert await (await scope.get(OtpChallengeRepository)).get_for_update(phone(1)) == replacement


async def test_a_new_code_keeps_the_phone_s_wrong_codes(any_container: AsyncContainer, fakes: Fakes) -> None:
    """``put`` stores the wrong codes it carries; ``put_new`` (a new code) keeps the stored ones: the lockout
    counts wrong codes across a phone's codes."""
    now = fakes.clock.now()
    guessed = challenge(1, fakes)
    guessed.wrong_codes = (now - timedelta(hours=2), now - timedelta(minutes=1, microseconds=5))
    await put_committed(any_container, guessed)
    async with any_container() as scope:
        repo = await scope.get(OtpChallengeRepository)
        await repo.put_new(challenge(1, fakes, "d" * 64))
        await repo.put_new(challenge(2, fakes, "e" * 64))  # a phone's first code: nothing to keep
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        repo = await scope.get(OtpChallengeRepository)
        replaced = await repo.get_for_update(phone(1))
        assert replaced is not None
        assert (replaced.code_digest, replaced.wrong_codes) == ("d" * 64, guessed.wrong_codes)
        assert await repo.get_for_update(phone(2)) == challenge(2, fakes, "e" * 64)
        replaced.forget_wrong_codes()
        await repo.put(replaced)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        stored = await (await scope.get(OtpChallengeRepository)).get_for_update(phone(1))
        assert stored is not None
        assert stored.wrong_codes == ()


async def test_put_without_commit_leaves_nothing(any_container: AsyncContainer, fakes: Fakes) -> None:
    async with any_container() as scope:
        await (await scope.get(OtpChallengeRepository)).put(challenge(1, fakes))
    async with any_container() as scope:
        assert await (await scope.get(OtpChallengeRepository)).get_for_update(phone(1)) is None


async def test_challenge_row_lock_serialises_transactions(any_container: AsyncContainer, fakes: Fakes) -> None:
    await put_committed(any_container, challenge(1, fakes))
    events: list[str] = []
    first_locked = asyncio.Event()
    release = asyncio.Event()

    async def first() -> None:
        async with any_container() as scope:
            repo = await scope.get(OtpChallengeRepository)
            current = await repo.get_for_update(phone(1))
            assert current is not None
            first_locked.set()
            await release.wait()
            current.attempts += 1
            await repo.put(current)
            events.append("first commits")
            await (await scope.get(UnitOfWork)).commit()

    async def second() -> None:
        await first_locked.wait()
        async with any_container() as scope:
            repo = await scope.get(OtpChallengeRepository)
            current = await repo.get_for_update(phone(1))
            assert current is not None
            events.append(f"second sees {current.attempts} attempts")
            current.attempts += 1
            await repo.put(current)
            await (await scope.get(UnitOfWork)).commit()

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await asyncio.wait_for(first_locked.wait(), 5)
    await asyncio.sleep(0.3)
    assert events == []
    assert not tasks[1].done()
    release.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    assert events == ["first commits", "second sees 1 attempts"]
    async with any_container() as scope:  # no lost update
        final = await (await scope.get(OtpChallengeRepository)).get_for_update(phone(1))
    assert final is not None
    assert final.attempts == 2


async def test_twenty_seeded_interests_are_active_and_sorted_by_name(any_container: AsyncContainer) -> None:
    async with any_container() as scope:
        interests = await (await scope.get(InterestRepository)).list_active()
    assert len(interests) == 20
    assert [i.name for i in interests] == sorted(SEED_INTERESTS)
    assert all(i.is_active for i in interests)
    assert all(i.slug == slugify(i.name) for i in interests)
    assert len({i.id for i in interests}) == 20
    assert all(i.created_at is not None and i.updated_at is not None for i in interests)


async def test_get_many_returns_known_interests_and_ignores_unknown_ids(any_container: AsyncContainer) -> None:
    async with any_container() as scope:
        repo = await scope.get(InterestRepository)
        by_id = {i.id: i for i in await repo.list_active()}
        ids = sorted(by_id)
        wanted = [ids[3], ids[0], ids[7]]
        found = await repo.get_many([*wanted, 999_999, -1, ids[0]])
        assert sorted(i.id for i in found) == sorted(wanted)
        assert all(i == by_id[i.id] for i in found)
        assert await repo.get_many([]) == []
        assert await repo.get_many([999_999]) == []
