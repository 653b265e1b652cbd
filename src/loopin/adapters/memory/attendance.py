"""In-memory join requests, invitations, tickets, the attendance reader and event access grants.

The same rules as the SQL adapters: one row per member and event (a pair index that refuses a second
insert), row locks by id, a unique lookup index on ticket code digests, ``SKIP LOCKED`` sweeps.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar, TypeVar

from loopin.adapters.memory.events import EVENTS, VENUES, MemoryEventRepository
from loopin.adapters.memory.identity import MEMBERS, MemoryMemberRepository
from loopin.adapters.memory.store import MemoryAdapter, MemoryRows
from loopin.domain.attendance.invitation import GRANTING_INVITATION, Invitation
from loopin.domain.attendance.request import JoinRequest, RequestStatus
from loopin.domain.attendance.ticket import Ticket, TicketStatus
from loopin.domain.events.event import Event
from loopin.domain.events.venue import Venue
from loopin.domain.identity.member import Member
from loopin.domain.shared.errors import ConcurrentChange
from loopin.usecases.attendance.ports import (
    AttendanceReader,
    ConfirmationFacts,
    ConfirmationReader,
    EventBrief,
    InvitationCard,
    InvitationRepository,
    JoinRequestRepository,
    MemberCard,
    RequestCard,
    TicketCard,
    TicketRepository,
)
from loopin.usecases.events.ports import EventAccessGrants, Readers, ReaderStanding
from loopin.usecases.shared.paging import Page

REQUESTS, REQUEST_PAIRS = "join_requests", "join_request_pairs"
INVITATIONS, INVITATION_PAIRS = "invitations", "invitation_pairs"
TICKETS, TICKET_PAIRS, TICKET_DIGESTS = "tickets", "ticket_pairs", "ticket_digests"
Row = TypeVar("Row", JoinRequest, Invitation, Ticket)


class _PairTable(MemoryRows[Row], ABC):
    """A table with a unique (event, member) index besides its ids: what the three attendance repositories
    share."""

    pairs: ClassVar[str]

    @abstractmethod
    def _pair(self, row: Row) -> tuple[int, int]:
        """The (event id, member id) the row is unique for."""

    async def find(self, event_id: int, member_id: int) -> Row | None:
        return self._read(self._tx.read(self.pairs, (event_id, member_id)))

    async def lock_by_id(self, row_id: int) -> Row | None:
        return await self._locked(row_id)

    async def lock(self, event_id: int, member_id: int) -> Row | None:
        await self._tx.lock(self.pairs, (event_id, member_id))
        row_id = self._tx.read(self.pairs, (event_id, member_id))
        return await self.lock_by_id(row_id) if row_id is not None else None

    async def add(self, row: Row) -> Row:
        pair = self._pair(row)
        await self._tx.lock(self.pairs, pair)
        if self._tx.read(self.pairs, pair) is not None:
            raise ConcurrentChange()
        row.id = self._tx.next_id(self.table)
        await self._tx.lock(self.table, row.id)
        self._tx.write(self.pairs, pair, row.id)
        self._tx.write(self.table, row.id, row)
        return row

    async def save(self, row: Row) -> None:
        if self._read(row.id) is None:
            raise LookupError(f"{self.table} {row.id} is not stored")
        self._tx.write(self.table, row.id, row)


class MemoryJoinRequestRepository(_PairTable[JoinRequest], JoinRequestRepository):
    table, pairs = REQUESTS, REQUEST_PAIRS

    def _pair(self, row: JoinRequest) -> tuple[int, int]:
        return (row.event_id, row.requester_id)

    async def lock_many(self, event_id: int, request_ids: Sequence[int]) -> list[JoinRequest]:
        found: list[JoinRequest] = []
        for request_id in sorted(set(request_ids)):
            request = await self.get(request_id)
            if request is not None and request.event_id == event_id:
                locked = await self.lock_by_id(request_id)
                if locked is not None:
                    found.append(locked)
        return found

    async def save_if_accepted(self, request: JoinRequest, *, confirm_by: datetime | None) -> bool:
        stored = await self.lock_by_id(request.id)
        if stored is None or stored.status is not RequestStatus.ACCEPTED or stored.confirm_by != confirm_by:
            return False
        await self.save(request)
        return True

    async def lock_overdue(self, now: datetime, limit: int) -> list[JoinRequest]:
        return await self._lock_overdue(
            lambda r: r.is_overdue(now),
            lambda r: (r.confirm_by, r.id),
            limit,
        )


class MemoryInvitationRepository(_PairTable[Invitation], InvitationRepository):
    table, pairs = INVITATIONS, INVITATION_PAIRS

    def _pair(self, row: Invitation) -> tuple[int, int]:
        return (row.event_id, row.invitee_id)

    async def lock_for_members(self, event_id: int, member_ids: Sequence[int]) -> dict[int, Invitation]:
        found: dict[int, Invitation] = {}
        for member_id in sorted(set(member_ids)):
            row_id = self._tx.read(INVITATION_PAIRS, (event_id, member_id))
            if row_id is not None:
                invitation = await self.lock_by_id(row_id)
                if invitation is not None:
                    found[member_id] = invitation
        return found

    async def lock_overdue(self, now: datetime, limit: int) -> list[Invitation]:
        return await self._lock_overdue(
            lambda i: i.is_overdue(now),
            lambda i: (i.expires_at, i.id),
            limit,
        )


class MemoryTicketRepository(_PairTable[Ticket], TicketRepository):
    table, pairs = TICKETS, TICKET_PAIRS

    def _pair(self, row: Ticket) -> tuple[int, int]:
        return (row.event_id, row.member_id)

    async def lock_by_digest(self, secret_digest: str) -> Ticket | None:
        row_id = self._tx.read(TICKET_DIGESTS, secret_digest)
        if row_id is None:
            return None
        ticket = await self.lock_by_id(row_id)
        return ticket if ticket is not None and ticket.secret_digest == secret_digest else None

    async def add(self, ticket: Ticket) -> Ticket:
        await self._tx.lock(TICKET_DIGESTS, ticket.secret_digest)
        if self._tx.read(TICKET_DIGESTS, ticket.secret_digest) is not None:
            raise ConcurrentChange()
        stored = await super().add(ticket)
        self._tx.write(TICKET_DIGESTS, stored.secret_digest, stored.id)
        return stored

    async def save(self, ticket: Ticket) -> None:
        previous = self._read(ticket.id)
        if previous is not None and previous.secret_digest != ticket.secret_digest:
            self._tx.write(TICKET_DIGESTS, previous.secret_digest, None)  # the old code opens nothing
            self._tx.write(TICKET_DIGESTS, ticket.secret_digest, ticket.id)
        await super().save(ticket)

    async def holders(self, event_id: int) -> list[int]:
        return [ticket.member_id for ticket in self._tx.rows(TICKETS) if ticket.event_id == event_id]


class MemoryConfirmationReader(MemoryAdapter, ConfirmationReader):
    """The repositories' own reads, one after another (a transaction in memory has no round trips to save)."""

    async def facts(self, event_id: int, member_id: int) -> ConfirmationFacts:
        if self._tx.read(MEMBERS, member_id) is None:  # no row to join to (an erased member's row still is one)
            return ConfirmationFacts(None)
        member = await MemoryMemberRepository(self._tx).get(member_id)
        event = await MemoryEventRepository(self._tx).get(event_id)
        if event is None:
            return ConfirmationFacts(member)
        venue: Venue | None = self._tx.read(VENUES, event.venue_id) if event.venue_id else None
        return ConfirmationFacts(
            member,
            event,
            await MemoryTicketRepository(self._tx).find(event_id, member_id),
            await MemoryJoinRequestRepository(self._tx).find(event_id, member_id),
            await MemoryInvitationRepository(self._tx).find(event_id, member_id),
            venue.name if venue else None,
        )


def _card(member: Member | None, member_id: int) -> MemberCard:
    if member is None:
        return MemberCard(member_id, "", None, False)
    return MemberCard(
        member.id, member.profile.name, next(iter(member.profile.picture_keys), None), member.is_active
    )


class MemoryAttendanceReader(MemoryAdapter, AttendanceReader):
    def _member(self, member_id: int) -> MemberCard:
        member: Member | None = self._tx.read(MEMBERS, member_id)
        return _card(member, member_id)

    def _event(self, event_id: int) -> Event | None:
        event: Event | None = self._tx.read(EVENTS, event_id)
        return event

    def _brief(self, event: Event) -> EventBrief:
        venue: Venue | None = self._tx.read(VENUES, event.venue_id) if event.venue_id else None
        return EventBrief.of(event, venue.name if venue else None)

    def _has_ticket(self, event_id: int, member_id: int) -> bool:
        row_id = self._tx.read(TICKET_PAIRS, (event_id, member_id))
        ticket: Ticket | None = self._tx.read(TICKETS, row_id) if row_id is not None else None
        return ticket is not None and ticket.is_live

    def _request_card(self, r: JoinRequest) -> RequestCard | None:
        event = self._event(r.event_id)
        if event is None:
            return None
        return RequestCard(r, event.title, event.is_deleted, self._has_ticket(r.event_id, r.requester_id))

    async def request_card(self, event_id: int, member_id: int) -> RequestCard | None:
        row_id = self._tx.read(REQUEST_PAIRS, (event_id, member_id))
        request: JoinRequest | None = self._tx.read(REQUESTS, row_id) if row_id is not None else None
        return self._request_card(request) if request is not None else None

    async def member_requests(self, member_id: int) -> list[RequestCard]:
        mine = sorted(
            (r for r in self._tx.rows(REQUESTS) if r.requester_id == member_id),
            key=lambda r: (r.updated_at, r.id),
            reverse=True,
        )
        return [c for c in (self._request_card(r) for r in mine) if c is not None]

    async def event_requests(self, event_id: int) -> list[tuple[JoinRequest, MemberCard]]:
        rows = sorted(
            (r for r in self._tx.rows(REQUESTS) if r.event_id == event_id),
            key=lambda r: (r.created_at, r.id),
            reverse=True,
        )
        return [(r, self._member(r.requester_id)) for r in rows]

    async def member_invitations(self, member_id: int) -> list[InvitationCard]:
        rows = sorted(
            (i for i in self._tx.rows(INVITATIONS) if i.invitee_id == member_id),
            key=lambda i: (i.updated_at, i.id),
            reverse=True,
        )
        cards = []
        for i in rows:
            event = self._event(i.event_id)
            if event is not None and not event.is_deleted:
                cards.append(InvitationCard(i, self._brief(event), self._member(i.host_id).name))
        return cards

    async def event_invitations(self, event_id: int) -> list[tuple[Invitation, MemberCard]]:
        rows = sorted(
            (i for i in self._tx.rows(INVITATIONS) if i.event_id == event_id),
            key=lambda i: (i.created_at, i.id),
            reverse=True,
        )
        return [(i, self._member(i.invitee_id)) for i in rows]

    async def member_tickets(self, member_id: int, event_id: int | None = None) -> list[TicketCard]:
        cards = []
        for t in self._tx.rows(TICKETS):
            if t.member_id != member_id or not t.is_live or (event_id is not None and t.event_id != event_id):
                continue
            event = self._event(t.event_id)
            if event is not None and not event.is_deleted:
                cards.append(TicketCard(t, self._brief(event)))
        return sorted(cards, key=lambda c: (c.event.start_time, c.ticket.id))

    async def event_brief(self, event_id: int) -> EventBrief | None:
        event = self._event(event_id)
        return self._brief(event) if event is not None else None

    async def attendees(self, event_id: int) -> list[tuple[Ticket, MemberCard]]:
        rows = [
            (t, self._member(t.member_id)) for t in self._tx.rows(TICKETS) if t.event_id == event_id and t.is_live
        ]
        return sorted(rows, key=lambda row: (row[0].issued_at, row[1].name.casefold(), row[0].id))

    async def member_cards(self, member_ids: Sequence[int]) -> dict[int, MemberCard]:
        found: dict[int, MemberCard] = {}
        for member_id in set(member_ids):
            member: Member | None = self._tx.read(MEMBERS, member_id)
            if member is not None:
                found[member_id] = _card(member, member_id)
        return found

    async def search_members(
        self, search: str | None, exclude_id: int, offset: int, limit: int
    ) -> Page[MemberCard]:
        needle = (search or "").casefold()
        matching = sorted(
            (
                _card(m, m.id)
                for m in self._tx.rows(MEMBERS)
                if m.is_active and m.id != exclude_id and needle in m.profile.name.casefold()
            ),
            key=lambda c: (c.name.casefold(), c.id),
        )
        return Page.cut(matching, offset, limit)

    async def invited_among(self, event_id: int, member_ids: Sequence[int]) -> frozenset[int]:
        return frozenset(m for m in member_ids if self._tx.read(INVITATION_PAIRS, (event_id, m)) is not None)

    async def engaged_among(self, event_id: int, member_ids: Sequence[int]) -> dict[int, str]:
        engaged: dict[int, str] = {}
        for member_id in member_ids:
            if self._has_ticket(event_id, member_id):
                engaged[member_id] = "going"
                continue
            row_id = self._tx.read(REQUEST_PAIRS, (event_id, member_id))
            request: JoinRequest | None = self._tx.read(REQUESTS, row_id) if row_id is not None else None
            if request is not None and request.status.is_open:
                engaged[member_id] = "requested"
        return engaged


class MemoryEventAccessGrants(MemoryAdapter, EventAccessGrants):
    """Private events a member was invited to (pending or accepted), accepted into, or holds a ticket for."""

    async def granted_event_ids(self, member_id: int) -> frozenset[int]:
        granted = {
            i.event_id
            for i in self._tx.rows(INVITATIONS)
            if i.invitee_id == member_id and i.status in GRANTING_INVITATION
        }
        granted |= {
            r.event_id
            for r in self._tx.rows(REQUESTS)
            if r.requester_id == member_id and r.status is RequestStatus.ACCEPTED
        }
        granted |= {
            t.event_id
            for t in self._tx.rows(TICKETS)
            if t.member_id == member_id and t.status is not TicketStatus.CANCELLED
        }
        private = {i for i in granted if (e := self._tx.read(EVENTS, i)) is not None and not e.is_public}
        return frozenset(private)  # public events need no grant (and must not split caches)


class MemoryReaders(MemoryAdapter, Readers):
    async def standing(self, member_id: int) -> ReaderStanding | None:
        member: Member | None = self._tx.read(MEMBERS, member_id)
        if member is None:
            return None
        granted = await MemoryEventAccessGrants(self._tx).granted_event_ids(member_id)
        hosts = any(e.host_id == member_id and not e.is_deleted for e in self._tx.rows(EVENTS))
        return ReaderStanding(member.status, member.role, granted, hosts)
