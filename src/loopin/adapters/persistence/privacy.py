"""A member's own data over PostgreSQL, for export and erasure (a handful of statements, by member or phone)."""

from __future__ import annotations

from sqlalchemy import CursorResult, delete, exists, select, update

from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.notifications import device_from_row
from loopin.adapters.persistence.orm import (
    BankAccountRow,
    CampaignRecipientRow,
    DeviceRow,
    EventRow,
    HostLeadRow,
    InvitationRow,
    JoinRequestRow,
    NotificationPreferenceRow,
    NotificationRow,
    OtpChallengeRow,
    PayoutRequestRow,
    WaitlistPlaceRow,
)
from loopin.adapters.persistence.payouts import bank_account_from_row
from loopin.adapters.persistence.rows import entity_from_row
from loopin.adapters.persistence.waitlist import place_from_row
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.notifications.device import Device
from loopin.domain.payouts.bank_account import BankAccount
from loopin.usecases.privacy.ports import ErasedTraces, HostedEvent, PersonalData, WaitlistRecord


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

    async def waitlist_places(self, member_id: int) -> list[WaitlistRecord]:
        rows = await self._session.execute(
            select(WaitlistPlaceRow, EventRow.title)
            .join(EventRow, EventRow.id == WaitlistPlaceRow.event_id)
            .where(WaitlistPlaceRow.member_id == member_id)
            .order_by(WaitlistPlaceRow.id.desc())
        )
        return [WaitlistRecord(place_from_row(place), title) for place, title in rows]

    async def bank_accounts(self, member_id: int) -> list[BankAccount]:
        rows = await self._session.scalars(
            select(BankAccountRow).where(BankAccountRow.host_id == member_id).order_by(BankAccountRow.id)
        )
        return [bank_account_from_row(r) for r in rows]

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
            preferences=await count(
                delete(NotificationPreferenceRow).where(NotificationPreferenceRow.member_id == member_id)
            ),
            campaign_deliveries=await count(
                update(CampaignRecipientRow)
                .where(CampaignRecipientRow.member_id == member_id, CampaignRecipientRow.status == "pending")
                .values(status="cancelled")
            ),
            bank_accounts=await self._erase_bank_accounts(member_id),
        )

    async def _erase_bank_accounts(self, member_id: int) -> int:
        paid_to = exists().where(PayoutRequestRow.bank_account_id == BankAccountRow.id)
        mine = BankAccountRow.host_id == member_id
        removed: CursorResult[object] = await self._session.execute(  # type: ignore[assignment]
            delete(BankAccountRow).where(mine, ~paid_to)
        )
        emptied: CursorResult[object] = await self._session.execute(  # type: ignore[assignment]
            update(BankAccountRow)
            .where(mine, BankAccountRow.sealed_number != b"")
            .values(sealed_number=b"", fingerprint="", is_active=False, is_primary=False)
        )
        return int(removed.rowcount or 0) + int(emptied.rowcount or 0)
