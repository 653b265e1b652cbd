"""Join requests, invitations, tickets, the attendance reader and event access grants over PostgreSQL.

Locks are ``SELECT … FOR UPDATE`` (the sweeps add ``SKIP LOCKED``); every reader method is one statement
(two for a search page), joined with events, venues and members as needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, func, literal, select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from loopin.adapters.persistence.orm import (
    EventRow,
    InvitationRow,
    JoinRequestRow,
    MemberRow,
    NotificationRow,
    TicketRow,
    VenueRow,
)
from loopin.domain.attendance.invitation import Invitation, InvitationStatus
from loopin.domain.attendance.request import JoinRequest, RequestStatus
from loopin.domain.attendance.ticket import PaymentStatus, Ticket, TicketSource, TicketStatus
from loopin.domain.events.event import RsvpExpiryPolicy
from loopin.domain.identity.member import MemberStatus
from loopin.domain.notifications.notification import Notification
from loopin.domain.shared.errors import Conflict
from loopin.usecases.attendance.ports import EventBrief, InvitationCard, MemberCard, RequestCard, TicketCard

CONFLICT = "This change conflicts with data saved at the same time. Please retry."
LIVE = TicketRow.status != TicketStatus.CANCELLED.value
_POPULATE = {"populate_existing": True}


# --- rows <-> entities -------------------------------------------------------------------------------------


def request_from_row(row: JoinRequestRow) -> JoinRequest:
    return JoinRequest(
        id=row.id,
        event_id=row.event_id,
        requester_id=row.requester_id,
        seats_requested=row.seats_requested,
        message=row.message,
        host_message=row.host_message,
        status=RequestStatus(row.status),
        confirm_by=row.confirm_by,
        decided_at=row.decided_at,
        uuid=row.uuid,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _copy_request(r: JoinRequest, row: JoinRequestRow) -> None:
    row.uuid = r.uuid
    row.event_id = r.event_id
    row.requester_id = r.requester_id
    row.seats_requested = r.seats_requested
    row.message = r.message
    row.host_message = r.host_message
    row.status = r.status.value
    row.confirm_by = r.confirm_by
    row.decided_at = r.decided_at
    if r.updated_at is not None:  # the entity's time (from the Clock), not the flush's wall clock
        row.updated_at = r.updated_at


def invitation_from_row(row: InvitationRow) -> Invitation:
    return Invitation(
        id=row.id,
        event_id=row.event_id,
        invitee_id=row.invitee_id,
        host_id=row.host_id or 0,
        expires_at=row.expires_at,
        expiry_policy=RsvpExpiryPolicy(row.expiry_policy),
        message=row.message,
        status=InvitationStatus(row.status),
        answered_at=row.answered_at,
        uuid=row.uuid,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _copy_invitation(i: Invitation, row: InvitationRow) -> None:
    row.uuid = i.uuid
    row.event_id = i.event_id
    row.invitee_id = i.invitee_id
    row.host_id = i.host_id or None
    row.status = i.status.value
    row.message = i.message
    row.expires_at = i.expires_at
    row.expiry_policy = i.expiry_policy.value
    row.answered_at = i.answered_at
    if i.updated_at is not None:
        row.updated_at = i.updated_at


def ticket_from_row(row: TicketRow) -> Ticket:
    return Ticket(
        id=row.id,
        event_id=row.event_id,
        member_id=row.member_id,
        seats=row.seats,
        source=TicketSource(row.source),
        nonce=row.nonce,
        secret_digest=row.secret_digest,
        status=TicketStatus(row.status),
        payment_status=PaymentStatus(row.payment_status),
        payment_order_id=row.payment_order_id,
        request_id=row.request_id,
        invitation_id=row.invitation_id,
        issued_at=row.issued_at,
        checked_in_at=row.checked_in_at,
        checked_out_at=row.checked_out_at,
        cancelled_at=row.cancelled_at,
        uuid=row.uuid,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _copy_ticket(t: Ticket, row: TicketRow) -> None:
    row.uuid = t.uuid
    row.event_id = t.event_id
    row.member_id = t.member_id
    row.seats = t.seats
    row.source = t.source.value
    row.nonce = t.nonce
    row.secret_digest = t.secret_digest
    row.status = t.status.value
    row.payment_status = t.payment_status.value
    row.payment_order_id = t.payment_order_id
    row.request_id = t.request_id
    row.invitation_id = t.invitation_id
    row.issued_at = t.issued_at
    row.checked_in_at = t.checked_in_at
    row.checked_out_at = t.checked_out_at
    row.cancelled_at = t.cancelled_at
    if t.updated_at is not None:
        row.updated_at = t.updated_at


async def _insert(session: AsyncSession, row: Any, created_at: datetime | None) -> None:
    if created_at is not None:
        row.created_at = created_at
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(CONFLICT) from exc


# --- repositories ------------------------------------------------------------------------------------------


class SqlJoinRequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, request_id: int) -> JoinRequest | None:
        row = await self._session.get(JoinRequestRow, request_id)
        return request_from_row(row) if row else None

    async def _one_locked(self, statement: Select[JoinRequestRow]) -> JoinRequest | None:
        row = await self._session.scalar(statement.with_for_update(), execution_options=_POPULATE)
        return request_from_row(row) if row else None

    async def lock(self, event_id: int, member_id: int) -> JoinRequest | None:
        return await self._one_locked(
            select(JoinRequestRow).where(
                JoinRequestRow.event_id == event_id, JoinRequestRow.requester_id == member_id
            )
        )

    async def lock_by_id(self, request_id: int) -> JoinRequest | None:
        return await self._one_locked(select(JoinRequestRow).where(JoinRequestRow.id == request_id))

    async def lock_many(self, event_id: int, request_ids: Sequence[int]) -> list[JoinRequest]:
        rows = await self._session.scalars(
            select(JoinRequestRow)
            .where(JoinRequestRow.event_id == event_id, JoinRequestRow.id.in_(list(request_ids)))
            .order_by(JoinRequestRow.id)
            .with_for_update(),
            execution_options=_POPULATE,
        )
        return [request_from_row(r) for r in rows]

    async def add(self, request: JoinRequest) -> JoinRequest:
        row = JoinRequestRow()
        _copy_request(request, row)
        await _insert(self._session, row, request.created_at)
        request.id = row.id
        return request

    async def save(self, request: JoinRequest) -> None:
        row = await self._session.get(JoinRequestRow, request.id)
        if row is None:
            raise LookupError(f"join request {request.id} is not stored")
        _copy_request(request, row)

    async def lock_overdue(self, now: datetime, limit: int) -> list[JoinRequest]:
        rows = await self._session.scalars(
            select(JoinRequestRow)
            .where(
                JoinRequestRow.status == RequestStatus.ACCEPTED.value,
                JoinRequestRow.confirm_by.is_not(None),
                JoinRequestRow.confirm_by <= now,
            )
            .order_by(JoinRequestRow.confirm_by, JoinRequestRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True),
            execution_options=_POPULATE,
        )
        return [request_from_row(r) for r in rows]


class SqlInvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, invitation_id: int) -> Invitation | None:
        row = await self._session.get(InvitationRow, invitation_id)
        return invitation_from_row(row) if row else None

    async def _one_locked(self, statement: Select[InvitationRow]) -> Invitation | None:
        row = await self._session.scalar(statement.with_for_update(), execution_options=_POPULATE)
        return invitation_from_row(row) if row else None

    async def lock(self, event_id: int, member_id: int) -> Invitation | None:
        return await self._one_locked(
            select(InvitationRow).where(InvitationRow.event_id == event_id, InvitationRow.invitee_id == member_id)
        )

    async def lock_by_id(self, invitation_id: int) -> Invitation | None:
        return await self._one_locked(select(InvitationRow).where(InvitationRow.id == invitation_id))

    async def lock_for_members(self, event_id: int, member_ids: Sequence[int]) -> dict[int, Invitation]:
        rows = await self._session.scalars(
            select(InvitationRow)
            .where(InvitationRow.event_id == event_id, InvitationRow.invitee_id.in_(list(member_ids)))
            .order_by(InvitationRow.id)
            .with_for_update(),
            execution_options=_POPULATE,
        )
        return {r.invitee_id: invitation_from_row(r) for r in rows}

    async def add(self, invitation: Invitation) -> Invitation:
        row = InvitationRow()
        _copy_invitation(invitation, row)
        await _insert(self._session, row, invitation.created_at)
        invitation.id = row.id
        return invitation

    async def save(self, invitation: Invitation) -> None:
        row = await self._session.get(InvitationRow, invitation.id)
        if row is None:
            raise LookupError(f"invitation {invitation.id} is not stored")
        _copy_invitation(invitation, row)

    async def lock_overdue(self, now: datetime, limit: int) -> list[Invitation]:
        rows = await self._session.scalars(
            select(InvitationRow)
            .where(InvitationRow.status == InvitationStatus.PENDING.value, InvitationRow.expires_at <= now)
            .order_by(InvitationRow.expires_at, InvitationRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True),
            execution_options=_POPULATE,
        )
        return [invitation_from_row(r) for r in rows]


class SqlTicketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(self, event_id: int, member_id: int) -> Ticket | None:
        row = await self._session.scalar(
            select(TicketRow).where(TicketRow.event_id == event_id, TicketRow.member_id == member_id)
        )
        return ticket_from_row(row) if row else None

    async def _one_locked(self, statement: Select[TicketRow]) -> Ticket | None:
        row = await self._session.scalar(statement.with_for_update(), execution_options=_POPULATE)
        return ticket_from_row(row) if row else None

    async def lock(self, event_id: int, member_id: int) -> Ticket | None:
        return await self._one_locked(
            select(TicketRow).where(TicketRow.event_id == event_id, TicketRow.member_id == member_id)
        )

    async def lock_by_digest(self, secret_digest: str) -> Ticket | None:
        return await self._one_locked(select(TicketRow).where(TicketRow.secret_digest == secret_digest))

    async def add(self, ticket: Ticket) -> Ticket:
        row = TicketRow()
        _copy_ticket(ticket, row)
        await _insert(self._session, row, ticket.created_at)
        ticket.id = row.id
        return ticket

    async def save(self, ticket: Ticket) -> None:
        row = await self._session.get(TicketRow, ticket.id)
        if row is None:
            raise LookupError(f"ticket {ticket.id} is not stored")
        _copy_ticket(ticket, row)


# --- the read side -----------------------------------------------------------------------------------------

_MEMBER_COLUMNS = (MemberRow.id, MemberRow.name, MemberRow.picture_keys[1], MemberRow.status)


def _card(row: Any) -> MemberCard:
    member_id, name, picture, status = row
    return MemberCard(member_id, name or "", picture, status == MemberStatus.ACTIVE.value)


def _brief(event: EventRow, venue_name: str | None) -> EventBrief:
    return EventBrief(
        id=event.id,
        title=event.title,
        start_time=event.start_time,
        end_time=event.end_time,
        timezone=event.timezone,
        venue_name=venue_name,
        cover_image_key=next(iter(event.cover_image_keys or ()), None),
        is_paid=event.is_paid,
        host_id=event.host_id,
        is_deleted=event.deleted_at is not None,
    )


def _has_live_ticket(event_id: Any, member_id: Any) -> Any:
    return exists().where(TicketRow.event_id == event_id, TicketRow.member_id == member_id, LIVE)


class SqlAttendanceReader:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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

    async def event_requests(self, event_id: int) -> list[tuple[JoinRequest, MemberCard]]:
        rows = await self._session.execute(
            select(JoinRequestRow, *_MEMBER_COLUMNS)
            .join(MemberRow, MemberRow.id == JoinRequestRow.requester_id)
            .where(JoinRequestRow.event_id == event_id)
            .order_by(JoinRequestRow.created_at.desc(), JoinRequestRow.id.desc())
        )
        return [(request_from_row(r[0]), _card(r[1:])) for r in rows]

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
        rows = await self._session.execute(
            select(InvitationRow, *_MEMBER_COLUMNS)
            .join(MemberRow, MemberRow.id == InvitationRow.invitee_id)
            .where(InvitationRow.event_id == event_id)
            .order_by(InvitationRow.created_at.desc(), InvitationRow.id.desc())
        )
        return [(invitation_from_row(r[0]), _card(r[1:])) for r in rows]

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
        rows = await self._session.execute(select(*_MEMBER_COLUMNS).where(MemberRow.id.in_(list(member_ids))))
        return {r[0]: _card(r) for r in rows}

    async def search_members(
        self, search: str | None, exclude_id: int, offset: int, limit: int
    ) -> tuple[int, list[MemberCard]]:
        where = [MemberRow.status == MemberStatus.ACTIVE.value, MemberRow.id != exclude_id]
        if search:
            where.append(MemberRow.name.ilike(f"%{_escape_like(search)}%", escape="\\"))
        total = await self._session.scalar(select(func.count()).select_from(MemberRow).where(*where)) or 0
        rows = await self._session.execute(
            select(*_MEMBER_COLUMNS)
            .where(*where)
            .order_by(func.lower(MemberRow.name), MemberRow.id)
            .offset(offset)
            .limit(limit)
        )
        return total, [_card(r) for r in rows]

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
            JoinRequestRow.status.in_([RequestStatus.PENDING.value, RequestStatus.ACCEPTED.value]),
        )
        engaged: dict[int, str] = {}
        for member_id, why in await self._session.execute(union(going, requested)):
            if engaged.get(member_id) != "going":
                engaged[member_id] = why
        return engaged


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlEventAccessGrants:
    """Private events a member was invited to (pending or accepted), accepted into, or holds a ticket for."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def granted_event_ids(self, member_id: int) -> frozenset[int]:
        invited = select(InvitationRow.event_id).where(
            InvitationRow.invitee_id == member_id,
            InvitationRow.status.in_([InvitationStatus.PENDING.value, InvitationStatus.ACCEPTED.value]),
        )
        accepted = select(JoinRequestRow.event_id).where(
            JoinRequestRow.requester_id == member_id, JoinRequestRow.status == RequestStatus.ACCEPTED.value
        )
        ticketed = select(TicketRow.event_id).where(TicketRow.member_id == member_id, LIVE)
        granted = union(invited, accepted, ticketed).subquery()
        private = select(EventRow.id).where(EventRow.id.in_(select(granted)), EventRow.is_public.is_(False))
        rows = await self._session.scalars(private)  # public events need no grant (and must not split caches)
        return frozenset(rows)


# --- notifications -----------------------------------------------------------------------------------------


def notification_from_row(row: NotificationRow) -> Notification:
    return Notification(
        id=row.id,
        key=row.key,
        recipient_id=row.recipient_id,
        kind=row.kind,
        template=row.template,
        title=row.title,
        body=row.body,
        data={str(k): str(v) for k, v in (row.data or {}).items()},
        sender_id=row.sender_id,
        created_at=row.created_at,
        pushed_at=row.pushed_at,
        read_at=row.read_at,
    )


class SqlNotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_by_key(self, key: str) -> Notification | None:
        row = await self._session.scalar(
            select(NotificationRow).where(NotificationRow.key == key).with_for_update(),
            execution_options=_POPULATE,
        )
        return notification_from_row(row) if row else None

    async def add(self, notification: Notification) -> Notification:
        row = NotificationRow(
            key=notification.key,
            recipient_id=notification.recipient_id,
            sender_id=notification.sender_id,
            kind=notification.kind,
            template=notification.template,
            title=notification.title[:200],
            body=notification.body[:1000],
            data=dict(notification.data),
            created_at=notification.created_at,
            pushed_at=notification.pushed_at,
            read_at=notification.read_at,
        )
        self._session.add(row)
        await self._session.flush()
        notification.id = row.id
        return notification

    async def save(self, notification: Notification) -> None:
        row = await self._session.get(NotificationRow, notification.id)
        if row is None:
            raise LookupError(f"notification {notification.id} is not stored")
        row.pushed_at = notification.pushed_at
        row.read_at = notification.read_at

    async def for_member(self, member_id: int, limit: int) -> list[Notification]:
        rows = await self._session.scalars(
            select(NotificationRow)
            .where(NotificationRow.recipient_id == member_id)
            .order_by(NotificationRow.id.desc())
            .limit(limit)
        )
        return [notification_from_row(r) for r in rows]
