"""Tunable numbers of the identity rules, filled from settings by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from loopin.domain.identity.otp import OtpPolicy, WrongCodeLimit
from loopin.domain.identity.waitlist import WaitlistPolicy
from loopin.usecases.platform.ports import RateLimit


@dataclass(frozen=True, slots=True)
class IdentityConfig:
    otp: OtpPolicy = field(default_factory=OtpPolicy)
    waitlist: WaitlistPolicy = field(default_factory=WaitlistPolicy)
    otp_resend_cooldown: RateLimit = field(default_factory=lambda: RateLimit("otp-resend", 1, 30))
    otp_per_phone: RateLimit = field(default_factory=lambda: RateLimit("otp-phone-hour", 5, 3600))
    otp_per_phone_daily: RateLimit = field(default_factory=lambda: RateLimit("otp-phone-day", 10, 24 * 3600))
    otp_wrong_codes: WrongCodeLimit = field(default_factory=lambda: WrongCodeLimit(10, timedelta(days=1)))
    otp_per_address: RateLimit = field(default_factory=lambda: RateLimit("otp-address-hour", 20, 3600))
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Kolkata"))
    picture_max_bytes: int = 10 * 1024 * 1024
    picture_min_bytes: int = 100
    session_lifetime: timedelta = timedelta(days=30)  # how long a token lives: revocations last as long
    profile_cache_ttl_seconds: int = 3600  # a kept profile's longest life (0: off); every save forgets it at once
