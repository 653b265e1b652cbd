"""What the staff console reads across contexts (paged, sorted searches and the dashboard's figures), and the
campaigns (their audience reads across identity, events and attendance, so they live here, above all of them).

Every search answers one page (``PageRequest``: at most ``MAX_PAGE`` rows) and the total of matches, sorted on
the server by one of the keys the port names: no screen ever loads an unbounded list. Writes never go through
these ports; they go through each context's own use cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from loopin.domain.notifications.campaign import Audience, Campaign
from loopin.domain.notifications.templates import NotificationKind
from loopin.usecases.shared.paging import Page


@dataclass(frozen=True, slots=True)
class PageRequest:
    offset: int = 0
    limit: int = 25
    sort: str = ""  # one of the port's sort keys; "" is the port's default
    descending: bool = True


@dataclass(frozen=True, slots=True)
class MemberLine:
    id: int
    phone_number: str
    name: str
    status: str
    role: str
    joined_at: datetime | None
    promote_at: datetime | None


MEMBER_SORTS = ("joined_at", "name", "status", "promote_at")


class MemberDirectory(Protocol):
    async def counts(self) -> dict[str, int]:
        """Members per status (erased accounts included; statuses with none are absent)."""
        ...

    async def search(self, *, text: str, status: str | None, page: PageRequest) -> Page[MemberLine]:
        """By a part of the name or of the phone number (digits, any format), and status; erased accounts are
        never listed. Ties are broken by id."""
        ...


@dataclass(frozen=True, slots=True)
class EventLine:
    id: int
    title: str
    host_id: int
    host_name: str
    start_time: datetime
    timezone: str
    status: str
    is_paid: bool
    ticket_price: Decimal
    seats_taken: int
    max_capacity: int
    deleted: bool


EVENT_SORTS = ("start_time", "title", "status", "seats_taken")


class EventDirectory(Protocol):
    async def count_starting(self, start: datetime, end: datetime) -> int:
        """Events (not deleted, not drafts) starting in ``[start, end)``."""
        ...

    async def search(self, *, text: str, status: str | None, page: PageRequest) -> Page[EventLine]:
        """By a part of the title or the host's name (or the event id when ``text`` is a number), and status;
        deleted events too (marked)."""
        ...


@dataclass(frozen=True, slots=True)
class OrderLine:
    id: int
    order_id: str  # the txnid
    event_id: int
    event_title: str
    member_id: int
    member_name: str
    amount: Decimal
    captured_amount: Decimal
    refunded_amount: Decimal
    status: str
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class Takings:
    count: int
    amount: Decimal


ORDER_SORTS = ("created_at", "amount", "status")


class OrderDirectory(Protocol):
    async def sales(self, start: datetime, end: datetime) -> Takings:
        """Orders captured in ``[start, end)``: how many, and what they captured."""
        ...

    async def refunds(self, start: datetime, end: datetime) -> Takings:
        """Refunds opened in ``[start, end)``: how many, and their amounts."""
        ...

    async def search(
        self, *, txnid: str, status: str | None, event_id: int | None, page: PageRequest
    ) -> Page[OrderLine]:
        """By a part of the txnid, status and event."""
        ...


# --- campaigns ---------------------------------------------------------------------------------------------


class CampaignRepository(Protocol):
    async def add(self, campaign: Campaign) -> Campaign: ...

    async def get(self, campaign_id: int) -> Campaign | None: ...

    async def lock(self, campaign_id: int) -> Campaign | None:
        """Locks the row until the transaction ends: a campaign's batches run one at a time."""
        ...

    async def save(self, campaign: Campaign) -> None: ...

    async def recent(self, before_id: int | None, limit: int) -> list[Campaign]:
        """Newest first."""
        ...

    async def sending(self, limit: int) -> list[int]:
        """Ids of campaigns still sending (the resume sweep)."""
        ...


@dataclass(frozen=True, slots=True)
class CampaignResults:
    pending: int
    sent: int
    cancelled: int


class CampaignAudience(Protocol):
    """Members an audience names: active, not muting ``kind``."""

    async def count(self, audience: Audience, kind: NotificationKind, now: datetime) -> int: ...

    async def sample(self, audience: Audience, kind: NotificationKind, now: datetime, limit: int) -> list[int]:
        """Member ids, lowest first."""
        ...

    async def enroll(self, campaign_id: int, audience: Audience, kind: NotificationKind, now: datetime) -> int:
        """Writes one pending recipient row per member of the audience, in one statement; (campaign, member) is
        unique, so enrolling again adds nobody. Answers how many rows it added."""
        ...

    async def claim(self, campaign_id: int, limit: int) -> list[int]:
        """Pending recipients (member ids, lowest first), locked, skipping locked ones."""
        ...

    async def mark(self, campaign_id: int, member_ids: Sequence[int], status: str, at: datetime) -> None:
        """``sent`` or ``cancelled``."""
        ...

    async def drop_pending(self, campaign_id: int, at: datetime) -> int:
        """Marks every recipient still pending ``cancelled``."""
        ...

    async def results(self, campaign_id: int) -> CampaignResults: ...
