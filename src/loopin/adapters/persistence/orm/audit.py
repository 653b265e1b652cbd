"""The hash-chained audit log and its daily summaries."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from advanced_alchemy.base import DefaultBase, IdentityBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column


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
    recorded_at: Mapped[datetime]
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
    summarized_at: Mapped[datetime]


class AuditDayActionRow(DefaultBase):
    __tablename__ = "audit_day_actions"

    day: Mapped[date] = mapped_column(Date, ForeignKey("audit_days.day"), primary_key=True)
    action: Mapped[str] = mapped_column(String(64), primary_key=True)
    entries: Mapped[int] = mapped_column(Integer)
    actors: Mapped[int] = mapped_column(Integer)  # distinct actors (the system counts as none)
