"""What attendance use cases hand back: plain data (no entities, no wire format)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from loopin.domain.attendance.invitation import Invitation, InvitationStatus
from loopin.domain.attendance.request import JoinRequest, RequestStatus
from loopin.domain.attendance.secret import TicketCodes
from loopin.domain.attendance.ticket import Ticket
from loopin.domain.attendance.waitlist import PlaceStatus, WaitlistPlace
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.attendance.ports import EventBrief, MemberCard, PlaceInLine, RequestCard
from loopin.usecases.identity.views import InterestView
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.attributes import from_attributes


def picture_url(storage: FileStorage, key: str | None) -> str | None:
    return storage.url_for(key) if key else None


def event_fields(event: EventBrief) -> dict[str, Any]:
    """The event's brief under the names a view gives it (``event_title``, ...); a view takes those it has."""
    return {f"event_{name}": getattr(event, name) for name in ("title", "start_time", "end_time", "timezone")}


class HasStatus(Protocol):
    @property
    def status(self) -> str: ...


V = TypeVar("V", bound=HasStatus)


def status_filter(kind: type[RequestStatus] | type[InvitationStatus], raw: str | None) -> str | None:
    """The status a list call asked for (``status_filter``), None for every status; 422 for an unknown one."""
    if raw is None or not raw.strip():
        return None
    try:
        status: RequestStatus | InvitationStatus = kind.parse(raw)
    except ValueError:
        allowed = ", ".join(s.value for s in kind)
        raise InvalidInput.single("status_filter", f"status_filter must be one of: {allowed}") from None
    return str(status.value)


def distinct_ids(raw: Sequence[int], field: str, most: int) -> list[int]:
    """The ids a bulk call names, each once in its order; 422 unless there are 1 to ``most`` of them."""
    ids = list(dict.fromkeys(raw))
    if not 1 <= len(ids) <= most:
        raise InvalidInput.single(field, f"{field} must hold 1 to {most} ids")
    return ids


def having_status(views: Iterable[V], wanted: str | None) -> list[V]:
    return [v for v in views if wanted is None or v.status == wanted]


@dataclass(frozen=True, slots=True)
class RequestView:
    id: int
    uuid: uuid.UUID
    event_id: int
    event_title: str
    requester_id: int
    requester_name: str
    picture_url: str | None
    status: str  # as of now: an accepted request past its deadline reads "expired"
    message: str
    host_message: str
    seats_requested: int
    can_confirm: bool
    confirm_by: datetime | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(
        cls,
        r: JoinRequest,
        now: datetime,
        *,
        event_title: str = "",
        requester: MemberCard | None = None,
        has_ticket: bool = False,
        storage: FileStorage | None = None,
    ) -> RequestView:
        return from_attributes(
            cls,
            r,
            event_title=event_title,
            requester_name=requester.name if requester else "",
            picture_url=picture_url(storage, requester.picture_key) if requester and storage else None,
            status=r.status_at(now).value,
            can_confirm=r.can_confirm(now, has_ticket=has_ticket),
        )

    @classmethod
    def of_card(cls, card: RequestCard, now: datetime, requester: MemberCard, storage: FileStorage) -> RequestView:
        """The requester's own request as read with its event (one of their list, or the one for an event)."""
        return cls.of(
            card.request,
            now,
            event_title=card.event_title,
            has_ticket=card.has_ticket,
            requester=requester,
            storage=storage,
        )


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    accepted: tuple[int, ...]
    declined: tuple[int, ...]
    errors: tuple[tuple[int, str], ...]  # (request id, why it was left as it was)


@dataclass(frozen=True, slots=True)
class RequesterProfile:
    user_id: int
    name: str
    phone_number: str | None  # only once the host accepted the request
    bio: str
    gender: str
    location: str
    picture_urls: tuple[str, ...]
    interests: tuple[InterestView, ...]
    is_verified: bool


@dataclass(frozen=True, slots=True)
class InvitationView:
    id: int
    event_id: int
    event_title: str
    event_start_time: datetime
    event_timezone: str
    user_id: int
    full_name: str
    picture_url: str | None
    host_id: int
    host_name: str
    status: str  # as of now: a pending invitation past its deadline reads "expired"
    message: str
    expires_at: datetime
    expiry_policy: str
    created_at: datetime | None

    @classmethod
    def of(
        cls,
        i: Invitation,
        now: datetime,
        event: EventBrief,
        *,
        invitee: MemberCard | None = None,
        host_name: str = "",
        storage: FileStorage | None = None,
    ) -> InvitationView:
        return from_attributes(
            cls,
            i,
            **event_fields(event),
            user_id=i.invitee_id,
            full_name=invitee.name if invitee else "",
            picture_url=picture_url(storage, invitee.picture_key) if invitee and storage else None,
            host_name=host_name,
            status=i.status_at(now).value,
            expiry_policy=i.expiry_policy.value,
        )


@dataclass(frozen=True, slots=True)
class InvitationsSent:
    created: tuple[InvitationView, ...]
    skipped: tuple[tuple[int, str], ...]  # (user id, why no invitation was sent)


@dataclass(frozen=True, slots=True)
class InvitationAnswer:
    invitation: InvitationView
    is_paid: bool
    ticket_price: Decimal
    requires_payment: bool
    requires_confirmation: bool


@dataclass(frozen=True, slots=True)
class TicketView:
    ticket_id: int
    member_id: int
    event_id: int
    event_title: str
    event_start_time: datetime
    event_end_time: datetime
    event_timezone: str
    venue_name: str | None
    cover_image_url: str | None
    ticket_secret: str
    qr_code_data: str
    seats: int
    is_paid: bool
    payment_status: str
    status: str
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    issued_at: datetime | None
    created_at: datetime | None

    @classmethod
    def of(cls, t: Ticket, event: EventBrief, codes: TicketCodes, storage: FileStorage) -> TicketView:
        secret = t.secret(codes)
        return from_attributes(
            cls,
            t,
            **event_fields(event),
            ticket_id=t.id,
            venue_name=event.venue_name,
            cover_image_url=picture_url(storage, event.cover_image_key),
            ticket_secret=secret,
            qr_code_data=codes.qr_payload(t.event_id, secret),
            is_paid=event.is_paid,
            payment_status=t.payment_status.value,
            status=t.status.value,
        )


@dataclass(frozen=True, slots=True)
class Cancelled:
    ticket_id: int
    event_id: int
    seats_released: int
    going_count: int
    refund_amount: Decimal | None = None  # a paid ticket: what the refund policy gives back (0.00: nothing)


@dataclass(frozen=True, slots=True)
class AttendeeView:
    user_id: int
    full_name: str
    picture_url: str | None
    ticket_id: int
    ticket_secret: str
    seats: int
    status: str
    payment_status: str
    checked_in: bool
    checked_in_at: datetime | None
    checked_out_at: datetime | None

    @classmethod
    def of(cls, t: Ticket, member: MemberCard, codes: TicketCodes, storage: FileStorage) -> AttendeeView:
        return from_attributes(
            cls,
            t,
            user_id=t.member_id,
            full_name=member.name,
            picture_url=picture_url(storage, member.picture_key),
            ticket_id=t.id,
            ticket_secret=t.secret(codes),
            status=t.status.value,
            payment_status=t.payment_status.value,
            checked_in=t.is_checked_in,
        )


@dataclass(frozen=True, slots=True)
class AttendeeList:
    event_id: int
    attendees: tuple[AttendeeView, ...]
    going_count: int  # seats held (the event's counter)
    checked_in_count: int  # guests at the door now

    @property
    def checked_in(self) -> tuple[AttendeeView, ...]:
        return tuple(a for a in self.attendees if a.checked_in)


@dataclass(frozen=True, slots=True)
class DoorView:
    event_id: int
    already: bool  # the scan changed nothing (already checked in / out)
    attendee: AttendeeView


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: int
    full_name: str
    picture_url: str | None
    already_invited: bool


@dataclass(frozen=True, slots=True)
class SearchPage:
    total: int
    offset: int
    limit: int
    hits: tuple[SearchHit, ...]


@dataclass(frozen=True, slots=True)
class WaitlistPlaceView:
    """A place as of now (an offer past its window reads ``expired``); ``position`` only while waiting."""

    id: int
    event_id: int
    member_id: int
    seats: int
    status: str
    position: int | None
    joined_at: datetime | None
    offered_at: datetime | None
    offer_expires_at: datetime | None
    closed_at: datetime | None
    payment_order_id: str | None

    @classmethod
    def of(cls, place: WaitlistPlace, now: datetime, position: int | None = None) -> WaitlistPlaceView:
        status = place.status_at(now)
        return from_attributes(
            cls, place, status=status.value, position=position if status is PlaceStatus.WAITING else None
        )


@dataclass(frozen=True, slots=True)
class WaitlistEntryView:
    """A line entry as the host sees it."""

    place: WaitlistPlaceView
    member_name: str
    picture_url: str | None

    @classmethod
    def of(cls, entry: PlaceInLine, now: datetime, storage: FileStorage) -> WaitlistEntryView:
        return cls(
            WaitlistPlaceView.of(entry.place, now, entry.position),
            entry.member.name,
            picture_url(storage, entry.member.picture_key),
        )
