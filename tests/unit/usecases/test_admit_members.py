"""Staff let a waitlisted member in now, and list who is waiting (the ``loopin members`` commands)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopin.domain.identity.member import MemberDeactivated, MemberStatus, ProfileIncomplete
from loopin.domain.shared.errors import NotFound
from loopin.usecases.identity.waitlist import AdmitMember, ListWaitlistedMembers
from tests.unit.usecases.harness import PHONE, START, App, phone


async def test_staff_admit_a_waitlisted_member_at_once(app: App) -> None:
    member_id = await app.onboard()
    assert (await app.member(member_id)).status is MemberStatus.WAITLISTED
    admitted = await app.call(AdmitMember, phone_number=" +91 98123 45678 ")
    assert (admitted.id, admitted.status) == (member_id, MemberStatus.ACTIVE)
    stored = await app.member(member_id)
    assert stored.status is MemberStatus.ACTIVE
    assert stored.updated_at == START
    assert [e.event for e in app.events()][-1] == "member_promoted"
    again = await app.call(AdmitMember, phone_number=PHONE)  # admitting twice changes nothing
    assert again.status is MemberStatus.ACTIVE
    assert len(app.events("member_promoted")) == 1


async def test_only_waitlisted_members_can_be_admitted(app: App) -> None:
    onboarding = (await app.sign_in(phone(1))).member_id
    with pytest.raises(ProfileIncomplete):
        await app.call(AdmitMember, phone_number=phone(1))
    with pytest.raises(NotFound):
        await app.call(AdmitMember, phone_number=phone(2))
    deactivated = await app.onboard(phone(3))
    await app.change_member(deactivated, lambda m: m.deactivate(START))
    with pytest.raises(MemberDeactivated):
        await app.call(AdmitMember, phone_number=phone(3))
    assert (await app.member(onboarding)).status is MemberStatus.ONBOARDING


async def test_the_waiting_list_is_soonest_first(app: App) -> None:
    first = await app.onboard(phone(1))
    app.fakes.clock.advance(timedelta(minutes=31))  # after the first's latest promotion time
    second = await app.onboard(phone(2))
    await app.sign_in(phone(3))  # onboarding, not waiting
    waiting = await app.call(ListWaitlistedMembers)
    assert [m.id for m in waiting] == [first, second]
    assert all(m.status is MemberStatus.WAITLISTED for m in waiting)
