"""Send a sign-in code by SMS (the app's sign-up, and the older login route)."""

from __future__ import annotations

from dataclasses import dataclass

from loopin.domain.identity.otp import OtpChallenge
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.shared.client_network import client_network
from loopin.domain.shared.errors import RateLimited
from loopin.domain.shared.keyed_digest import KeyedDigest
from loopin.usecases.identity import jobs
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.ports import OtpChallengeRepository
from loopin.usecases.platform.ports import RateLimiter
from loopin.usecases.shared.ports import Clock
from loopin.usecases.shared.use_case import UseCase


@dataclass(frozen=True, slots=True)
class OtpSent:
    phone_number: str
    expires_in_seconds: int
    resend_after_seconds: int


class RequestOtp(UseCase):
    """Issues a fresh code within the send limits; the answer is the same for new and existing numbers."""

    otps: OtpChallengeRepository
    limiter: RateLimiter
    clock: Clock
    digest: KeyedDigest
    config: IdentityConfig

    async def __call__(self, *, phone_number: str, client_address: str) -> OtpSent:
        phone = PhoneNumber.parse(phone_number)
        now = self.clock.now()
        cfg = self.config
        network = client_network(client_address)
        wait = await self.limiter.acquire(
            [
                (cfg.otp_resend_cooldown, phone.e164),
                (cfg.otp_per_phone, phone.e164),
                (cfg.otp_per_phone_daily, phone.e164),
                (cfg.otp_per_address, network),
            ],
            now=now,
        )
        if wait:
            raise RateLimited(
                wait, f"Too many code requests. Please try again in {wait} seconds.", code="OTP_RATE_LIMITED"
            )
        code = cfg.otp.new_code()
        challenge = OtpChallenge.issue(
            phone, code, now=now, policy=cfg.otp, digest=self.digest, requested_from=network
        )
        await self.otps.put_new(challenge)
        self.uow.enqueue(jobs.send_otp_sms(phone, code, int(now.timestamp() * 1000)))
        await self.uow.commit()
        return OtpSent(
            phone_number=phone.e164,
            expires_in_seconds=int(cfg.otp.validity.total_seconds()),
            resend_after_seconds=cfg.otp_resend_cooldown.window_seconds,
        )
