"""The attendance read side over PostgreSQL, and the event access grants attendance rows give.

Every reader method is one statement (two for a search page), joined with events, venues and members as needed.
The grants implement a port of the events context (it asks, attendance's rows answer).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import BigInteger, Select, any_, bindparam, exists, func, literal, select, union
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased

from loopin.adapters.persistence.attendance import LIVE, invitation_from_row, request_from_row, ticket_from_row
from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.events import event_from_row
from loopin.adapters.persistence.orm import (
    EventRow,
    InvitationRow,
    JoinRequestRow,
    MemberRow,
    TicketRow,
    VenueRow,
    is_storable_id,
    like_anywhere,
)
from loopin.domain.attendance.invitation import GRANTING_INVITATION, Invitation
from loopin.domain.attendance.request import OPEN_REQUEST, JoinRequest, RequestStatus
from loopin.domain.attendance.ticket import Ticket
from loopin.domain.identity.member import MemberStatus, Role
from loopin.usecases.attendance.ports import (
    AttendanceReader,
    EventBrief,
    InvitationCard,
    MemberCard,
    RequestCard,
    TicketCard,
)
from loopin.usecases.events.ports import EventAccessGrants, Readers, ReaderStanding
from loopin.usecases.shared.paging import Page

# --- the read side -----------------------------------------------------------------------------------------

_MEMBER_COLUMNS = (MemberRow.id, MemberRow.name, MemberRow.picture_keys[1], MemberRow.status)
# Built once (the door reads a guest's card on every check-in): ``id = ANY($1)``, one array parameter.
_CARDS = select(*_MEMBER_COLUMNS).where(MemberRow.id == any_(bindparam("ids", type_=ARRAY(BigInteger()))))

T = TypeVar("T")
Asked = TypeVar("Asked", JoinRequestRow, InvitationRow)


def _card(row: Any) -> MemberCard:
    member_id, name, picture, status = row
    return MemberCard(member_id, name or "", picture, status == MemberStatus.ACTIVE.value)


def _brief(event: EventRow, venue_name: str | None) -> EventBrief:
    return EventBrief.of(event_from_row(event), venue_name)


def _has_live_ticket(event_id: Any, member_id: Any) -> Any:
    return exists().where(TicketRow.event_id == event_id, TicketRow.member_id == member_id, LIVE)


class SqlAttendanceReader(SqlAdapter, AttendanceReader):
    def _request_cards(self) -> Select[Any]:
        return select(
            JoinRequestRow,
            EventRow.title,
            EventRow.deleted_at.is_not(None),
            _has_live_ticket(JoinRequestRow.event_id, JoinRequestRow.requester_id),
        ).join(EventRow, EventRow.id == JoinRequestRow.event_id)

    async def request_card(self, event_id: int, member_id: int) -> RequestCard | None:
        row = (
            await self._session.execute(
                self._request_cards().where(
                    JoinRequestRow.event_id == event_id, JoinRequestRow.requester_id == member_id
                )
            )
        ).first()
        if row is None:
            return None
        return RequestCard(request_from_row(row[0]), row[1], bool(row[2]), bool(row[3]))

    async def member_requests(self, member_id: int) -> list[RequestCard]:
        rows = await self._session.execute(
            self._request_cards()
            .where(JoinRequestRow.requester_id == member_id)
            .order_by(JoinRequestRow.updated_at.desc(), JoinRequestRow.id.desc())
        )
        return [RequestCard(request_from_row(r[0]), r[1], bool(r[2]), bool(r[3])) for r in rows]

    async def _with_members(
        self, kind: type[Asked], member_id: Any, event_id: int, read: Callable[[Asked], T]
    ) -> list[tuple[T, MemberCard]]:
        """An event's requests or invitations, newest first, each with the card of the member it is for."""
        rows = await self._session.execute(
            select(kind, *_MEMBER_COLUMNS)
            .join(MemberRow, MemberRow.id == member_id)
            .where(kind.event_id == event_id)
            .order_by(kind.created_at.desc(), kind.id.desc())
        )
        return [(read(r[0]), _card(r[1:])) for r in rows]

    async def event_requests(self, event_id: int) -> list[tuple[JoinRequest, MemberCard]]:
        return await self._with_members(JoinRequestRow, JoinRequestRow.requester_id, event_id, request_from_row)

    async def member_invitations(self, member_id: int) -> list[InvitationCard]:
        host = aliased(MemberRow)
        rows = await self._session.execute(
            select(InvitationRow, EventRow, VenueRow.name, host.name)
            .join(EventRow, EventRow.id == InvitationRow.event_id)
            .outerjoin(VenueRow, VenueRow.id == EventRow.venue_id)
            .outerjoin(host, host.id == InvitationRow.host_id)
            .where(InvitationRow.invitee_id == member_id, EventRow.deleted_at.is_(None))
            .order_by(InvitationRow.updated_at.desc(), InvitationRow.id.desc())
        )
        return [InvitationCard(invitation_from_row(i), _brief(e, v), h or "") for i, e, v, h in rows if e]

    async def event_invitations(self, event_id: int) -> list[tuple[Invitation, MemberCard]]:
        return await self._with_members(InvitationRow, InvitationRow.invitee_id, event_id, invitation_from_row)

    async def member_tickets(self, member_id: int, event_id: int | None = None) -> list[TicketCard]:
        statement = (
            select(TicketRow, EventRow, VenueRow.name)
            .join(EventRow, EventRow.id == TicketRow.event_id)
            .outerjoin(VenueRow, VenueRow.id == EventRow.venue_id)
            .where(TicketRow.member_id == member_id, LIVE, EventRow.deleted_at.is_(None))
            .order_by(EventRow.start_time, TicketRow.id)
        )
        if event_id is not None:
            statement = statement.where(TicketRow.event_id == event_id)
        rows = await self._session.execute(statement)
        return [TicketCard(ticket_from_row(t), _brief(e, v)) for t, e, v in rows]

    async def event_brief(self, event_id: int) -> EventBrief | None:
        row = (
            await self._session.execute(
                select(EventRow, VenueRow.name)
                .outerjoin(VenueRow, VenueRow.id == EventRow.venue_id)
                .where(EventRow.id == event_id)
            )
        ).first()
        return _brief(row[0], row[1]) if row else None

    async def attendees(self, event_id: int) -> list[tuple[Ticket, MemberCard]]:
        rows = await self._session.execute(
            select(TicketRow, *_MEMBER_COLUMNS)
            .join(MemberRow, MemberRow.id == TicketRow.member_id)
            .where(TicketRow.event_id == event_id, LIVE)
            .order_by(TicketRow.issued_at, func.lower(MemberRow.name), TicketRow.id)
        )
        return [(ticket_from_row(r[0]), _card(r[1:])) for r in rows]

    async def member_cards(self, member_ids: Sequence[int]) -> dict[int, MemberCard]:
        if not member_ids:
            return {}
        rows = await self._run_core(_CARDS, {"ids": list(member_ids)})
        return {r[0]: _card(r) for r in rows}

    async def search_members(
        self, search: str | None, exclude_id: int, offset: int, limit: int
    ) -> Page[MemberCard]:
        where = [MemberRow.status == MemberStatus.ACTIVE.value, MemberRow.id != exclude_id]
        if search:
            where.append(MemberRow.name.ilike(like_anywhere(search), escape="\\"))
        total = await self._session.scalar(select(func.count()).select_from(MemberRow).where(*where)) or 0
        rows = await self._session.execute(
            select(*_MEMBER_COLUMNS)
            .where(*where)
            .order_by(func.lower(MemberRow.name), MemberRow.id)
            .offset(offset)
            .limit(limit)
        )
        return Page(total, [_card(r) for r in rows])

    async def invited_among(self, event_id: int, member_ids: Sequence[int]) -> frozenset[int]:
        if not member_ids:
            return frozenset()
        rows = await self._session.scalars(
            select(InvitationRow.invitee_id).where(
                InvitationRow.event_id == event_id, InvitationRow.invitee_id.in_(list(member_ids))
            )
        )
        return frozenset(rows)

    async def engaged_among(self, event_id: int, member_ids: Sequence[int]) -> dict[int, str]:
        ids = list(member_ids)
        going = select(TicketRow.member_id, literal("going").label("why")).where(
            TicketRow.event_id == event_id, TicketRow.member_id.in_(ids), LIVE
        )
        requested = select(JoinRequestRow.requester_id, literal("requested").label("why")).where(
            JoinRequestRow.event_id == event_id,
            JoinRequestRow.requester_id.in_(ids),
            JoinRequestRow.status.in_(sorted(s.value for s in OPEN_REQUEST)),
        )
        engaged: dict[int, str] = {}
        for member_id, why in await self._session.execute(union(going, requested)):
            if engaged.get(member_id) != "going":
                engaged[member_id] = why
        return engaged


class SqlEventAccessGrants(SqlAdapter, EventAccessGrants):
    """Private events a member was invited to (pending or accepted), accepted into, or holds a ticket for."""

    async def granted_event_ids(self, member_id: int) -> frozenset[int]:
        # public events need no grant (and must not split caches)
        return frozenset(await self._session.scalars(_GRANTED, {"member_id": member_id}))


class SqlReaders(SqlAdapter, Readers):
    """The member's status and role, their grants (as ``SqlEventAccessGrants``) and whether they host, in one
    statement built once."""

    async def standing(self, member_id: int) -> ReaderStanding | None:
        if not is_storable_id(member_id):
            return None
        connection = await self._session.connection()
        row = (await connection.execute(_STANDING, {"member_id": member_id})).first()
        if row is None:
            return None
        status, role, granted, hosts = row
        return ReaderStanding(MemberStatus(status), Role(role), frozenset(granted or ()), bool(hosts))


# Built once, the member a parameter: building the union's subquery cost more CPU than running it.
_MEMBER_ID = bindparam("member_id", type_=BigInteger)


def _granted() -> Select[int]:
    invited = select(InvitationRow.event_id).where(
        InvitationRow.invitee_id == _MEMBER_ID,
        InvitationRow.status.in_(sorted(s.value for s in GRANTING_INVITATION)),
    )
    accepted = select(JoinRequestRow.event_id).where(
        JoinRequestRow.requester_id == _MEMBER_ID, JoinRequestRow.status == RequestStatus.ACCEPTED.value
    )
    ticketed = select(TicketRow.event_id).where(TicketRow.member_id == _MEMBER_ID, LIVE)
    granted = union(invited, accepted, ticketed).subquery()
    return select(EventRow.id).where(EventRow.id.in_(select(granted)), EventRow.is_public.is_(False))


_GRANTED = _granted()
_GRANTED_IDS = _GRANTED.subquery()
_STANDING = select(
    MemberRow.status,
    MemberRow.role,
    select(func.array_agg(_GRANTED_IDS.c.id)).scalar_subquery(),
    exists().where(EventRow.host_id == _MEMBER_ID, EventRow.deleted_at.is_(None)),
).where(MemberRow.id == _MEMBER_ID)
