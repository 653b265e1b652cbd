"""Hosts' bank accounts, their payout lock rows and payout requests."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from advanced_alchemy.base import DefaultBase, IdentityAuditBase
from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, LargeBinary, Numeric, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column


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
    removed_at: Mapped[datetime | None]


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
    approved_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("members.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]
