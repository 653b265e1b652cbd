"""The composition root: one dishka container for the API, the worker and the CLI.

Each infrastructure switch is independent: ``DATABASE_URL`` picks PostgreSQL over the in-memory store,
``REDIS_URL`` picks Redis limits, revocations and the SAQ queue over their in-process equivalents.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from pathlib import Path

from dishka import AsyncContainer, Provider, Scope, from_context, make_async_container, provide, provide_all
from redis.asyncio import BlockingConnectionPool, Redis
from saq import Queue
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from loopin.adapters.analytics.posthog import PostHogAnalytics
from loopin.adapters.clock import SystemClock
from loopin.adapters.jobs.dispatch import InProcessJobDispatcher, JobBuffer, JobDispatcher
from loopin.adapters.jobs.saq_dispatch import SaqJobDispatcher
from loopin.adapters.memory.attendance import (
    MemoryAttendanceReader,
    MemoryEventAccessGrants,
    MemoryInvitationRepository,
    MemoryJoinRequestRepository,
    MemoryTicketRepository,
)
from loopin.adapters.memory.audit import MemoryAuditLog
from loopin.adapters.memory.cache import MemoryEventCache
from loopin.adapters.memory.events import (
    MemoryEventReader,
    MemoryEventRepository,
    MemoryHostLeadRepository,
    MemoryVenueRepository,
)
from loopin.adapters.memory.identity import (
    MemoryInterestRepository,
    MemoryMemberRepository,
    MemoryOtpChallengeRepository,
    MemoryTokenRevocations,
    seed_interests,
)
from loopin.adapters.memory.notifications import MemoryDeviceRepository, MemoryNotificationRepository
from loopin.adapters.memory.platform import MemoryRateLimiter, RecordingAnalytics
from loopin.adapters.memory.store import MemoryStore, MemoryTransaction, MemoryUnitOfWork
from loopin.adapters.persistence.attendance import (
    SqlAttendanceReader,
    SqlEventAccessGrants,
    SqlInvitationRepository,
    SqlJoinRequestRepository,
    SqlNotificationRepository,
    SqlTicketRepository,
)
from loopin.adapters.persistence.audit import SqlAuditLog
from loopin.adapters.persistence.database import UseCaseSession, create_engine
from loopin.adapters.persistence.events import (
    SqlEventReader,
    SqlEventRepository,
    SqlHostLeadRepository,
    SqlVenueRepository,
)
from loopin.adapters.persistence.health import PostgresReadiness
from loopin.adapters.persistence.identity import (
    SqlInterestRepository,
    SqlMemberRepository,
    SqlOtpChallengeRepository,
)
from loopin.adapters.persistence.notifications import SqlDeviceRepository
from loopin.adapters.persistence.uow import SqlUnitOfWork
from loopin.adapters.push.logging import LoggingPushSender
from loopin.adapters.push.onesignal import OneSignalPushSender
from loopin.adapters.redis.event_cache import RedisEventCache
from loopin.adapters.redis.health import RedisReadiness
from loopin.adapters.redis.rate_limit import RedisRateLimiter
from loopin.adapters.redis.revocations import RedisTokenRevocations
from loopin.adapters.security.jwt_tokens import JwtSessionTokens
from loopin.adapters.sms.console import ConsoleSmsSender
from loopin.adapters.sms.twilio import TwilioSmsSender
from loopin.adapters.storage.images import MagicBytesImageInspector
from loopin.adapters.storage.local_disk import LocalDiskStorage
from loopin.domain.attendance.secret import TicketCodes
from loopin.domain.shared.keyed_digest import KeyedDigest
from loopin.entrypoints.health import Readiness, ReadinessCheck
from loopin.entrypoints.settings import Settings
from loopin.entrypoints.worker.registry import run_job
from loopin.usecases.attendance.checkin import CheckIn, CheckOut, ListAttendees
from loopin.usecases.attendance.config import AttendanceConfig
from loopin.usecases.attendance.gate import AttendanceGate
from loopin.usecases.attendance.invitations import (
    ExpireOverdue,
    ListEventInvitations,
    ListMyInvitations,
    RespondToInvitation,
    SearchInvitees,
    SendInvitations,
)
from loopin.usecases.attendance.ports import (
    AttendanceReader,
    InvitationRepository,
    JoinRequestRepository,
    TicketRepository,
)
from loopin.usecases.attendance.requests import (
    AcceptJoinRequest,
    BulkRequestAction,
    CreateJoinRequest,
    DeclineJoinRequest,
    GetMyRequest,
    GetRequesterProfile,
    ListEventRequests,
    ListMyRequests,
    WithdrawJoinRequest,
)
from loopin.usecases.attendance.tickets import (
    CancelAttendance,
    ConfirmAttendance,
    GetMyTicket,
    ListMyTickets,
    TicketDesk,
)
from loopin.usecases.audit.ports import AuditLog
from loopin.usecases.audit.record import RecordAuditEntry
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.create import CreateEvent
from loopin.usecases.events.hosts import BecomeAHost, ListHostLeads
from loopin.usecases.events.manage import DeleteEvent, UpdateEvent
from loopin.usecases.events.ports import (
    EventAccessGrants,
    EventCache,
    EventReader,
    EventRepository,
    HostLeadRepository,
    VenueRepository,
)
from loopin.usecases.events.public import CityEvents, EventSeo, PublicEvent
from loopin.usecases.events.read import GetEvent, GetShareUrl, ListFeed
from loopin.usecases.events.reading import Audience, EventViews
from loopin.usecases.events.venues import CreateVenue, GetVenue, ListVenues
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.identity.complete_profile import CompleteProfile
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.interests import ListEventInterests
from loopin.usecases.identity.logout import Logout
from loopin.usecases.identity.ports import (
    InterestRepository,
    MemberRepository,
    OtpChallengeRepository,
    SmsSender,
    TokenIssuer,
    TokenRevocations,
)
from loopin.usecases.identity.profile import GetProfile, UpdateProfile
from loopin.usecases.identity.request_otp import RequestOtp
from loopin.usecases.identity.sms import DeliverOtpSms
from loopin.usecases.identity.verify_otp import VerifyOtp
from loopin.usecases.identity.waitlist import PromoteDueMembers
from loopin.usecases.notifications.deliver import DeliverNotification
from loopin.usecases.notifications.devices import DeactivateDevice, RegisterDevice
from loopin.usecases.notifications.ports import DeviceRepository, NotificationRepository, PushSender
from loopin.usecases.platform.analytics import Pseudonyms, RecordAnalyticsEvent
from loopin.usecases.platform.files import DeleteStoredFiles
from loopin.usecases.platform.ports import Analytics, FileStorage, ImageInspector, RateLimiter
from loopin.usecases.shared.ports import Clock, JobQueue, UnitOfWork


class CoreProvider(Provider):
    """Settings-derived policies, keys and vendor-free services."""

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
        )

    @provide
    def digest(self, settings: Settings) -> KeyedDigest:
        return KeyedDigest(settings.derived_key("digest"))

    # --- attendance ---------------------------------------------------------------------------------------
    @provide
    def ticket_codes(self, settings: Settings) -> TicketCodes:
        return TicketCodes(settings.derived_key("ticket"))

    @provide
    def attendance_config(self) -> AttendanceConfig:
        return AttendanceConfig()

    @provide
    async def push(self, settings: Settings) -> AsyncIterator[PushSender]:
        if settings.onesignal_app_id and settings.onesignal_api_key:
            sender = OneSignalPushSender(settings.onesignal_app_id, settings.onesignal_api_key)
            yield sender
            await sender.close()
        else:
            yield LoggingPushSender()

    # --- end attendance -----------------------------------------------------------------------------------

    @provide
    def session_tokens(self, settings: Settings) -> JwtSessionTokens:
        return JwtSessionTokens(
            settings.session_secret, algorithm=settings.jwt_algorithm, lifetime=settings.jwt_lifetime
        )

    @provide
    def token_issuer(self, tokens: JwtSessionTokens) -> TokenIssuer:
        return tokens

    clock = provide(SystemClock, provides=Clock)
    inspector = provide(MagicBytesImageInspector, provides=ImageInspector)
    pseudonyms = provide(Pseudonyms)

    @provide
    def storage(self, settings: Settings) -> FileStorage:
        return LocalDiskStorage(Path(settings.media_root))

    @provide
    async def sms(self, settings: Settings) -> AsyncIterator[SmsSender]:
        if settings.uses_twilio:
            sender = TwilioSmsSender(
                settings.twilio_account_sid or "",
                settings.twilio_auth_token or "",
                from_number=settings.twilio_from_number,
                messaging_service_sid=settings.twilio_messaging_service_sid,
            )
            yield sender
            await sender.close()
        else:
            yield ConsoleSmsSender()

    @provide
    def analytics(self, settings: Settings) -> Iterable[Analytics]:
        if settings.posthog_api_key:
            client = PostHogAnalytics(settings.posthog_api_key, settings.posthog_host)
            yield client
            client.close()
        else:
            yield RecordingAnalytics()

    @provide(scope=Scope.REQUEST)
    def job_buffer(self) -> JobBuffer:
        return JobBuffer()

    @provide(scope=Scope.REQUEST)
    def job_queue(self, buffer: JobBuffer) -> JobQueue:
        return buffer


class SqlProvider(Provider):
    scope = Scope.REQUEST

    @provide(scope=Scope.APP)
    async def engine(self, settings: Settings) -> AsyncIterator[AsyncEngine]:
        engine = create_engine(settings.database_url or "", settings.db_pool_size, settings.db_max_overflow)
        yield engine
        await engine.dispose()

    @provide(scope=Scope.APP)
    def sessionmaker(self, engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
        return async_sessionmaker(
            engine, expire_on_commit=False, autoflush=False, sync_session_class=UseCaseSession
        )

    @provide
    async def session(self, sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
        async with sessionmaker() as session:  # closing rolls back whatever the use case did not commit
            yield session

    uow = provide(SqlUnitOfWork, provides=UnitOfWork)
    members = provide(SqlMemberRepository, provides=MemberRepository)
    otps = provide(SqlOtpChallengeRepository, provides=OtpChallengeRepository)
    interests = provide(SqlInterestRepository, provides=InterestRepository)
    devices = provide(SqlDeviceRepository, provides=DeviceRepository)
    events = provide(SqlEventRepository, provides=EventRepository)
    event_reader = provide(SqlEventReader, provides=EventReader)
    venues = provide(SqlVenueRepository, provides=VenueRepository)
    host_leads = provide(SqlHostLeadRepository, provides=HostLeadRepository)
    audit_log = provide(SqlAuditLog, provides=AuditLog)
    # attendance
    grants = provide(SqlEventAccessGrants, provides=EventAccessGrants)
    join_requests = provide(SqlJoinRequestRepository, provides=JoinRequestRepository)
    invitations = provide(SqlInvitationRepository, provides=InvitationRepository)
    tickets = provide(SqlTicketRepository, provides=TicketRepository)
    attendance_reader = provide(SqlAttendanceReader, provides=AttendanceReader)
    notifications = provide(SqlNotificationRepository, provides=NotificationRepository)

    @provide(scope=Scope.APP)
    def readiness(self, engine: AsyncEngine) -> PostgresReadiness:
        return PostgresReadiness(engine)


class MemoryPersistenceProvider(Provider):
    scope = Scope.REQUEST

    @provide(scope=Scope.APP)
    def store(self, clock: Clock) -> MemoryStore:
        store = MemoryStore()
        seed_interests(MemoryTransaction(store), clock)
        return store

    @provide
    def transaction(self, store: MemoryStore) -> Iterable[MemoryTransaction]:
        tx = MemoryTransaction(store)
        yield tx
        tx.rollback()  # releases locks of a use case that failed before committing

    uow = provide(MemoryUnitOfWork, provides=UnitOfWork)
    members = provide(MemoryMemberRepository, provides=MemberRepository)
    otps = provide(MemoryOtpChallengeRepository, provides=OtpChallengeRepository)
    interests = provide(MemoryInterestRepository, provides=InterestRepository)
    devices = provide(MemoryDeviceRepository, provides=DeviceRepository)
    events = provide(MemoryEventRepository, provides=EventRepository)
    event_reader = provide(MemoryEventReader, provides=EventReader)
    venues = provide(MemoryVenueRepository, provides=VenueRepository)
    host_leads = provide(MemoryHostLeadRepository, provides=HostLeadRepository)
    audit_log = provide(MemoryAuditLog, provides=AuditLog)
    # attendance
    grants = provide(MemoryEventAccessGrants, provides=EventAccessGrants)
    join_requests = provide(MemoryJoinRequestRepository, provides=JoinRequestRepository)
    invitations = provide(MemoryInvitationRepository, provides=InvitationRepository)
    tickets = provide(MemoryTicketRepository, provides=TicketRepository)
    attendance_reader = provide(MemoryAttendanceReader, provides=AttendanceReader)
    notifications = provide(MemoryNotificationRepository, provides=NotificationRepository)


class RedisProvider(Provider):
    scope = Scope.APP

    @provide
    async def redis(self, settings: Settings) -> AsyncIterator[Redis]:
        pool = BlockingConnectionPool.from_url(
            settings.redis_url or "",
            max_connections=settings.redis_max_connections,
            timeout=5,  # seconds a request may wait for a free connection
            socket_timeout=5,
            socket_connect_timeout=3,
        )
        client = Redis(connection_pool=pool)
        yield client
        await client.aclose(close_connection_pool=True)

    @provide
    async def queue(self, settings: Settings) -> AsyncIterator[Queue]:
        queue = Queue.from_url(settings.redis_url or "", name=settings.queue_name)
        await queue.connect()
        yield queue
        await queue.disconnect()

    @provide
    def limiter(self, redis: Redis) -> RateLimiter:
        return RedisRateLimiter(redis)

    @provide
    def revocations(self, redis: Redis) -> TokenRevocations:
        return RedisTokenRevocations(redis)

    @provide
    def event_cache(self, redis: Redis) -> EventCache:
        return RedisEventCache(redis)

    dispatcher = provide(SaqJobDispatcher, provides=JobDispatcher)
    readiness = provide(RedisReadiness)


class InProcessServicesProvider(Provider):
    """Embedded mode: no Redis, jobs run in this process."""

    scope = Scope.APP
    limiter = provide(MemoryRateLimiter, provides=RateLimiter)
    revocations = provide(MemoryTokenRevocations, provides=TokenRevocations)

    @provide
    def event_cache(self, clock: Clock) -> EventCache:
        return MemoryEventCache(clock)

    @provide
    async def in_process_dispatcher(self, container: AsyncContainer) -> AsyncIterator[InProcessJobDispatcher]:
        dispatcher = InProcessJobDispatcher(lambda job: run_job(container, job))
        yield dispatcher
        await dispatcher.settle()

    @provide
    def dispatcher(self, in_process: InProcessJobDispatcher) -> JobDispatcher:
        return in_process


class UseCaseProvider(Provider):
    scope = Scope.REQUEST
    use_cases = provide_all(
        MemberAccess,
        RequestOtp,
        VerifyOtp,
        CompleteProfile,
        GetProfile,
        UpdateProfile,
        ListEventInterests,
        Logout,
        PromoteDueMembers,
        DeliverOtpSms,
        RecordAnalyticsEvent,
        DeleteStoredFiles,
        RegisterDevice,
        DeactivateDevice,
        RecordAuditEntry,
        Audience,
        EventViews,
        CreateEvent,
        ListFeed,
        GetEvent,
        GetShareUrl,
        UpdateEvent,
        DeleteEvent,
        CreateVenue,
        GetVenue,
        ListVenues,
        PublicEvent,
        EventSeo,
        CityEvents,
        BecomeAHost,
        ListHostLeads,
        # attendance
        DeliverNotification,
        AttendanceGate,
        TicketDesk,
        CreateJoinRequest,
        GetMyRequest,
        ListMyRequests,
        ListEventRequests,
        GetRequesterProfile,
        AcceptJoinRequest,
        DeclineJoinRequest,
        BulkRequestAction,
        WithdrawJoinRequest,
        SearchInvitees,
        SendInvitations,
        ListEventInvitations,
        ListMyInvitations,
        RespondToInvitation,
        ExpireOverdue,
        ConfirmAttendance,
        GetMyTicket,
        ListMyTickets,
        CancelAttendance,
        ListAttendees,
        CheckIn,
        CheckOut,
    )


def readiness_provider(settings: Settings) -> Provider:
    provider = Provider(scope=Scope.APP)
    uses_sql, uses_redis = bool(settings.database_url), bool(settings.redis_url)

    @provider.provide
    def readiness(container: AsyncContainer) -> Readiness:
        checks: list[tuple[str, type[ReadinessCheck]]] = []
        if uses_sql:
            checks.append(("postgres", PostgresReadiness))
        if uses_redis:
            checks.append(("redis", RedisReadiness))
        return Readiness(container, checks)

    return provider


def providers_for(settings: Settings) -> list[Provider]:
    return [
        CoreProvider(),
        SqlProvider() if settings.database_url else MemoryPersistenceProvider(),
        RedisProvider() if settings.redis_url else InProcessServicesProvider(),
        UseCaseProvider(),
        readiness_provider(settings),
    ]


def make_container(settings: Settings, *overrides: Provider) -> AsyncContainer:
    """``overrides`` replace bindings (tests swap the clock, SMS or dispatcher this way)."""
    return make_async_container(*providers_for(settings), *overrides, context={Settings: settings})
