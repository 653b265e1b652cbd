"""Orders, refunds, the double-entry ledger, gateway notices, the platform fee."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from advanced_alchemy.base import DefaultBase, IdentityAuditBase, IdentityBase
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

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
    expires_at: Mapped[datetime]
    gateway_payment_id: Mapped[str | None] = mapped_column(String(64))
    bank_ref_num: Mapped[str] = mapped_column(String(64), default="", server_default="")
    failure_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    captured_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0), server_default="0")
    refunded_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0), server_default="0")
    captured_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    checked_at: Mapped[datetime | None]


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
    completed_at: Mapped[datetime | None]


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
    at: Mapped[datetime]


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
    received_at: Mapped[datetime]


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
    updated_at: Mapped[datetime | None]
