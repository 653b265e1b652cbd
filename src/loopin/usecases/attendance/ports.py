"""Ports of the attendance context.

Every write that touches a member's requests, invitations or tickets for an event first locks the event row
(``EventRepository.get_for_update``), then the attendance rows it changes; the door locks only the ticket row.
One lock order, so no two use cases wait on each other crosswise, and capacity is counted under the event
lock. The sweeps lock rows with ``SKIP LOCKED`` and never wait.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from loopin.domain.attendance.invitation import Invitation
from loopin.domain.attendance.request import JoinRequest
from loopin.domain.attendance.ticket import Ticket
from loopin.domain.attendance.waitlist import WaitlistPlace
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Member
from loopin.usecases.shared.attributes import from_attributes
from loopin.usecases.shared.paging import Page


@dataclass(frozen=True, slots=True)
class MemberCard:
    """What hosts and guests see of another member (never the phone number)."""

    id: int
    name: str
    picture_key: str | None
    is_active: bool = True

    @classmethod
    def of(cls, member: Member) -> MemberCard:
        """The card of a member already loaded (the caller's own, for instance)."""
        keys = member.profile.picture_keys
        return cls(member.id, member.profile.name, keys[0] if keys else None, member.is_active)


@dataclass(frozen=True, slots=True)
class EventBrief:
    """What a ticket or an invitation shows of its event."""

    id: int
    title: str
    start_time: datetime
    end_time: datetime
    timezone: str
    venue_name: str | None
    cover_image_key: str | None
    is_paid: bool
    host_id: int
    is_deleted: bool

    @classmethod
    def of(cls, event: Event, venue_name: str | None = None) -> EventBrief:
        return from_attributes(
            cls, event, venue_name=venue_name, cover_image_key=next(iter(event.cover_image_keys), None)
        )


@dataclass(frozen=True, slots=True)
class RequestCard:
    request: JoinRequest
    event_title: str
    event_deleted: bool
    has_ticket: bool


@dataclass(frozen=True, slots=True)
class InvitationCard:
    invitation: Invitation
    event: EventBrief
    host_name: str


@dataclass(frozen=True, slots=True)
class TicketCard:
    ticket: Ticket
    event: EventBrief


class JoinRequestRepository(Protocol):
    async def get(self, request_id: int) -> JoinRequest | None: ...

    async def find(self, event_id: int, member_id: int) -> JoinRequest | None:
        """The member's request for the event, without a lock (a snapshot: lock it before writing it)."""
        ...

    async def lock(self, event_id: int, member_id: int) -> JoinRequest | None:
        """The member's request for the event, locked until the transaction ends."""
        ...

    async def lock_by_id(self, request_id: int) -> JoinRequest | None: ...

    async def lock_many(self, event_id: int, request_ids: Sequence[int]) -> list[JoinRequest]:
        """The event's requests among ``request_ids``, locked in id order (others are left out)."""
        ...

    async def add(self, request: JoinRequest) -> JoinRequest:
        """Stores a new request and returns it with its id."""
        ...

    async def save(self, request: JoinRequest) -> None: ...

    async def save_if_accepted(self, request: JoinRequest, *, confirm_by: datetime | None) -> bool:
        """Writes ``request`` in one statement (taking its row lock) only if the stored request is still accepted
        with the confirmation deadline it was read with (``confirm_by``); False, nothing written, when another
        transaction changed it since (then lock it and decide again)."""
        ...

    async def lock_overdue(self, now: datetime, limit: int) -> list[JoinRequest]:
        """Accepted requests past their confirmation deadline, skipping rows another transaction holds."""
        ...


class InvitationRepository(Protocol):
    async def get(self, invitation_id: int) -> Invitation | None: ...

    async def find(self, event_id: int, member_id: int) -> Invitation | None:
        """The member's invitation to the event, without a lock."""
        ...

    async def lock(self, event_id: int, member_id: int) -> Invitation | None: ...

    async def lock_by_id(self, invitation_id: int) -> Invitation | None: ...

    async def lock_for_members(self, event_id: int, member_ids: Sequence[int]) -> dict[int, Invitation]:
        """The event's invitations to these members, by member id, locked."""
        ...

    async def add(self, invitation: Invitation) -> Invitation: ...

    async def save(self, invitation: Invitation) -> None: ...

    async def lock_overdue(self, now: datetime, limit: int) -> list[Invitation]:
        """Pending invitations past ``expires_at``, skipping rows another transaction holds."""
        ...


class TicketRepository(Protocol):
    async def find(self, event_id: int, member_id: int) -> Ticket | None:
        """The member's ticket for the event, in any status."""
        ...

    async def lock(self, event_id: int, member_id: int) -> Ticket | None: ...

    async def lock_by_digest(self, secret_digest: str) -> Ticket | None:
        """The ticket whose code has this lookup digest, locked."""
        ...

    async def add(self, ticket: Ticket) -> Ticket: ...

    async def save(self, ticket: Ticket) -> None: ...

    async def holders(self, event_id: int) -> list[int]:
        """Every member with a ticket for the event, live or cancelled (one query)."""
        ...


@dataclass(frozen=True, slots=True)
class ConfirmationFacts:
    """What a confirmation decides on, read together without locks: the caller (``None``: unknown or erased),
    the event (``None``: not stored), the caller's ticket, join request and invitation for it, and the name of
    its venue (for the ticket's answer)."""

    member: Member | None
    event: Event | None = None
    ticket: Ticket | None = None
    request: JoinRequest | None = None
    invitation: Invitation | None = None
    venue_name: str | None = None


class ConfirmationReader(Protocol):
    """One round trip for everything a rush's confirmation reads before it decides (the member, the event, the
    member's ticket, request and invitation, the venue's name): the same entities the repositories answer,
    each as its repository's ``get``/``find`` would, none locked."""

    async def facts(self, event_id: int, member_id: int) -> ConfirmationFacts: ...


class AttendanceReader(Protocol):
    """The read side: each method is one query (or two), whatever the number of rows."""

    async def request_card(self, event_id: int, member_id: int) -> RequestCard | None:
        """The member's request for one event, with the event's title and whether they hold a ticket."""
        ...

    async def member_requests(self, member_id: int) -> list[RequestCard]:
        """Newest first."""
        ...

    async def event_requests(self, event_id: int) -> list[tuple[JoinRequest, MemberCard]]:
        """Newest first."""
        ...

    async def member_invitations(self, member_id: int) -> list[InvitationCard]:
        """Newest first, deleted events left out."""
        ...

    async def event_invitations(self, event_id: int) -> list[tuple[Invitation, MemberCard]]:
        """Newest first."""
        ...

    async def member_tickets(self, member_id: int, event_id: int | None = None) -> list[TicketCard]:
        """Live tickets (not cancelled) of events that are not deleted, soonest event first."""
        ...

    async def event_brief(self, event_id: int) -> EventBrief | None: ...

    async def attendees(self, event_id: int) -> list[tuple[Ticket, MemberCard]]:
        """Live tickets of the event, by arrival then name."""
        ...

    async def member_cards(self, member_ids: Sequence[int]) -> dict[int, MemberCard]: ...

    async def search_members(
        self, search: str | None, exclude_id: int, offset: int, limit: int
    ) -> Page[MemberCard]:
        """Active members whose name contains ``search`` (any case), by name then id, and their total."""
        ...

    async def invited_among(self, event_id: int, member_ids: Sequence[int]) -> frozenset[int]:
        """Which of these members have an invitation to the event (any status)."""
        ...

    async def engaged_among(self, event_id: int, member_ids: Sequence[int]) -> dict[int, str]:
        """Members already on their way in by themselves: ``requested`` (a pending or accepted request) or
        ``going`` (a live ticket)."""
        ...


@dataclass(frozen=True, slots=True)
class PlaceInLine:
    """A live place with who holds it and where: ``position`` counts the waiting places up to it (1: next to be
    offered a seat); None once it is offered."""

    place: WaitlistPlace
    member: MemberCard
    position: int | None


class WaitlistRepository(Protocol):
    """Places on event waitlists, first in first served by id. Every change is made with the event row locked
    first (``EventRepository.get_for_update``), so one event's line changes one transaction at a time, and the
    seats an offer holds are counted under that lock with the checkouts' (``SeatInventory.hold``). A unique
    index allows one live (waiting or offered) place per member and event."""

    async def lock_live(self, event_id: int, member_id: int) -> WaitlistPlace | None:
        """The member's waiting or offered place, locked."""
        ...

    async def latest(self, event_id: int, member_id: int) -> WaitlistPlace | None:
        """The member's newest place for the event, in any status (what became of it)."""
        ...

    async def position(self, place: WaitlistPlace) -> int:
        """1 + the waiting places of its event ahead of it."""
        ...

    async def lock_offered(self, event_id: int) -> list[WaitlistPlace]:
        """The event's open offers, oldest place first, locked."""
        ...

    async def lock_waiting(self, event_id: int, limit: int) -> list[WaitlistPlace]:
        """The first ``limit`` waiting places of the event, in line order, locked."""
        ...

    async def add(self, place: WaitlistPlace) -> WaitlistPlace:
        """Stores a new place with its id; ``Conflict`` when the member already has a live one."""
        ...

    async def save(self, place: WaitlistPlace) -> None: ...

    async def line(self, event_id: int) -> list[PlaceInLine]:
        """The live places of the event in line order (offers first, then the waiting), one query."""
        ...

    async def events_due(self, now: datetime, limit: int) -> list[int]:
        """Events whose line needs a turn: an offer past its window, or places waiting while an open event
        (published, not started, not deleted) has a free seat. Oldest first."""
        ...


@dataclass(frozen=True, slots=True)
class OfferCheckout:
    """A paid event's offer taken: the payment order now holding the offer's seats, and the gateway's form."""

    id: int
    order_id: str
    event_id: int
    amount: Decimal
    currency: str
    status: str
    seats: int
    base_price: Decimal
    platform_fee: Decimal
    fee_percentage: Decimal
    expires_at: datetime
    created_at: datetime | None
    payment_url: str
    payment_fields: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class TakenOffer:
    """A seat offer its member takes: the event and the place locked, the offer open, the member eligible;
    ``seats`` of the offered ones (None: all of them; the rest go to the next in line)."""

    member: Member
    event: Event
    place: WaitlistPlace
    seats: int | None


class PaidSeatOffers(Protocol):
    """Taking a paid event's seat offer opens a payment order. Payments ranks above attendance and implements
    it (``SeatOfferCheckout``), in the caller's transaction."""

    async def checkout(self, offer: TakenOffer, *, now: datetime, base_url: str) -> OfferCheckout:
        """The order takes over the offer's held seats for the payment window, the place is accepted with the
        order's id; the ticket comes with the payment."""
        ...


class PaidTicketRefunds(Protocol):
    """What a guest cancelling a paid ticket gets back. Payments ranks above attendance and implements it
    (``GuestRefunds``): the refund policy decides the amount, the refund is opened in the cancellation's own
    transaction (once per order, whoever asks again) and paid back by a job after the commit."""

    async def for_cancellation(self, *, ticket: Ticket, event: Event, now: datetime) -> Decimal:
        """Call with the event and the ticket locked, before the ticket is cancelled. The amount refunded;
        0.00 when the policy gives nothing back (too close to the start) or the ticket was not paid."""
        ...


# --- reminders -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReminderDue:
    """Someone to remind of an event: a ticket holder, a host with requests waiting or guests arriving
    (``count`` of them), an invitee whose invitation lapses at ``deadline``."""

    event_id: int
    event_title: str
    member_id: int
    start_time: datetime
    timezone: str
    deadline: datetime | None = None
    count: int = 0


class ReminderSource(Protocol):
    """Who is due a reminder, read fresh on each run (published, not deleted events only)."""

    async def ticket_holders(
        self, starts_after: datetime, starts_until: datetime, limit: int
    ) -> list[ReminderDue]:
        """Members with a live ticket for an event starting in (``starts_after``, ``starts_until``]."""
        ...

    async def hosts_with_pending(
        self, starts_after: datetime, starts_until: datetime, limit: int
    ) -> list[ReminderDue]:
        """Hosts of events starting in the window that still have pending join requests (``count``)."""
        ...

    async def hosts_with_guests(
        self, starts_after: datetime, starts_until: datetime, limit: int
    ) -> list[ReminderDue]:
        """Hosts of events starting in the window that have guests with live tickets (``count`` of them)."""
        ...

    async def invitees_expiring(self, after: datetime, until: datetime, limit: int) -> list[ReminderDue]:
        """Invitees of pending invitations expiring in (``after``, ``until``] (``deadline``)."""
        ...


class ReminderLedger(Protocol):
    """One row per reminder sent: (kind, event, member) is unique."""

    async def claim(self, kind: str, pairs: Sequence[tuple[int, int]], at: datetime) -> set[tuple[int, int]]:
        """Records the (event, member) pairs not yet reminded of ``kind`` and answers those; a pair another
        transaction is claiming waits for it and is then not answered (one statement, ``ON CONFLICT DO
        NOTHING``), so two schedulers at once remind each person once."""
        ...
