"""Join requests, invitations and tickets over PostgreSQL: whole entities by id, locked with ``SELECT … FOR
UPDATE`` (the sweeps add ``SKIP LOCKED``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from loopin.adapters.persistence.orm import InvitationRow, JoinRequestRow, TicketRow, is_storable_id
from loopin.adapters.persistence.rows import RowRepository, copy_to_row, entity_from_row, row_values
from loopin.domain.attendance.invitation import Invitation, InvitationStatus
from loopin.domain.attendance.request import JoinRequest, RequestStatus
from loopin.domain.attendance.ticket import Ticket, TicketStatus
from loopin.usecases.attendance.ports import InvitationRepository, JoinRequestRepository, TicketRepository

LIVE = TicketRow.status != TicketStatus.CANCELLED.value


# --- rows <-> entities -------------------------------------------------------------------------------------


def request_from_row(row: JoinRequestRow) -> JoinRequest:
    return entity_from_row(JoinRequest, row)


def invitation_from_row(row: InvitationRow) -> Invitation:
    return entity_from_row(Invitation, row, host_id=row.host_id or 0)


def _copy_invitation(i: Invitation, row: InvitationRow) -> None:
    copy_to_row(i, row, host_id=i.host_id or None)  # 0: the host's account is gone


def ticket_from_row(row: TicketRow) -> Ticket:
    return entity_from_row(Ticket, row)


# --- repositories ------------------------------------------------------------------------------------------


_REQUESTS = cast(Table, JoinRequestRow.__table__)
_CONFIRM_BY = _REQUESTS.c.confirm_by
# Built once (every winner of a rush sends it); the columns to write come with the parameters.
_SAVE_IF_ACCEPTED = (
    update(_REQUESTS)
    .where(
        _REQUESTS.c.id == bindparam("where_id"),
        _REQUESTS.c.status == RequestStatus.ACCEPTED.value,
        _REQUESTS.c.confirm_by.is_not_distinct_from(bindparam("where_confirm_by", type_=_CONFIRM_BY.type)),
    )
    .returning(_REQUESTS.c.id)
)


class SqlJoinRequestRepository(RowRepository[JoinRequest, JoinRequestRow], JoinRequestRepository):
    no_key_update = True  # a rush inserts tickets referencing it (RowRepository.no_key_update)

    async def get(self, request_id: int) -> JoinRequest | None:
        return await self._get(request_id)

    async def find(self, event_id: int, member_id: int) -> JoinRequest | None:
        return await self._one(
            select(JoinRequestRow).where(
                JoinRequestRow.event_id == event_id, JoinRequestRow.requester_id == member_id
            )
        )

    async def lock(self, event_id: int, member_id: int) -> JoinRequest | None:
        return await self._one(
            select(JoinRequestRow).where(
                JoinRequestRow.event_id == event_id, JoinRequestRow.requester_id == member_id
            ),
            lock=True,
        )

    async def lock_by_id(self, request_id: int) -> JoinRequest | None:
        return await self._one(select(JoinRequestRow).where(JoinRequestRow.id == request_id), lock=True)

    async def lock_many(self, event_id: int, request_ids: Sequence[int]) -> list[JoinRequest]:
        return await self._many(
            select(JoinRequestRow)
            .where(JoinRequestRow.event_id == event_id, JoinRequestRow.id.in_(list(request_ids)))
            .order_by(JoinRequestRow.id),
            lock=True,
        )

    async def save_if_accepted(self, request: JoinRequest, *, confirm_by: datetime | None) -> bool:
        await self._session.flush()  # the condition must see what this transaction wrote to the request before
        params = row_values(request)
        params.update(where_id=request.id, where_confirm_by=confirm_by)
        return (await self._run_core(_SAVE_IF_ACCEPTED, params)).scalar() is not None

    async def lock_overdue(self, now: datetime, limit: int) -> list[JoinRequest]:
        return await self._lock_overdue(
            JoinRequestRow.status == RequestStatus.ACCEPTED.value,
            JoinRequestRow.confirm_by.is_not(None),
            JoinRequestRow.confirm_by <= now,
            order=JoinRequestRow.confirm_by,
            limit=limit,
        )


class SqlInvitationRepository(RowRepository[Invitation, InvitationRow], InvitationRepository):
    no_key_update = True  # a rush inserts tickets referencing it (RowRepository.no_key_update)

    def _entity(self, row: InvitationRow) -> Invitation:
        return invitation_from_row(row)

    def _write(self, invitation: Invitation, row: InvitationRow) -> None:
        _copy_invitation(invitation, row)

    async def get(self, invitation_id: int) -> Invitation | None:
        return await self._get(invitation_id)

    async def find(self, event_id: int, member_id: int) -> Invitation | None:
        return await self._one(
            select(InvitationRow).where(InvitationRow.event_id == event_id, InvitationRow.invitee_id == member_id)
        )

    async def lock(self, event_id: int, member_id: int) -> Invitation | None:
        return await self._one(
            select(InvitationRow).where(InvitationRow.event_id == event_id, InvitationRow.invitee_id == member_id),
            lock=True,
        )

    async def lock_by_id(self, invitation_id: int) -> Invitation | None:
        return await self._one(select(InvitationRow).where(InvitationRow.id == invitation_id), lock=True)

    async def lock_for_members(self, event_id: int, member_ids: Sequence[int]) -> dict[int, Invitation]:
        invitations = await self._many(
            select(InvitationRow)
            .where(InvitationRow.event_id == event_id, InvitationRow.invitee_id.in_(list(member_ids)))
            .order_by(InvitationRow.id),
            lock=True,
        )
        return {i.invitee_id: i for i in invitations}

    async def lock_overdue(self, now: datetime, limit: int) -> list[Invitation]:
        return await self._lock_overdue(
            InvitationRow.status == InvitationStatus.PENDING.value,
            InvitationRow.expires_at <= now,
            order=InvitationRow.expires_at,
            limit=limit,
        )


# The door's locks, Core statements of the table's columns built once (RowRepository._core_one: no ORM load, and
# the check-in's save an UPDATE of what it changed): FOR NO KEY UPDATE as every ticket lock
# (SqlTicketRepository.no_key_update).
_TICKETS = cast(Table, TicketRow.__table__)
_LOCK_BY_DIGEST = (
    select(*_TICKETS.c).where(_TICKETS.c.secret_digest == bindparam("digest")).with_for_update(key_share=True)
)
_LOCK_BY_MEMBER = (
    select(*_TICKETS.c)
    .where(_TICKETS.c.event_id == bindparam("event_id"), _TICKETS.c.member_id == bindparam("member_id"))
    .with_for_update(key_share=True)
)
_ADD_TICKET = insert(_TICKETS).returning(_TICKETS.c.id)


class SqlTicketRepository(RowRepository[Ticket, TicketRow], TicketRepository):
    no_key_update = True  # locked with the event and the request, in the same way (RowRepository.no_key_update)

    async def add(self, ticket: Ticket) -> Ticket:
        """One INSERT ... RETURNING built once, not the ORM's add and flush: every winner of a rush adds one.
        A ``save`` later in the same use case reads the row first."""
        values = row_values(ticket)
        if ticket.created_at is not None:
            values["created_at"] = ticket.created_at
        try:
            ticket.id = (await self._run_core(_ADD_TICKET, values)).scalar_one()
        except IntegrityError as exc:
            raise self.conflict() from exc
        return ticket

    async def find(self, event_id: int, member_id: int) -> Ticket | None:
        row = await self._session.scalar(
            select(TicketRow).where(TicketRow.event_id == event_id, TicketRow.member_id == member_id)
        )
        return ticket_from_row(row) if row else None

    async def lock(self, event_id: int, member_id: int) -> Ticket | None:
        if not (is_storable_id(event_id) and is_storable_id(member_id)):
            return None
        return await self._core_one(_LOCK_BY_MEMBER, {"event_id": event_id, "member_id": member_id})

    async def lock_by_digest(self, secret_digest: str) -> Ticket | None:
        return await self._core_one(_LOCK_BY_DIGEST, {"digest": secret_digest})

    async def holders(self, event_id: int) -> list[int]:
        return list(await self._session.scalars(select(TicketRow.member_id).where(TicketRow.event_id == event_id)))
