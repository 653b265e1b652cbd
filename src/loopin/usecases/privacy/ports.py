"""Ports of the privacy context: what no other context's port reads or removes by member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.notifications.device import Device


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
class ErasedTraces:
    """How many rows the erasure removed or blanked (for the audit entry: counts, never contents)."""

    devices: int
    notifications: int
    sign_in_codes: int
    host_leads: int
    messages: int  # request and invitation texts blanked


class PersonalData(Protocol):
    async def devices(self, member_id: int) -> list[Device]:
        """Every push subscription the member registered, active or not."""
        ...

    async def hosted_events(self, member_id: int) -> list[HostedEvent]:
        """Events the member hosts, deleted ones included, newest first."""
        ...

    async def erase_traces(self, member_id: int, phone: PhoneNumber) -> ErasedTraces:
        """Removes what only served the member (devices, their inbox, the phone's sign-in code and host lead)
        and blanks the texts they wrote to hosts (request messages) or received (invitation messages)."""
        ...
