"""Where data lives: PostgreSQL (``DATABASE_URL``) or the in-memory store, and every repository over either."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from loopin.adapters.jobs.outbox import Outbox, OutboxAcknowledgements
from loopin.adapters.memory.attendance import (
    MemoryAttendanceReader,
    MemoryConfirmationReader,
    MemoryEventAccessGrants,
    MemoryInvitationRepository,
    MemoryJoinRequestRepository,
    MemoryReaders,
    MemoryTicketRepository,
)
from loopin.adapters.memory.attendance_reminders import MemoryReminderLedger, MemoryReminderSource
from loopin.adapters.memory.audit import MemoryAuditDays, MemoryAuditLog
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
    seed_interests,
)
from loopin.adapters.memory.notifications import (
    MemoryDeviceRepository,
    MemoryNotificationRepository,
    MemoryPreferenceRepository,
)
from loopin.adapters.memory.outbox import MemoryOutbox, MemoryOutboxAcknowledgements
from loopin.adapters.memory.payments.fees import MemoryFeeConfigRepository
from loopin.adapters.memory.payments.ledger import MemoryLedger
from loopin.adapters.memory.payments.notices import MemoryNoticeLog
from loopin.adapters.memory.payments.orders import MemoryPaymentOrderRepository
from loopin.adapters.memory.payments.refunds import MemoryRefundRepository
from loopin.adapters.memory.payouts import (
    MemoryBankAccountRepository,
    MemoryHostEarnings,
    MemoryPayoutHosts,
    MemoryPayoutRepository,
)
from loopin.adapters.memory.privacy import MemoryPersonalData
from loopin.adapters.memory.seats import MemorySeatInventory
from loopin.adapters.memory.staff import MemoryEventDirectory, MemoryMemberDirectory, MemoryOrderDirectory
from loopin.adapters.memory.staff_campaigns import MemoryCampaignAudience, MemoryCampaignRepository
from loopin.adapters.memory.store import MemoryStore, MemoryTransaction, MemoryUnitOfWork
from loopin.adapters.memory.waitlist import MemoryWaitlistRepository
from loopin.adapters.persistence.attendance import (
    SqlInvitationRepository,
    SqlJoinRequestRepository,
    SqlTicketRepository,
)
from loopin.adapters.persistence.attendance_reader import SqlAttendanceReader, SqlEventAccessGrants, SqlReaders
from loopin.adapters.persistence.attendance_reminders import SqlReminderLedger, SqlReminderSource
from loopin.adapters.persistence.audit import SqlAuditDays, SqlAuditLog
from loopin.adapters.persistence.confirmations import SqlConfirmationReader
from loopin.adapters.persistence.database import UseCaseSession, create_engine
from loopin.adapters.persistence.event_reader import SqlEventReader
from loopin.adapters.persistence.events import SqlEventRepository
from loopin.adapters.persistence.health import PostgresReadiness
from loopin.adapters.persistence.identity import (
    SqlInterestRepository,
    SqlMemberRepository,
    SqlOtpChallengeRepository,
)
from loopin.adapters.persistence.notifications import (
    SqlDeviceRepository,
    SqlNotificationRepository,
    SqlPreferenceRepository,
)
from loopin.adapters.persistence.outbox import SqlOutbox, SqlOutboxAcknowledgements
from loopin.adapters.persistence.payments.fees import SqlFeeConfigRepository
from loopin.adapters.persistence.payments.ledger import SqlLedger
from loopin.adapters.persistence.payments.notices import SqlNoticeLog
from loopin.adapters.persistence.payments.orders import SqlPaymentOrderRepository
from loopin.adapters.persistence.payments.refunds import SqlRefundRepository
from loopin.adapters.persistence.payouts import (
    SqlBankAccountRepository,
    SqlHostEarnings,
    SqlPayoutHosts,
    SqlPayoutRepository,
)
from loopin.adapters.persistence.privacy import SqlPersonalData
from loopin.adapters.persistence.seats import SqlSeatInventory
from loopin.adapters.persistence.staff import SqlEventDirectory, SqlMemberDirectory, SqlOrderDirectory
from loopin.adapters.persistence.staff_campaigns import SqlCampaignAudience, SqlCampaignRepository
from loopin.adapters.persistence.uow import SqlUnitOfWork
from loopin.adapters.persistence.venues import SqlHostLeadRepository, SqlVenueRepository
from loopin.adapters.persistence.waitlist import SqlWaitlistRepository
from loopin.entrypoints.di.bindings import Binding, bind
from loopin.entrypoints.settings import Settings
from loopin.usecases.attendance.ports import (
    AttendanceReader,
    ConfirmationReader,
    InvitationRepository,
    JoinRequestRepository,
    ReminderLedger,
    ReminderSource,
    TicketRepository,
    WaitlistRepository,
)
from loopin.usecases.audit.ports import AuditDays, AuditLog
from loopin.usecases.events.ports import (
    EventAccessGrants,
    EventReader,
    EventRepository,
    HostLeadRepository,
    Readers,
    SeatInventory,
    VenueRepository,
)
from loopin.usecases.identity.ports import InterestRepository, MemberRepository, OtpChallengeRepository
from loopin.usecases.notifications.ports import DeviceRepository, NotificationRepository, PreferenceRepository
from loopin.usecases.payments.ports import (
    FeeConfigRepository,
    Ledger,
    NoticeLog,
    PaymentOrderRepository,
    RefundRepository,
)
from loopin.usecases.payouts.ports import BankAccountRepository, HostEarnings, PayoutHosts, PayoutRepository
from loopin.usecases.privacy.ports import PersonalData
from loopin.usecases.shared.ports import Clock, UnitOfWork
from loopin.usecases.staff.ports import (
    CampaignAudience,
    CampaignRepository,
    EventDirectory,
    MemberDirectory,
    OrderDirectory,
)

PERSISTENCE = (
    Binding(UnitOfWork, SqlUnitOfWork, MemoryUnitOfWork),
    Binding(Outbox, SqlOutbox, MemoryOutbox),
    # identity
    Binding(MemberRepository, SqlMemberRepository, MemoryMemberRepository),
    Binding(OtpChallengeRepository, SqlOtpChallengeRepository, MemoryOtpChallengeRepository),
    Binding(InterestRepository, SqlInterestRepository, MemoryInterestRepository),
    # events
    Binding(EventRepository, SqlEventRepository, MemoryEventRepository),
    Binding(EventReader, SqlEventReader, MemoryEventReader),
    Binding(EventAccessGrants, SqlEventAccessGrants, MemoryEventAccessGrants),
    Binding(Readers, SqlReaders, MemoryReaders),
    Binding(VenueRepository, SqlVenueRepository, MemoryVenueRepository),
    Binding(HostLeadRepository, SqlHostLeadRepository, MemoryHostLeadRepository),
    # attendance
    Binding(JoinRequestRepository, SqlJoinRequestRepository, MemoryJoinRequestRepository),
    Binding(InvitationRepository, SqlInvitationRepository, MemoryInvitationRepository),
    Binding(TicketRepository, SqlTicketRepository, MemoryTicketRepository),
    Binding(AttendanceReader, SqlAttendanceReader, MemoryAttendanceReader),
    Binding(ConfirmationReader, SqlConfirmationReader, MemoryConfirmationReader),
    Binding(WaitlistRepository, SqlWaitlistRepository, MemoryWaitlistRepository),
    Binding(SeatInventory, SqlSeatInventory, MemorySeatInventory),
    Binding(ReminderSource, SqlReminderSource, MemoryReminderSource),
    Binding(ReminderLedger, SqlReminderLedger, MemoryReminderLedger),
    # payments
    Binding(PaymentOrderRepository, SqlPaymentOrderRepository, MemoryPaymentOrderRepository),
    Binding(RefundRepository, SqlRefundRepository, MemoryRefundRepository),
    Binding(Ledger, SqlLedger, MemoryLedger),
    Binding(NoticeLog, SqlNoticeLog, MemoryNoticeLog),
    Binding(FeeConfigRepository, SqlFeeConfigRepository, MemoryFeeConfigRepository),
    # payouts
    Binding(PayoutHosts, SqlPayoutHosts, MemoryPayoutHosts),
    Binding(BankAccountRepository, SqlBankAccountRepository, MemoryBankAccountRepository),
    Binding(PayoutRepository, SqlPayoutRepository, MemoryPayoutRepository),
    Binding(HostEarnings, SqlHostEarnings, MemoryHostEarnings),
    # notifications, audit
    Binding(DeviceRepository, SqlDeviceRepository, MemoryDeviceRepository),
    Binding(NotificationRepository, SqlNotificationRepository, MemoryNotificationRepository),
    Binding(PreferenceRepository, SqlPreferenceRepository, MemoryPreferenceRepository),
    Binding(AuditLog, SqlAuditLog, MemoryAuditLog),
    Binding(AuditDays, SqlAuditDays, MemoryAuditDays),
    # privacy
    Binding(PersonalData, SqlPersonalData, MemoryPersonalData),
    # staff
    Binding(CampaignRepository, SqlCampaignRepository, MemoryCampaignRepository),
    Binding(CampaignAudience, SqlCampaignAudience, MemoryCampaignAudience),
    # staff: the console's searches and figures
    Binding(MemberDirectory, SqlMemberDirectory, MemoryMemberDirectory),
    Binding(EventDirectory, SqlEventDirectory, MemoryEventDirectory),
    Binding(OrderDirectory, SqlOrderDirectory, MemoryOrderDirectory),
)

# Process-wide, each in short transactions of its own.
PERSISTENCE_SERVICES = (Binding(OutboxAcknowledgements, SqlOutboxAcknowledgements, MemoryOutboxAcknowledgements),)


class PostgresProvider(Provider):
    """One engine per process; one session per use case (a request or a job), closed with its scope."""

    scope = Scope.REQUEST

    @provide(scope=Scope.APP)
    async def engine(self, settings: Settings) -> AsyncIterator[AsyncEngine]:
        engine = create_engine(
            settings.database_url or "", settings.db_pool_size, settings.db_max_overflow, settings.db_pool_timeout
        )
        yield engine
        await engine.dispose()

    @provide(scope=Scope.APP)
    def sessionmaker(self, engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
        return async_sessionmaker(
            engine, expire_on_commit=False, autoflush=False, sync_session_class=UseCaseSession
        )

    @provide
    async def session(self, sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
        """A session with a transaction open (its use case failed, or only read) is closed as ``async with``
        closes it: rolled back and its connection handed back, shielded from the request's cancellation. One
        whose use case committed holds no connection: closing it only lets go of its rows, which needs no I/O,
        so it is closed at once, without the task and greenlet switch of the asynchronous close (the check-in's
        request scope: 148 -> ~65 µs CPU, measured in-process)."""
        session = sessionmaker()
        try:
            yield session
        finally:
            if session.in_transaction():
                await asyncio.shield(session.close())
            else:
                session.sync_session.close()

    @provide(scope=Scope.APP)
    def readiness(self, engine: AsyncEngine) -> PostgresReadiness:
        return PostgresReadiness(engine)


class MemoryStoreProvider(Provider):
    """One store per process, seeded with the interests; one transaction per use case."""

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


def sql_persistence() -> list[Provider]:
    return [
        PostgresProvider(),
        bind(PERSISTENCE, real=True, scope=Scope.REQUEST),
        bind(PERSISTENCE_SERVICES, real=True, scope=Scope.APP),
    ]


def memory_persistence() -> list[Provider]:
    return [
        MemoryStoreProvider(),
        bind(PERSISTENCE, real=False, scope=Scope.REQUEST),
        bind(PERSISTENCE_SERVICES, real=False, scope=Scope.APP),
    ]
