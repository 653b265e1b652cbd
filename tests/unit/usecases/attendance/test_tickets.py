"""Confirmation and tickets on the in-memory adapters: one place takes seats, and it never oversells."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

import pytest
from dishka import Provider, Scope

from loopin.adapters.jobs.dispatch import JobDispatcher
from loopin.adapters.jobs.relay import OutboxRelay
from loopin.adapters.memory.attendance import TICKETS
from loopin.adapters.memory.store import MemoryStore
from loopin.domain.attendance.errors import (
    AlreadyCheckedIn,
    AlreadyConfirmed,
    ConfirmationExpired,
    EventStarted,
    NoAcceptedRequest,
    PaymentRequired,
    PlusOnesNotAllowed,
    SeatsUnavailable,
    TicketNotFound,
)
from loopin.domain.attendance.secret import TicketCodes
from loopin.domain.events.event import EventNotFound, RsvpExpiryPolicy
from loopin.domain.identity.member import Member
from loopin.domain.shared.errors import DomainError, InvalidInput
from loopin.usecases.attendance.checkin import CheckIn
from loopin.usecases.attendance.guest_tickets import CancelAttendance, GetMyTicket, ListMyTickets
from loopin.usecases.attendance.host_requests import AcceptJoinRequest
from loopin.usecases.attendance.invitation_answers import RespondToInvitation
from loopin.usecases.attendance.invitations import SendInvitations
from loopin.usecases.attendance.requests import CreateJoinRequest, GetMyRequest
from loopin.usecases.attendance.tickets import ConfirmAttendance
from loopin.usecases.attendance.views import TicketView
from loopin.usecases.audit.record import RECORD_AUDIT_ENTRY
from loopin.usecases.events.browse import GetEvent
from loopin.usecases.notifications.deliver import DELIVER_NOTIFICATION
from loopin.usecases.shared.ports import Job
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.world import World


async def accepted(world: World, host: Member, guest: Member, event_id: int, seats: int = 1) -> int:
    asked = await world.run(CreateJoinRequest, member_id=guest.id, event_id=event_id, seats_requested=seats)
    await world.run(AcceptJoinRequest, member_id=host.id, event_id=event_id, request_id=asked.id, host_message="")
    return int(asked.id)


async def confirm(world: World, guest: Member, event_id: int, seats: int = 1) -> TicketView:
    ticket: TicketView = await world.run(ConfirmAttendance, member_id=guest.id, event_id=event_id, seats=seats)
    return ticket


async def test_confirming_an_accepted_request_issues_a_ticket_and_takes_the_seats(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, max_capacity=10, cover_image_keys=("events/1/cover.png",))
    await accepted(world, host, guest, event.id, 3)
    ticket = await confirm(world, guest, event.id, 3)
    assert (ticket.event_id, ticket.member_id, ticket.seats, ticket.status) == (event.id, guest.id, 3, "going")
    assert (ticket.is_paid, ticket.payment_status, ticket.event_title) == (False, "unpaid", "Sunset Jam Session")
    assert ticket.cover_image_url == "/api/media/events/1/cover.png"
    assert len(ticket.ticket_secret) == 32
    assert ticket.qr_code_data == f"EVENT:{event.id}:TICKET:{ticket.ticket_secret}"
    assert (await world.reload(event)).seats_taken == 3
    assert await world.actions("ticket", ticket.ticket_id) == ["ticket.issued"]
    assert "ticket_confirmed" in await world.templates(guest)
    store = await world.container.get(MemoryStore)
    stored = store.tables[TICKETS][ticket.ticket_id]
    assert ticket.ticket_secret not in repr(stored)  # only a nonce and a keyed digest are kept


async def test_the_same_confirmation_again_returns_the_same_ticket(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host)
    await accepted(world, host, guest, event.id, 2)
    first = await confirm(world, guest, event.id, 2)
    again = await confirm(world, guest, event.id, 2)
    assert (again.ticket_id, again.ticket_secret) == (first.ticket_id, first.ticket_secret)
    assert (await world.reload(event)).seats_taken == 2
    with pytest.raises(AlreadyConfirmed, match="2 seats"):
        await confirm(world, guest, event.id, 3)


async def test_no_ticket_without_an_accepted_request_or_invitation(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host)
    with pytest.raises(NoAcceptedRequest):
        await confirm(world, guest, event.id)
    await world.run(CreateJoinRequest, member_id=guest.id, event_id=event.id)
    with pytest.raises(NoAcceptedRequest):  # still pending
        await confirm(world, guest, event.id)
    for seats in (0, 11):
        with pytest.raises(InvalidInput):
            await confirm(world, guest, event.id, seats)
    assert (await world.reload(event)).seats_taken == 0


async def test_confirmation_closes_at_the_rsvp_deadline(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, starts_in=timedelta(days=5), rsvp_expiry_policy=RsvpExpiryPolicy.HOURS_48)
    await accepted(world, host, guest, event.id)
    world.advance(timedelta(hours=48))
    with pytest.raises(ConfirmationExpired):
        await confirm(world, guest, event.id)


async def test_plus_ones_only_where_allowed(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host)
    await accepted(world, host, guest, event.id)
    await world.change_event(event, allow_plus_one=False)
    with pytest.raises(PlusOnesNotAllowed):
        await confirm(world, guest, event.id, 2)
    assert (await confirm(world, guest, event.id, 1)).seats == 1


async def test_paid_events_answer_payment_required_and_take_nothing(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, is_paid=True, ticket_price=Decimal("499.00"))
    await accepted(world, host, guest, event.id)
    with pytest.raises(PaymentRequired, match=r"499\.00"):
        await confirm(world, guest, event.id)
    assert (await world.reload(event)).seats_taken == 0
    with pytest.raises(TicketNotFound):
        await world.run(GetMyTicket, member_id=guest.id, event_id=event.id)


async def test_the_last_seats_go_to_whoever_confirms_first(world: World) -> None:
    host, a, b = await world.member(1), await world.member(2), await world.member(3)
    event = await world.event(host, max_capacity=3)
    await accepted(world, host, a, event.id, 2)
    await accepted(world, host, b, event.id, 2)
    await confirm(world, a, event.id, 2)
    with pytest.raises(SeatsUnavailable) as caught:
        await confirm(world, b, event.id, 2)
    assert caught.value.code == "CAPACITY_FULL"
    assert (await confirm(world, b, event.id, 1)).seats == 1
    assert (await world.reload(event)).seats_taken == 3


async def test_parallel_confirmations_never_oversell(world: World) -> None:
    host = await world.member(1)
    event = await world.event(host, max_capacity=20)
    rng = random.Random(7)
    guests = [await world.member(n) for n in range(2, 42)]
    wanted = {g.id: rng.randint(1, 3) for g in guests}
    for g in guests:
        await accepted(world, host, g, event.id, wanted[g.id])
    results = await asyncio.gather(
        *(confirm(world, g, event.id, wanted[g.id]) for g in guests), return_exceptions=True
    )
    sold = [r for r in results if isinstance(r, TicketView)]
    refused = [r for r in results if not isinstance(r, TicketView)]
    assert all(isinstance(r, SeatsUnavailable) for r in refused), refused
    assert sum(t.seats for t in sold) == (await world.reload(event)).seats_taken <= 20
    assert (await world.reload(event)).seats_taken >= 18  # refused only when the seats they wanted were gone


async def test_a_guest_sees_their_own_tickets_only(world: World) -> None:
    host, guest, other = await world.member(1), await world.member(2), await world.member(3)
    later = await world.event(host, title="Later", starts_in=timedelta(days=9))
    sooner = await world.event(host, title="Sooner", starts_in=timedelta(days=2))
    for e in (later, sooner):
        await accepted(world, host, guest, e.id)
        await confirm(world, guest, e.id)
    mine = await world.run(ListMyTickets, member_id=guest.id)
    assert [t.event_title for t in mine] == ["Sooner", "Later"]
    assert [t.event_title for t in await world.run(ListMyTickets, member_id=guest.id, event_id=later.id)] == [
        "Later"
    ]
    one = await world.run(GetMyTicket, member_id=guest.id, event_id=later.id)
    assert one.ticket_secret == mine[1].ticket_secret
    assert await world.run(ListMyTickets, member_id=other.id) == []
    with pytest.raises(TicketNotFound):
        await world.run(GetMyTicket, member_id=other.id, event_id=later.id)


async def test_cancelling_frees_the_seats_and_closes_the_request(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, max_capacity=5)
    request_id = await accepted(world, host, guest, event.id, 3)
    ticket = await confirm(world, guest, event.id, 3)
    done = await world.run(CancelAttendance, member_id=guest.id, event_id=event.id)
    assert (done.ticket_id, done.seats_released, done.going_count) == (ticket.ticket_id, 3, 0)
    assert (await world.reload(event)).seats_taken == 0
    assert (await world.run(GetMyRequest, member_id=guest.id, event_id=event.id)).status == "cancelled"
    with pytest.raises(TicketNotFound):
        await world.run(GetMyTicket, member_id=guest.id, event_id=event.id)
    with pytest.raises(TicketNotFound):
        await world.run(CancelAttendance, member_id=guest.id, event_id=event.id)
    assert await world.actions("ticket", ticket.ticket_id) == ["ticket.issued", "ticket.cancelled"]
    # coming back means asking again; the ticket row is issued again with a new code
    await world.run(CreateJoinRequest, member_id=guest.id, event_id=event.id, seats_requested=1)
    await world.run(
        AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=request_id, host_message=""
    )
    again = await confirm(world, guest, event.id, 1)
    assert again.ticket_id == ticket.ticket_id
    assert again.ticket_secret != ticket.ticket_secret
    codes = await world.container.get(TicketCodes)
    assert codes.lookup_digest(ticket.ticket_secret) != codes.lookup_digest(again.ticket_secret)


async def test_no_cancellation_once_started_or_checked_in(world: World) -> None:
    host, a, b = await world.member(1), await world.member(2), await world.member(3)
    event = await world.event(host, starts_in=timedelta(hours=6))
    for g in (a, b):
        await accepted(world, host, g, event.id)
        await confirm(world, g, event.id)
    await world.run(CheckIn, member_id=host.id, event_id=event.id, user_id=a.id)
    with pytest.raises(AlreadyCheckedIn):
        await world.run(CancelAttendance, member_id=a.id, event_id=event.id)
    world.advance(timedelta(hours=6))
    with pytest.raises(EventStarted):
        await world.run(CancelAttendance, member_id=b.id, event_id=event.id)


async def test_an_accepted_invitation_is_confirmed_like_an_accepted_request(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, is_public=False)
    sent = await world.run(SendInvitations, member_id=host.id, event_id=event.id, user_ids=[guest.id])
    answer = await world.run(
        RespondToInvitation, member_id=guest.id, invitation_id=sent.created[0].id, response="going"
    )
    assert (answer.requires_confirmation, answer.requires_payment) == (True, False)
    ticket = await confirm(world, guest, event.id, 2)
    assert ticket.seats == 2
    assert (await world.reload(event)).seats_taken == 2


async def test_an_event_deleted_after_confirmation_hides_its_tickets(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host)
    await accepted(world, host, guest, event.id)
    await confirm(world, guest, event.id)
    await world.change_event(event, deleted_at=world.now)
    assert await world.run(ListMyTickets, member_id=guest.id) == []
    with pytest.raises(DomainError) as caught:
        await world.run(CancelAttendance, member_id=guest.id, event_id=event.id)
    assert isinstance(caught.value, EventNotFound)


async def test_a_confirmation_succeeds_while_the_queue_is_down_and_its_jobs_follow(
    make_world: MakeWorld,
) -> None:
    """The ticket is committed although its jobs could not be queued: the guest is told it worked, feeds show
    the seats, and the jobs wait in the outbox until the relay hands them over."""
    queue = SwitchableQueue()
    override = Provider(scope=Scope.APP)
    override.provide(lambda: queue, provides=JobDispatcher, override=True)
    world = await make_world(override)
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, max_capacity=10)
    await accepted(world, host, guest, event.id)
    before = await world.run(GetEvent, member_id=host.id, event_id=event.id)  # cached now
    queue.down = True
    queued_before = len(queue.jobs)
    await confirm(world, guest, event.id, 2)
    after = await world.run(GetEvent, member_id=host.id, event_id=event.id)
    assert (before.seats_taken, after.seats_taken) == (0, 2)
    assert len(queue.jobs) == queued_before
    queue.down = False
    relay = await world.get(OutboxRelay)
    assert await relay.relay_due() == 0  # held for the writer to hand over
    world.advance(timedelta(minutes=1))
    assert await relay.relay_due() > 0
    names = {job.name for job in queue.jobs[queued_before:]}
    assert {RECORD_AUDIT_ENTRY, DELIVER_NOTIFICATION} <= names


class SwitchableQueue:
    """Runs jobs inline like the test dispatcher, or refuses them as SAQ does when Redis is down."""

    def __init__(self) -> None:
        self.down = False
        self.jobs: list[Job] = []

    async def dispatch(self, jobs: Sequence[Job]) -> None:
        if self.down:
            raise ConnectionError("redis is down")
        self.jobs.extend(jobs)
