"""Job handler that puts a sign-in code on the wire."""

from __future__ import annotations

from dataclasses import dataclass

from loopin.domain.identity.phone import PhoneNumber
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.ports import SmsSender


@dataclass(frozen=True, slots=True)
class DeliverOtpSms:
    sms: SmsSender
    config: IdentityConfig

    async def __call__(self, *, phone: str, code: str) -> None:
        minutes = int(self.config.otp.validity.total_seconds() // 60)
        body = f"Your Loopin code is {code}. It expires in {minutes} minutes. Never share it with anyone."
        await self.sms.send(PhoneNumber(phone), body)
