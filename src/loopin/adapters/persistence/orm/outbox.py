"""The outbox row: jobs wait here, committed with their change, until the relay delivers them."""

from __future__ import annotations

import uuid
from datetime import datetime

from advanced_alchemy.base import DefaultBase
from sqlalchemy import BigInteger, Boolean, Identity, Index, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column


class OutboxRow(DefaultBase):
    """Jobs committed with the change that asked for them, until the relay hands them to SAQ (then deleted)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "available_at", "position"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, Identity(always=True))  # insertion order, for ties
    name: Mapped[str] = mapped_column(String(100))
    body: Mapped[bytes] = mapped_column(LargeBinary)  # JSON, or AES-GCM sealed when ``sealed``
    sealed: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]
    available_at: Mapped[datetime]
    tries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
