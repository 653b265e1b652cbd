"""Invitations on the in-memory adapters: search, sending in bulk, answers, expiry, private events."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from loopin.domain.attendance.errors import (
    EventNotOpen,
    HostOnly,
    InvitationExpired,
    InvitationNotFound,
    SeatsUnavailable,
    TicketHeld,
)
from loopin.domain.events.event import EventNotFound, EventStatus, RsvpExpiryPolicy
from loopin.domain.identity.member import MemberStatus, Role
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.attendance.expiry import ExpireOverdue
from loopin.usecases.attendance.host_requests import AcceptJoinRequest
from loopin.usecases.attendance.invitation_answers import ListMyInvitations, RespondToInvitation
from loopin.usecases.attendance.invitations import ListEventInvitations, SearchInvitees, SendInvitations
from loopin.usecases.attendance.requests import CreateJoinRequest
from loopin.usecases.attendance.tickets import ConfirmAttendance
from loopin.usecases.attendance.views import InvitationsSent
from loopin.usecases.events.browse import GetEvent
from tests.unit.usecases.world import World


async def invite(
    world: World, host_id: int, event_id: int, ids: list[int], policy: str | None = None
) -> InvitationsSent:
    sent: InvitationsSent = await world.run(
        SendInvitations, member_id=host_id, event_id=event_id, user_ids=ids, expiry_policy=policy, message="Come!"
    )
    return sent


async def test_search_finds_active_members_by_name_and_marks_the_invited(world: World) -> None:
    host = await world.member(1, name="Host Hari")
    asha = await world.member(2, name="Asha Rao")
    ashok = await world.member(3, name="Ashok Kumar")
    await world.member(4, name="Asha Waiting", status=MemberStatus.WAITLISTED)
    await world.member(5, name="Bina")
    event = await world.event(host)
    await invite(world, host.id, event.id, [ashok.id])
    page = await world.run(SearchInvitees, member_id=host.id, event_id=event.id, search="  ash ")
    assert (page.total, page.offset, page.limit) == (2, 0, 50)
    assert [(h.id, h.full_name, h.already_invited) for h in page.hits] == [
        (asha.id, "Asha Rao", False),
        (ashok.id, "Ashok Kumar", True),
    ]
    assert page.hits[0].picture_url == "/api/media/profiles/2/a.png"
    everyone = await world.run(
        SearchInvitees, member_id=host.id, event_id=event.id, search=None, offset=1, limit=2
    )
    assert everyone.total == 3  # never the host, never a waitlisted member
    assert [h.full_name for h in everyone.hits] == ["Ashok Kumar", "Bina"]
    for bad in ({"limit": 0}, {"offset": -1}, {"offset": 1_000_001}):
        with pytest.raises(InvalidInput):
            await world.run(SearchInvitees, member_id=host.id, event_id=event.id, **bad)
    with pytest.raises(HostOnly):
        await world.run(SearchInvitees, member_id=asha.id, event_id=event.id)


async def test_bulk_invitations_report_whom_they_skipped_and_why(world: World) -> None:
    host = await world.member(1, name="Host Hari")
    fresh, asker, going = [await world.member(n) for n in (2, 3, 4)]
    waiting = await world.member(5, status=MemberStatus.WAITLISTED)
    already = await world.member(6)
    event = await world.event(host, starts_in=timedelta(days=10))
    await invite(world, host.id, event.id, [already.id])
    await world.run(CreateJoinRequest, member_id=asker.id, event_id=event.id)
    request = await world.run(CreateJoinRequest, member_id=going.id, event_id=event.id)
    await world.run(
        AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=request.id, host_message=""
    )
    await world.run(ConfirmAttendance, member_id=going.id, event_id=event.id, seats=1)
    sent = await invite(
        world,
        host.id,
        event.id,
        [fresh.id, fresh.id, asker.id, going.id, waiting.id, already.id, host.id, 999],
        "7d",
    )
    [created] = sent.created
    assert (created.user_id, created.status, created.expiry_policy, created.message) == (
        fresh.id,
        "pending",
        "7d",
        "Come!",
    )
    assert created.expires_at == world.now + timedelta(days=7)
    assert dict(sent.skipped) == {
        asker.id: "Already asked to join: answer their request instead.",
        going.id: "Already going.",
        waiting.id: "This member cannot be invited.",
        already.id: "Already invited (pending).",
        host.id: "You host this event.",
        999: "This member cannot be invited.",
    }
    assert await world.actions("invitation", created.id) == ["invitation.sent"]
    [note] = await world.notifications(fresh)
    assert (note.template, note.body) == ("event_invite", "Host Hari invited you to Sunset Jam Session.")
    assert note.data["invite_id"] == str(created.id)


async def test_invitation_input_rules(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host)
    for bad in ([], list(range(100, 151))):
        with pytest.raises(InvalidInput) as caught:
            await invite(world, host.id, event.id, bad)
        assert caught.value.problems[0].field == "user_ids"
    with pytest.raises(InvalidInput) as caught:
        await invite(world, host.id, event.id, [guest.id], "3d")
    assert caught.value.problems[0].field == "expiry_policy"
    with pytest.raises(HostOnly):
        await invite(world, guest.id, event.id, [host.id])
    staff = await world.member(3, role=Role.STAFF)
    with pytest.raises(HostOnly):
        await invite(world, staff.id, event.id, [guest.id])
    cancelled = await world.event(host, status=EventStatus.CANCELLED)
    with pytest.raises(EventNotOpen):
        await invite(world, host.id, cancelled.id, [guest.id])


async def test_expiry_policies_set_the_deadline(world: World) -> None:
    host = await world.member(1)
    event = await world.event(host, starts_in=timedelta(days=10))
    guests = [await world.member(n) for n in range(2, 6)]
    expected = {
        "48h": world.now + timedelta(hours=48),
        "7d": world.now + timedelta(days=7),
        "day_before_event": event.start_time - timedelta(days=1),
        "event_start": event.start_time,
    }
    for guest, (policy, deadline) in zip(guests, expected.items(), strict=True):
        [created] = (await invite(world, host.id, event.id, [guest.id], policy)).created
        assert (created.expiry_policy, created.expires_at) == (policy, deadline)
    late = await world.member(9)
    [default] = (await invite(world, host.id, event.id, [late.id])).created
    assert default.expiry_policy == "48h"


async def test_the_host_and_staff_list_invitations_and_the_guest_lists_theirs(world: World) -> None:
    host, guest = await world.member(1, name="Host Hari"), await world.member(2, name="Asha Rao")
    staff, stranger = await world.member(3, role=Role.STAFF), await world.member(4)
    event = await world.event(host, is_public=False)
    [created] = (await invite(world, host.id, event.id, [guest.id])).created
    for who in (host, staff):
        [row] = await world.run(ListEventInvitations, member_id=who.id, event_id=event.id)
        assert (row.id, row.user_id, row.full_name, row.status) == (created.id, guest.id, "Asha Rao", "pending")
    with pytest.raises(EventNotFound):  # private: a stranger does not learn it exists
        await world.run(ListEventInvitations, member_id=stranger.id, event_id=event.id)
    with pytest.raises(HostOnly):  # the invitee sees the event, but not who else was invited
        await world.run(ListEventInvitations, member_id=guest.id, event_id=event.id)
    [mine] = await world.run(ListMyInvitations, member_id=guest.id)
    assert (mine.id, mine.event_id, mine.event_title, mine.host_name, mine.status, mine.message) == (
        created.id,
        event.id,
        "Sunset Jam Session",
        "Host Hari",
        "pending",
        "Come!",
    )
    assert mine.event_start_time == event.start_time
    assert await world.run(ListMyInvitations, member_id=stranger.id) == []
    assert await world.run(ListMyInvitations, member_id=guest.id, status="accepted") == []
    with pytest.raises(InvalidInput):
        await world.run(ListMyInvitations, member_id=guest.id, status="bogus")


async def test_an_invitation_opens_a_private_event_to_the_invitee(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, is_public=False)
    with pytest.raises(EventNotFound):
        await world.run(GetEvent, member_id=guest.id, event_id=event.id)
    await invite(world, host.id, event.id, [guest.id])
    assert (await world.run(GetEvent, member_id=guest.id, event_id=event.id)).id == event.id


async def test_going_then_confirming_for_a_free_event(world: World) -> None:
    host, guest = await world.member(1), await world.member(2, name="Asha Rao")
    event = await world.event(host)
    [created] = (await invite(world, host.id, event.id, [guest.id])).created
    answer = await world.run(
        RespondToInvitation,
        member_id=guest.id,
        invitation_id=created.id,
        response="going",
        message="I will attend!",
    )
    assert answer.invitation.status == "accepted"
    assert (answer.is_paid, answer.requires_payment, answer.requires_confirmation) == (False, False, True)
    assert (await world.reload(event)).seats_taken == 0  # going holds no seat until confirmed
    again = await world.run(RespondToInvitation, member_id=guest.id, invitation_id=created.id, response="going")
    assert again.invitation.status == "accepted"
    await world.run(ConfirmAttendance, member_id=guest.id, event_id=event.id, seats=1)
    after = await world.run(RespondToInvitation, member_id=guest.id, invitation_id=created.id, response="going")
    assert (after.requires_confirmation, after.requires_payment) == (False, False)
    with pytest.raises(TicketHeld):
        await world.run(RespondToInvitation, member_id=guest.id, invitation_id=created.id, response="declined")
    assert await world.actions("invitation", created.id) == ["invitation.sent", "invitation.accepted"]
    assert await world.templates(host) == ["invite_accepted"]


async def test_going_to_a_paid_event_asks_for_payment(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, is_paid=True, ticket_price=Decimal("250.00"))
    [created] = (await invite(world, host.id, event.id, [guest.id])).created
    answer = await world.run(RespondToInvitation, member_id=guest.id, invitation_id=created.id, response="going")
    assert (answer.is_paid, answer.requires_payment, answer.requires_confirmation) == (True, True, False)
    assert answer.ticket_price == Decimal("250.00")


async def test_declining_and_changing_ones_mind(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host)
    [created] = (await invite(world, host.id, event.id, [guest.id])).created
    for response, status in (("declined", "declined"), ("going", "accepted"), ("not_going", "declined")):
        answer = await world.run(
            RespondToInvitation, member_id=guest.id, invitation_id=created.id, response=response
        )
        assert answer.invitation.status == status
        assert not answer.requires_confirmation or status == "accepted"
    with pytest.raises(InvalidInput):
        await world.run(RespondToInvitation, member_id=guest.id, invitation_id=created.id, response="maybe")


async def test_only_the_invitee_answers(world: World) -> None:
    host, guest, other = await world.member(1), await world.member(2), await world.member(3)
    event = await world.event(host)
    [created] = (await invite(world, host.id, event.id, [guest.id])).created
    for who, invitation_id in ((other.id, created.id), (host.id, created.id), (guest.id, 999)):
        with pytest.raises(InvitationNotFound):
            await world.run(RespondToInvitation, member_id=who, invitation_id=invitation_id, response="going")


async def test_going_is_refused_when_the_event_is_full(world: World) -> None:
    host, a, b = await world.member(1), await world.member(2), await world.member(3)
    event = await world.event(host, max_capacity=1)
    sent = await invite(world, host.id, event.id, [a.id, b.id])
    await world.run(RespondToInvitation, member_id=a.id, invitation_id=sent.created[0].id, response="going")
    await world.run(ConfirmAttendance, member_id=a.id, event_id=event.id, seats=1)
    with pytest.raises(SeatsUnavailable, match="full"):
        await world.run(RespondToInvitation, member_id=b.id, invitation_id=sent.created[1].id, response="going")


async def test_a_late_answer_records_the_expiry(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, starts_in=timedelta(days=5))
    [created] = (await invite(world, host.id, event.id, [guest.id], "48h")).created
    world.advance(timedelta(hours=48))
    [listed] = await world.run(ListMyInvitations, member_id=guest.id)
    assert listed.status == "expired"  # shown as expired before anything marked it
    with pytest.raises(InvitationExpired):
        await world.run(RespondToInvitation, member_id=guest.id, invitation_id=created.id, response="going")
    assert await world.actions("invitation", created.id) == ["invitation.sent", "invitation.expired"]
    with pytest.raises(InvitationExpired):
        await world.run(RespondToInvitation, member_id=guest.id, invitation_id=created.id, response="declined")
    [again] = (await invite(world, host.id, event.id, [guest.id], "event_start")).created  # sent again
    assert (again.id, again.status, again.expires_at) == (created.id, "pending", event.start_time)


async def test_the_sweep_expires_invitations_and_unconfirmed_acceptances(world: World) -> None:
    host, a, b, c = await world.member(1), await world.member(2), await world.member(3), await world.member(4)
    event = await world.event(host, starts_in=timedelta(days=5))
    sent = await invite(world, host.id, event.id, [a.id, b.id], "48h")
    await world.run(RespondToInvitation, member_id=b.id, invitation_id=sent.created[1].id, response="going")
    await world.change_event(event, rsvp_expiry_policy=RsvpExpiryPolicy.HOURS_48)
    request = await world.run(CreateJoinRequest, member_id=c.id, event_id=event.id)
    await world.run(
        AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=request.id, host_message=""
    )
    assert await world.run(ExpireOverdue) == 0
    world.advance(timedelta(hours=48))
    assert await world.run(ExpireOverdue) == 2
    assert await world.run(ExpireOverdue) == 0
    statuses = {
        i.user_id: i.status for i in await world.run(ListEventInvitations, member_id=host.id, event_id=event.id)
    }
    assert statuses == {a.id: "expired", b.id: "accepted"}
    assert await world.actions("invitation", sent.created[0].id) == ["invitation.sent", "invitation.expired"]
    assert (await world.actions("join_request", request.id))[-1] == "join_request.expired"
