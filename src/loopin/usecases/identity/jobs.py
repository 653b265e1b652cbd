"""Jobs the identity context leaves behind after its transactions commit."""

from __future__ import annotations

from datetime import datetime

from loopin.domain.audit.entry import JsonValue
from loopin.domain.identity.phone import PhoneNumber
from loopin.usecases.audit.record import audit_entry
from loopin.usecases.platform.analytics import analytics_event
from loopin.usecases.shared.ports import Job

SEND_OTP_SMS = "identity.send_otp_sms"
PROMOTE_DUE_MEMBERS = "identity.promote_due_members"
MEMBER_ADMITTED = "identity.member_admitted"  # a fact other contexts act on (notifications: the welcome)


def send_otp_sms(phone: PhoneNumber, code: str, issued_at_ms: int) -> Job:
    return Job(
        SEND_OTP_SMS,
        {"phone": phone.e164, "code": code},
        key=f"otp:{phone.e164}:{issued_at_ms}",
        attempts=4,
        timeout_seconds=20,
        keep_result=False,
    )


def audited_member(
    action: str, member_id: int, *, actor_id: int | None, at: datetime, **details: JsonValue
) -> Job:
    """``member.signed_in|signed_out|profile_completed|profile_updated|promoted|…``: ids and facts, never the
    personal data itself (the log outlives an erased account)."""
    return audit_entry(
        f"member.{action}", actor_id=actor_id, target_type="member", target_id=member_id, at=at, details=details
    )


def promoted(member_id: int, at: datetime) -> list[Job]:
    """Let in off the waitlist, by the clock (no actor)."""
    return [
        analytics_event("member_promoted", member_id),
        audited_member("promoted", member_id, actor_id=None, at=at),
        admitted(member_id),
    ]


def admitted(member_id: int) -> Job:
    """Published once a member is let in, however (clock or staff); the notifications context welcomes them."""
    return Job(MEMBER_ADMITTED, {"member_id": member_id}, key=f"admitted:{member_id}")
