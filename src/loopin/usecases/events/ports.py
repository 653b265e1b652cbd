"""Ports the events use cases depend on (and the ones the attendance context shares).

Seats are counted by ``SeatInventory``, one conditional statement per change (``seats_taken`` for tickets,
through ``TicketDesk.issue``; ``seats_held`` for the checkouts of paid orders)::

    if not await seats.take(event.id, n): raise SeatsUnavailable(...)   # fits, or nothing changes
    uow.after_commit(cache.invalidate)                                  # feeds and details show the counts
    await uow.commit()

The ``events`` table also carries ``CHECK (max_capacity = 0 OR seats_taken + seats_held <= max_capacity)``,
so even a code path that forgot the rule cannot oversell. ``requests_count`` and the capacity are changed on an
event loaded with ``get_for_update``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol, TypeVar

from loopin.domain.events.event import Event, EventStatus
from loopin.domain.events.feed import FeedQuery
from loopin.domain.events.host_lead import HostLead
from loopin.domain.events.venue import Venue, VenueType
from loopin.domain.events.visibility import Viewer
from loopin.domain.identity.interest import EventInterest
from loopin.domain.identity.member import MemberStatus, Role
from loopin.domain.identity.phone import PhoneNumber
from loopin.usecases.shared.paging import Page

if TYPE_CHECKING:
    from loopin.usecases.events.views import EventView, ViewPage, ViewShape

T = TypeVar("T")


class EventRepository(Protocol):
    """The write side: whole events, by id."""

    async def get(self, event_id: int) -> Event | None:
        """Soft-deleted events too: the caller decides what a deleted event means."""
        ...

    async def get_for_update(self, event_id: int) -> Event | None:
        """Loads and locks the event row until the transaction ends (``SELECT … FOR UPDATE``).

        The only safe way to read-modify-write ``seats_taken``/``requests_count`` or the capacity.
        """
        ...

    async def lock_ended(self, ended_before: datetime, limit: int) -> list[Event]:
        """Published events, not deleted, that ended before ``ended_before``: earliest end first (then id), at
        most ``limit``, each locked as ``get_for_update`` locks it; rows another transaction holds are skipped
        (``SKIP LOCKED``), never waited for. The scheduled completion's batch."""
        ...

    async def add(self, event: Event) -> Event:
        """Stores a new event and returns it with its id."""
        ...

    async def save(self, event: Event) -> None:
        """Writes every field of a stored event (counters included)."""
        ...

    async def canonical_id_taken(self, canonical_id: str) -> bool: ...

    async def find_duplicate(
        self, host_id: int, title: str, start_time: datetime, since: datetime
    ) -> Event | None:
        """The host's live event with this title and start, created at or after ``since`` (a retried create)."""
        ...

    async def hosts_any(self, host_id: int) -> bool:
        """Whether the member hosts at least one event that is not deleted."""
        ...


class VenueRepository(Protocol):
    async def get(self, venue_id: int) -> Venue | None: ...

    async def find_or_add(self, venue: Venue) -> tuple[Venue, bool]:
        """The stored venue for the same place, or ``venue`` stored now; the flag says it was created.

        The same place is the same external place id or, without one, the same name, address and city
        (case, accents, spacing and punctuation aside). Safe against two requests adding it at once.
        """
        ...

    async def list_active(
        self, *, city: str | None, venue_type: VenueType | None, offset: int, limit: int
    ) -> Page[Venue]:
        """Active venues, by name then id; ``city`` is a case-insensitive substring of the city."""
        ...


@dataclass(frozen=True, slots=True)
class HostCard:
    """What an event shows of its host."""

    id: int
    name: str
    picture_key: str | None


@dataclass(frozen=True, slots=True)
class EventRecord:
    """An event with everything its wire object shows, read together."""

    event: Event
    host: HostCard
    venue: Venue | None
    interests: tuple[EventInterest, ...]


@dataclass(frozen=True, slots=True)
class EventPage:
    total: int
    records: list[EventRecord]


class EventReader(Protocol):
    """The read side. A page costs a constant number of queries whatever its size."""

    async def record(self, event_id: int) -> EventRecord | None:
        """Deleted events too (visibility is the caller's rule)."""
        ...

    async def record_by_canonical_id(self, canonical_id: str) -> EventRecord | None: ...

    async def page(self, query: FeedQuery, viewer: Viewer, now: datetime) -> EventPage:
        """Events ``viewer`` may find (``is_listed``) that match ``query``, soonest first, and their total."""
        ...

    async def page_views(self, query: FeedQuery, viewer: Viewer, now: datetime, shape: ViewShape) -> ViewPage:
        """``page`` as a read model (the feed's miss): the same events' views, built by ``shape`` straight from
        what is stored, no entities on the way."""
        ...

    async def detail_view(self, event_id: int, shape: ViewShape) -> EventView | None:
        """``record`` then ``shape.of`` as a read model (an event's miss): deleted events too."""
        ...


class EventAccessGrants(Protocol):
    """Private events opened to a member (invited, accepted, holding a ticket). Implemented by attendance.

    Only private events: public ones need no grant, and a grant puts the member in a feed cache of their own.
    """

    async def granted_event_ids(self, member_id: int) -> frozenset[int]: ...


@dataclass(frozen=True, slots=True)
class ReaderStanding:
    """Who is reading, as event reads need it: the member's status and role (whether they pass as they stand),
    the private events opened to them (as ``EventAccessGrants``) and whether they host an event not deleted."""

    status: MemberStatus
    role: Role
    granted: frozenset[int]
    hosts: bool


class Readers(Protocol):
    """The hot reads' caller in one read (one statement in SQL), instead of the member, their grants and their
    hosting one after the other. Implemented by attendance, as the grants."""

    async def standing(self, member_id: int) -> ReaderStanding | None:
        """``None``: no such member."""
        ...


@dataclass(frozen=True, slots=True)
class ViewerSnapshot:
    """What event reads need to know about an *active* member, kept between two changes (the generation it was
    read at): staff or not, whose cached feed pages they share, the private events opened to them."""

    generation: int
    is_staff: bool
    cache_class: str
    granted: tuple[int, ...]

    def viewer(self, member_id: int) -> Viewer:
        return Viewer(member_id, self.is_staff, frozenset(self.granted))


@dataclass(frozen=True, slots=True)
class ShownEvent:
    """The facts ``can_view`` reads, kept beside a rendered detail so a hit is checked without the event."""

    id: int
    host_id: int
    status: EventStatus
    is_public: bool
    is_deleted: bool


@dataclass(frozen=True, slots=True)
class Rendered:
    """An answer as the wire carries it, encoded once and sent as it is, under the generation it was read at."""

    generation: int
    body: bytes
    shown: ShownEvent | None = None  # a detail's: who may see it


@dataclass(frozen=True, slots=True)
class HotRead:
    """One round trip's worth: the generation, the member's snapshot and the entries asked for, each ``None``
    when missing or written under another generation (stale)."""

    generation: int
    viewer: ViewerSnapshot | None
    entries: tuple[Rendered | None, ...]
    revoked: bool = False  # the session's token or member was revoked (as ``TokenRevocations.is_revoked``)


class EventCache(Protocol):
    """Read-through cache of feed pages and event details, invalidated by a generation counter.

    Keys are built by the use cases and always include the current ``generation()`` and the viewer's
    visibility class, so a bump makes every earlier entry unreachable and nobody reads another class's page.
    The rendered entries and viewer snapshots of the hot reads (``usecases/events/hot_reads.py``) carry their
    generation inside instead, so that one round trip fetches the generation and them together.
    """

    async def hot(self, member_id: int, token_id: str, keys: tuple[str, ...], *, shared: bool = False) -> HotRead:
        """The generation, ``member_id``'s snapshot, the rendered entries at ``keys`` and whether the session
        ``token_id`` was revoked, in one round trip; a generation below 0 when the cache cannot be reached (then
        nothing is kept either, and the revocation is unknown: the caller asks ``TokenRevocations``).
        ``shared``: the entries are the same for every member, so the adapter may keep copies of them in the
        process, used only under the generation read in the same round trip."""
        ...

    async def rendered(self, generation: int, key: str) -> Rendered | None:
        """The entry at ``key`` if it was written under ``generation``."""
        ...

    async def keep_rendered(self, key: str, entry: Rendered, ttl_seconds: int) -> None: ...

    async def keep_viewer(self, member_id: int, snapshot: ViewerSnapshot, ttl_seconds: int) -> None: ...

    async def generation(self) -> int: ...

    async def get(self, key: str, kind: type[T]) -> T | None:
        """None on a miss, and when the cache cannot be reached (reads fall back to the database)."""
        ...

    async def put(self, key: str, value: object, ttl_seconds: int) -> None: ...

    async def invalidate(self) -> None:
        """Register with ``UnitOfWork.after_commit`` in every transaction that changes what an event shows (the
        event, its counters, its venue) or who may see it (grants)."""
        ...


class HostLeadRepository(Protocol):
    async def find_by_phone(self, phone: PhoneNumber) -> HostLead | None: ...

    async def add(self, lead: HostLead) -> tuple[HostLead, bool]:
        """Stores the lead, or returns the one already stored for its phone (flag False), even in a race."""
        ...

    async def list_recent(self, *, offset: int, limit: int) -> Page[HostLead]:
        """Newest first."""
        ...

    async def lock(self, lead_id: int) -> HostLead | None: ...

    async def save(self, lead: HostLead) -> None:
        """Stores what staff changed: contacted, converted."""
        ...


class SeatInventory(Protocol):
    """The seat counters of an event (``seats_taken`` for tickets, ``seats_held`` for open checkouts and seats
    offered from the waitlist), changed
    only by single conditional statements: nothing is read and written back, and the event's row lock lasts
    from the statement to the commit. Taken + held never exceed the capacity (0: unlimited)."""

    async def hold(self, event_id: int, seats: int) -> bool:
        """Holds seats for a checkout if they fit on a listed event (published or postponed, not deleted); False
        otherwise (nothing changed)."""
        ...

    async def take(self, event_id: int, seats: int) -> bool:
        """Takes seats for a ticket if they fit on a listed event (published or postponed, not deleted): a
        cancellation committed while the caller decided wins. False otherwise (nothing changed)."""
        ...

    async def convert_held(self, event_id: int, seats: int) -> None:
        """Held seats become taken ones (a paid order's ticket): always fits."""
        ...

    async def release_held(self, event_id: int, seats: int) -> None: ...

    async def release_taken(self, event_id: int, seats: int) -> None: ...


@dataclass(frozen=True, slots=True)
class SoldOut:
    """What refusing a sold-out event needs to know of it without reading it: it is public, published and not
    deleted; free, every seat taken and none held (so no waitlist offer or checkout can give one back unseen),
    or paid, every seat taken or held by an order (none by a waitlist offer) and none of those orders overdue
    while it stands; and who hosts it and when it starts (the host and a late caller get their own answers)."""

    host_id: int
    start_time: datetime
    # A paid event's (set by a refused order): what an order checks before the seats (its price, plus-ones).
    # A free event's marker answers confirmations only, a paid event's orders only.
    ticket_price: Decimal | None = None
    allow_plus_one: bool = True


@dataclass(frozen=True, slots=True)
class SoldOutCheck:
    """One round trip's worth: ``opening`` to ``mark`` the event with (``None`` when the markers cannot be
    reached), the marker if one stands, and whether the member held a ticket (live or cancelled) when it was
    set (they never get the marker's refusal: their own ticket answers them)."""

    opening: str | None
    sold_out: SoldOut | None = None
    held_a_ticket: bool = False
    revoked: bool = False  # the session's token or member was revoked (as ``TokenRevocations.is_revoked``)


class SoldOutEvents(Protocol):
    """Markers of sold-out events, so a rush's refusals need neither the event nor a database connection.

    A marker stands from ``mark`` until the next ``clear`` of its event, or ``ttl_seconds``: every change of an
    event's seats or facts clears it after its commit (``usecases/events/sold_out.py`` wraps the seat inventory
    and the events repository so that no use case can forget). ``mark`` takes the ``opening`` a ``check`` read
    *before* the caller read the event: a clear that ran since then makes the mark a no-op, so a marker never
    outlives a change its setter did not see. When the markers cannot be reached, ``check`` answers no marker
    and ``mark``/``clear`` do nothing (the marker's lifetime bounds a clear that was lost)."""

    async def check(self, event_id: int, member_id: int, token_id: str) -> SoldOutCheck:
        """The event's marker and whether the session ``token_id`` was revoked, in one round trip; when the
        markers cannot be reached, ``opening`` is ``None`` and the revocation is unknown (the caller asks
        ``TokenRevocations``)."""
        ...

    async def mark(
        self, event_id: int, opening: str, sold_out: SoldOut, ticket_holders: Collection[int], ttl_seconds: int
    ) -> None:
        """``ticket_holders``: every member with a ticket for the event, live or cancelled, read after the
        event."""
        ...

    async def clear(self, event_id: int) -> None: ...


# --- what the payments context answers for events (it ranks above: events declares, payments implements) ---


class SeatFee(Protocol):
    """What a buyer pays on top of a seat's base price."""

    def fee_per_seat(self, base_price: Decimal) -> Decimal: ...


class PlatformFees(Protocol):
    """The fee events show beside their price (``platform_fee``): the very policy orders are charged with, so
    the two never disagree. Implemented by payments' ``CurrentFee`` (a cached read)."""

    async def policy(self) -> SeatFee: ...


class FreedSeats(Protocol):
    """Who gets seats an event change frees (a higher capacity) or whose line it closes (cancelled, deleted):
    the event's waitlist. Attendance ranks above and implements it (``SeatOffers``), in the change's own
    transaction: call with the event locked and saved, before the commit."""

    async def event_changed(self, *, event: Event, now: datetime) -> None: ...


class CancellationRefunds(Protocol):
    """What a cancelled event owes its paid guests. Called inside the cancellation's transaction: every paid
    guest must be refunded in full, exactly once each, after the commit (work in the same outbox), however
    often the cancellation's follow-up runs. Implemented by payments' ``RefundOnEventCancellation``."""

    async def event_cancelled(self, *, event_id: int, actor_id: int) -> None: ...


# --- what the attendance context answers for events ----------------------------------------------------------


class GuestNotices(Protocol):
    """Tells an event's guests what changed for them (its time or place, a postponement, a cancellation).
    Called inside the change's transaction, with the event as changed; the notices leave after the commit
    (work in the same outbox), one per guest. Implemented by attendance's ``TellGuests`` (it knows the guests)."""

    async def event_changed(self, *, event: Event, changed: Sequence[str]) -> int: ...
