"""What members and staff do to accounts is in the audit log: sign-ins and sign-outs, profile completion and
edits, promotions off the waitlist, staff reading people's data. Ids and facts only, never the data itself."""

from __future__ import annotations

from datetime import timedelta

from loopin.domain.identity.member import Member, MemberStatus, Role
from loopin.domain.identity.profile import ProfileChanges
from loopin.usecases.audit.ports import AuditLog, AuditQuery
from loopin.usecases.events.hosts import BecomeAHost, ListHostLeads
from loopin.usecases.identity.profile import UpdateProfile
from loopin.usecases.identity.waitlist import PromoteDueMembers
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.world import NAME, PHONE, World, phone


async def entries(world: World, **filters: object) -> list[tuple[str, int | None, int | None, dict[str, object]]]:
    """(action, actor, target, details), oldest first."""
    async with world.container() as scope:
        found = await (await scope.get(AuditLog)).search(AuditQuery(limit=100, **filters))  # type: ignore[arg-type]
    return [(e.action, e.actor_id, e.target_id, dict(e.details)) for e in reversed(found)]


def make_active_staff(member: Member) -> None:
    member.role, member.status = Role.STAFF, MemberStatus.ACTIVE


async def test_an_account_leaves_a_trail_of_its_own_actions(make_world: MakeWorld) -> None:
    world = await make_world(waitlist_min_minutes=210, waitlist_max_minutes=210)
    session = await world.sign_in()
    me = session.member_id
    await world.complete(me)
    await world.run(UpdateProfile, member_id=me, changes=ProfileChanges(bio="Climbs and cooks", location="Pune"))
    world.fakes.clock.advance(timedelta(minutes=211))
    assert await world.run(PromoteDueMembers) == 1
    world.fakes.clock.advance(timedelta(minutes=1))
    await world.sign_in()
    assert await entries(world, target_type="member", target_id=me) == [
        ("member.signed_in", me, me, {"new_account": True}),
        ("member.profile_completed", me, me, {"first_time": True}),
        ("member.profile_updated", me, me, {"fields": ["bio", "location"]}),
        ("member.promoted", None, me, {}),
        ("member.signed_in", me, me, {"new_account": False}),
    ]
    async with world.container() as scope:
        everything = repr(await (await scope.get(AuditLog)).search(AuditQuery(limit=100)))
    for personal in (PHONE, PHONE[3:], NAME, "Climbs", "Pune", "2000-01-05"):
        assert personal not in everything


async def test_a_promotion_on_the_members_own_request_is_audited_once(make_world: MakeWorld) -> None:
    world = await make_world(waitlist_min_minutes=0, waitlist_max_minutes=0)
    me = await world.onboard()
    world.fakes.clock.advance(timedelta(seconds=31))  # past the resend cooldown
    await world.sign_in()  # promoted here
    assert await world.run(PromoteDueMembers) == 0
    assert [a for a, *_ in await entries(world, action="member.promoted")] == ["member.promoted"]
    assert (await world.stored_member(me)).is_active


async def test_staff_reading_host_leads_is_audited(world: World) -> None:
    await world.run(
        BecomeAHost,
        first_name="Asha",
        last_name="Rao",
        phone_number=phone(7),
        message="",
        client_address="203.0.113.1",
    )
    staff = (await world.sign_in(phone(8))).member_id
    await world.change_member(staff, make_active_staff)
    assert (await world.run(ListHostLeads, member_id=staff, offset=0, limit=10)).total == 1
    assert await entries(world, action="host_leads.viewed") == [
        ("host_leads.viewed", staff, None, {"offset": 0, "limit": 10, "shown": 1})
    ]
