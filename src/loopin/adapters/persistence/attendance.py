"""Join requests, invitations and tickets over PostgreSQL: whole entities by id, locked with ``SELECT … FOR
UPDATE`` (the sweeps add ``SKIP LOCKED``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from loopin.adapters.persistence.orm import (
    InvitationRow,
    JoinRequestRow,
    TicketRow,
)
from loopin.adapters.persistence.rows import copy_to_row, entity_from_row, insert_row, stored_row
from loopin.domain.attendance.invitation import Invitation, InvitationStatus
from loopin.domain.attendance.request import JoinRequest, RequestStatus
from loopin.domain.attendance.ticket import Ticket, TicketStatus
from loopin.domain.shared.errors import Conflict
from loopin.usecases.attendance.ports import InvitationRepository, JoinRequestRepository, TicketRepository

CONFLICT = "This change conflicts with data saved at the same time. Please retry."
LIVE = TicketRow.status != TicketStatus.CANCELLED.value
_POPULATE = {"populate_existing": True}


# --- rows <-> entities -------------------------------------------------------------------------------------


def request_from_row(row: JoinRequestRow) -> JoinRequest:
    return entity_from_row(JoinRequest, row)


def _copy_request(r: JoinRequest, row: JoinRequestRow) -> None:
    copy_to_row(r, row)


def invitation_from_row(row: InvitationRow) -> Invitation:
    return entity_from_row(Invitation, row, host_id=row.host_id or 0)


def _copy_invitation(i: Invitation, row: InvitationRow) -> None:
    copy_to_row(i, row, host_id=i.host_id or None)  # 0: the host's account is gone


def ticket_from_row(row: TicketRow) -> Ticket:
    return entity_from_row(Ticket, row)


def _copy_ticket(t: Ticket, row: TicketRow) -> None:
    copy_to_row(t, row)


# --- repositories ------------------------------------------------------------------------------------------


class SqlJoinRequestRepository(JoinRequestRepository):
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
        await insert_row(self._session, row, request.created_at, Conflict(CONFLICT))
        request.id = row.id
        return request

    async def save(self, request: JoinRequest) -> None:
        _copy_request(request, await stored_row(self._session, JoinRequestRow, request.id))

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


class SqlInvitationRepository(InvitationRepository):
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
        await insert_row(self._session, row, invitation.created_at, Conflict(CONFLICT))
        invitation.id = row.id
        return invitation

    async def save(self, invitation: Invitation) -> None:
        _copy_invitation(invitation, await stored_row(self._session, InvitationRow, invitation.id))

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


class SqlTicketRepository(TicketRepository):
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
        await insert_row(self._session, row, ticket.created_at, Conflict(CONFLICT))
        ticket.id = row.id
        return ticket

    async def save(self, ticket: Ticket) -> None:
        _copy_ticket(ticket, await stored_row(self._session, TicketRow, ticket.id))
