"""The staff console's use cases on the in-memory adapters: signing in and stepping up with the app's codes,
switching accounts off and on, letting members in, and the paged member directory and dashboard."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from loopin.domain.identity.member import MemberStatus, Role, StaffOnly
from loopin.domain.identity.otp import OtpNotRequested, OtpRejected
from loopin.domain.shared.errors import Conflict, InvalidInput
from loopin.usecases.identity.moderation import AppointStaff, DeactivateMember, MemberNotFound, ReactivateMember
from loopin.usecases.identity.ports import TokenRevocations
from loopin.usecases.identity.verify_otp import AccountNotFound
from loopin.usecases.identity.waitlist import AdmitMember
from loopin.usecases.staff.console import ReadDashboard, SearchMembers, ViewMember
from loopin.usecases.staff.ports import PageRequest
from loopin.usecases.staff.sign_in import RequestStepUpCode, StaffSignIn, StaffStepUp
from tests.unit.usecases.world import ADDRESS, START, World, phone

STAFF_PHONE = "+919000000001"


async def staff(world: World) -> int:
    member = await world.run(AppointStaff, phone_number=STAFF_PHONE)
    return int(member.id)


async def test_an_operator_makes_staff_once_and_the_account_exists_at_once(world: World) -> None:
    first = await world.run(AppointStaff, phone_number=STAFF_PHONE)
    again = await world.run(AppointStaff, phone_number=" +91 90000 00001 ")
    assert first.id == again.id
    stored = await world.stored_member(first.id)
    assert (stored.role, stored.status, stored.profile.name) == (Role.STAFF, MemberStatus.ACTIVE, "Loopin Staff")
    assert await world.actions("member", first.id) == ["member.made_staff"]
    boss = await world.run(AppointStaff, phone_number=STAFF_PHONE, superuser=True)  # staff become a superuser
    again = await world.run(AppointStaff, phone_number=STAFF_PHONE)  # and making staff never demotes one
    assert (boss.id, (await world.stored_member(first.id)).role) == (first.id, Role.SUPERUSER)
    assert again.role is Role.SUPERUSER
    assert await world.actions("member", first.id) == ["member.made_staff", "member.made_superuser"]
    newcomer = await world.run(AppointStaff, phone_number="+919000000002", superuser=True)
    assert (await world.stored_member(newcomer.id)).role is Role.SUPERUSER
    assert await world.actions("member", newcomer.id) == ["member.made_staff", "member.made_superuser"]


async def test_staff_sign_in_with_the_apps_code(world: World) -> None:
    staff_id = await staff(world)
    code = await world.request_code(STAFF_PHONE)
    signed_in = await world.run(StaffSignIn, phone_number=STAFF_PHONE, otp_code=code, client_address=ADDRESS)
    assert (signed_in.member_id, signed_in.phone_number) == (staff_id, STAFF_PHONE)
    assert "staff.signed_in" in await world.actions("member", staff_id)
    with pytest.raises(OtpRejected):  # the code is spent, exactly as in the app
        await world.run(StaffSignIn, phone_number=STAFF_PHONE, otp_code=code, client_address=ADDRESS)


async def test_members_and_strangers_get_no_console_session(world: World) -> None:
    member_id = await world.onboard(phone(1))
    world.fakes.clock.advance(timedelta(seconds=31))  # the resend cooldown
    code = await world.request_code(phone(1))
    with pytest.raises(StaffOnly):
        await world.run(StaffSignIn, phone_number=phone(1), otp_code=code, client_address=ADDRESS)
    assert "staff.signed_in" not in await world.actions("member", member_id)
    stranger = await world.request_code(phone(2))
    with pytest.raises(AccountNotFound):  # no account is created on the way
        await world.run(StaffSignIn, phone_number=phone(2), otp_code=stranger, client_address=ADDRESS)
    assert await world.members_with_phone(phone(2)) == []


async def test_a_step_up_takes_a_fresh_code_of_the_staff_members_own_phone(world: World) -> None:
    staff_id = await staff(world)
    await world.onboard(phone(1))
    world.fakes.clock.advance(timedelta(seconds=31))
    other = await world.request_code(phone(1))  # someone else's valid code proves nothing
    with pytest.raises(OtpNotRequested):  # checked against a code sent to the staff member's own phone
        await world.run(
            StaffStepUp, staff_id=staff_id, otp_code=other, purpose="/admin/fee", client_address=ADDRESS
        )
    world.fakes.clock.advance(timedelta(seconds=31))
    sent = await world.run(RequestStepUpCode, staff_id=staff_id, client_address=ADDRESS)
    assert sent.phone_number == STAFF_PHONE
    code = world.fakes.sms.last_code_for(STAFF_PHONE)
    await world.run(StaffStepUp, staff_id=staff_id, otp_code=code, purpose="/admin/fee", client_address=ADDRESS)
    [entry] = [e for e in await world.audit("member", staff_id) if e.action == "staff.stepped_up"]
    assert entry.details == {"purpose": "/admin/fee"}
    member_id = await world.onboard(phone(2))
    with pytest.raises(StaffOnly):
        await world.run(RequestStepUpCode, staff_id=member_id, client_address=ADDRESS)


async def test_deactivation_is_audited_ends_app_sessions_and_is_undone(world: World) -> None:
    staff_id = await staff(world)
    member_id = (await world.sign_in(phone(1))).member_id
    await world.complete(member_id, phone(1))
    deactivated = await world.run(DeactivateMember, staff_id=staff_id, member_id=member_id)
    assert deactivated.status is MemberStatus.DEACTIVATED
    revocations = await world.get(TokenRevocations)
    assert await revocations.is_revoked("any-token", member_id)
    again = await world.run(DeactivateMember, staff_id=staff_id, member_id=member_id)  # a no-op
    assert again.status is MemberStatus.DEACTIVATED
    reactivated = await world.run(ReactivateMember, staff_id=staff_id, member_id=member_id)
    assert reactivated.status is MemberStatus.ACTIVE
    entries = [e for e in await world.audit("member", member_id) if e.actor_id == staff_id]
    assert [e.action for e in entries] == ["member.deactivated", "member.reactivated"]


async def test_only_staff_switch_accounts_and_never_their_own(world: World) -> None:
    staff_id = await staff(world)
    member = await world.member(1)
    with pytest.raises(Conflict):
        await world.run(DeactivateMember, staff_id=staff_id, member_id=staff_id)
    with pytest.raises(StaffOnly):
        await world.run(DeactivateMember, staff_id=member.id, member_id=staff_id)
    with pytest.raises(MemberNotFound):
        await world.run(ReactivateMember, staff_id=staff_id, member_id=999)
    assert (await world.stored_member(staff_id)).status is MemberStatus.ACTIVE


async def test_staff_let_a_member_in_under_their_own_name(world: World) -> None:
    staff_id = await staff(world)
    member = await world.member(1, status=MemberStatus.WAITLISTED)
    with pytest.raises(StaffOnly):
        await world.run(AdmitMember, phone_number=member.phone.e164, staff_id=member.id)
    admitted = await world.run(AdmitMember, phone_number=member.phone.e164, staff_id=staff_id)
    assert admitted.status is MemberStatus.ACTIVE
    [entry] = [e for e in await world.audit("member", member.id) if e.action == "member.admitted"]
    assert (entry.actor_id, entry.details) == (staff_id, {"by": "staff"})


async def test_the_member_directory_pages_sorts_and_filters_on_the_server(world: World) -> None:
    staff_id = await staff(world)
    for n, name in enumerate(["Asha Rao", "Bela Shah", "Chitra Iyer", "Asha Menon"], start=1):
        await world.member(n, name=name, status=MemberStatus.WAITLISTED if n % 2 else MemberStatus.ACTIVE)
        world.fakes.clock.advance(timedelta(minutes=1))
    by_name = await world.run(
        SearchMembers, staff_id=staff_id, text="", page=PageRequest(0, 2, "name", descending=False)
    )
    assert by_name.total == 5
    assert [m.name for m in by_name.rows] == ["Asha Menon", "Asha Rao"]
    second = await world.run(SearchMembers, staff_id=staff_id, page=PageRequest(2, 2, "name", descending=False))
    assert [m.name for m in second.rows] == ["Bela Shah", "Chitra Iyer"]
    ashas = await world.run(SearchMembers, staff_id=staff_id, text="asha", page=PageRequest())
    assert sorted(m.name for m in ashas.rows) == ["Asha Menon", "Asha Rao"]
    by_phone = await world.run(SearchMembers, staff_id=staff_id, text="98765 00003", page=PageRequest())
    assert [m.name for m in by_phone.rows] == ["Chitra Iyer"]
    waiting = await world.run(SearchMembers, staff_id=staff_id, status="waitlisted", page=PageRequest())
    assert sorted(m.name for m in waiting.rows) == ["Asha Rao", "Chitra Iyer"]
    newest = await world.run(SearchMembers, staff_id=staff_id, page=PageRequest(0, 1, "unknown-key"))
    assert newest.rows[0].name == "Asha Menon"  # an unknown sort falls back to the newest first
    with pytest.raises(InvalidInput):
        await world.run(SearchMembers, staff_id=staff_id, page=PageRequest(0, 101))
    with pytest.raises(InvalidInput):
        await world.run(SearchMembers, staff_id=staff_id, status="erased", page=PageRequest())
    with pytest.raises(StaffOnly):
        await world.run(SearchMembers, staff_id=(await world.member(9)).id, page=PageRequest())


async def test_a_staff_look_at_a_profile_is_recorded(world: World) -> None:
    staff_id = await staff(world)
    member = await world.member(1)
    found = await world.run(ViewMember, staff_id=staff_id, member_id=member.id)
    assert found.member.id == member.id
    assert "member.viewed_by_staff" in await world.actions("member", member.id)
    with pytest.raises(MemberNotFound):
        await world.run(ViewMember, staff_id=staff_id, member_id=12345)


async def test_the_dashboard_counts_today_on_the_platforms_clock(world: World) -> None:
    staff_id = await staff(world)
    await world.member(1, status=MemberStatus.WAITLISTED)
    await world.member(2)
    host = await world.member(3)
    await world.event(host, starts_in=timedelta(hours=2))  # 14:00 in Kolkata, the same day
    await world.event(host)  # in three days
    board = await world.run(ReadDashboard, staff_id=staff_id)
    assert board.day == START.date()
    assert (board.members_total, board.waitlisted) == (4, 1)
    assert board.members == {"active": 3, "waitlisted": 1}
    assert board.events_today == 1
    assert (board.sales_today.count, board.sales_today.amount) == (0, Decimal(0))
