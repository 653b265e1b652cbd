"""Job handler that puts a sign-in code on the wire."""

from __future__ import annotations

from loopin.domain.identity.phone import PhoneNumber
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.ports import SmsSender


class DeliverOtpSms:
    def __init__(self, sms: SmsSender, config: IdentityConfig) -> None:
        self._sms = sms
        self._minutes = int(config.otp.validity.total_seconds() // 60)

    async def __call__(self, phone: str, code: str) -> None:
        body = f"Your Loopin code is {code}. It expires in {self._minutes} minutes. Never share it with anyone."
        await self._sms.send(PhoneNumber(phone), body)
