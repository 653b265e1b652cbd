"""Join requests on the in-memory adapters: the rules for asking, the host's answers, withdrawal, renewal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopin.domain.attendance.errors import (
    AlreadyAccepted,
    AlreadyConfirmed,
    AlreadyInvited,
    DuplicateRequest,
    EventNotOpen,
    EventStarted,
    GenderNotAllowed,
    HostCannotJoin,
    HostOnly,
    NoPendingRequests,
    PlusOnesNotAllowed,
    RequestDeclinedRecently,
    RequestNotFound,
    RequestNotPending,
    SeatsUnavailable,
    TicketHeld,
)
from loopin.domain.attendance.request import DECLINED_RENEWAL_WAIT
from loopin.domain.events.event import AllowedGenders, EventNotFound, EventStatus
from loopin.domain.identity.member import MemberStatus, MemberWaitlisted, Role
from loopin.domain.identity.profile import Gender
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.attendance.host_requests import (
    AcceptJoinRequest,
    BulkRequestAction,
    DeclineJoinRequest,
    GetRequesterProfile,
    ListEventRequests,
)
from loopin.usecases.attendance.invitations import SendInvitations
from loopin.usecases.attendance.requests import (
    CreateJoinRequest,
    GetMyRequest,
    ListMyRequests,
    WithdrawJoinRequest,
)
from loopin.usecases.attendance.tickets import ConfirmAttendance
from loopin.usecases.attendance.views import RequestView
from tests.unit.usecases.world import World


async def ask(
    world: World, member_id: int, event_id: int, seats: int = 1, message: str | None = None
) -> RequestView:
    view: RequestView = await world.run(
        CreateJoinRequest, member_id=member_id, event_id=event_id, seats_requested=seats, message=message
    )
    return view


async def test_a_request_is_pending_counted_audited_and_the_host_is_told(world: World) -> None:
    host, guest = await world.member(1, name="Host Hari"), await world.member(2, name="Asha Rao")
    event = await world.event(host, max_capacity=10)
    view = await ask(world, guest.id, event.id, 2, "  I would love to attend this event!  ")
    assert (view.status, view.seats_requested, view.message) == (
        "pending",
        2,
        "I would love to attend this event!",
    )
    assert (view.event_id, view.requester_id, view.event_title, view.can_confirm) == (
        event.id,
        guest.id,
        "Sunset Jam Session",
        False,
    )
    assert (await world.reload(event)).requests_count == 1
    assert await world.actions("join_request", view.id) == ["join_request.created"]
    [note] = await world.notifications(host)
    assert note.template == "new_join_request"
    assert "Asha Rao asked to join Sunset Jam Session" in note.body
    assert note.data["route"] == "event_requests"
    assert note.data["request_id"] == str(view.id)


async def test_who_and_when_may_ask(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host)
    with pytest.raises(HostCannotJoin):
        await ask(world, host.id, event.id)
    for status in (EventStatus.CANCELLED, EventStatus.POSTPONED):
        other = await world.event(host, status=status)
        with pytest.raises(EventNotOpen, match=status.value):
            await ask(world, guest.id, other.id)
    draft = await world.event(host, status=EventStatus.DRAFT)
    with pytest.raises(EventNotFound):  # a draft is invisible to guests
        await ask(world, guest.id, draft.id)
    private = await world.event(host, is_public=False)
    with pytest.raises(EventNotFound):
        await ask(world, guest.id, private.id)
    with pytest.raises(EventNotFound):
        await ask(world, guest.id, 9999)
    soon = await world.event(host, starts_in=timedelta(hours=1))
    world.advance(timedelta(hours=1))
    with pytest.raises(EventStarted):
        await ask(world, guest.id, soon.id)


async def test_waitlisted_members_are_refused_with_403(world: World) -> None:
    host = await world.member(1)
    waiting = await world.member(2, status=MemberStatus.WAITLISTED)
    event = await world.event(host)
    with pytest.raises(MemberWaitlisted):
        await ask(world, waiting.id, event.id)
    with pytest.raises(MemberWaitlisted):
        await world.run(GetMyRequest, member_id=waiting.id, event_id=event.id)


async def test_gender_plus_ones_seat_range_and_capacity(world: World) -> None:
    host = await world.member(1)
    man, woman = await world.member(2, gender=Gender.MALE), await world.member(3, gender=Gender.FEMALE)
    women_only = await world.event(host, allowed_genders=AllowedGenders.FEMALE)
    with pytest.raises(GenderNotAllowed, match="women only"):
        await ask(world, man.id, women_only.id)
    await ask(world, woman.id, women_only.id)
    solo = await world.event(host, allow_plus_one=False)
    with pytest.raises(PlusOnesNotAllowed):
        await ask(world, woman.id, solo.id, 2)
    for seats in (0, 11):
        with pytest.raises(InvalidInput) as caught:
            await ask(world, woman.id, solo.id, seats)
        assert caught.value.problems[0].field == "seats_requested"
    with pytest.raises(InvalidInput):
        await ask(world, woman.id, solo.id, 1, "x" * 2001)
    small = await world.event(host, max_capacity=2)
    with pytest.raises(SeatsUnavailable) as full:
        await ask(world, woman.id, small.id, 3)
    assert full.value.code == "CAPACITY_EXCEEDED"
    assert (await world.reload(small)).requests_count == 0


async def test_one_live_request_per_member_and_event(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host)
    first = await ask(world, guest.id, event.id)
    with pytest.raises(DuplicateRequest):
        await ask(world, guest.id, event.id)
    await world.run(AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=first.id, host_message="")
    with pytest.raises(AlreadyAccepted):
        await ask(world, guest.id, event.id)
    assert (await world.reload(event)).requests_count == 0
    await world.run(ConfirmAttendance, member_id=guest.id, event_id=event.id, seats=1)
    with pytest.raises(AlreadyConfirmed, match=r"^You already hold a ticket for this event\.$"):
        await ask(world, guest.id, event.id)


async def test_withdrawn_requests_are_renewed_at_once_on_the_same_row(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host)
    first = await ask(world, guest.id, event.id)
    withdrawn = await world.run(WithdrawJoinRequest, member_id=guest.id, event_id=event.id)
    assert withdrawn.status == "cancelled"
    assert (await world.reload(event)).requests_count == 0
    again = await ask(world, guest.id, event.id, 1, "second try")
    assert (again.id, again.status, again.message) == (first.id, "pending", "second try")
    assert (await world.reload(event)).requests_count == 1
    assert await world.actions("join_request", first.id) == [
        "join_request.created",
        "join_request.withdrawn",
        "join_request.renewed",
    ]


async def test_a_declined_member_may_ask_again_only_after_a_day(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, starts_in=timedelta(days=5))
    first = await ask(world, guest.id, event.id)
    declined = await world.run(
        DeclineJoinRequest, member_id=host.id, event_id=event.id, request_id=first.id, host_message="Sorry"
    )
    assert (declined.status, declined.host_message, declined.can_confirm) == ("declined", "Sorry", False)
    with pytest.raises(RequestDeclinedRecently, match="ask again in about 24 hours"):
        await ask(world, guest.id, event.id)
    world.advance(DECLINED_RENEWAL_WAIT)
    again = await ask(world, guest.id, event.id)
    assert (again.id, again.status, again.host_message) == (first.id, "pending", "")
    assert await world.templates(guest) == ["request_declined"]


async def test_an_invited_member_answers_the_invitation_instead(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host)
    await world.run(SendInvitations, member_id=host.id, event_id=event.id, user_ids=[guest.id])
    with pytest.raises(AlreadyInvited):
        await ask(world, guest.id, event.id)


async def test_my_request_is_404_until_there_is_one_and_tells_whether_to_confirm(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host)
    with pytest.raises(RequestNotFound):
        await world.run(GetMyRequest, member_id=guest.id, event_id=event.id)
    asked = await ask(world, guest.id, event.id, 2)
    mine = await world.run(GetMyRequest, member_id=guest.id, event_id=event.id)
    assert (mine.id, mine.status, mine.can_confirm, mine.seats_requested) == (asked.id, "pending", False, 2)
    await world.run(
        AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=asked.id, host_message="See you!"
    )
    mine = await world.run(GetMyRequest, member_id=guest.id, event_id=event.id)
    assert (mine.status, mine.can_confirm, mine.host_message) == ("accepted", True, "See you!")
    await world.run(ConfirmAttendance, member_id=guest.id, event_id=event.id, seats=2)
    mine = await world.run(GetMyRequest, member_id=guest.id, event_id=event.id)
    assert (mine.status, mine.can_confirm) == ("accepted", False)  # "View ticket"
    listed = await world.run(ListMyRequests, member_id=guest.id)
    assert [(r.id, r.event_title) for r in listed] == [(asked.id, "Sunset Jam Session")]
    assert await world.run(ListMyRequests, member_id=guest.id, status="declined") == []
    with pytest.raises(InvalidInput):
        await world.run(ListMyRequests, member_id=guest.id, status="bogus")


async def test_an_accepted_request_expires_when_the_rsvp_deadline_passes(world: World) -> None:
    from loopin.domain.events.event import RsvpExpiryPolicy

    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, rsvp_expiry_policy=RsvpExpiryPolicy.HOURS_48, starts_in=timedelta(days=5))
    asked = await ask(world, guest.id, event.id)
    accepted = await world.run(
        AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=asked.id, host_message=None
    )
    assert accepted.confirm_by == world.now + timedelta(hours=48)
    world.advance(timedelta(hours=48))
    mine = await world.run(GetMyRequest, member_id=guest.id, event_id=event.id)
    assert (mine.status, mine.can_confirm) == ("expired", False)


async def test_accept_is_host_only_idempotent_and_tells_the_guest(world: World) -> None:
    host, guest, stranger = await world.member(1), await world.member(2), await world.member(3)
    staff = await world.member(4, role=Role.STAFF)
    event = await world.event(host, max_capacity=5)
    asked = await ask(world, guest.id, event.id, 2)
    for who in (stranger, guest, staff):  # staff read lists and work the door, but only hosts decide
        with pytest.raises(HostOnly):
            await world.run(
                AcceptJoinRequest, member_id=who.id, event_id=event.id, request_id=asked.id, host_message=""
            )
    accepted = await world.run(
        AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=asked.id, host_message="Welcome"
    )
    assert (accepted.status, accepted.can_confirm, accepted.requester_name) == (
        "accepted",
        True,
        guest.profile.name,
    )
    again = await world.run(
        AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=asked.id, host_message=""
    )
    assert again.status == "accepted"
    assert await world.actions("join_request", asked.id) == ["join_request.created", "join_request.accepted"]
    assert await world.templates(guest) == ["request_approved"]
    [note] = await world.notifications(guest)
    assert note.title == "Request Accepted: Sunset Jam Session"
    assert note.data == {
        "type": "event_request",
        "route": "event_details",
        "action": "accepted",
        "event_id": str(event.id),
        "request_id": str(asked.id),
    }
    with pytest.raises(RequestNotFound):
        await world.run(AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=9999, host_message="")
    other = await world.event(host)
    with pytest.raises(RequestNotFound):  # a request of another event
        await world.run(
            AcceptJoinRequest, member_id=host.id, event_id=other.id, request_id=asked.id, host_message=""
        )


async def test_accept_refuses_a_request_that_no_longer_fits(world: World) -> None:
    host, a, b = await world.member(1), await world.member(2), await world.member(3)
    event = await world.event(host, max_capacity=3)
    first, second = await ask(world, a.id, event.id, 2), await ask(world, b.id, event.id, 2)
    await world.run(AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=first.id, host_message="")
    await world.run(ConfirmAttendance, member_id=a.id, event_id=event.id, seats=2)
    with pytest.raises(SeatsUnavailable) as caught:
        await world.run(
            AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=second.id, host_message=""
        )
    assert caught.value.code == "CAPACITY_EXCEEDED"
    assert "Only 1 seat left" in caught.value.message


async def test_decline_after_accepting_but_not_once_a_ticket_is_held(world: World) -> None:
    host, a, b = await world.member(1), await world.member(2), await world.member(3)
    event = await world.event(host)
    ra, rb = await ask(world, a.id, event.id), await ask(world, b.id, event.id)
    await world.run(AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=ra.id, host_message="")
    await world.run(AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=rb.id, host_message="")
    await world.run(ConfirmAttendance, member_id=b.id, event_id=event.id, seats=1)
    changed = await world.run(
        DeclineJoinRequest, member_id=host.id, event_id=event.id, request_id=ra.id, host_message="Changed plans"
    )
    assert changed.status == "declined"
    with pytest.raises(RequestNotPending, match="ticket"):
        await world.run(
            DeclineJoinRequest, member_id=host.id, event_id=event.id, request_id=rb.id, host_message=""
        )
    assert (await world.reload(event)).requests_count == 0


async def test_bulk_accept_and_decline_report_what_they_left_alone(world: World) -> None:
    host = await world.member(1)
    guests = [await world.member(n) for n in range(2, 7)]
    event = await world.event(host, max_capacity=4)
    asked = [await ask(world, g.id, event.id, 2 if i < 3 else 1) for i, g in enumerate(guests)]
    done = await world.run(
        BulkRequestAction,
        member_id=host.id,
        event_id=event.id,
        request_ids=[asked[0].id, asked[1].id, 9999, asked[0].id],
        action="accept",
        host_message="Hi",
    )
    assert (done.accepted, done.declined) == ((asked[0].id, asked[1].id), ())
    assert done.errors == ((9999, "Request not found for this event."),)
    assert (await world.reload(event)).requests_count == 3
    with pytest.raises(NoPendingRequests):
        await world.run(
            BulkRequestAction, member_id=host.id, event_id=event.id, request_ids=[asked[0].id], action="decline"
        )
    done = await world.run(
        BulkRequestAction,
        member_id=host.id,
        event_id=event.id,
        request_ids=[a.id for a in asked[2:]],
        action="decline",
    )
    assert done.declined == tuple(a.id for a in asked[2:])
    assert (await world.reload(event)).requests_count == 0
    assert await world.templates(guests[4]) == ["request_declined"]
    for ids, action in (([], "accept"), ([1], "maybe")):
        with pytest.raises(InvalidInput):
            await world.run(
                BulkRequestAction, member_id=host.id, event_id=event.id, request_ids=ids, action=action
            )
    with pytest.raises(InvalidInput):
        await world.run(
            BulkRequestAction,
            member_id=host.id,
            event_id=event.id,
            request_ids=list(range(1, 102)),
            action="accept",
        )
    with pytest.raises(HostOnly):
        await world.run(
            BulkRequestAction,
            member_id=guests[0].id,
            event_id=event.id,
            request_ids=[asked[0].id],
            action="accept",
        )


async def test_bulk_accept_skips_requests_that_do_not_fit(world: World) -> None:
    host = await world.member(1)
    a, b, c = await world.member(2), await world.member(3), await world.member(4)
    event = await world.event(host, max_capacity=2)
    ra, rb, rc = (
        await ask(world, a.id, event.id, 2),
        await ask(world, b.id, event.id, 1),
        await ask(world, c.id, event.id, 1),
    )
    await world.run(AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=rb.id, host_message="")
    await world.run(ConfirmAttendance, member_id=b.id, event_id=event.id, seats=1)
    done = await world.run(
        BulkRequestAction, member_id=host.id, event_id=event.id, request_ids=[ra.id, rc.id], action="accept"
    )
    assert done.accepted == (rc.id,)
    assert [e[0] for e in done.errors] == [ra.id]
    assert "Only 1 seat left" in done.errors[0][1]


async def test_the_host_and_staff_list_requests_and_nobody_else(world: World) -> None:
    host, guest, stranger = await world.member(1), await world.member(2, name="Asha Rao"), await world.member(3)
    staff = await world.member(4, role=Role.STAFF)
    event = await world.event(host)
    asked = await ask(world, guest.id, event.id)
    for who in (host, staff):
        [row] = await world.run(ListEventRequests, member_id=who.id, event_id=event.id)
        assert (row.id, row.requester_id, row.requester_name, row.status) == (
            asked.id,
            guest.id,
            "Asha Rao",
            "pending",
        )
        assert row.picture_url == "/api/media/profiles/2/a.png"
    for who in (guest, stranger):
        with pytest.raises(HostOnly):
            await world.run(ListEventRequests, member_id=who.id, event_id=event.id)
    private = await world.event(host, is_public=False)
    with pytest.raises(EventNotFound):  # a private event is not even revealed to strangers
        await world.run(ListEventRequests, member_id=stranger.id, event_id=private.id)
    assert await world.run(ListEventRequests, member_id=host.id, event_id=event.id, status="accepted") == []


async def test_the_requester_profile_shows_the_phone_only_once_accepted(world: World) -> None:
    host, guest, stranger = await world.member(1), await world.member(2, name="Asha Rao"), await world.member(3)
    event = await world.event(host)
    asked = await ask(world, guest.id, event.id)
    profile = await world.run(GetRequesterProfile, member_id=host.id, event_id=event.id, request_id=asked.id)
    assert (profile.user_id, profile.name, profile.phone_number, profile.gender) == (
        guest.id,
        "Asha Rao",
        None,
        "female",
    )
    assert profile.is_verified is True
    assert [i.id for i in profile.interests] == [1, 4]
    await world.run(AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=asked.id, host_message="")
    profile = await world.run(GetRequesterProfile, member_id=host.id, event_id=event.id, request_id=asked.id)
    assert profile.phone_number == guest.phone.e164
    with pytest.raises(HostOnly):
        await world.run(GetRequesterProfile, member_id=stranger.id, event_id=event.id, request_id=asked.id)
    with pytest.raises(RequestNotFound):
        await world.run(GetRequesterProfile, member_id=host.id, event_id=event.id, request_id=9999)


async def test_withdraw_rules(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host)
    with pytest.raises(RequestNotFound):
        await world.run(WithdrawJoinRequest, member_id=guest.id, event_id=event.id)
    asked = await ask(world, guest.id, event.id)
    await world.run(AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=asked.id, host_message="")
    await world.run(ConfirmAttendance, member_id=guest.id, event_id=event.id, seats=1)
    with pytest.raises(TicketHeld):
        await world.run(WithdrawJoinRequest, member_id=guest.id, event_id=event.id)
