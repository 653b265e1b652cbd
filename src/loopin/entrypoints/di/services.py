"""Vendors (SMS, push, analytics, files), and the state requests share: rate limits, token revocations, the
event cache and background jobs, in Redis (``REDIS_URL``) or in this process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from pathlib import Path

from dishka import AsyncContainer, Provider, Scope, decorate, provide
from redis.asyncio import BlockingConnectionPool, Redis
from saq import Queue

from loopin.adapters.analytics.posthog import PostHogAnalytics
from loopin.adapters.jobs.dispatch import InProcessJobDispatcher, JobDispatcher
from loopin.adapters.jobs.relay import OutboxRelay
from loopin.adapters.jobs.saq_dispatch import SaqJobDispatcher
from loopin.adapters.memory.cache import MemoryEventCache, MemorySoldOutEvents
from loopin.adapters.memory.identity import MemoryProfileCache, MemoryTokenRevocations
from loopin.adapters.memory.payments.fees import MemoryFeeConfigCache
from loopin.adapters.memory.platform import MemoryRateLimiter, RecordingAnalytics
from loopin.adapters.payments.payu import PayUGateway
from loopin.adapters.payments.sandbox import (
    MemorySandboxRecords,
    RedisSandboxRecords,
    SandboxGateway,
    SandboxRecords,
)
from loopin.adapters.payouts.manual import ManualPayoutSender
from loopin.adapters.persistence.health import PostgresReadiness
from loopin.adapters.push.logging import LoggingPushSender
from loopin.adapters.push.onesignal import OneSignalPushSender
from loopin.adapters.redis.event_cache import RedisEventCache
from loopin.adapters.redis.fee_cache import RedisFeeConfigCache
from loopin.adapters.redis.health import RedisReadiness
from loopin.adapters.redis.profile_cache import RedisProfileCache
from loopin.adapters.redis.rate_limit import RedisRateLimiter
from loopin.adapters.redis.revocations import RedisTokenRevocations
from loopin.adapters.redis.sold_out import RedisSoldOutEvents
from loopin.adapters.sms.console import ConsoleSmsSender
from loopin.adapters.sms.twilio import TwilioSmsSender
from loopin.adapters.storage.local_disk import LocalDiskStorage
from loopin.entrypoints.di.bindings import Binding, bind
from loopin.entrypoints.health import Readiness, ReadinessCheck
from loopin.entrypoints.settings import Settings
from loopin.entrypoints.worker.registry import run_job
from loopin.usecases.events.ports import EventCache, SoldOutEvents
from loopin.usecases.identity.ports import ProfileCache, SmsSender, TokenRevocations
from loopin.usecases.notifications.ports import PushSender
from loopin.usecases.payments.ports import FeeConfigCache, PaymentGateway
from loopin.usecases.payouts.ports import PayoutSender
from loopin.usecases.platform.ports import Analytics, FileStorage, RateLimiter

SHARED_STATE = (
    Binding(RateLimiter, RedisRateLimiter, MemoryRateLimiter),
    Binding(TokenRevocations, RedisTokenRevocations, MemoryTokenRevocations),
    Binding(EventCache, RedisEventCache, MemoryEventCache),
    Binding(ProfileCache, RedisProfileCache, MemoryProfileCache),
    Binding(SoldOutEvents, RedisSoldOutEvents, MemorySoldOutEvents),
    Binding(FeeConfigCache, RedisFeeConfigCache, MemoryFeeConfigCache),
    Binding(SandboxRecords, RedisSandboxRecords, MemorySandboxRecords),
)


class VendorProvider(Provider):
    """Each vendor's real adapter when its credentials are set, else a local stand-in (console, log, record)."""

    scope = Scope.APP

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
    async def push(self, settings: Settings) -> AsyncIterator[PushSender]:
        if settings.onesignal_app_id and settings.onesignal_api_key:
            sender = OneSignalPushSender(settings.onesignal_app_id, settings.onesignal_api_key)
            yield sender
            await sender.close()
        else:
            yield LoggingPushSender()

    @provide
    def analytics(self, settings: Settings) -> Iterable[Analytics]:
        if settings.posthog_api_key:
            client = PostHogAnalytics(settings.posthog_api_key, settings.posthog_host)
            yield client
            client.close()
        else:
            yield RecordingAnalytics()

    @provide
    def storage(self, settings: Settings) -> FileStorage:
        return LocalDiskStorage(Path(settings.media_root))

    @provide
    def sandbox(self, settings: Settings, records: SandboxRecords) -> SandboxGateway:
        return SandboxGateway(settings.derived_key("payu-sandbox").hex()[:32], records)

    @provide
    def payouts(self) -> PayoutSender:
        """Staff transfer by hand and record the UTR; a payout API's adapter would be chosen here by its
        credentials, the use cases unchanged."""
        return ManualPayoutSender()

    @provide
    async def payments(self, settings: Settings, sandbox: SandboxGateway) -> AsyncIterator[PaymentGateway]:
        """PayU with its credentials; the sandbox without them (production refuses to start without them)."""
        if settings.uses_payu:
            gateway = PayUGateway(settings.payu_key or "", settings.payu_salt or "", settings.payu_env)
            yield gateway
            await gateway.close()
        else:
            yield sandbox


class RedisProvider(Provider):
    scope = Scope.APP

    @provide
    async def redis(self, settings: Settings) -> AsyncIterator[Redis]:
        pool = BlockingConnectionPool.from_url(
            settings.redis_url or "",
            max_connections=settings.redis_max_connections,
            # a request waits for a free connection as long as for a database connection, so that a burst (every
            # rush guest at once) queues rather than answering 503
            timeout=settings.db_pool_timeout,
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

    dispatcher = provide(SaqJobDispatcher, provides=JobDispatcher)
    readiness = provide(RedisReadiness)


class InProcessJobsProvider(Provider):
    """Embedded mode: jobs run in this process, in the background; closing the container waits for them."""

    scope = Scope.APP

    @provide
    async def in_process_dispatcher(self, container: AsyncContainer) -> AsyncIterator[InProcessJobDispatcher]:
        dispatcher = InProcessJobDispatcher(lambda job: run_job(container, job))
        yield dispatcher
        await dispatcher.settle()

    @provide
    def dispatcher(self, in_process: InProcessJobDispatcher) -> JobDispatcher:
        return in_process


class RelayProvider(Provider):
    """The outbox relay over whichever dispatcher is bound, built from its constructor; closed before the
    database it writes to (a container closes what it built in the reverse order)."""

    scope = Scope.APP
    relay = provide(OutboxRelay)

    @decorate
    async def closed_with_the_container(self, relay: OutboxRelay) -> AsyncIterator[OutboxRelay]:
        yield relay
        await relay.close()


def redis_services() -> list[Provider]:
    return [RedisProvider(), RelayProvider(), bind(SHARED_STATE, real=True, scope=Scope.APP)]


def in_process_services() -> list[Provider]:
    return [InProcessJobsProvider(), RelayProvider(), bind(SHARED_STATE, real=False, scope=Scope.APP)]


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
