"""Bank accounts on the in-memory adapters: only hosts, the first is primary, one primary at a time, a retried
submit answers the stored account, removal hands the primary on; every change audited, numbers masked."""

from __future__ import annotations

import pytest

from loopin.adapters.memory.payouts import BANK_ACCOUNTS
from loopin.domain.identity.member import Member
from loopin.domain.payouts.bank_account import BankDetails
from loopin.domain.payouts.errors import BankAccountNotFound, NotAHost
from loopin.usecases.payouts.bank_accounts import (
    AddBankAccount,
    ListBankAccounts,
    MakePrimaryBankAccount,
    RemoveBankAccount,
)
from loopin.usecases.payouts.ports import AccountNumberVault
from loopin.usecases.payouts.views import BankAccountAdded
from tests.unit.usecases.world import World


def details(number: str = "123456789012", ifsc: str = "SBIN0001234", primary: bool = False) -> BankDetails:
    return BankDetails.parse(
        bank_name="State Bank of India",
        account_number=number,
        ifsc_code=ifsc,
        account_holder_name="Asha Rao",
        is_primary=primary,
    )


async def host(world: World, n: int = 1) -> Member:
    member = await world.member(n)
    await world.event(member)
    return member


async def add(world: World, member: Member, **kw: object) -> BankAccountAdded:
    result: BankAccountAdded = await world.run(AddBankAccount, member_id=member.id, details=details(**kw))  # type: ignore[arg-type]
    return result


async def test_only_a_host_may_add_an_account(world: World) -> None:
    guest = await world.member(2)
    with pytest.raises(NotAHost):
        await add(world, guest)
    assert not (await world.store()).tables[BANK_ACCOUNTS]


async def test_the_first_account_is_primary_and_stored_sealed(world: World) -> None:
    h = await host(world)
    added = await add(world, h)
    assert added.created
    view = added.account
    assert (view.masked_account_number, view.is_primary, view.ifsc_code) == ("XXXXXX9012", True, "SBIN0001234")
    [stored] = (await world.store()).tables[BANK_ACCOUNTS].values()
    assert b"123456789012" not in stored.sealed_number
    assert "123456789012" not in repr(stored)
    vault = await world.get(AccountNumberVault)
    assert vault.open(stored.sealed_number, host_id=h.id) == "123456789012"
    assert await world.actions("bank_account", view.id) == ["bank_account.added"]
    [entry] = await world.audit("bank_account", view.id)
    assert entry.details["account"] == "XXXXXX9012"
    assert "123456789012" not in str(entry.details)


async def test_the_same_account_again_answers_the_stored_one(world: World) -> None:
    h = await host(world)
    first = await add(world, h)
    again = await add(world, h, number="1234 5678 9012", ifsc="sbin0001234")
    assert not again.created
    assert again.account.id == first.account.id
    assert len(await world.run(ListBankAccounts, member_id=h.id)) == 1


async def test_one_primary_at_a_time(world: World) -> None:
    h = await host(world)
    first = (await add(world, h)).account
    second = (await add(world, h, number="99990000111")).account
    assert not second.is_primary
    third = (await add(world, h, number="55554444333", primary=True)).account
    assert third.is_primary
    listed = await world.run(ListBankAccounts, member_id=h.id)
    assert [a.id for a in listed] == [third.id, second.id, first.id]
    assert [a.is_primary for a in listed] == [True, False, False]
    made = await world.run(MakePrimaryBankAccount, member_id=h.id, account_id=first.id)
    assert made.is_primary
    listed = await world.run(ListBankAccounts, member_id=h.id)
    assert (listed[0].id, listed[0].is_primary) == (first.id, True)
    assert sum(a.is_primary for a in listed) == 1


async def test_removing_the_primary_hands_it_to_the_newest_other(world: World) -> None:
    h = await host(world)
    first = (await add(world, h)).account
    second = (await add(world, h, number="99990000111")).account
    await world.run(RemoveBankAccount, member_id=h.id, account_id=first.id)
    [left] = await world.run(ListBankAccounts, member_id=h.id)
    assert (left.id, left.is_primary) == (second.id, True)
    assert await world.actions("bank_account", first.id) == ["bank_account.added", "bank_account.removed"]
    with pytest.raises(BankAccountNotFound):
        await world.run(RemoveBankAccount, member_id=h.id, account_id=first.id)


async def test_another_hosts_account_does_not_exist_for_me(world: World) -> None:
    mine, theirs = await host(world, 1), await host(world, 2)
    account = (await add(world, theirs)).account
    with pytest.raises(BankAccountNotFound):
        await world.run(MakePrimaryBankAccount, member_id=mine.id, account_id=account.id)
    with pytest.raises(BankAccountNotFound):
        await world.run(RemoveBankAccount, member_id=mine.id, account_id=account.id)
    assert await world.run(ListBankAccounts, member_id=mine.id) == []
