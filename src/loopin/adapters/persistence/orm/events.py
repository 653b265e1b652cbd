"""Events, venues and host leads."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from advanced_alchemy.base import IdentityAuditBase
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column


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
        # The scheduled completion: published events by end (SqlEventRepository.lock_ended).
        Index(
            "ix_events_ended",
            "end_time",
            "id",
            postgresql_where=text("status = 'published' AND deleted_at IS NULL"),
        ),
    )

    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    canonical_id: Mapped[str] = mapped_column(String(12), unique=True)
    host_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    venue_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("venues.id", ondelete="SET NULL"), index=True
    )
    start_time: Mapped[datetime]
    end_time: Mapped[datetime]
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
    deleted_at: Mapped[datetime | None]


class HostLeadRow(IdentityAuditBase):
    __tablename__ = "host_leads"

    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    phone_number: Mapped[str] = mapped_column(String(16), unique=True)
    message: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    is_contacted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    is_converted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
