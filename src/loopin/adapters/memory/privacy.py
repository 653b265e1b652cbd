"""A member's own data in the in-memory store, for export and erasure."""

from __future__ import annotations

from dataclasses import replace

from loopin.adapters.memory.attendance import INVITATIONS, REQUESTS
from loopin.adapters.memory.events import EVENTS, HOST_LEADS, LEAD_PHONES
from loopin.adapters.memory.identity import OTPS
from loopin.adapters.memory.notifications import DEVICES, NOTIFICATION_KEYS, NOTIFICATIONS
from loopin.adapters.memory.store import MemoryAdapter
from loopin.domain.attendance.invitation import Invitation
from loopin.domain.attendance.request import JoinRequest
from loopin.domain.events.event import Event
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.notifications.device import Device
from loopin.domain.notifications.notification import Notification
from loopin.usecases.privacy.ports import ErasedTraces, HostedEvent, PersonalData
from loopin.usecases.shared.attributes import from_attributes


class MemoryPersonalData(MemoryAdapter, PersonalData):
    async def devices(self, member_id: int) -> list[Device]:
        return sorted((d for d in self._tx.rows(DEVICES) if d.member_id == member_id), key=lambda d: d.id)

    async def hosted_events(self, member_id: int) -> list[HostedEvent]:
        events: list[Event] = [e for e in self._tx.rows(EVENTS) if e.host_id == member_id]
        events.sort(key=lambda e: e.id)
        events.sort(key=lambda e: e.start_time, reverse=True)
        return [from_attributes(HostedEvent, e, status=e.status.value, deleted=e.is_deleted) for e in events]

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
        return ErasedTraces(len(devices), len(inbox), codes, int(lead_id is not None), messages)
