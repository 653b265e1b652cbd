"""Members, their sign-in codes, and the interests members and events pick."""

from __future__ import annotations

from datetime import date, datetime

from advanced_alchemy.base import DefaultBase, IdentityAuditBase
from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, DateTime, Index, Integer, String, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column


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
    waitlisted_at: Mapped[datetime | None]
    promote_at: Mapped[datetime | None]
    password_hash: Mapped[str | None] = mapped_column(String(255))


class OtpChallengeRow(DefaultBase):
    __tablename__ = "otp_challenges"

    phone_number: Mapped[str] = mapped_column(String(16), primary_key=True)
    code_digest: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    consumed_at: Mapped[datetime | None]
    requested_from: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # the phone's wrong codes of the last window, across its codes (the lockout): a new code keeps them
    wrong_codes: Mapped[list[datetime]] = mapped_column(
        ARRAY(DateTime(timezone=True)), default=list, server_default="{}"
    )


class EventInterestRow(IdentityAuditBase):
    __tablename__ = "event_interests"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
