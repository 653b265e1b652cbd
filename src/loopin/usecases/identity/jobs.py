"""Jobs the identity context leaves behind after its transactions commit."""

from __future__ import annotations

from loopin.domain.identity.phone import PhoneNumber
from loopin.usecases.shared.ports import Job

SEND_OTP_SMS = "identity.send_otp_sms"
PROMOTE_DUE_MEMBERS = "identity.promote_due_members"


def send_otp_sms(phone: PhoneNumber, code: str, issued_at_ms: int) -> Job:
    return Job(
        SEND_OTP_SMS,
        {"phone": phone.e164, "code": code},
        key=f"otp:{phone.e164}:{issued_at_ms}",
        attempts=4,
        timeout_seconds=20,
        keep_result=False,
    )
