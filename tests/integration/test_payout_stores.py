"""Payout stores' contract: each test runs on the in-memory store and on PostgreSQL (``any_container``).

Bank accounts round-trip (the sealed number as bytes), list primary first then newest, hide other hosts' and
removed ones, find a duplicate by fingerprint; the host lock serialises two transactions; payouts round-trip
with their allocations, one in flight per host, a UTR once; earnings sum the ledger per event as a host reads
it. PostgreSQL also never holds the plain account number anywhere in the row.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from dishka import AsyncContainer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from loopin.domain.identity.member import Member
from loopin.domain.payouts.bank_account import BankAccount
from loopin.domain.shared.errors import ConcurrentChange
from loopin.usecases.payouts.ports import AccountNumberVault, BankAccountRepository, PayoutHosts
from loopin.usecases.shared.ports import UnitOfWork
from tests.integration.events_support import members
from tests.support import Fakes

NUMBER = "123456789012"


async def account(
    container: AsyncContainer,
    host: Member,
    fakes: Fakes,
    *,
    number: str = NUMBER,
    primary: bool = False,
    minutes: int = 0,
) -> BankAccount:
    vault = await container.get(AccountNumberVault)
    now = fakes.clock.now() + timedelta(minutes=minutes)
    made = BankAccount(
        id=0,
        host_id=host.id,
        bank_name="State Bank of India",
        ifsc_code="SBIN0001234",
        account_holder_name="Asha Rao",
        last4=number[-4:],
        sealed_number=vault.seal(number, host_id=host.id),
        fingerprint=vault.fingerprint("SBIN0001234", number),
        is_primary=primary,
        created_at=now,
        updated_at=now,
    )
    async with container() as scope:
        stored = await (await scope.get(BankAccountRepository)).add(made)
        await (await scope.get(UnitOfWork)).commit()
    return stored


async def test_bank_accounts_round_trip_and_list_primary_first(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    host, other = await members(any_container, fakes.clock.now(), 2)
    old = await account(any_container, host, fakes, number="11112222333", minutes=0)
    primary = await account(any_container, host, fakes, primary=True, minutes=1)
    new = await account(any_container, host, fakes, number="44445555666", minutes=2)
    theirs = await account(any_container, other, fakes, minutes=3)
    vault = await any_container.get(AccountNumberVault)
    async with any_container() as scope:
        repo = await scope.get(BankAccountRepository)
        listed = await repo.of_host(host.id)
        assert [a.id for a in listed] == [primary.id, new.id, old.id]
        got = await repo.get(primary.id, host_id=host.id)
        assert got is not None
        assert (got.last4, got.ifsc_code, got.is_primary, got.masked_number) == (
            "9012",
            "SBIN0001234",
            True,
            "XXXXXX9012",
        )
        assert vault.open(got.sealed_number, host_id=host.id) == NUMBER
        assert await repo.get(theirs.id, host_id=host.id) is None
        assert await repo.get(2**63, host_id=host.id) is None
        assert (await repo.find(host.id, vault.fingerprint("SBIN0001234", NUMBER))) is not None
        assert await repo.find(other.id, vault.fingerprint("SBIN0001234", "11112222333")) is None
        got.remove(fakes.clock.now())
        await repo.save(got)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        repo = await scope.get(BankAccountRepository)
        assert [a.id for a in await repo.of_host(host.id)] == [new.id, old.id]
        assert await repo.get(primary.id, host_id=host.id) is None
        assert (await repo.by_ids([primary.id, theirs.id]))[primary.id].is_active is False


async def test_a_second_active_copy_or_a_second_primary_is_refused_alike(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    """The use cases check first under the host lock; the store's own rule is the last word, said the same way."""
    (host,) = await members(any_container, fakes.clock.now(), 1)
    await account(any_container, host, fakes, primary=True)
    with pytest.raises(ConcurrentChange) as copy:
        await account(any_container, host, fakes, minutes=1)
    with pytest.raises(ConcurrentChange) as second_primary:
        await account(any_container, host, fakes, number="44445555666", primary=True, minutes=2)
    assert copy.value.code == second_primary.value.code == "CONFLICT"
    async with any_container() as scope:
        assert len(await (await scope.get(BankAccountRepository)).of_host(host.id)) == 1


async def test_the_host_lock_serialises_two_transactions(any_container: AsyncContainer, fakes: Fakes) -> None:
    [host] = await members(any_container, fakes.clock.now(), 1)
    order: list[str] = []
    first_has_it = asyncio.Event()

    async def first() -> None:
        async with any_container() as scope:
            await (await scope.get(PayoutHosts)).lock(host.id)
            order.append("first locked")
            first_has_it.set()
            await asyncio.sleep(0.2)
            order.append("first done")
            await (await scope.get(UnitOfWork)).commit()

    async def second() -> None:
        await first_has_it.wait()
        async with any_container() as scope:
            await (await scope.get(PayoutHosts)).lock(host.id)
            order.append("second locked")
            await (await scope.get(UnitOfWork)).commit()

    await asyncio.gather(first(), second())
    assert order == ["first locked", "first done", "second locked"]


async def test_the_database_never_holds_the_plain_number(service_container: AsyncContainer, fakes: Fakes) -> None:
    [host] = await members(service_container, fakes.clock.now(), 1)
    await account(service_container, host, fakes)
    async with service_container() as scope:
        session = await scope.get(AsyncSession)
        [row] = (await session.execute(text("SELECT * FROM bank_accounts"))).mappings().all()
        dump = " ".join(str(v) for v in row.values())
        raw = bytes(row["sealed_number"])
    assert NUMBER not in dump
    assert NUMBER.encode() not in raw
    assert row["last4"] == "9012"
