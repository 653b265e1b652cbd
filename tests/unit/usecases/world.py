"""The one application the use-case tests drive: the real dishka container in memory mode, with the fake
clock, SMS outbox, analytics and push recorders, and a dispatcher that runs committed jobs inline while
remembering what had been committed when each job left. Members and events can be stored directly (what
the test is not about), or made through the use cases (what it is about)."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import jwt
from dishka import AsyncContainer, Provider, Scope

from loopin.adapters.jobs.dispatch import InProcessJobDispatcher, JobDispatcher
from loopin.adapters.memory.identity import MEMBERS, OTPS
from loopin.adapters.memory.notifications import DEVICES, RecordingPushSender
from loopin.adapters.memory.platform import CapturedEvent, MemoryRateLimiter
from loopin.adapters.memory.store import MemoryStore
from loopin.adapters.storage.local_disk import LocalDiskStorage
from loopin.domain.audit.entry import AuditEntry
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Member, MemberStatus, Role
from loopin.domain.identity.otp import OtpChallenge
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import Gender
from loopin.domain.notifications.device import Device
from loopin.domain.notifications.notification import Notification
from loopin.domain.payments.order import PaymentOrder
from loopin.domain.shared.errors import Unavailable
from loopin.domain.shared.keyed_digest import KeyedDigest
from loopin.entrypoints.settings import Settings
from loopin.entrypoints.worker.registry import run_job
from loopin.usecases.attendance.host_requests import AcceptJoinRequest
from loopin.usecases.attendance.requests import CreateJoinRequest
from loopin.usecases.audit.ports import AuditLog
from loopin.usecases.events.create import CreateEvent
from loopin.usecases.events.ports import EventRepository
from loopin.usecases.events.views import EventView
from loopin.usecases.identity.complete_profile import CompleteProfile, ProfileCompleted
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.ports import MemberRepository, OtpChallengeRepository
from loopin.usecases.identity.request_otp import OtpSent, RequestOtp
from loopin.usecases.identity.verify_otp import SessionStarted, VerifyOtp
from loopin.usecases.notifications.ports import NotificationRepository, PushSender
from loopin.usecases.payments.orders import CreatePaymentOrder
from loopin.usecases.payments.ports import PaymentOrderRepository
from loopin.usecases.platform.files import UploadedFile
from loopin.usecases.platform.ports import FileStorage, RateLimiter
from loopin.usecases.shared.ports import Job, UnitOfWork
from tests.factories import EventFactory, MemberFactory, ProfileFactory
from tests.support import Fakes, png_bytes
from tests.unit.usecases.forms import event_input, start_in

T = TypeVar("T")
START = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)  # whole seconds: rate-limit arithmetic stays exact
PHONE = "+919812345678"
ADDRESS = "203.0.113.10"
NAME = "Asha Rao"


def phone(n: int) -> str:
    """Distinct valid Indian mobile numbers (those ``World.member`` stores are another range)."""
    return f"+9198123{n:05d}"


# --- committed jobs -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dispatched:
    job: Job
    committed: dict[str, dict[Hashable, Any]]  # members and OTP challenges as committed when the job left


@dataclass(slots=True)
class JobLog:
    dispatched: list[Dispatched] = field(default_factory=list)
    failures: list[tuple[str, BaseException]] = field(default_factory=list)

    def named(self, name: str) -> list[Job]:
        return [d.job for d in self.dispatched if d.job.name == name]


class ObservingDispatcher(JobDispatcher):
    """Keeps a record of committed jobs and, with ``run``, runs them in-process right away (no retry wait)."""

    def __init__(self, container: AsyncContainer, store: MemoryStore, log: JobLog, *, run: bool) -> None:
        self._store = store
        self._log = log
        self._container = container
        self._inline = InProcessJobDispatcher(self._run, background=False, retry_delay=0) if run else None

    async def dispatch(self, jobs: Sequence[Job]) -> None:
        for job in jobs:
            snapshot = {t: copy.deepcopy(dict(self._store.tables[t])) for t in (MEMBERS, OTPS)}
            self._log.dispatched.append(Dispatched(job, snapshot))
        if self._inline is not None:
            await self._inline.dispatch(jobs)

    async def _run(self, job: Job) -> object:
        try:
            return await run_job(self._container, job)
        except Exception as exc:
            self._log.failures.append((job.name, exc))
            raise


class FailingDispatcher(JobDispatcher):
    """Refuses jobs while ``failing`` is set, the way the SAQ dispatcher does when Redis is down."""

    def __init__(self, inner: JobDispatcher) -> None:
        self._inner = inner
        self.failing = False

    async def dispatch(self, jobs: Sequence[Job]) -> None:
        if self.failing and jobs:
            raise Unavailable("Could not queue background work. Please try again.")
        await self._inner.dispatch(jobs)


def world_provider(
    log: JobLog,
    push: RecordingPushSender,
    *,
    run_jobs: bool = True,
    wrap: Callable[[JobDispatcher], JobDispatcher] | None = None,
) -> Provider:
    provider = Provider(scope=Scope.APP)

    def dispatcher(container: AsyncContainer, store: MemoryStore) -> JobDispatcher:
        observing = ObservingDispatcher(container, store, log, run=run_jobs)
        return wrap(observing) if wrap else observing

    provider.provide(dispatcher, provides=JobDispatcher, override=True)
    provider.provide(lambda: push, provides=PushSender, override=True)
    return provider


# --- the world ----------------------------------------------------------------------------------------------


class World:
    """Calls use cases the way the HTTP layer does: one request scope (one transaction) per call."""

    def __init__(
        self, container: AsyncContainer, fakes: Fakes, jobs: JobLog, push: RecordingPushSender, media_root: Path
    ) -> None:
        self.container = container
        self.fakes = fakes
        self.jobs = jobs
        self.push = push
        self.media_root = media_root
        self.created = 0

    @property
    def now(self) -> datetime:
        return self.fakes.clock.now()

    def advance(self, delta: timedelta) -> None:
        self.fakes.clock.advance(delta)

    async def run(self, kind: type[Any], **arguments: Any) -> Any:
        async with self.container() as scope:
            use_case: Callable[..., Awaitable[Any]] = await scope.get(kind)
            return await use_case(**arguments)

    async def get(self, kind: type[T]) -> T:
        """An APP-scoped dependency (store, storage, cache, limiter, revocations, token service...)."""
        return await self.container.get(kind)

    async def _within(self, change: Callable[[AsyncContainer], Awaitable[T]]) -> T:
        """Runs ``change`` in a scope of its own and commits it."""
        async with self.container() as scope:
            result = await change(scope)
            await (await scope.get(UnitOfWork)).commit()
        return result

    # --- members ------------------------------------------------------------------------------------------

    async def member(
        self,
        n: int,
        *,
        name: str | None = None,
        gender: Gender | None = Gender.FEMALE,
        status: MemberStatus = MemberStatus.ACTIVE,
        role: Role = Role.MEMBER,
    ) -> Member:
        """A member stored directly (no sign-in): active unless told, with a profile and one picture."""
        member = MemberFactory.build(
            phone=PhoneNumber.parse(f"+9198765{n:05d}"),
            status=status,
            role=role,
            profile=ProfileFactory.build(
                name=name or f"Guest {n}", gender=gender, picture_keys=(f"profiles/{n}/a.png",)
            ),
            joined_at=self.now,
            updated_at=self.now,
        )
        if status is MemberStatus.WAITLISTED:
            member.waitlisted_at, member.promote_at = self.now, self.now + timedelta(hours=4)

        async def add(scope: AsyncContainer) -> Member:
            return await (await scope.get(MemberRepository)).add(member)

        return await self._within(add)

    async def stored_member(self, member_id: int) -> Member:
        async with self.container() as scope:
            found = await (await scope.get(MemberRepository)).get(member_id)
        assert found is not None, f"member {member_id} is not stored"
        return found

    async def change_member(self, member_id: int, change: Callable[[Member], None]) -> None:
        async def save(scope: AsyncContainer) -> None:
            repo = await scope.get(MemberRepository)
            member = await repo.get_for_update(member_id)
            assert member is not None
            change(member)
            await repo.save(member)

        await self._within(save)

    async def change_challenge(self, number: str, code: str) -> None:
        """Replaces the phone's live code with ``code`` (as if the server had drawn it)."""
        config, digest = await self.get(IdentityConfig), await self.get(KeyedDigest)
        challenge = OtpChallenge.issue(
            PhoneNumber.parse(number), code, now=self.now, policy=config.otp, digest=digest
        )

        async def put(scope: AsyncContainer) -> None:
            await (await scope.get(OtpChallengeRepository)).put(challenge)

        await self._within(put)

    async def members_with_phone(self, number: str) -> list[Member]:
        e164 = PhoneNumber.parse(number).e164
        return [m for m in (await self.store()).tables[MEMBERS].values() if m.phone.e164 == e164]

    # --- onboarding through the use cases -----------------------------------------------------------------

    async def request_code(self, number: str = PHONE, address: str = ADDRESS) -> str:
        sent: OtpSent = await self.run(RequestOtp, phone_number=number, client_address=address)
        return self.fakes.sms.last_code_for(sent.phone_number)

    async def verify(
        self, number: str, code: str, *, create_account: bool = True, address: str = ADDRESS
    ) -> SessionStarted:
        result: SessionStarted = await self.run(
            VerifyOtp, phone_number=number, otp_code=code, create_account=create_account, client_address=address
        )
        return result

    async def sign_in(self, number: str = PHONE, address: str = ADDRESS) -> SessionStarted:
        return await self.verify(number, await self.request_code(number, address), address=address)

    async def complete(self, member_id: int, number: str | None = PHONE, **changes: Any) -> ProfileCompleted:
        data: dict[str, Any] = {
            "member_id": member_id,
            "phone_number": number,
            "name": NAME,
            "birth_date": "2000-01-05",
            "gender": "female",
            "interest_ids": [1, 4, 7],
            "pictures": [UploadedFile("me.png", png_bytes())],
        }
        data.update(changes)
        result: ProfileCompleted = await self.run(CompleteProfile, **data)
        return result

    async def onboard(self, number: str = PHONE, address: str = ADDRESS) -> int:
        """Sign in and complete the profile: returns the id of a now waitlisted member."""
        session = await self.sign_in(number, address)
        await self.complete(session.member_id, number)
        return session.member_id

    # --- events -------------------------------------------------------------------------------------------

    async def event(self, host: Member, **details: Any) -> Event:
        """An event stored directly: published, in three days, three hours long, unless told."""
        starts_in = details.pop("starts_in", timedelta(days=3))
        event = EventFactory.starting(host.id, self.now, starts_in=starts_in, **details)

        async def add(scope: AsyncContainer) -> Event:
            return await (await scope.get(EventRepository)).add(event)

        return await self._within(add)

    async def create(self, host: Member, **fields: Any) -> EventView:
        """An event made by ``CreateEvent`` as the app sends it; each starts a second after the last unless told,
        so none is taken for a retried create."""
        self.created += 1
        fields.setdefault("start_time", start_in(self.fakes, second=self.created))
        view: EventView = await self.run(CreateEvent, **event_input(self.fakes, host.id, **fields))
        return view

    async def stored_event(self, event_id: int) -> Event:
        async with self.container() as scope:
            found = await (await scope.get(EventRepository)).get(event_id)
        assert found is not None
        return found

    async def reload(self, event: Event) -> Event:
        return await self.stored_event(event.id)

    async def change_event(self, event: Event | int, **changes: Any) -> Event:
        """Writes straight to the repository (what another context would do), without telling the cache."""
        event_id = event if isinstance(event, int) else event.id

        async def save(scope: AsyncContainer) -> Event:
            repo = await scope.get(EventRepository)
            stored = await repo.get_for_update(event_id)
            assert stored is not None
            for key, value in changes.items():
                setattr(stored, key, value)
            await repo.save(stored)
            return stored

        return await self._within(save)

    # --- guests and paid events ----------------------------------------------------------------------------

    async def accept(self, host: Member, guest: Member, event: Event, *, seats: int = 1) -> None:
        """``guest`` asks for ``seats`` seats and ``host`` accepts: free to confirm, or to pay."""
        request = await self.run(CreateJoinRequest, member_id=guest.id, event_id=event.id, seats_requested=seats)
        await self.run(
            AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=request.id, host_message=None
        )

    async def accepted_guest(self, host: Member, event: Event, n: int, *, seats: int = 1) -> Member:
        """Member ``n``, whose request for ``seats`` seats ``host`` accepted."""
        guest = await self.member(n)
        await self.accept(host, guest, event, seats=seats)
        return guest

    async def order(self, guest: Member, event: Event, *, seats: int = 1) -> PaymentOrder:
        """``guest``'s order for a paid event at its current price (``CreatePaymentOrder``), as stored."""
        created = await self.run(
            CreatePaymentOrder,
            member_id=guest.id,
            event_id=event.id,
            amount=event.ticket_price,
            seats=seats,
            base_url="https://app.loopinsocial.in",
        )
        return await self.stored_order(created.order.order_id)

    async def stored_order(self, reference: str) -> PaymentOrder:
        async with self.container() as scope:
            found = await (await scope.get(PaymentOrderRepository)).get(reference)
        assert found is not None, f"order {reference} is not stored"
        return found

    # --- what was left behind -----------------------------------------------------------------------------

    async def audit(self, target_type: str, target_id: int) -> list[AuditEntry]:
        async with self.container() as scope:
            return await (await scope.get(AuditLog)).entries_for(target_type, target_id)

    async def actions(self, target_type: str, target_id: int) -> list[str]:
        return [e.action for e in await self.audit(target_type, target_id)]

    async def notifications(self, member: Member) -> list[Notification]:
        async with self.container() as scope:
            return await (await scope.get(NotificationRepository)).for_member(member.id, 100)

    async def templates(self, member: Member) -> list[str]:
        return [n.template for n in reversed(await self.notifications(member))]

    def analytics(self, name: str | None = None) -> list[CapturedEvent]:
        return [e for e in self.fakes.analytics.events if name is None or e.event == name]

    async def store(self) -> MemoryStore:
        return await self.get(MemoryStore)

    async def challenge(self, number: str = PHONE) -> OtpChallenge | None:
        found: OtpChallenge | None = (await self.store()).tables[OTPS].get(PhoneNumber.parse(number).e164)
        return found

    async def device(self, player_id: str) -> Device | None:
        found: Device | None = (await self.store()).tables[DEVICES].get(player_id)
        return found

    async def storage(self) -> FileStorage:
        return await self.get(FileStorage)

    async def stored_files(self) -> dict[str, bytes]:
        """Every file in the media root, by key."""
        storage = await self.storage()
        assert isinstance(storage, LocalDiskStorage)
        root = storage.root
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    def files(self) -> list[Path]:
        root = self.media_root
        return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []

    async def limiter(self) -> MemoryRateLimiter:
        limiter = await self.get(RateLimiter)
        assert isinstance(limiter, MemoryRateLimiter)
        return limiter

    async def token_claims(self, token: str) -> dict[str, Any]:
        """The token's claims, signature and issuer checked; its times are read against the fake clock by the
        caller (PyJWT would compare them with the wall clock)."""
        settings: Settings = await self.container.get(Settings)
        claims: dict[str, Any] = jwt.decode(
            token,
            settings.session_secret,
            algorithms=[settings.jwt_algorithm],
            issuer="loopin",
            options={"verify_exp": False, "verify_iat": False},
        )
        return claims
