"""Devices, the in-app inbox, muted notification types and staff campaigns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from advanced_alchemy.base import DefaultBase, IdentityAuditBase, IdentityBase
from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column


class DeviceRow(IdentityAuditBase):
    __tablename__ = "devices"

    member_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="CASCADE"), index=True)
    player_id: Mapped[str] = mapped_column(String(128), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))


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
    created_at: Mapped[datetime]
    pushed_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    push_due_at: Mapped[datetime | None]


class NotificationPreferenceRow(DefaultBase):
    """One row per member who chose anything: the notification types never pushed to them."""

    __tablename__ = "notification_preferences"

    member_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    muted: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list, server_default="{}")
    updated_at: Mapped[datetime | None]


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
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    sent_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("members.id"))
    updated_at: Mapped[datetime | None]


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
    updated_at: Mapped[datetime]
