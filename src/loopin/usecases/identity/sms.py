"""Job handler that puts a sign-in code on the wire."""

from __future__ import annotations

from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.shared.keyed_digest import KeyedDigest
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.ports import OtpChallengeRepository, SmsSender
from loopin.usecases.shared.ports import Clock
from loopin.usecases.shared.use_case import UseCase


class DeliverOtpSms(UseCase):
    """Sends the code only while it can still be used: a job delivered again after the code was used, replaced or
    expired (a relay retried after a crash) sends nothing. Returns whether it sent."""

    sms: SmsSender
    otps: OtpChallengeRepository
    clock: Clock
    digest: KeyedDigest
    config: IdentityConfig

    async def __call__(self, *, phone: str, code: str) -> bool:
        number = PhoneNumber(phone)
        challenge = await self.otps.get_for_update(number)
        await self.uow.rollback()  # read only; the lock must not last while the SMS goes out
        policy = self.config.otp
        if challenge is None or not challenge.awaits(
            code, now=self.clock.now(), policy=policy, digest=self.digest
        ):
            return False
        minutes = int(policy.validity.total_seconds() // 60)
        body = f"Your Loopin code is {code}. It expires in {minutes} minutes. Never share it with anyone."
        await self.sms.send(number, body)
        return True
