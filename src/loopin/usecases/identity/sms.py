"""Job handler that puts a sign-in code on the wire."""

from __future__ import annotations

from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.shared.keyed_digest import KeyedDigest
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.ports import OtpChallengeRepository, SmsSender
from loopin.usecases.shared.ports import Clock, UnitOfWork


class DeliverOtpSms:
    """Sends the code only while it can still be used: a job delivered again after the code was used, replaced or
    expired (a relay retried after a crash) sends nothing. Returns whether it sent."""

    def __init__(
        self,
        sms: SmsSender,
        otps: OtpChallengeRepository,
        uow: UnitOfWork,
        clock: Clock,
        digest: KeyedDigest,
        config: IdentityConfig,
    ) -> None:
        self._sms = sms
        self._otps = otps
        self._uow = uow
        self._clock = clock
        self._digest = digest
        self._policy = config.otp
        self._minutes = int(config.otp.validity.total_seconds() // 60)

    async def __call__(self, phone: str, code: str) -> bool:
        number = PhoneNumber(phone)
        challenge = await self._otps.get_for_update(number)
        await self._uow.rollback()  # read only; the lock must not last while the SMS goes out
        now = self._clock.now()
        if challenge is None or not challenge.awaits(code, now=now, policy=self._policy, digest=self._digest):
            return False
        body = f"Your Loopin code is {code}. It expires in {self._minutes} minutes. Never share it with anyone."
        await self._sms.send(number, body)
        return True
