"""A member's own data in the in-memory store, for export and erasure."""

from __future__ import annotations

from dataclasses import replace

from loopin.adapters.memory.attendance import INVITATIONS, REQUESTS
from loopin.adapters.memory.events import EVENTS, HOST_LEADS, LEAD_PHONES
from loopin.adapters.memory.identity import OTPS
from loopin.adapters.memory.notifications import (
    CAMPAIGN_RECIPIENTS,
    DEVICES,
    NOTIFICATION_KEYS,
    NOTIFICATIONS,
    PREFERENCES,
)
from loopin.adapters.memory.payouts import BANK_ACCOUNTS, PAYOUTS
from loopin.adapters.memory.store import MemoryAdapter
from loopin.adapters.memory.waitlist import PLACES
from loopin.domain.attendance.invitation import Invitation
from loopin.domain.attendance.request import JoinRequest
from loopin.domain.attendance.waitlist import WaitlistPlace
from loopin.domain.events.event import Event
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.notifications.device import Device
from loopin.domain.notifications.notification import Notification
from loopin.domain.payouts.bank_account import BankAccount
from loopin.domain.payouts.payout import PayoutRequest
from loopin.usecases.privacy.ports import ErasedTraces, HostedEvent, PersonalData, WaitlistRecord
from loopin.usecases.shared.attributes import from_attributes


class MemoryPersonalData(MemoryAdapter, PersonalData):
    async def devices(self, member_id: int) -> list[Device]:
        return sorted((d for d in self._tx.rows(DEVICES) if d.member_id == member_id), key=lambda d: d.id)

    async def hosted_events(self, member_id: int) -> list[HostedEvent]:
        events: list[Event] = [e for e in self._tx.rows(EVENTS) if e.host_id == member_id]
        events.sort(key=lambda e: e.id)
        events.sort(key=lambda e: e.start_time, reverse=True)
        return [from_attributes(HostedEvent, e, status=e.status.value, deleted=e.is_deleted) for e in events]

    async def waitlist_places(self, member_id: int) -> list[WaitlistRecord]:
        places: list[WaitlistPlace] = [p for p in self._tx.rows(PLACES) if p.member_id == member_id]
        places.sort(key=lambda p: -p.id)
        return [WaitlistRecord(p, self._tx.read(EVENTS, p.event_id).title) for p in places]

    async def bank_accounts(self, member_id: int) -> list[BankAccount]:
        return sorted((a for a in self._tx.rows(BANK_ACCOUNTS) if a.host_id == member_id), key=lambda a: a.id)

    async def erase_traces(self, member_id: int, phone: PhoneNumber) -> ErasedTraces:
        devices = [d for d in self._tx.rows(DEVICES) if d.member_id == member_id]
        for device in devices:
            self._tx.delete(DEVICES, device.player_id)
        inbox: list[Notification] = [n for n in self._tx.rows(NOTIFICATIONS) if n.recipient_id == member_id]
        for note in inbox:
            self._tx.delete(NOTIFICATIONS, note.id)
            self._tx.delete(NOTIFICATION_KEYS, note.key)
        codes = int(self._tx.read(OTPS, phone.e164) is not None)
        self._tx.delete(OTPS, phone.e164)
        lead_id = self._tx.read(LEAD_PHONES, phone.e164)
        if lead_id is not None:
            self._tx.delete(LEAD_PHONES, phone.e164)
            self._tx.delete(HOST_LEADS, lead_id)
        messages = 0
        requests: list[JoinRequest] = [r for r in self._tx.rows(REQUESTS) if r.requester_id == member_id]
        for request in (r for r in requests if r.message):
            self._tx.write(REQUESTS, request.id, replace(request, message=""))
            messages += 1
        invitations: list[Invitation] = [i for i in self._tx.rows(INVITATIONS) if i.invitee_id == member_id]
        for invitation in (i for i in invitations if i.message):
            self._tx.write(INVITATIONS, invitation.id, replace(invitation, message=""))
            messages += 1
        preferences = int(self._tx.read(PREFERENCES, member_id) is not None)
        self._tx.delete(PREFERENCES, member_id)
        deliveries = [r for r in self._tx.rows(CAMPAIGN_RECIPIENTS) if r[1] == member_id and r[2] == "pending"]
        for campaign_id, _, _ in deliveries:
            self._tx.write(CAMPAIGN_RECIPIENTS, (campaign_id, member_id), (campaign_id, member_id, "cancelled"))
        return ErasedTraces(
            len(devices),
            len(inbox),
            codes,
            int(lead_id is not None),
            messages,
            preferences,
            len(deliveries),
            self._erase_bank_accounts(member_id),
        )

    def _erase_bank_accounts(self, member_id: int) -> int:
        payouts: list[PayoutRequest] = list(self._tx.rows(PAYOUTS))
        paid_to = {p.bank_account_id for p in payouts}
        erased = 0
        for account in [a for a in self._tx.rows(BANK_ACCOUNTS) if a.host_id == member_id]:
            if account.id not in paid_to:
                self._tx.delete(BANK_ACCOUNTS, account.id)
                erased += 1
            elif account.sealed_number:
                emptied = replace(account, sealed_number=b"", fingerprint="", is_active=False, is_primary=False)
                self._tx.write(BANK_ACCOUNTS, account.id, emptied)
                erased += 1
        return erased
