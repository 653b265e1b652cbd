"""Join requests, invitations, tickets, waitlist places, reminders sent."""

from __future__ import annotations

import uuid
from datetime import datetime

from advanced_alchemy.base import DefaultBase, IdentityAuditBase
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column


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
    confirm_by: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]


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
    expires_at: Mapped[datetime]
    expiry_policy: Mapped[str] = mapped_column(String(24))
    answered_at: Mapped[datetime | None]


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
    issued_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    checked_out_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]


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
    joined_at: Mapped[datetime | None]
    offered_at: Mapped[datetime | None]
    offer_expires_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    payment_order_id: Mapped[str | None] = mapped_column(String(64))


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
    sent_at: Mapped[datetime]
