"""A member's own data over PostgreSQL, for export and erasure (a handful of statements, by member or phone)."""

from __future__ import annotations

from sqlalchemy import CursorResult, delete, select, update

from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.notifications import device_from_row
from loopin.adapters.persistence.orm import (
    DeviceRow,
    EventRow,
    HostLeadRow,
    InvitationRow,
    JoinRequestRow,
    NotificationRow,
    OtpChallengeRow,
)
from loopin.adapters.persistence.rows import entity_from_row
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.notifications.device import Device
from loopin.usecases.privacy.ports import ErasedTraces, HostedEvent, PersonalData


class SqlPersonalData(SqlAdapter, PersonalData):
    async def devices(self, member_id: int) -> list[Device]:
        rows = await self._session.scalars(
            select(DeviceRow).where(DeviceRow.member_id == member_id).order_by(DeviceRow.id)
        )
        return [device_from_row(r) for r in rows]

    async def hosted_events(self, member_id: int) -> list[HostedEvent]:
        rows = await self._session.scalars(
            select(EventRow).where(EventRow.host_id == member_id).order_by(EventRow.start_time.desc(), EventRow.id)
        )
        return [entity_from_row(HostedEvent, r, deleted=r.deleted_at is not None) for r in rows]

    async def erase_traces(self, member_id: int, phone: PhoneNumber) -> ErasedTraces:
        async def count(statement: object) -> int:
            result: CursorResult[object] = await self._session.execute(statement)  # type: ignore[call-overload]
            return int(result.rowcount or 0)

        return ErasedTraces(
            devices=await count(delete(DeviceRow).where(DeviceRow.member_id == member_id)),
            notifications=await count(delete(NotificationRow).where(NotificationRow.recipient_id == member_id)),
            sign_in_codes=await count(delete(OtpChallengeRow).where(OtpChallengeRow.phone_number == phone.e164)),
            host_leads=await count(delete(HostLeadRow).where(HostLeadRow.phone_number == phone.e164)),
            messages=await count(
                update(JoinRequestRow)
                .where(JoinRequestRow.requester_id == member_id, JoinRequestRow.message != "")
                .values(message="")
            )
            + await count(
                update(InvitationRow)
                .where(InvitationRow.invitee_id == member_id, InvitationRow.message != "")
                .values(message="")
            ),
        )
