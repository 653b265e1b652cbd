"""A member's copy of their data, and deleting the account: what is erased, what is kept, what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopin.adapters.memory.identity import MEMBERS
from loopin.adapters.memory.store import MemoryStore
from loopin.domain.attendance.ticket import PaymentStatus
from loopin.domain.events.event import Event, EventStatus
from loopin.domain.identity.member import ERASED_NAME, Access, Member, MemberStatus
from loopin.domain.identity.otp import OtpNotRequested, OtpRejected
from loopin.domain.shared.errors import InvalidInput, RateLimited, Unauthenticated
from loopin.usecases.attendance.invitations import SendInvitations
from loopin.usecases.attendance.ports import TicketRepository
from loopin.usecases.attendance.requests import CreateJoinRequest
from loopin.usecases.audit.ports import AuditLog, AuditQuery
from loopin.usecases.events.hosts import BecomeAHost
from loopin.usecases.events.ports import EventRepository
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.identity.ports import TokenRevocations
from loopin.usecases.identity.request_otp import RequestOtp
from loopin.usecases.identity.verify_otp import VerifyOtp
from loopin.usecases.notifications.devices import RegisterDevice
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.privacy.erase import AccountHasCommitments, EraseMyAccount, RequestErasureCode
from loopin.usecases.privacy.export import PROCESSORS, ExportMyData
from loopin.usecases.privacy.views import MemberExport
from loopin.usecases.shared.ports import UnitOfWork
from tests.unit.usecases.attendance.test_tickets import accepted, confirm
from tests.unit.usecases.world import World


async def code_for(world: World, member: Member) -> str:
    await world.run(RequestErasureCode, member_id=member.id, client_address="203.0.113.9")
    return world.fakes.sms.last_code_for(member.phone.e164)


async def a_full_life(world: World) -> tuple[Member, Member, dict[str, int]]:
    """A member who hosted, asked, was invited, holds a ticket, has devices, an inbox and a host lead."""
    me, host = await world.member(1, name="Asha Rao"), await world.member(2, name="Host Two")
    mine_past = await world.event(me, title="My past jam", starts_in=timedelta(days=-3))
    mine_draft = await world.event(me, title="My draft", status=EventStatus.DRAFT)
    mine_empty = await world.event(me, title="My quiet one")
    going = await world.event(host, title="Going there", max_capacity=10)
    asking = await world.event(host, title="Asking there")
    invited = await world.event(host, title="Invited there")
    await accepted(world, host, me, going.id, 2)
    await confirm(world, me, going.id, 2)
    await world.run(
        CreateJoinRequest, member_id=me.id, event_id=asking.id, seats_requested=1, message="I play the cajón"
    )
    await world.run(
        SendInvitations,
        member_id=host.id,
        event_id=invited.id,
        user_ids=[me.id],
        expiry_policy="48h",
        message="Come!",
    )
    await world.run(RegisterDevice, member_id=me.id, player_id="player-asha", platform="ios")
    await world.run(
        BecomeAHost,
        first_name="Asha",
        last_name="Rao",
        phone_number=me.phone.e164,
        message="I run jams",
        client_address="203.0.113.9",
    )
    ids = {"past": mine_past.id, "draft": mine_draft.id, "empty": mine_empty.id}
    ids |= {"going": going.id, "asking": asking.id, "invited": invited.id}
    return me, host, ids


async def test_the_copy_holds_everything_the_member_left_with_us(world: World) -> None:
    me, host, ids = await a_full_life(world)
    export: MemberExport = await world.run(ExportMyData, member_id=me.id)
    assert (export.profile.id, export.profile.phone_number, export.profile.name) == (
        me.id,
        me.phone.e164,
        "Asha Rao",
    )
    assert export.profile.pictures == ["/api/media/profiles/1/a.png"]
    assert [d.push_id for d in export.devices] == ["player-asha"]
    assert {e.title for e in export.hosted_events} == {"My past jam", "My draft", "My quiet one"}
    assert {(r.event_id, r.status, r.message) for r in export.requests} >= {
        (ids["asking"], "pending", "I play the cajón")
    }
    assert [(i.event_id, i.host_name, i.message) for i in export.invitations] == [
        (ids["invited"], "Host Two", "Come!")
    ]
    assert [(t.event_id, t.seats, t.status) for t in export.tickets] == [(ids["going"], 2, "going")]
    assert {n.kind for n in export.notifications}  # request accepted, invited, ticket confirmed
    assert export.host_lead is not None
    assert export.host_lead.message == "I run jams"
    assert {a.action for a in export.activity} >= {"join_request.created", "ticket.issued"}
    assert export.shared_with == list(PROCESSORS)
    assert host.phone.e164 not in repr(export)  # nobody else's number


async def test_copies_are_limited_and_each_is_recorded(world: World) -> None:
    me = await world.member(1)
    for _ in range(5):
        await world.run(ExportMyData, member_id=me.id)
    with pytest.raises(RateLimited):
        await world.run(ExportMyData, member_id=me.id)
    async with world.container() as scope:
        exported = await (await scope.get(AuditLog)).search(AuditQuery(action="member.data_exported"))
    assert len(exported) == 5


async def test_deleting_needs_a_fresh_code_from_the_members_own_phone(world: World) -> None:
    me = await world.member(1)
    with pytest.raises(OtpNotRequested):
        await world.run(EraseMyAccount, member_id=me.id, otp_code="1234")
    code = await code_for(world, me)
    wrong = f"{(int(code) + 1) % 10000:04d}"
    with pytest.raises(OtpRejected):
        await world.run(EraseMyAccount, member_id=me.id, otp_code=wrong)
    assert (await load(world, me.id)).status is MemberStatus.ACTIVE
    world.advance(timedelta(minutes=11))
    with pytest.raises(OtpRejected, match="expired"):
        await world.run(EraseMyAccount, member_id=me.id, otp_code=code)


async def test_the_code_a_member_signed_in_with_is_no_deletion_code(world: World) -> None:
    """The phone's only code is the sign-in one, already used: no deletion code was asked for."""
    me = await world.member(1)
    await world.run(VerifyOtp, phone_number=me.phone.e164, otp_code=await code_for_phone(world, me.phone.e164))
    for code in ("0000", world.fakes.sms.last_code_for(me.phone.e164)):
        with pytest.raises(OtpNotRequested, match="Ask for a code first"):
            await world.run(EraseMyAccount, member_id=me.id, otp_code=code)
    assert (await load(world, me.id)).status is MemberStatus.ACTIVE


@pytest.mark.parametrize("code", ["123", "12a4", "١٢٣٤"])
async def test_a_malformed_deletion_code_is_refused_as_at_sign_in_without_using_a_try(
    world: World, code: str
) -> None:
    me = await world.member(1)
    right = await code_for(world, me)
    with pytest.raises(InvalidInput) as caught:
        await world.run(EraseMyAccount, member_id=me.id, otp_code=code)
    assert caught.value.code == "INVALID_OTP_FORMAT"  # the one reading of a code: OtpPolicy.read_code
    assert caught.value.problems[0].field == "otp_code"
    await world.run(EraseMyAccount, member_id=me.id, otp_code=f" {right} ")


async def test_deleting_erases_the_person_and_keeps_the_records(world: World) -> None:
    me, _, ids = await a_full_life(world)
    storage = await world.container.get(FileStorage)
    await storage.save("profiles/1/a.png", b"\x89PNG picture", "image/png")
    going_before = (await reload(world, ids["going"])).seats_taken
    await world.run(EraseMyAccount, member_id=me.id, otp_code=await code_for(world, me))

    with pytest.raises(Unauthenticated):
        await load(world, me.id)
    stored: Member = (await world.container.get(MemoryStore)).tables[MEMBERS][me.id]
    assert (stored.status, stored.profile.name, stored.profile.picture_keys) == (
        MemberStatus.ERASED,
        ERASED_NAME,
        (),
    )
    assert stored.profile.birth_date is None

    assert (await reload(world, ids["going"])).seats_taken == going_before - 2  # the free ticket is given back
    asking = await reload(world, ids["asking"])
    assert asking.requests_count == 0
    assert (await reload(world, ids["draft"])).is_deleted
    assert (await reload(world, ids["empty"])).is_deleted
    assert not (await reload(world, ids["past"])).is_deleted  # guests' history stays
    assert await world.notifications(me) == []

    async with world.container() as scope:
        ticket = await (await scope.get(TicketRepository)).find(ids["going"], me.id)
        revoked = await (await scope.get(TokenRevocations)).is_revoked("any-token", me.id)
        (erased,) = await (await scope.get(AuditLog)).search(AuditQuery(action="member.erased"))
    assert ticket is not None  # kept, cancelled, under an id that leads to nobody
    assert ticket.cancelled_at is not None
    assert revoked
    assert erased.details["tickets_cancelled"] == 1
    assert erased.details["events_removed"] == 2
    assert erased.details["devices"] == 1
    assert "Asha" not in repr(erased)

    store = await world.container.get(MemoryStore)
    for table in ("otp_challenges", "host_leads", "host_lead_phones", "devices", "member_phones"):
        assert me.phone.e164 not in repr(store.tables[table]), table
    for request in store.tables["join_requests"].values():
        assert request.message == "" or request.requester_id != me.id
    assert not await storage.exists("profiles/1/a.png")


async def test_the_phone_signs_up_again_as_someone_new(world: World) -> None:
    me = await world.member(1)
    await world.run(EraseMyAccount, member_id=me.id, otp_code=await code_for(world, me))
    world.advance(timedelta(minutes=1))
    code = await code_for_phone(world, me.phone.e164)
    session = await world.run(VerifyOtp, phone_number=me.phone.e164, otp_code=code)
    assert session.created
    assert session.member_id != me.id


async def test_a_host_with_guests_coming_must_cancel_first(world: World) -> None:
    me, guest = await world.member(1), await world.member(2)
    event = await world.event(me, max_capacity=5)
    await accepted(world, me, guest, event.id)
    await confirm(world, guest, event.id)
    code = await code_for(world, me)
    with pytest.raises(AccountHasCommitments, match=f"#{event.id}"):
        await world.run(EraseMyAccount, member_id=me.id, otp_code=code)
    await world.change_event(event, status=EventStatus.CANCELLED)
    await world.run(EraseMyAccount, member_id=me.id, otp_code=code)  # the refusal did not use the code up
    assert not (await world.reload(event)).is_deleted  # cancelled, with its guests' tickets: kept


async def test_a_paid_ticket_must_be_refunded_first(world: World) -> None:
    me, host = await world.member(1), await world.member(2)
    event = await world.event(host)
    await accepted(world, host, me, event.id)
    await confirm(world, me, event.id)
    async with world.container() as scope:
        tickets = await scope.get(TicketRepository)
        ticket = await tickets.lock(event.id, me.id)
        assert ticket is not None
        ticket.payment_status = PaymentStatus.PAID
        await tickets.save(ticket)
        await (await scope.get(UnitOfWork)).commit()
    with pytest.raises(AccountHasCommitments, match="paid tickets"):
        await world.run(EraseMyAccount, member_id=me.id, otp_code=await code_for(world, me))


async def reload(world: World, event_id: int) -> Event:
    async with world.container() as scope:
        found = await (await scope.get(EventRepository)).get(event_id)
    assert found is not None
    return found


async def load(world: World, member_id: int) -> Member:
    async with world.container() as scope:
        return await (await scope.get(MemberAccess)).load(member_id, Access.SELF)


async def code_for_phone(world: World, phone: str) -> str:
    await world.run(RequestOtp, phone_number=phone, client_address="203.0.113.9")
    return world.fakes.sms.last_code_for(phone)
