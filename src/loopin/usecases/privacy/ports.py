"""Ports of the privacy context: what no other context's port reads or removes by member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from loopin.domain.attendance.waitlist import WaitlistPlace
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.notifications.device import Device
from loopin.domain.payouts.bank_account import BankAccount


@dataclass(frozen=True, slots=True)
class HostedEvent:
    id: int
    title: str
    status: str
    start_time: datetime
    end_time: datetime
    is_public: bool
    is_paid: bool
    seats_taken: int
    seats_held: int  # seats in guests' open checkouts (paid events)
    created_at: datetime | None
    deleted: bool


@dataclass(frozen=True, slots=True)
class WaitlistRecord:
    place: WaitlistPlace
    event_title: str


@dataclass(frozen=True, slots=True)
class ErasedTraces:
    """How many rows the erasure removed or blanked (for the audit entry: counts, never contents)."""

    devices: int
    notifications: int
    sign_in_codes: int
    host_leads: int
    messages: int  # request and invitation texts blanked
    preferences: int  # the member's notification settings (0 or 1)
    campaign_deliveries: int  # campaign messages still waiting to reach the member, cancelled
    bank_accounts: int  # removed (never paid to) or emptied of their sealed number (paid to: kept as the record)


class PersonalData(Protocol):
    async def devices(self, member_id: int) -> list[Device]:
        """Every push subscription the member registered, active or not."""
        ...

    async def hosted_events(self, member_id: int) -> list[HostedEvent]:
        """Events the member hosts, deleted ones included, newest first."""
        ...

    async def waitlist_places(self, member_id: int) -> list[WaitlistRecord]:
        """Every place the member took on an event's waitlist, in any status, newest first."""
        ...

    async def bank_accounts(self, member_id: int) -> list[BankAccount]:
        """Every bank account the member added, removed ones included, oldest first."""
        ...

    async def erase_traces(self, member_id: int, phone: PhoneNumber) -> ErasedTraces:
        """Removes what only served the member (devices, their inbox, notification settings, the phone's sign-in
        code and host lead, campaign messages not yet delivered, bank accounts never paid to), empties the bank
        accounts payouts went to of their sealed number (what stays is the payout's record: bank, IFSC, last
        four digits, holder), and blanks the texts they wrote to hosts (request messages) or received
        (invitation messages)."""
        ...
