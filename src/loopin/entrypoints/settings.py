"""Settings from the environment (see ``.env.example``), read once where the process starts.

A ``.env`` file in the working directory is read too when present; a variable set in the environment wins
over the file (python-dotenv parses it, so quoting and comments work as everywhere else).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from datetime import time, timedelta
from enum import Enum
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec
from dotenv import dotenv_values

from loopin.domain.attendance.waitlist import OfferWindow
from loopin.domain.identity.otp import OtpPolicy, WrongCodeLimit
from loopin.domain.identity.waitlist import WaitlistPolicy
from loopin.domain.notifications.preferences import QuietHours
from loopin.domain.payments.refund import RefundPolicy
from loopin.domain.shared.money import to_money
from loopin.usecases.attendance.config import AttendanceConfig
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.notifications.retention import InboxRetention
from loopin.usecases.payments.config import PaymentsConfig
from loopin.usecases.payouts.config import PayoutsConfig
from loopin.usecases.platform.ports import RateLimit

DEVELOPMENT_SECRET = "loopin-development-secret-do-not-use-in-production"  # noqa: S105  (refused in production)
ENV_FILE = Path(".env")


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
    # Database connections per process: opened as needed up to db_pool_size + db_max_overflow, then kept
    # (persistence.database.create_engine says why)
    db_pool_size: int = 10
    db_max_overflow: int = 20
    # Seconds a request waits for a free database (or Redis) connection before answering 503. Sized for a burst:
    # every guest of a rush at once queues here, and the app's own timeout is 180 s (client-contract.md).
    db_pool_timeout: float = 120
    # Requests one process works on at once; the rest wait their turn before any work (0: no limit).
    http_max_in_flight: int = 64
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from_number: str | None = None
    twilio_messaging_service_sid: str | None = None
    posthog_api_key: str | None = None
    posthog_host: str = "https://eu.i.posthog.com"
    onesignal_app_id: str | None = None  # both set: push through OneSignal; otherwise pushes are only logged
    onesignal_api_key: str | None = None
    # unset: 210-240 minutes, except in development, which lets new members in at once
    waitlist_min_minutes: int | None = None
    waitlist_max_minutes: int | None = None
    otp_resend_cooldown_seconds: int = 30
    otp_max_per_phone_per_hour: int = 5
    otp_max_per_phone_per_day: int = 10
    otp_max_wrong_codes_per_phone_per_day: int = 10
    otp_max_per_address_per_hour: int = 20
    platform_timezone: str = "Asia/Kolkata"
    log_level: str = "INFO"
    log_json: bool = False
    cors_allow_origins: str = ""
    site_url: str = "https://loopinsocial.in"  # share links and public event pages
    event_cache_ttl_seconds: int = 60
    profile_cache_ttl_seconds: int = 3600  # a member's rendered profile; every save of the member forgets it
    sold_out_ttl_seconds: int = 10  # a sold-out marker's lifetime (its staleness when a clear is lost); 0: off
    events_max_per_member_per_day: int = 20  # creations per member: events and venues are shown to everyone
    venues_max_per_member_per_hour: int = 10
    web_concurrency: int = 2  # worker processes of ``loopin serve``
    forwarded_allow_ips: str = ""  # proxies whose X-Forwarded-For/-Proto are believed; empty: none
    payu_key: str | None = None  # both set: PayU; unset outside production: the sandbox gateway
    payu_salt: str | None = None
    payu_env: str = "test"  # test | production: PayU's endpoints (the key and salt must be of the same one)
    public_api_url: str | None = None  # this API's public origin, where PayU posts back (required in production)
    payment_window_minutes: int = 15  # how long an order holds its seats
    full_refund_notice_hours: int = 24  # guests cancelling at least this long before the start get it all back
    payu_email_domain: str = "guests.loopinsocial.in"  # PayU requires an email; members have none
    payout_settlement_hours: int = 48  # an event's earnings become available this long after it ends
    payout_minimum: str = "100.00"  # rupees: smaller balances wait for the next payout
    quiet_hours_start: str = "22:00"  # non-urgent pushes wait (platform time zone) until quiet_hours_end
    quiet_hours_end: str = "08:00"  # equal to the start: no quiet hours
    reminder_hours_before: str = "24,2"  # ticket holders are reminded this many hours before the start
    notification_retention_days: int = 90  # the inbox keeps a notification this long (a daily sweep)
    dev_staff_phone: str = "+919000000001"  # development only: made staff on start, for the console at /admin
    # development, embedded only: a demo host with a past paid event whose money is ready to pay out (unset: on)
    dev_demo: bool | None = None
    waitlist_offer_minutes: int = 120  # how long a freed seat is held for the next member on the waitlist
    waitlist_offer_min_minutes: int = 15  # ... near the start: half the time left, never less than this

    @property
    def uses_twilio(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token)

    @property
    def seeds_demo(self) -> bool:
        """Only the fully embedded development server (``make run``): its data lives and dies with the process,
        so the demo is seeded once into an empty store; its jobs run in-process, where the seed waits for them; its
        guests pay through the sandbox gateway.
        Never on a database, never in tests or production."""
        return (
            self.dev_demo is not False
            and self.environment is Environment.DEVELOPMENT
            and not self.database_url
            and not self.redis_url
            and not self.uses_payu
        )

    @property
    def uses_payu(self) -> bool:
        return bool(self.payu_key and self.payu_salt)

    def payments_config(self) -> PaymentsConfig:
        return PaymentsConfig(
            payment_window=timedelta(minutes=self.payment_window_minutes),
            refunds=RefundPolicy(full_refund_notice=timedelta(hours=self.full_refund_notice_hours)),
            email_domain=self.payu_email_domain,
            public_base_url=self.public_api_url.rstrip("/") if self.public_api_url else None,
        )

    def payouts_config(self) -> PayoutsConfig:
        return PayoutsConfig(
            settlement_delay=timedelta(hours=self.payout_settlement_hours), minimum=to_money(self.payout_minimum)
        )

    def inbox_retention(self) -> InboxRetention:
        if not 1 <= self.notification_retention_days <= 3650:
            raise SettingsError("NOTIFICATION_RETENTION_DAYS is a number of days from 1 to 3650")
        return InboxRetention(days=self.notification_retention_days)

    def attendance_config(self) -> AttendanceConfig:
        try:
            hours = sorted({float(h) for h in self.reminder_hours_before.split(",") if h.strip()}, reverse=True)
        except ValueError:
            raise SettingsError("REMINDER_HOURS_BEFORE is a comma-separated list of hours, like 24,2") from None
        if any(not 0 < h <= 24 * 14 for h in hours):
            raise SettingsError("REMINDER_HOURS_BEFORE: each between 0 and 336 hours")
        minutes = max(1, self.waitlist_offer_minutes)
        window = OfferWindow(
            window=timedelta(minutes=minutes),
            minimum=timedelta(minutes=min(max(1, self.waitlist_offer_min_minutes), minutes)),
        )
        return AttendanceConfig(ticket_reminders=tuple(timedelta(hours=h) for h in hours), offer_window=window)

    def quiet_hours(self) -> QuietHours:
        try:
            start, end = time.fromisoformat(self.quiet_hours_start), time.fromisoformat(self.quiet_hours_end)
        except ValueError:
            raise SettingsError("QUIET_HOURS_START and QUIET_HOURS_END are times like 22:00") from None
        return QuietHours(start, end, ZoneInfo(self.platform_timezone))

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

    def waitlist_policy(self) -> WaitlistPolicy:
        """Development admits at once, so a newcomer can walk the whole app; a configured window always wins."""
        low, high = self.waitlist_min_minutes, self.waitlist_max_minutes
        if self.environment is Environment.DEVELOPMENT:
            return WaitlistPolicy(low or 0, high if high is not None else low or 0)
        default = WaitlistPolicy()
        return WaitlistPolicy(
            default.min_minutes if low is None else low, default.max_minutes if high is None else high
        )

    def identity_config(self) -> IdentityConfig:
        day = 24 * 3600
        return IdentityConfig(
            otp=OtpPolicy(),
            waitlist=self.waitlist_policy(),
            otp_resend_cooldown=RateLimit("otp-resend", 1, self.otp_resend_cooldown_seconds),
            otp_per_phone=RateLimit("otp-phone-hour", self.otp_max_per_phone_per_hour, 3600),
            otp_per_phone_daily=RateLimit("otp-phone-day", self.otp_max_per_phone_per_day, day),
            otp_wrong_codes=WrongCodeLimit(self.otp_max_wrong_codes_per_phone_per_day, timedelta(seconds=day)),
            otp_per_address=RateLimit("otp-address-hour", self.otp_max_per_address_per_hour, 3600),
            timezone=ZoneInfo(self.platform_timezone),
            session_lifetime=self.jwt_lifetime,
            profile_cache_ttl_seconds=self.profile_cache_ttl_seconds,
        )

    @property
    def trusted_proxies(self) -> list[str]:
        return [a.strip() for a in self.forwarded_allow_ips.split(",") if a.strip()]

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
        if "*" in self.trusted_proxies:
            problems.append(
                "FORWARDED_ALLOW_IPS must list the proxies' addresses: '*' lets any client claim any address"
            )
        if self.dev_demo:
            problems.append("DEV_DEMO is for the development server only (it seeds demo members and payments)")
        if not self.uses_payu:
            problems.append("PAYU_KEY and PAYU_SALT are required (the sandbox gateway is for development)")
        if self.payu_env not in ("test", "production"):
            problems.append("PAYU_ENV must be test or production")
        if not (self.public_api_url or "").startswith("https://"):
            problems.append("PUBLIC_API_URL must be this API's public https:// origin (PayU posts back there)")
        if problems:
            raise SettingsError("; ".join(problems))


class SettingsError(RuntimeError):
    pass


def load_settings(
    environ: Mapping[str, str] | None = None, *, env_file: str | Path | None = None, **overrides: object
) -> Settings:
    """Reads every field from the upper-case variable of the same name (``DATABASE_URL``...).

    With no ``environ`` the process environment is read over ``.env`` (when the file exists); an explicit
    ``environ`` is used alone unless ``env_file`` is given too (tests pass exactly what they mean)."""
    file = env_file if env_file is not None else (ENV_FILE if environ is None else None)
    env = {**_read_env_file(file), **(os.environ if environ is None else environ)}
    data: dict[str, object] = {}
    for f in msgspec.structs.fields(Settings):
        raw = env.get(f.name.upper())
        if raw is not None and raw != "":
            data[f.name] = raw
    data.update(overrides)
    try:
        return msgspec.convert(data, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise SettingsError(f"invalid setting: {exc}") from exc


def _read_env_file(path: str | Path | None) -> dict[str, str]:
    if path is None or not Path(path).is_file():
        return {}
    return {k: v for k, v in dotenv_values(path).items() if v is not None}
