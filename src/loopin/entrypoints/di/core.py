"""Settings, the policies and keys derived from them, and the vendor-free services every context uses."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from dishka import Provider, Scope, from_context, provide

from loopin.adapters.clock import ShiftedClock, SystemClock
from loopin.adapters.jobs.outbox import JobEnvelope, OutboxConfig
from loopin.adapters.security.account_vault import AesGcmAccountVault
from loopin.adapters.security.jwt_tokens import JwtSessionTokens
from loopin.adapters.storage.images import MagicBytesImageInspector
from loopin.adapters.unit_of_work import AfterCommit
from loopin.domain.attendance.secret import TicketCodes
from loopin.domain.audit.chain import AuditChain
from loopin.domain.notifications.preferences import QuietHours
from loopin.domain.shared.keyed_digest import KeyedDigest
from loopin.entrypoints.settings import Settings
from loopin.usecases.attendance.config import AttendanceConfig
from loopin.usecases.audit.config import AuditConfig
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.ports import TokenIssuer
from loopin.usecases.notifications.retention import InboxRetention
from loopin.usecases.payments.config import PaymentsConfig
from loopin.usecases.payouts.config import PayoutsConfig
from loopin.usecases.payouts.ports import AccountNumberVault
from loopin.usecases.platform.analytics import Pseudonyms
from loopin.usecases.platform.creation_limits import CreationLimit
from loopin.usecases.platform.ports import ImageInspector, RateLimit
from loopin.usecases.shared.ports import Clock


class CoreProvider(Provider):
    scope = Scope.APP
    settings = from_context(provides=Settings, scope=Scope.APP)

    @provide
    def identity_config(self, settings: Settings) -> IdentityConfig:
        return settings.identity_config()

    @provide
    def events_config(self, settings: Settings) -> EventsConfig:
        return EventsConfig(
            timezone=settings.platform_timezone,
            site_url=settings.site_url,
            cache_ttl_seconds=settings.event_cache_ttl_seconds,
            sold_out_ttl_seconds=settings.sold_out_ttl_seconds,
            events_per_member=CreationLimit(
                RateLimit("create-event-day", settings.events_max_per_member_per_day, 24 * 3600), "events"
            ),
            venues_per_member=CreationLimit(
                RateLimit("create-venue-hour", settings.venues_max_per_member_per_hour, 3600), "venues"
            ),
        )

    @provide
    def quiet_hours(self, settings: Settings) -> QuietHours:
        return settings.quiet_hours()

    @provide
    def inbox_retention(self, settings: Settings) -> InboxRetention:
        return settings.inbox_retention()

    @provide
    def attendance_config(self, settings: Settings) -> AttendanceConfig:
        return settings.attendance_config()

    @provide
    def payments_config(self, settings: Settings) -> PaymentsConfig:
        return settings.payments_config()

    @provide
    def payouts_config(self, settings: Settings) -> PayoutsConfig:
        return settings.payouts_config()

    @provide
    def account_vault(self, settings: Settings) -> AccountNumberVault:
        """HKDF derives the vault's keys from the master secret (``adapters/security/account_vault.py``)."""
        return AesGcmAccountVault(settings.secret_key.encode())

    @provide
    def digest(self, settings: Settings) -> KeyedDigest:
        return KeyedDigest(settings.derived_key("digest"))

    @provide
    def audit_chain(self, settings: Settings) -> AuditChain:
        return AuditChain(settings.audit_chain_key)

    @provide
    def audit_config(self, settings: Settings) -> AuditConfig:
        return AuditConfig(timezone=ZoneInfo(settings.platform_timezone))

    @provide
    def job_envelope(self, settings: Settings) -> JobEnvelope:
        return JobEnvelope(settings.derived_key("outbox"))

    @provide
    def outbox_config(self) -> OutboxConfig:
        return OutboxConfig()

    @provide
    def ticket_codes(self, settings: Settings) -> TicketCodes:
        return TicketCodes(settings.derived_key("ticket"))

    @provide
    def session_tokens(self, settings: Settings) -> JwtSessionTokens:
        return JwtSessionTokens(
            settings.session_secret, algorithm=settings.jwt_algorithm, lifetime=settings.jwt_lifetime
        )

    @provide
    def token_issuer(self, tokens: JwtSessionTokens) -> TokenIssuer:
        return tokens

    @provide
    def clock(self, settings: Settings) -> Clock:
        """Real time; the development demo's server gets a clock its seed can move (``entrypoints/demo.py``)."""
        return ShiftedClock() if settings.seeds_demo else SystemClock()

    inspector = provide(MagicBytesImageInspector, provides=ImageInspector)
    pseudonyms = provide(Pseudonyms)

    after_commit = provide(AfterCommit, scope=Scope.REQUEST)
