"""Every business event of the trigger matrix leaves the right in-app row (and push) once, from a job after
its commit (docs/notifications.md)."""

from __future__ import annotations

from datetime import timedelta

from loopin.domain.events.changes import EventChanges
from loopin.domain.identity.member import MemberStatus
from loopin.usecases.attendance.guest_tickets import CancelAttendance
from loopin.usecases.attendance.invitation_answers import RespondToInvitation
from loopin.usecases.attendance.invitations import SendInvitations
from loopin.usecases.attendance.tickets import ConfirmAttendance
from loopin.usecases.events.manage import UpdateEvent
from loopin.usecases.identity.waitlist import PromoteDueMembers
from loopin.usecases.notifications.devices import RegisterDevice
from tests.unit.usecases.world import World


async def test_request_accept_ticket_and_cancel_notify_guest_and_host(world: World) -> None:
    host = await world.member(1, name="Host")
    event = await world.event(host, title="Sunday Jam", max_capacity=10)
    guest = await world.member(2, name="Asha")
    await world.run(RegisterDevice, member_id=guest.id, player_id="asha-phone", platform="ios")
    await world.accept(host, guest, event)
    await world.run(ConfirmAttendance, member_id=guest.id, event_id=event.id, seats=1)
    await world.run(CancelAttendance, member_id=guest.id, event_id=event.id)

    assert await world.templates(host) == ["new_join_request", "ticket_cancelled"]
    assert await world.templates(guest) == ["request_approved", "ticket_confirmed"]
    [cancelled, asked] = await world.notifications(host)
    assert asked.title == "New request: Sunday Jam"
    assert "Asha" in asked.body
    assert "Asha" in cancelled.body
    assert "1 seat" in cancelled.body
    assert asked.data["route"] == "event_requests"
    assert asked.data["event_id"] == str(event.id)
    pushed = [p.title for p in world.push.sent if p.player_ids == ("asha-phone",)]
    assert pushed == ["Request Accepted: Sunday Jam", "You're going: Sunday Jam"]


async def test_invitations_notify_the_invitee_then_the_host(world: World) -> None:
    host = await world.member(1, name="Host")
    event = await world.event(host, title="Sunday Jam")
    guest = await world.member(2, name="Asha")
    await world.run(
        SendInvitations, member_id=host.id, event_id=event.id, user_ids=[guest.id], expiry_policy="48h"
    )
    [invitation] = await world.notifications(guest)
    assert invitation.template == "event_invite"
    assert "Host" in invitation.body
    await world.run(
        RespondToInvitation, member_id=guest.id, invitation_id=int(invitation.data["invite_id"]), response="going"
    )
    assert await world.templates(host) == ["invite_accepted"]


async def test_guests_hear_of_a_new_time_a_postponement_and_a_cancellation(world: World) -> None:
    host = await world.member(1)
    event = await world.event(host, title="Sunday Jam", max_capacity=10)
    going = [await world.accepted_guest(host, event, n) for n in (2, 3)]
    for guest in going:
        await world.run(ConfirmAttendance, member_id=guest.id, event_id=event.id, seats=1)
    asked_only = await world.accepted_guest(host, event, 4)  # accepted, no ticket: not a guest yet

    async def change(**fields: object) -> None:
        await world.run(UpdateEvent, member_id=host.id, event_id=event.id, changes=EventChanges(**fields))

    await change(description="Bring a friend")  # not for the guests' phones
    later = event.start_time + timedelta(hours=2)
    await change(start_time=later.isoformat(), end_time=(later + timedelta(hours=3)).isoformat())
    await change(status="postponed")
    await change(status="cancelled")
    for guest in going:
        assert await world.templates(guest) == [
            "request_approved",
            "ticket_confirmed",
            "event_updated",
            "event_postponed",
            "event_cancelled",
        ]
    updated = (await world.notifications(going[0]))[2]
    assert "the time and the end time" in updated.body
    assert await world.templates(asked_only) == ["request_approved"]


async def test_a_member_let_in_off_the_waitlist_is_welcomed_once(world: World) -> None:
    member = await world.member(5, status=MemberStatus.WAITLISTED)
    world.advance(timedelta(hours=5))
    assert await world.run(PromoteDueMembers) == 1
    assert await world.run(PromoteDueMembers) == 0
    [welcome] = await world.notifications(member)
    assert (welcome.template, welcome.kind, welcome.title) == ("account_activated", "system", "Welcome to Loopin!")
