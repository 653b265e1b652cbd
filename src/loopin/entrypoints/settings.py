"""Settings from the environment (see ``.env.example``), read once where the process starts."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from datetime import timedelta
from enum import Enum
from zoneinfo import ZoneInfo

import msgspec

from loopin.domain.identity.otp import OtpPolicy
from loopin.domain.identity.waitlist import WaitlistPolicy
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.platform.ports import RateLimit

DEVELOPMENT_SECRET = "loopin-development-secret-do-not-use-in-production"  # noqa: S105  (refused in production)


class Environment(Enum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    environment: Environment = Environment.DEVELOPMENT
    database_url: str | None = None  # unset: the embedded in-memory store
    redis_url: str | None = None  # unset: in-memory limits and in-process jobs
    redis_max_connections: int = 50  # per process; a burst beyond it queues for a connection instead of failing
    secret_key: str = DEVELOPMENT_SECRET
    jwt_secret: str | None = None  # defaults to a key derived from secret_key
    audit_key: str | None = None  # the audit chain's HMAC key; defaults to one derived from secret_key
    jwt_algorithm: str = "HS256"
    jwt_lifetime_days: int = 30
    media_root: str = "var/media"
    queue_name: str = "loopin"
    db_pool_size: int = 10
    db_max_overflow: int = 20
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from_number: str | None = None
    twilio_messaging_service_sid: str | None = None
    posthog_api_key: str | None = None
    posthog_host: str = "https://eu.i.posthog.com"
    onesignal_app_id: str | None = None  # both set: push through OneSignal; otherwise pushes are only logged
    onesignal_api_key: str | None = None
    waitlist_min_minutes: int = 210
    waitlist_max_minutes: int = 240
    otp_resend_cooldown_seconds: int = 30
    otp_max_per_phone_per_hour: int = 5
    otp_max_per_address_per_hour: int = 20
    platform_timezone: str = "Asia/Kolkata"
    log_level: str = "INFO"
    log_json: bool = False
    cors_allow_origins: str = ""
    site_url: str = "https://loopinsocial.in"  # share links and public event pages
    event_cache_ttl_seconds: int = 60

    @property
    def uses_twilio(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token)

    def derived_key(self, purpose: str) -> bytes:
        """Separate keys per purpose from one master secret, so no key serves two jobs."""
        return hmac.new(self.secret_key.encode(), f"loopin/{purpose}".encode(), hashlib.sha256).digest()

    @property
    def audit_chain_key(self) -> bytes:
        """Set AUDIT_KEY in production: a chain sealed under a key derived from SECRET_KEY no longer verifies once
        that secret is rotated."""
        return self.audit_key.encode() if self.audit_key else self.derived_key("audit-chain")

    @property
    def session_secret(self) -> str:
        return self.jwt_secret or self.derived_key("jwt").hex()

    def identity_config(self) -> IdentityConfig:
        return IdentityConfig(
            otp=OtpPolicy(),
            waitlist=WaitlistPolicy(self.waitlist_min_minutes, self.waitlist_max_minutes),
            otp_resend_cooldown=RateLimit("otp-resend", 1, self.otp_resend_cooldown_seconds),
            otp_per_phone=RateLimit("otp-phone-hour", self.otp_max_per_phone_per_hour, 3600),
            otp_per_address=RateLimit("otp-address-hour", self.otp_max_per_address_per_hour, 3600),
            timezone=ZoneInfo(self.platform_timezone),
            session_lifetime=self.jwt_lifetime,
        )

    @property
    def jwt_lifetime(self) -> timedelta:
        return timedelta(days=self.jwt_lifetime_days)

    def check(self) -> None:
        """Refuses to start production with development defaults."""
        if self.environment is not Environment.PRODUCTION:
            return
        problems = []
        if self.secret_key == DEVELOPMENT_SECRET or len(self.secret_key) < 32:
            problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
        if self.jwt_secret is not None and len(self.jwt_secret) < 32:
            problems.append("JWT_SECRET must be at least 32 characters")
        if self.audit_key is not None and len(self.audit_key) < 32:
            problems.append("AUDIT_KEY must be at least 32 characters")
        if not self.database_url:
            problems.append("DATABASE_URL is required")
        if not self.redis_url:
            problems.append("REDIS_URL is required")
        if not self.uses_twilio or not (self.twilio_from_number or self.twilio_messaging_service_sid):
            problems.append("Twilio credentials and a sender are required (the console SMS is for development)")
        if problems:
            raise SettingsError("; ".join(problems))


class SettingsError(RuntimeError):
    pass


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Reads every field from the upper-case variable of the same name (``DATABASE_URL``...)."""
    env = os.environ if environ is None else environ
    fields = msgspec.structs.fields(Settings)
    data: dict[str, object] = {}
    for f in fields:
        raw = env.get(f.name.upper())
        if raw is not None and raw != "":
            data[f.name] = raw
    data.update(overrides)
    try:
        return msgspec.convert(data, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise SettingsError(f"invalid setting: {exc}") from exc
