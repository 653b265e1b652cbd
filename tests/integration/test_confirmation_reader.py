"""ConfirmationReader contract (in-memory and PostgreSQL): one read answers what the repositories answer."""

from __future__ import annotations

from dishka import AsyncContainer

from loopin.domain.attendance.invitation import Invitation
from loopin.domain.attendance.request import JoinRequest
from loopin.domain.events.event import RsvpExpiryPolicy
from loopin.usecases.attendance.ports import (
    ConfirmationFacts,
    ConfirmationReader,
    InvitationRepository,
    JoinRequestRepository,
    TicketRepository,
)
from loopin.usecases.events.ports import EventRepository
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.integration.test_attendance_repositories import an_event, members, put, ticket
from tests.support import Fakes


async def facts_of(container: AsyncContainer, event_id: int, member_id: int) -> ConfirmationFacts:
    async with container() as scope:
        return await (await scope.get(ConfirmationReader)).facts(event_id, member_id)


async def test_the_facts_are_the_repositories_entities(any_container: AsyncContainer, fakes: Fakes) -> None:
    host, guest, other = await members(any_container, fakes, "Host", "Asha", "Ravi")
    event = await an_event(any_container, fakes, host, with_venue=True)
    now = fakes.clock.now()
    await put(any_container, JoinRequestRepository, JoinRequest.open(event.id, guest.id, 2, "hi", now))
    await put(
        any_container,
        InvitationRepository,
        Invitation.send(
            event.id, guest.id, host.id, policy=RsvpExpiryPolicy.DAYS_7, expires_at=now, message="", now=now
        ),
    )
    await put(any_container, TicketRepository, ticket(event, guest, now))
    facts = await facts_of(any_container, event.id, guest.id)
    async with any_container() as scope:
        assert facts == ConfirmationFacts(
            await (await scope.get(MemberRepository)).get(guest.id),
            await (await scope.get(EventRepository)).get(event.id),
            await (await scope.get(TicketRepository)).find(event.id, guest.id),
            await (await scope.get(JoinRequestRepository)).find(event.id, guest.id),
            await (await scope.get(InvitationRepository)).find(event.id, guest.id),
            "Carter Road",
        )
    assert facts.ticket is not None
    assert facts.request is not None
    assert facts.invitation is not None
    # another member of the same event: only their own rows (none), the event and the venue
    alone = await facts_of(any_container, event.id, other.id)
    assert (alone.ticket, alone.request, alone.invitation, alone.venue_name) == (None, None, None, "Carter Road")
    assert alone.member is not None
    assert alone.member.id == other.id


async def test_missing_rows_are_none(any_container: AsyncContainer, fakes: Fakes) -> None:
    host, guest = await members(any_container, fakes, "Host", "Asha")
    event = await an_event(any_container, fakes, host)  # no venue
    bare = await facts_of(any_container, event.id, guest.id)
    assert bare.member is not None
    assert bare.event is not None
    assert (bare.event.id, bare.ticket, bare.request, bare.invitation, bare.venue_name) == (
        event.id,
        None,
        None,
        None,
        None,
    )
    assert await facts_of(any_container, event.id, 987_654) == ConfirmationFacts(None)
    for missing in (987_654, 2**63, -1):  # ids past what a column stores find nothing
        unknown = await facts_of(any_container, missing, guest.id)
        assert unknown.member is not None
        assert unknown.event is None
    assert await facts_of(any_container, event.id, 2**63) == ConfirmationFacts(None)


async def test_an_erased_member_is_nobody(any_container: AsyncContainer, fakes: Fakes) -> None:
    host, guest = await members(any_container, fakes, "Host", "Asha")
    event = await an_event(any_container, fakes, host)
    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        member = await repo.get_for_update(guest.id)
        assert member is not None
        member.erase(fakes.clock.now())
        await repo.save(member)
        await (await scope.get(UnitOfWork)).commit()
    found = await facts_of(any_container, event.id, guest.id)
    assert found.member is None
    assert found.event is not None  # the rest is still read, as the SQL's join (a paid order's refund names it)
    assert found.event.id == event.id
