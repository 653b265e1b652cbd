"""Attendance adapters' contract: each test runs on the in-memory store and on PostgreSQL (``any_container``).

Join requests, invitations and tickets round-trip every field; one row per member and event; tickets are
found by their code's digest only; the reader joins in what the use cases show; grants open private events;
sweeps skip rows another transaction holds; notifications are stored once per key.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from dishka import AsyncContainer

from loopin.domain.attendance.invitation import Invitation, InvitationStatus
from loopin.domain.attendance.request import JoinRequest, RequestStatus
from loopin.domain.attendance.secret import TicketCodes
from loopin.domain.attendance.ticket import PaymentStatus, Ticket, TicketSource, TicketStatus
from loopin.domain.events.event import Event, RsvpExpiryPolicy
from loopin.domain.events.venue import Venue
from loopin.domain.identity.member import Member, MemberStatus, Role
from loopin.domain.identity.profile import Profile
from loopin.domain.notifications.notification import Notification
from loopin.domain.shared.errors import Conflict
from loopin.usecases.attendance.ports import (
    AttendanceReader,
    InvitationRepository,
    JoinRequestRepository,
    TicketRepository,
)
from loopin.usecases.events.ports import (
    EventAccessGrants,
    EventRepository,
    Readers,
    ReaderStanding,
    VenueRepository,
)
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.notifications.ports import NotificationRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.factories import EventFactory, MemberFactory, ProfileFactory
from tests.integration.conftest import phone, store_members
from tests.support import Fakes

CODES = TicketCodes(b"t" * 32)


async def members(container: AsyncContainer, fakes: Fakes, *names: str) -> list[Member]:
    now = fakes.clock.now()
    made = []
    for n, name in enumerate(names, start=1):
        pictures = (f"profiles/{n}/a.png", f"profiles/{n}/b.png")
        profile = ProfileFactory.build(name=name, gender=None, interest_ids=(), picture_keys=pictures)
        made.append(MemberFactory.build(phone=phone(n), profile=profile, joined_at=now, updated_at=now))
    return await store_members(container, *made)


async def an_event(container: AsyncContainer, fakes: Fakes, host: Member, **details: Any) -> Event:
    now = fakes.clock.now()
    async with container() as scope:
        venue_id = None
        if details.pop("with_venue", False):
            venue, _ = await (await scope.get(VenueRepository)).find_or_add(
                Venue.new(name="Carter Road", address="Bandra West", city="Mumbai", now=now)
            )
            venue_id = venue.id
        event = EventFactory.starting(
            host.id,
            now,
            starts_in=details.pop("starts_in", timedelta(days=3)),
            title=details.pop("title", "Jam"),
            end_time=now + timedelta(days=3, hours=3),
            venue_id=venue_id,
            **details,
        )
        stored = await (await scope.get(EventRepository)).add(event)
        await (await scope.get(UnitOfWork)).commit()
    return stored


async def put(container: AsyncContainer, port: type[Any], entity: Any) -> Any:
    async with container() as scope:
        stored = await (await scope.get(port)).add(entity)
        await (await scope.get(UnitOfWork)).commit()
    return stored


def ticket(event: Event, member: Member, now: Any, seats: int = 2, **kwargs: Any) -> Ticket:
    return Ticket.issue(event.id, member.id, seats, source=TicketSource.REQUEST, codes=CODES, now=now, **kwargs)


async def test_a_join_request_round_trips_and_is_renewed_in_place(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    host, guest = await members(any_container, fakes, "Host", "Asha")
    event = await an_event(any_container, fakes, host)
    now = fakes.clock.now()
    stored = await put(any_container, JoinRequestRepository, JoinRequest.open(event.id, guest.id, 3, "hi", now))
    assert stored.id > 0
    async with any_container() as scope:
        repo = await scope.get(JoinRequestRepository)
        locked = await repo.lock(event.id, guest.id)
        assert locked is not None
        assert (locked.id, locked.seats_requested, locked.message, locked.status) == (
            stored.id,
            3,
            "hi",
            RequestStatus.PENDING,
        )
        assert locked.uuid == stored.uuid
        assert locked.created_at == now
        later = now + timedelta(hours=1)
        locked.accept(later, "welcome", later + timedelta(days=1))
        await repo.save(locked)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        repo = await scope.get(JoinRequestRepository)
        found = await repo.get(stored.id)
        assert found is not None
        assert (found.status, found.host_message, found.confirm_by, found.decided_at, found.updated_at) == (
            RequestStatus.ACCEPTED,
            "welcome",
            later + timedelta(days=1),
            later,
            later,
        )
        assert await repo.lock(event.id, host.id) is None
        assert [r.id for r in await repo.lock_many(event.id, [stored.id, 9999])] == [stored.id]
        other = await an_event(any_container, fakes, host)
        assert await repo.lock_many(other.id, [stored.id]) == []


async def test_a_second_request_row_for_a_member_and_event_is_a_conflict(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    host, guest = await members(any_container, fakes, "Host", "Asha")
    event = await an_event(any_container, fakes, host)
    now = fakes.clock.now()
    await put(any_container, JoinRequestRepository, JoinRequest.open(event.id, guest.id, 1, "", now))
    with pytest.raises(Conflict):
        await put(any_container, JoinRequestRepository, JoinRequest.open(event.id, guest.id, 1, "", now))
    for port, make in (
        (
            InvitationRepository,
            lambda: Invitation.send(
                event.id, guest.id, host.id, policy=RsvpExpiryPolicy.DAYS_7, expires_at=now, message="", now=now
            ),
        ),
        (TicketRepository, lambda: ticket(event, guest, now)),
    ):
        await put(any_container, port, make())
        with pytest.raises(Conflict):
            await put(any_container, port, make())


async def test_an_invitation_round_trips(any_container: AsyncContainer, fakes: Fakes) -> None:
    host, guest = await members(any_container, fakes, "Host", "Asha")
    event = await an_event(any_container, fakes, host)
    now = fakes.clock.now()
    deadline = now + timedelta(hours=48, microseconds=5)
    sent = Invitation.send(
        event.id, guest.id, host.id, policy=RsvpExpiryPolicy.HOURS_48, expires_at=deadline, message="Come", now=now
    )
    stored = await put(any_container, InvitationRepository, sent)
    async with any_container() as scope:
        repo = await scope.get(InvitationRepository)
        found = await repo.lock_by_id(stored.id)
        assert found is not None
        assert (found.event_id, found.invitee_id, found.host_id, found.expires_at, found.expiry_policy) == (
            event.id,
            guest.id,
            host.id,
            deadline,
            RsvpExpiryPolicy.HOURS_48,
        )
        assert (found.message, found.status, found.uuid) == ("Come", InvitationStatus.PENDING, sent.uuid)
        found.answer(True, now, has_ticket=False)
        await repo.save(found)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        repo = await scope.get(InvitationRepository)
        by_member = await repo.lock_for_members(event.id, [guest.id, host.id])
        assert list(by_member) == [guest.id]
        assert (by_member[guest.id].status, by_member[guest.id].answered_at) == (InvitationStatus.ACCEPTED, now)
        assert (await repo.lock(event.id, guest.id)) is not None


async def test_a_ticket_is_found_by_its_code_digest_and_a_reissue_retires_the_old_code(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    host, guest = await members(any_container, fakes, "Host", "Asha")
    event = await an_event(any_container, fakes, host)
    now = fakes.clock.now()
    issued = ticket(event, guest, now, 3, payment_order_id="ORD_1")
    secret = issued.secret(CODES)
    stored = await put(any_container, TicketRepository, issued)
    async with any_container() as scope:
        repo = await scope.get(TicketRepository)
        found = await repo.lock_by_digest(CODES.lookup_digest(secret))
        assert found is not None
        assert (found.id, found.seats, found.payment_status, found.payment_order_id) == (
            stored.id,
            3,
            PaymentStatus.PAID,
            "ORD_1",
        )
        assert found.secret(CODES) == secret  # the guest's code, derived again from what is stored
        assert await repo.lock_by_digest(CODES.lookup_digest(secret.swapcase())) is None
        found.cancel(now)
        found.reissue(1, source=TicketSource.INVITATION, codes=CODES, now=now)
        await repo.save(found)
        await (await scope.get(UnitOfWork)).commit()
        new_secret = found.secret(CODES)
    async with any_container() as scope:
        repo = await scope.get(TicketRepository)
        assert await repo.lock_by_digest(CODES.lookup_digest(secret)) is None
        again = await repo.lock_by_digest(CODES.lookup_digest(new_secret))
        assert again is not None
        assert (again.id, again.seats, again.status, again.source) == (
            stored.id,
            1,
            TicketStatus.GOING,
            TicketSource.INVITATION,
        )
        assert (await repo.find(event.id, guest.id)) is not None
        assert await repo.find(event.id, host.id) is None


async def test_the_reader_joins_events_venues_and_members(any_container: AsyncContainer, fakes: Fakes) -> None:
    host, asha, bina = await members(any_container, fakes, "Host Hari", "Asha", "Bina")
    event = await an_event(any_container, fakes, host, with_venue=True, cover_image_keys=("events/c.png",))
    now = fakes.clock.now()
    req = await put(any_container, JoinRequestRepository, JoinRequest.open(event.id, asha.id, 2, "hi", now))
    await put(
        any_container,
        InvitationRepository,
        Invitation.send(
            event.id, bina.id, host.id, policy=RsvpExpiryPolicy.DAYS_7, expires_at=now, message="", now=now
        ),
    )
    t = await put(any_container, TicketRepository, ticket(event, asha, now))
    async with any_container() as scope:
        reader = await scope.get(AttendanceReader)
        card = await reader.request_card(event.id, asha.id)
        assert card is not None
        assert (card.request.id, card.event_title, card.event_deleted, card.has_ticket) == (
            req.id,
            "Jam",
            False,
            True,
        )
        assert await reader.request_card(event.id, bina.id) is None
        assert [c.request.id for c in await reader.member_requests(asha.id)] == [req.id]
        [(r, requester)] = await reader.event_requests(event.id)
        assert (r.id, requester.id, requester.name, requester.picture_key, requester.is_active) == (
            req.id,
            asha.id,
            "Asha",
            "profiles/2/a.png",
            True,
        )
        [inv] = await reader.member_invitations(bina.id)
        assert (inv.host_name, inv.event.title, inv.event.venue_name) == ("Host Hari", "Jam", "Carter Road")
        [(_, invitee)] = await reader.event_invitations(event.id)
        assert invitee.name == "Bina"
        [mine] = await reader.member_tickets(asha.id)
        assert (mine.ticket.id, mine.event.venue_name, mine.event.cover_image_key) == (
            t.id,
            "Carter Road",
            "events/c.png",
        )
        assert await reader.member_tickets(asha.id, event.id + 1) == []
        [(at, attendee)] = await reader.attendees(event.id)
        assert (at.id, attendee.name) == (t.id, "Asha")
        brief = await reader.event_brief(event.id)
        assert brief is not None
        assert (brief.title, brief.venue_name, brief.host_id) == ("Jam", "Carter Road", host.id)
        cards = await reader.member_cards([asha.id, bina.id, 9999])
        assert sorted(cards) == [asha.id, bina.id]
        assert await reader.invited_among(event.id, [asha.id, bina.id]) == frozenset({bina.id})
        assert await reader.engaged_among(event.id, [asha.id, bina.id, host.id]) == {asha.id: "going"}


async def test_member_search_is_by_name_active_only_and_paged(any_container: AsyncContainer, fakes: Fakes) -> None:
    host, *_ = await members(any_container, fakes, "Host", "asha rao", "Ashok 50%_off", "Bina", "Ashwin")
    waiting = Member.register(phone(99), now=fakes.clock.now())
    waiting.status = MemberStatus.WAITLISTED
    waiting.profile = Profile(name="Ashish")
    await store_members(any_container, waiting)
    async with any_container() as scope:
        reader = await scope.get(AttendanceReader)
        found = await reader.search_members("ASH", host.id, 0, 2)
        assert found.total == 3
        assert [c.name for c in found.rows] == ["asha rao", "Ashok 50%_off"]
        found = await reader.search_members("ASH", host.id, 2, 2)
        assert [c.name for c in found.rows] == ["Ashwin"]
        assert (await reader.search_members("%_", host.id, 0, 10)).total == 1  # wildcards are literal
        assert (await reader.search_members(None, host.id, 0, 10)).total == 4


async def test_grants_open_private_events_to_invited_accepted_and_ticketed_members(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    host, invited, accepted, ticketed, declined = await members(any_container, fakes, "H", "I", "A", "T", "D")
    e1, e2, e3 = [await an_event(any_container, fakes, host, is_public=False) for _ in range(3)]
    now = fakes.clock.now()
    later = now + timedelta(days=1)
    await put(
        any_container,
        InvitationRepository,
        Invitation.send(
            e1.id, invited.id, host.id, policy=RsvpExpiryPolicy.DAYS_7, expires_at=later, message="", now=now
        ),
    )
    no = Invitation.send(
        e1.id, declined.id, host.id, policy=RsvpExpiryPolicy.DAYS_7, expires_at=later, message="", now=now
    )
    no.answer(False, now, has_ticket=False)
    await put(any_container, InvitationRepository, no)
    r = JoinRequest.open(e2.id, accepted.id, 1, "", now)
    r.accept(now, "", later)
    await put(any_container, JoinRequestRepository, r)
    await put(any_container, JoinRequestRepository, JoinRequest.open(e3.id, accepted.id, 1, "", now))  # pending
    await put(any_container, TicketRepository, ticket(e3, ticketed, now))
    async with any_container() as scope:
        grants = await scope.get(EventAccessGrants)
        assert await grants.granted_event_ids(invited.id) == frozenset({e1.id})
        assert await grants.granted_event_ids(accepted.id) == frozenset({e2.id})
        assert await grants.granted_event_ids(ticketed.id) == frozenset({e3.id})
        assert await grants.granted_event_ids(declined.id) == frozenset()
        assert await grants.granted_event_ids(host.id) == frozenset()


async def test_sweeps_find_overdue_rows_and_skip_the_ones_being_worked_on(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    host, a, b, c = await members(any_container, fakes, "H", "A", "B", "C")
    event = await an_event(any_container, fakes, host)
    now = fakes.clock.now()
    ids = []
    for guest, expires in ((a, now), (b, now - timedelta(minutes=1)), (c, now + timedelta(minutes=1))):
        sent = Invitation.send(
            event.id, guest.id, host.id, policy=RsvpExpiryPolicy.HOURS_48, expires_at=expires, message="", now=now
        )
        ids.append((await put(any_container, InvitationRepository, sent)).id)
    held = asyncio.Event()
    release = asyncio.Event()

    async def hold_first() -> None:
        async with any_container() as scope:
            await (await scope.get(InvitationRepository)).lock_by_id(ids[1])
            held.set()
            await release.wait()
            await (await scope.get(UnitOfWork)).rollback()

    holder = asyncio.create_task(hold_first())
    await asyncio.wait_for(held.wait(), 10)
    try:
        async with any_container() as scope:
            repo = await scope.get(InvitationRepository)
            due = await repo.lock_overdue(now, 10)
            assert [i.id for i in due] == [ids[0]]  # b is held elsewhere, c is not due yet
            await (await scope.get(UnitOfWork)).rollback()
    finally:
        release.set()
        await holder
    async with any_container() as scope:
        repo = await scope.get(InvitationRepository)
        assert [i.id for i in await repo.lock_overdue(now, 10)] == [ids[1], ids[0]]
        assert [i.id for i in await repo.lock_overdue(now, 1)] == [ids[1]]
        await (await scope.get(UnitOfWork)).rollback()
    r = JoinRequest.open(event.id, a.id, 1, "", now)
    r.accept(now, "", now + timedelta(hours=1))
    await put(any_container, JoinRequestRepository, r)
    async with any_container() as scope:
        repo = await scope.get(JoinRequestRepository)
        assert await repo.lock_overdue(now, 10) == []
        assert [x.id for x in await repo.lock_overdue(now + timedelta(hours=1), 10)] == [r.id]


async def test_a_notification_is_stored_once_per_key(any_container: AsyncContainer, fakes: Fakes) -> None:
    host, guest = await members(any_container, fakes, "H", "G")
    now = fakes.clock.now()
    note = Notification(
        0, "notification:k1", guest.id, "event_invite", "event_invite", "t", "b", {"a": "1"}, host.id, now
    )
    stored = await put(any_container, NotificationRepository, note)
    async with any_container() as scope:
        repo = await scope.get(NotificationRepository)
        found = await repo.lock_by_key("notification:k1")
        assert found is not None
        assert (found.id, found.recipient_id, found.sender_id, found.data, found.created_at) == (
            stored.id,
            guest.id,
            host.id,
            {"a": "1"},
            now,
        )
        found.pushed_at = now
        await repo.save(found)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        repo = await scope.get(NotificationRepository)
        [listed] = await repo.for_member(guest.id, 10)
        assert listed.pushed_at == now
        assert await repo.lock_by_key("notification:other") is None


async def test_a_readers_standing_is_their_status_role_grants_and_hosting_in_one_read(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    """``Readers`` answers what the member, ``EventAccessGrants`` and ``hosts_any`` answer one by one."""
    host, guest, staff, idle = await members(any_container, fakes, "H", "G", "S", "I")
    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        for who, change in ((staff, "staff"), (idle, "waitlist")):
            stored = await repo.get(who.id)
            assert stored is not None
            if change == "staff":
                stored.role = Role.STAFF
            else:
                stored.status = MemberStatus.WAITLISTED
            await repo.save(stored)
        await (await scope.get(UnitOfWork)).commit()
    private = await an_event(any_container, fakes, host, is_public=False)
    public = await an_event(any_container, fakes, host, is_public=True)
    gone = await an_event(any_container, fakes, guest, is_public=True)
    now = fakes.clock.now()
    await put(any_container, TicketRepository, ticket(private, guest, now))
    await put(any_container, TicketRepository, ticket(public, guest, now))
    async with any_container() as scope:
        events = await scope.get(EventRepository)
        deleted = await events.get(gone.id)
        assert deleted is not None
        deleted.deleted_at = now
        await events.save(deleted)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        readers = await scope.get(Readers)
        assert await readers.standing(host.id) == ReaderStanding(
            MemberStatus.ACTIVE, Role.MEMBER, frozenset(), True
        )
        assert await readers.standing(guest.id) == ReaderStanding(
            MemberStatus.ACTIVE, Role.MEMBER, frozenset({private.id}), False
        )
        assert await readers.standing(staff.id) == ReaderStanding(
            MemberStatus.ACTIVE, Role.STAFF, frozenset(), False
        )
        assert await readers.standing(idle.id) == ReaderStanding(
            MemberStatus.WAITLISTED, Role.MEMBER, frozenset(), False
        )
        assert await readers.standing(idle.id + 1000) is None
        assert await readers.standing(2**63) is None


async def test_public_events_need_no_grant(any_container: AsyncContainer, fakes: Fakes) -> None:
    """A ticket to a public event grants nothing, so its holder keeps sharing the public feed cache."""
    host, guest = await members(any_container, fakes, "H", "G")
    public = await an_event(any_container, fakes, host, is_public=True)
    private = await an_event(any_container, fakes, host, is_public=False)
    now = fakes.clock.now()
    await put(any_container, TicketRepository, ticket(public, guest, now))
    await put(any_container, TicketRepository, ticket(private, guest, now))
    async with any_container() as scope:
        assert await (await scope.get(EventAccessGrants)).granted_event_ids(guest.id) == frozenset({private.id})


async def test_a_request_read_without_a_lock_is_saved_only_if_nobody_changed_it(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    """The rush's confirmation marks its request by one conditional statement after the seats (issue 12)."""
    host, guest = await members(any_container, fakes, "Host", "Asha")
    event = await an_event(any_container, fakes, host)
    now = fakes.clock.now()
    request = JoinRequest.open(event.id, guest.id, 1, "", now)
    request.accept(now, "", now + timedelta(days=1))
    stored = await put(any_container, JoinRequestRepository, request)
    later = now + timedelta(minutes=5)
    async with any_container() as scope:
        repo = await scope.get(JoinRequestRepository)
        read = await repo.find(event.id, guest.id)
        assert read is not None
        stale_deadline = read.confirm_by - timedelta(hours=1) if read.confirm_by else None
        read.ticket_issued(later)
        assert not await repo.save_if_accepted(read, confirm_by=stale_deadline)  # another deadline: changed
        assert await repo.save_if_accepted(read, confirm_by=now + timedelta(days=1))
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        found = await (await scope.get(JoinRequestRepository)).get(stored.id)
        assert found is not None
        assert (found.status, found.confirm_by, found.updated_at) == (RequestStatus.ACCEPTED, None, later)
    async with any_container() as scope:  # declined since it was read: nothing is written
        repo = await scope.get(JoinRequestRepository)
        read = await repo.find(event.id, guest.id)
        locked = await repo.lock(event.id, guest.id)
        assert read is not None
        assert locked is not None
        locked.decline(later, "", has_ticket=False)
        await repo.save(locked)
        read.ticket_issued(later + timedelta(minutes=1))
        assert not await repo.save_if_accepted(read, confirm_by=None)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        found = await (await scope.get(JoinRequestRepository)).get(stored.id)
        assert found is not None
        assert found.status is RequestStatus.DECLINED
