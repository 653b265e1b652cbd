"""Staff let a waitlisted member in now, and list who is waiting (the ``loopin members`` commands)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopin.domain.identity.member import MemberDeactivated, MemberStatus, ProfileIncomplete
from loopin.domain.shared.errors import NotFound
from loopin.usecases.identity.waitlist import AdmitMember, ListWaitlistedMembers
from tests.unit.usecases.world import PHONE, START, World, phone


async def test_staff_admit_a_waitlisted_member_at_once(world: World) -> None:
    member_id = await world.onboard()
    assert (await world.stored_member(member_id)).status is MemberStatus.WAITLISTED
    admitted = await world.run(AdmitMember, phone_number=" +91 98123 45678 ")
    assert (admitted.id, admitted.status) == (member_id, MemberStatus.ACTIVE)
    stored = await world.stored_member(member_id)
    assert stored.status is MemberStatus.ACTIVE
    assert stored.updated_at == START
    assert [e.event for e in world.analytics()][-1] == "member_promoted"
    again = await world.run(AdmitMember, phone_number=PHONE)  # admitting twice changes nothing
    assert again.status is MemberStatus.ACTIVE
    assert len(world.analytics("member_promoted")) == 1


async def test_only_waitlisted_members_can_be_admitted(world: World) -> None:
    onboarding = (await world.sign_in(phone(1))).member_id
    with pytest.raises(ProfileIncomplete):
        await world.run(AdmitMember, phone_number=phone(1))
    with pytest.raises(NotFound):
        await world.run(AdmitMember, phone_number=phone(2))
    deactivated = await world.onboard(phone(3))
    await world.change_member(deactivated, lambda m: m.deactivate(START))
    with pytest.raises(MemberDeactivated):
        await world.run(AdmitMember, phone_number=phone(3))
    assert (await world.stored_member(onboarding)).status is MemberStatus.ONBOARDING


async def test_the_waiting_list_is_soonest_first(world: World) -> None:
    first = await world.onboard(phone(1))
    world.fakes.clock.advance(timedelta(minutes=31))  # after the first's latest promotion time
    second = await world.onboard(phone(2))
    await world.sign_in(phone(3))  # onboarding, not waiting
    waiting = await world.run(ListWaitlistedMembers)
    assert [m.id for m in waiting] == [first, second]
    assert all(m.status is MemberStatus.WAITLISTED for m in waiting)
