"""Deleting an account when the member has money with us, a bank account, notification settings or a place in
an event's line: money owed comes first, the line moves on, and the copy of their data shows all of it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest

from loopin.domain.identity.member import Member, Role
from loopin.usecases.attendance.guest_tickets import CancelAttendance
from loopin.usecases.attendance.waitlist import GetMyWaitlistPlace
from loopin.usecases.audit.ports import AuditLog, AuditQuery
from loopin.usecases.notifications.ports import PreferenceRepository
from loopin.usecases.notifications.preferences import ChangeNotificationPreferences
from loopin.usecases.payouts.ports import BankAccountRepository
from loopin.usecases.payouts.requests import RequestPayout
from loopin.usecases.payouts.staff import ApprovePayout, MarkPayoutPaid
from loopin.usecases.privacy.erase import AccountHasCommitments, EraseMyAccount
from loopin.usecases.privacy.export import ExportMyData
from loopin.usecases.privacy.ports import PersonalData
from loopin.usecases.privacy.views import MemberExport
from tests.unit.usecases.attendance.test_waitlist import full_event, join
from tests.unit.usecases.payouts.conftest import Money
from tests.unit.usecases.privacy.test_privacy import code_for
from tests.unit.usecases.world import World


async def erase(world: World, member: Member, code: str | None = None) -> None:
    """With ``code``, a code already sent (a refusal does not use it up); else a fresh one."""
    await world.run(EraseMyAccount, member_id=member.id, otp_code=code or await code_for(world, member))


async def test_money_owed_to_the_member_comes_first(money: Money) -> None:
    world, host = money.world, money.host
    event = await money.event()
    await money.sale(event, seats=3)
    with pytest.raises(AccountHasCommitments, match="still settling"):
        await erase(world, host)
    money.settle(event)
    code = await code_for(world, host)
    with pytest.raises(AccountHasCommitments, match=r"withdraw your balance \(₹300"):
        await erase(world, host, code)
    account = await money.account()
    payout = await world.run(RequestPayout, member_id=host.id, bank_account_id=None, amount=None)
    with pytest.raises(AccountHasCommitments, match=f"payout #{payout.id}"):
        await erase(world, host, code)
    staff = await world.member(99, role=Role.STAFF)
    await world.run(ApprovePayout, member_id=staff.id, payout_id=payout.id)
    await world.run(MarkPayoutPaid, member_id=staff.id, payout_id=payout.id, utr="SBIN426000000777")
    await world.run(ChangeNotificationPreferences, member_id=host.id, muted=["reminder"])

    copy: MemberExport = await world.run(ExportMyData, member_id=host.id)
    [shown] = copy.bank_accounts
    assert (shown.id, shown.last4, shown.is_primary, shown.is_active) == (account, "9012", True, True)
    assert "123456789012" not in repr(copy)  # never the number
    assert [(p.id, p.amount, p.status, p.utr) for p in copy.payouts] == [
        (payout.id, "300.00", "paid", "SBIN426000000777")
    ]
    assert copy.notification_settings.muted == ["reminder"]

    await erase(world, host, code)  # paid out: nothing stands in the way
    async with world.container() as scope:
        assert await (await scope.get(BankAccountRepository)).of_host(host.id) == []
        [kept] = await (await scope.get(PersonalData)).bank_accounts(host.id)
        assert (kept.id, kept.last4, kept.sealed_number, kept.is_active) == (account, "9012", b"", False)
        assert kept.removed_at is not None
        assert (await (await scope.get(PreferenceRepository)).get(host.id)).muted == frozenset()
        (erased,) = await (await scope.get(AuditLog)).search(AuditQuery(action="member.erased"))
    assert (erased.details["bank_accounts"], erased.details["preferences"]) == (1, 1)


async def test_a_balance_below_the_payout_minimum_does_not_block(money: Money) -> None:
    event = await money.event(price="50.00")
    await money.sale(event)
    money.settle(event)
    summary = await money.summary()
    assert D(0) < summary.balance.available < D("100.00")
    await erase(money.world, money.host)


async def test_a_place_in_line_is_left_and_an_offer_passes_to_the_next(world: World) -> None:
    host = await world.member(1)
    event, (holder,), (me, next_one) = await full_event(world, host, capacity=1, accepted={2: 1, 3: 1})
    await join(world, me, event)
    await join(world, next_one, event)
    await world.run(CancelAttendance, member_id=holder.id, event_id=event.id)
    offered = await world.run(GetMyWaitlistPlace, member_id=me.id, event_id=event.id)
    assert offered.status == "offered"

    copy: MemberExport = await world.run(ExportMyData, member_id=me.id)
    assert [(p.event_id, p.event_title, p.status) for p in copy.waitlist_places] == [
        (event.id, event.title, "offered")
    ]
    await erase(world, me)
    theirs = await world.run(GetMyWaitlistPlace, member_id=next_one.id, event_id=event.id)
    assert theirs.status == "offered"  # the seat the erased member held went on down the line
    async with world.container() as scope:
        [record] = await (await scope.get(PersonalData)).waitlist_places(me.id)
    assert record.place.status.value == "left"
    assert "waitlist.left" in await world.actions("waitlist_place", record.place.id)
    world.advance(timedelta(seconds=1))
