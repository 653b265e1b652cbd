"""Table rows. They stay here: use cases and the domain only ever see entities."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from advanced_alchemy.base import DefaultBase, IdentityAuditBase, IdentityBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from loopin.domain.shared.ids import is_id


def is_storable_id(value: int) -> bool:
    """Whether ``value`` can be a key at all: others match no row, and asyncpg would refuse to send them."""
    return is_id(value)


def like_anywhere(text: str) -> str:
    """An ``ILIKE … ESCAPE '\\'`` pattern matching ``text`` anywhere, its wildcards taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class MemberRow(IdentityAuditBase):
    __tablename__ = "members"
    __table_args__ = (
        Index("ix_members_waitlist_promote_at", "promote_at", postgresql_where=text("status = 'waitlisted'")),
        CheckConstraint("(status = 'erased') = (phone_number IS NULL)", name="phone_unless_erased"),
    )

    phone_number: Mapped[str | None] = mapped_column(String(16), unique=True)  # None once erased
    role: Mapped[str] = mapped_column(String(16), default="member", server_default="member")
    status: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(24))
    bio: Mapped[str] = mapped_column(String(500), default="", server_default="")
    location: Mapped[str] = mapped_column(String(100), default="", server_default="")
    interest_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger), default=list, server_default="{}")
    picture_keys: Mapped[list[str]] = mapped_column(ARRAY(String(255)), default=list, server_default="{}")
    waitlisted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    promote_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    password_hash: Mapped[str | None] = mapped_column(String(255))


class OtpChallengeRow(DefaultBase):
    __tablename__ = "otp_challenges"

    phone_number: Mapped[str] = mapped_column(String(16), primary_key=True)
    code_digest: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    consumed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    requested_from: Mapped[str] = mapped_column(String(64), default="", server_default="")


class EventInterestRow(IdentityAuditBase):
    __tablename__ = "event_interests"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))


class DeviceRow(IdentityAuditBase):
    __tablename__ = "devices"

    member_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="CASCADE"), index=True)
    player_id: Mapped[str] = mapped_column(String(128), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))


# --- events ----------------------------------------------------------------------------------------------


class VenueRow(IdentityAuditBase):
    __tablename__ = "venues"
    __table_args__ = (
        Index("ix_venues_city", "country_code", "city_slug"),
        Index("uq_venues_place_id", "place_id", unique=True, postgresql_where=text("place_id IS NOT NULL")),
    )

    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    name: Mapped[str] = mapped_column(String(150))
    address: Mapped[str] = mapped_column(String(500))
    city: Mapped[str] = mapped_column(String(100))
    city_slug: Mapped[str] = mapped_column(String(100))
    country_code: Mapped[str] = mapped_column(String(2), default="in", server_default="in")
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    place_id: Mapped[str | None] = mapped_column(String(255))
    match_key: Mapped[str] = mapped_column(String(600), unique=True)
    venue_type: Mapped[str] = mapped_column(String(16), default="indoor", server_default="indoor")
    capacity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    details: Mapped[dict[str, Any]] = mapped_column("metadata", JSONB, default=dict, server_default="{}")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="SET NULL"))


class EventRow(IdentityAuditBase):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("max_capacity >= 0", name="max_capacity_not_negative"),
        CheckConstraint("seats_taken >= 0", name="seats_taken_not_negative"),
        CheckConstraint("seats_held >= 0", name="seats_held_not_negative"),
        CheckConstraint("requests_count >= 0", name="requests_count_not_negative"),
        CheckConstraint(
            "max_capacity = 0 OR seats_taken + seats_held <= max_capacity", name="seats_within_capacity"
        ),
        CheckConstraint("ticket_price >= 0", name="ticket_price_not_negative"),
        CheckConstraint("end_time > start_time", name="ends_after_start"),
        # The feed: visible, not deleted, soonest first; the host's own events; interest filter.
        Index("ix_events_feed", "start_time", "id", postgresql_where=text("deleted_at IS NULL")),
        Index("ix_events_host", "host_id", "start_time"),
        Index("ix_events_interest_ids", "interest_ids", postgresql_using="gin"),
    )

    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    canonical_id: Mapped[str] = mapped_column(String(12), unique=True)
    host_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    venue_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("venues.id", ondelete="SET NULL"), index=True
    )
    start_time: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    end_time: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    timezone: Mapped[str] = mapped_column(String(64))
    max_capacity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    seats_taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    seats_held: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # open paid checkouts
    requests_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_paid: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    ticket_price: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(0), server_default="0")
    allow_plus_one: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    gst_number: Mapped[str] = mapped_column(String(15), default="", server_default="")
    allowed_genders: Mapped[str] = mapped_column(String(16), default="all", server_default="all")
    rsvp_expiry_policy: Mapped[str] = mapped_column(
        String(24), default="event_start", server_default="event_start"
    )
    status: Mapped[str] = mapped_column(String(16), index=True)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    interest_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger), default=list, server_default="{}")
    cover_image_keys: Mapped[list[str]] = mapped_column(ARRAY(String(255)), default=list, server_default="{}")
    deleted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class HostLeadRow(IdentityAuditBase):
    __tablename__ = "host_leads"

    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    phone_number: Mapped[str] = mapped_column(String(16), unique=True)
    message: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    is_contacted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    is_converted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")


# --- outbox ----------------------------------------------------------------------------------------------


class OutboxRow(DefaultBase):
    """Jobs committed with the change that asked for them, until the relay hands them to SAQ (then deleted)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "available_at", "position"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, Identity(always=True))  # insertion order, for ties
    name: Mapped[str] = mapped_column(String(100))
    body: Mapped[bytes] = mapped_column(LargeBinary)  # JSON, or AES-GCM sealed when ``sealed``
    sealed: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    available_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    tries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)


# --- audit -----------------------------------------------------------------------------------------------


class AuditEntryRow(IdentityBase):
    """Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE) and hash-chained: ``seq`` is the entry's place
    in the chain, ``digest`` covers its content and ``previous_digest`` (see ``domain.audit.chain``)."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_target", "target_type", "target_id", "seq"),
        Index("ix_audit_entries_actor", "actor_id", "seq"),
        Index("ix_audit_entries_action", "action", "seq"),
        Index("ix_audit_entries_recorded_at", "recorded_at"),
    )

    entry_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)  # no foreign key: entries outlive their actors
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(64))
    target_id: Mapped[int | None] = mapped_column(BigInteger)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    previous_digest: Mapped[str | None] = mapped_column(String(64))
    digest: Mapped[str | None] = mapped_column(String(64))  # None: recorded before the log was chained


class AuditDayRow(DefaultBase):
    """One row per closed day (platform time zone): how many entries were recorded, and the chain's head at the
    day's end, an anchor ``loopin audit verify`` checks (a deleted tail shows). Append-only like the log."""

    __tablename__ = "audit_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    entries: Mapped[int] = mapped_column(Integer)
    head_seq: Mapped[int | None] = mapped_column(BigInteger)
    head_digest: Mapped[str | None] = mapped_column(String(64))
    summarized_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class AuditDayActionRow(DefaultBase):
    __tablename__ = "audit_day_actions"

    day: Mapped[date] = mapped_column(Date, ForeignKey("audit_days.day"), primary_key=True)
    action: Mapped[str] = mapped_column(String(64), primary_key=True)
    entries: Mapped[int] = mapped_column(Integer)
    actors: Mapped[int] = mapped_column(Integer)  # distinct actors (the system counts as none)


# --- attendance ------------------------------------------------------------------------------------------


class JoinRequestRow(IdentityAuditBase):
    """One row per member and event: renewing a request reuses it."""

    __tablename__ = "join_requests"
    __table_args__ = (
        UniqueConstraint("event_id", "requester_id", name="uq_join_requests_event_requester"),
        CheckConstraint("seats_requested BETWEEN 1 AND 10", name="seats_requested_in_range"),
        Index("ix_join_requests_requester", "requester_id", "updated_at"),
        Index(
            "ix_join_requests_overdue",
            "confirm_by",
            postgresql_where=text("status = 'accepted' AND confirm_by IS NOT NULL"),
        ),
    )

    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    event_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("events.id", ondelete="CASCADE"))
    requester_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text, default="", server_default="")
    host_message: Mapped[str] = mapped_column(String(500), default="", server_default="")
    seats_requested: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    confirm_by: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class InvitationRow(IdentityAuditBase):
    """One row per member and event: inviting again after an expiry reuses it."""

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("event_id", "invitee_id", name="uq_invitations_event_invitee"),
        Index("ix_invitations_invitee", "invitee_id", "updated_at"),
        Index("ix_invitations_overdue", "expires_at", postgresql_where=text("status = 'pending'")),
    )

    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    event_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("events.id", ondelete="CASCADE"))
    invitee_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="CASCADE"))
    host_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(String(500), default="", server_default="")
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expiry_policy: Mapped[str] = mapped_column(String(24))
    answered_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class TicketRow(IdentityAuditBase):
    """The seats a member holds at an event. The code is never stored: only a random nonce (the code is an
    HMAC of uuid and nonce under a server key) and a keyed digest of the code for the door lookup."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("event_id", "member_id", name="uq_tickets_event_member"),
        CheckConstraint("seats BETWEEN 1 AND 10", name="seats_in_range"),
        Index("ix_tickets_member", "member_id", "status"),
    )

    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    event_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("events.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="CASCADE"))
    seats: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))
    nonce: Mapped[str] = mapped_column(String(64))
    secret_digest: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    payment_status: Mapped[str] = mapped_column(String(16))
    payment_order_id: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("join_requests.id", ondelete="SET NULL"))
    invitation_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("invitations.id", ondelete="SET NULL")
    )
    issued_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    checked_out_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class WaitlistPlaceRow(IdentityAuditBase):
    """A place on an event's waitlist; one live (waiting or offered) place per member and event, the line in id
    order. An offer's seats are counted in ``events.seats_held``."""

    __tablename__ = "waitlist_places"
    __table_args__ = (
        Index(
            "uq_waitlist_places_live",
            "event_id",
            "member_id",
            unique=True,
            postgresql_where=text("status IN ('waiting', 'offered')"),
        ),
        Index("ix_waitlist_places_line", "event_id", "status", "id"),
        Index(
            "ix_waitlist_places_offers_due",
            "offer_expires_at",
            postgresql_where=text("status = 'offered'"),
        ),
        Index("ix_waitlist_places_member", "member_id"),
        CheckConstraint("seats BETWEEN 1 AND 10", name="seats_in_range"),
        CheckConstraint(
            "status IN ('waiting', 'offered', 'accepted', 'left', 'expired', 'lapsed')", name="status_known"
        ),
        CheckConstraint("status <> 'offered' OR offer_expires_at IS NOT NULL", name="offer_has_window"),
    )

    event_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("events.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="CASCADE"))
    seats: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    joined_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    offered_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    offer_expires_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    payment_order_id: Mapped[str | None] = mapped_column(String(64))


class NotificationRow(IdentityBase):
    """In-app notifications; ``key`` makes a retried delivery job store one row."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_recipient", "recipient_id", "id"),
        Index("ix_notifications_unread", "recipient_id", "id", postgresql_where=text("read_at IS NULL")),
        Index(
            "ix_notifications_push_due",
            "push_due_at",
            postgresql_where=text("pushed_at IS NULL AND push_due_at IS NOT NULL"),
        ),
    )

    key: Mapped[str] = mapped_column(String(80), unique=True)
    recipient_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="CASCADE"))
    sender_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))
    template: Mapped[str] = mapped_column(String(48))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(1000))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    pushed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    push_due_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class ReminderSentRow(DefaultBase):
    """The marker of a reminder sent: its primary key makes each (kind, event, member) remind once."""

    __tablename__ = "reminders_sent"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    sent_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class CampaignRow(IdentityBase):
    """A staff campaign (``domain/notifications/campaign.py``); its audience rules as JSON."""

    __tablename__ = "campaigns"
    __table_args__ = (Index("ix_campaigns_sending", "id", postgresql_where=text("status = 'sending'")),)

    name: Mapped[str] = mapped_column(String(120))
    template: Mapped[str] = mapped_column(String(48))
    values: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    audience: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    created_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("members.id"))
    status: Mapped[str] = mapped_column(String(16))
    recipients: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    sent_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("members.id"))
    updated_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class CampaignRecipientRow(DefaultBase):
    """One row per member a campaign reaches: the primary key makes it reach each member once."""

    __tablename__ = "campaign_recipients"
    __table_args__ = (
        Index(
            "ix_campaign_recipients_pending",
            "campaign_id",
            "member_id",
            postgresql_where=text("status = 'pending'"),
        ),
    )

    campaign_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16))  # pending, sent, cancelled
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class NotificationPreferenceRow(DefaultBase):
    """One row per member who chose anything: the notification types never pushed to them."""

    __tablename__ = "notification_preferences"

    member_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    muted: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list, server_default="{}")
    updated_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


# --- payments --------------------------------------------------------------------------------------------

OPEN_ORDER = text("status IN ('created', 'pending')")


class PaymentOrderRow(IdentityAuditBase):
    """One attempt to buy seats of a paid event. Money rows never cascade away with an event or a member
    (spec weakness W30): events are soft-deleted, members are not deleted while they hold money."""

    __tablename__ = "payment_orders"
    __table_args__ = (
        CheckConstraint(
            "status IN ('created', 'pending', 'paid', 'failed', 'expired', 'refunded')", name="order_status_known"
        ),
        CheckConstraint("seats BETWEEN 1 AND 10", name="order_seats_in_range"),
        CheckConstraint("amount > 0 AND amount = host_share + platform_fee", name="order_amount_split"),
        CheckConstraint(
            "refunded_amount >= 0 AND refunded_amount <= captured_amount", name="order_refunds_covered"
        ),
        # One order holding seats, and one paid order, per member and event (spec weakness W13).
        Index("uq_payment_orders_open", "event_id", "member_id", unique=True, postgresql_where=OPEN_ORDER),
        Index(
            "uq_payment_orders_paid",
            "event_id",
            "member_id",
            unique=True,
            postgresql_where=text("status = 'paid'"),
        ),
        Index("ix_payment_orders_overdue", "expires_at", postgresql_where=OPEN_ORDER),
        Index("ix_payment_orders_event_overdue", "event_id", "expires_at", postgresql_where=OPEN_ORDER),
        Index("ix_payment_orders_member", "member_id", "created_at"),
        Index(
            "ix_payment_orders_refundable",
            "event_id",
            postgresql_where=text("captured_amount > refunded_amount"),
        ),
        Index(
            "ix_payment_orders_released_unpaid",
            "closed_at",
            postgresql_where=text("status = 'expired' AND gateway_payment_id IS NULL"),
        ),
        UniqueConstraint("gateway", "gateway_payment_id", name="uq_payment_orders_gateway_payment"),
    )

    order_id: Mapped[str] = mapped_column(String(25), unique=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    event_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("events.id", ondelete="RESTRICT"))
    member_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="RESTRICT"))
    host_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="RESTRICT"))
    seats: Mapped[int] = mapped_column(Integer)
    base_price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    fee_percentage: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    buyer_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    host_share: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    platform_fee: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), default="INR", server_default="INR")
    status: Mapped[str] = mapped_column(String(16))
    gateway: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    gateway_payment_id: Mapped[str | None] = mapped_column(String(64))
    bank_ref_num: Mapped[str] = mapped_column(String(64), default="", server_default="")
    failure_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    captured_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0), server_default="0")
    refunded_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0), server_default="0")
    captured_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    checked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class RefundRow(IdentityAuditBase):
    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("amount > 0", name="refund_amount_positive"),
        CheckConstraint("status IN ('pending', 'requested', 'succeeded', 'failed')", name="refund_status_known"),
        Index("ix_refunds_order", "order_id"),
        Index("ix_refunds_unfinished", "updated_at", postgresql_where=text("status IN ('pending', 'requested')")),
    )

    order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("payment_orders.id", ondelete="RESTRICT"))
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    token: Mapped[str] = mapped_column(String(23), unique=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    reason: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16))
    gateway_refund_id: Mapped[str] = mapped_column(String(64), default="", server_default="")
    failure_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    completed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class LedgerTransactionRow(IdentityBase):
    """Append-only (a trigger refuses UPDATE and DELETE); its entries sum to zero (a deferred trigger)."""

    __tablename__ = "ledger_transactions"
    __table_args__ = (
        Index("ix_ledger_transactions_event", "event_id"),
        Index("ix_ledger_transactions_payout", "payout_id", postgresql_where=text("payout_id IS NOT NULL")),
        CheckConstraint("num_nonnulls(order_id, payout_id) = 1", name="ledger_moves_an_order_or_a_payout"),
    )

    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    # NULL for a payout: its entries name their events
    event_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("events.id", ondelete="RESTRICT"))
    order_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("payment_orders.id", ondelete="RESTRICT"))
    payout_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("payout_requests.id", ondelete="RESTRICT")
    )
    currency: Mapped[str] = mapped_column(String(3))
    at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class LedgerEntryRow(IdentityBase):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="ledger_entry_moves_money"),
        Index("ix_ledger_entries_account_event", "account", "event_id"),
        Index("ix_ledger_entries_transaction", "transaction_id"),
        Index("ix_ledger_entries_event", "event_id"),  # a host's money screen: their events' entries
    )

    transaction_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("ledger_transactions.id", ondelete="RESTRICT")
    )
    account: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    event_id: Mapped[int] = mapped_column(BigInteger)  # copied from the transaction: "the host's share of E"


class PaymentNoticeRow(IdentityBase):
    """Every callback and webhook received, verified or forged; a delivery seen twice is stored once."""

    __tablename__ = "payment_notices"
    __table_args__ = (Index("ix_payment_notices_txnid", "txnid"),)

    key: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(16))
    txnid: Mapped[str] = mapped_column(String(64))
    verified: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[str] = mapped_column(String(16))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    received_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class PlatformFeeConfigRow(DefaultBase):
    """The singleton (id 1)."""

    __tablename__ = "platform_fee_config"
    __table_args__ = (
        CheckConstraint("id = 1", name="fee_config_singleton"),
        CheckConstraint("percentage >= 0 AND percentage <= 100", name="fee_percentage_in_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    percentage: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    description: Mapped[str] = mapped_column(String(500), default="", server_default="")
    updated_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class BankAccountRow(IdentityAuditBase):
    """The number is stored only as the vault's ciphertext (``sealed_number``, AES-GCM bound to the host) and
    its last four digits; ``fingerprint`` (a keyed digest of IFSC and number) finds a duplicate."""

    __tablename__ = "bank_accounts"
    __table_args__ = (
        Index("ix_bank_accounts_host", "host_id", "created_at"),
        Index(
            "uq_bank_accounts_primary",
            "host_id",
            unique=True,
            postgresql_where=text("is_primary AND is_active"),
        ),
        Index(
            "uq_bank_accounts_fingerprint",
            "host_id",
            "fingerprint",
            unique=True,
            postgresql_where=text("is_active"),
        ),
        CheckConstraint("NOT is_primary OR is_active", name="primary_is_active"),
    )

    host_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="RESTRICT"))
    bank_name: Mapped[str] = mapped_column(String(100))
    ifsc_code: Mapped[str] = mapped_column(String(11))
    account_holder_name: Mapped[str] = mapped_column(String(100))
    last4: Mapped[str] = mapped_column(String(4))
    sealed_number: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(64))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    removed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class PayoutHostRow(DefaultBase):
    """One row per host who has touched payouts: its row lock serialises every change to that host's payout
    state (a request drawing the balance, a primary account change, a removal)."""

    __tablename__ = "payout_hosts"

    host_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("members.id", ondelete="RESTRICT"), primary_key=True
    )


PAYOUT_IN_FLIGHT = text("status IN ('requested', 'approved')")


class PayoutRequestRow(IdentityAuditBase):
    __tablename__ = "payout_requests"
    __table_args__ = (
        CheckConstraint("amount > 0", name="payout_amount_positive"),
        CheckConstraint(
            "status IN ('requested', 'approved', 'paid', 'failed', 'cancelled')", name="payout_status_known"
        ),
        CheckConstraint("(status = 'paid') = (utr IS NOT NULL)", name="paid_with_utr"),
        Index("uq_payout_requests_in_flight", "host_id", unique=True, postgresql_where=PAYOUT_IN_FLIGHT),
        Index("ix_payout_requests_host", "host_id", "id"),
        Index("ix_payout_requests_status", "status", "id"),
        Index("ix_payout_requests_account", "bank_account_id", postgresql_where=PAYOUT_IN_FLIGHT),
    )

    host_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="RESTRICT"))
    bank_account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("bank_accounts.id", ondelete="RESTRICT"))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    allocations: Mapped[list[Any]] = mapped_column(JSONB)  # [[event_id, "amount"], ...]
    status: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(32))
    sender_reference: Mapped[str] = mapped_column(String(100), default="", server_default="")
    utr: Mapped[str | None] = mapped_column(String(30), unique=True)
    failure_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    approved_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    closed_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
