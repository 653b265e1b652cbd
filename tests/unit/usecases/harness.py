"""The in-memory application the use-case tests drive: the real dishka container in memory mode, with the
fake clock, SMS outbox and analytics recorder of ``tests.support``, and a dispatcher that runs committed jobs
inline while remembering what had been committed when each job left."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import jwt
from dishka import AsyncContainer, Provider, Scope

from loopin.adapters.jobs.dispatch import InProcessJobDispatcher, JobDispatcher
from loopin.adapters.memory.identity import MEMBERS, OTPS
from loopin.adapters.memory.notifications import DEVICES
from loopin.adapters.memory.platform import CapturedEvent, MemoryRateLimiter
from loopin.adapters.memory.store import MemoryStore, MemoryTransaction
from loopin.adapters.storage.local_disk import LocalDiskStorage
from loopin.domain.identity.member import Member
from loopin.domain.identity.otp import OtpChallenge
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.notifications.device import Device
from loopin.domain.shared.errors import Unavailable
from loopin.entrypoints.settings import Settings
from loopin.entrypoints.worker.registry import run_job
from loopin.usecases.identity.complete_profile import CompleteProfile, ProfileCompleted
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.identity.request_otp import OtpSent, RequestOtp
from loopin.usecases.identity.verify_otp import SessionStarted, VerifyOtp
from loopin.usecases.platform.files import UploadedFile
from loopin.usecases.platform.ports import FileStorage, RateLimiter
from loopin.usecases.shared.ports import Job, UnitOfWork
from tests.support import Fakes, png_bytes

START = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)  # whole seconds: rate-limit arithmetic stays exact
PHONE = "+919812345678"
ADDRESS = "203.0.113.10"
NAME = "Asha Rao"


def phone(n: int) -> str:
    """Distinct valid Indian mobile numbers."""
    return f"+9198123{n:05d}"


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


class ObservingDispatcher:
    """Runs committed jobs in-process right away (as ``tests.support`` does) and keeps a record of them."""

    def __init__(self, container: AsyncContainer, store: MemoryStore, log: JobLog) -> None:
        self._store = store
        self._log = log
        self._container = container
        self._inline = InProcessJobDispatcher(self._run, background=False, retry_delay=0)

    async def dispatch(self, jobs: Sequence[Job]) -> None:
        for job in jobs:
            snapshot = {t: copy.deepcopy(dict(self._store.tables[t])) for t in (MEMBERS, OTPS)}
            self._log.dispatched.append(Dispatched(job, snapshot))
        await self._inline.dispatch(jobs)

    async def _run(self, job: Job) -> object:
        try:
            return await run_job(self._container, job)
        except Exception as exc:
            self._log.failures.append((job.name, exc))
            raise


class FailingDispatcher:
    """Refuses jobs while ``failing`` is set, the way the SAQ dispatcher does when Redis is down."""

    def __init__(self, inner: JobDispatcher) -> None:
        self._inner = inner
        self.failing = False

    async def dispatch(self, jobs: Sequence[Job]) -> None:
        if self.failing and jobs:
            raise Unavailable("Could not queue background work. Please try again.")
        await self._inner.dispatch(jobs)


def observing_provider(log: JobLog, wrap: Callable[[JobDispatcher], JobDispatcher] | None = None) -> Provider:
    provider = Provider(scope=Scope.APP)

    def dispatcher(container: AsyncContainer, store: MemoryStore) -> JobDispatcher:
        observing = ObservingDispatcher(container, store, log)
        return wrap(observing) if wrap else observing

    provider.provide(dispatcher, provides=JobDispatcher, override=True)
    return provider


class App:
    """Calls use cases the way the HTTP layer does: one request scope (one transaction) per call."""

    def __init__(self, container: AsyncContainer, fakes: Fakes, jobs: JobLog) -> None:
        self.container = container
        self.fakes = fakes
        self.jobs = jobs

    async def call(self, use_case: type[Any], **arguments: Any) -> Any:
        async with self.container() as scope:
            handler: Callable[..., Awaitable[Any]] = await scope.get(use_case)
            return await handler(**arguments)

    async def get(self, dependency: type[Any]) -> Any:
        """An APP-scoped dependency (store, storage, limiter, revocations, token service...)."""
        return await self.container.get(dependency)

    # --- the onboarding steps --------------------------------------------------------------------------

    async def request_code(self, number: str = PHONE, address: str = ADDRESS) -> str:
        sent: OtpSent = await self.call(RequestOtp, phone_number=number, client_address=address)
        return self.fakes.sms.last_code_for(sent.phone_number)

    async def verify(self, number: str, code: str, *, create_account: bool = True) -> SessionStarted:
        result: SessionStarted = await self.call(
            VerifyOtp, phone_number=number, otp_code=code, create_account=create_account
        )
        return result

    async def sign_in(self, number: str = PHONE, address: str = ADDRESS) -> SessionStarted:
        return await self.verify(number, await self.request_code(number, address))

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
        result: ProfileCompleted = await self.call(CompleteProfile, **data)
        return result

    async def onboard(self, number: str = PHONE, address: str = ADDRESS) -> int:
        """Sign in and complete the profile: returns the id of a now waitlisted member."""
        session = await self.sign_in(number, address)
        await self.complete(session.member_id, number)
        return session.member_id

    # --- reading and changing committed state ----------------------------------------------------------

    async def store(self) -> MemoryStore:
        store: MemoryStore = await self.container.get(MemoryStore)
        return store

    async def member(self, member_id: int) -> Member:
        async with self.container() as scope:
            found = await (await scope.get(MemberRepository)).get(member_id)
        assert found is not None, f"member {member_id} is not stored"
        return found

    async def members_with_phone(self, number: str) -> list[Member]:
        e164 = PhoneNumber.parse(number).e164
        return [m for m in (await self.store()).tables[MEMBERS].values() if m.phone.e164 == e164]

    async def challenge(self, number: str = PHONE) -> OtpChallenge | None:
        found: OtpChallenge | None = (await self.store()).tables[OTPS].get(PhoneNumber.parse(number).e164)
        return found

    async def change_member(self, member_id: int, change: Callable[[Member], None]) -> None:
        async with self.container() as scope:
            repo = await scope.get(MemberRepository)
            member = await repo.get_for_update(member_id)
            assert member is not None
            change(member)
            await repo.save(member)
            await (await scope.get(UnitOfWork)).commit()

    async def device(self, player_id: str) -> Device | None:
        found: Device | None = (await self.store()).tables[DEVICES].get(player_id)
        return found

    async def storage(self) -> FileStorage:
        storage: FileStorage = await self.container.get(FileStorage)
        return storage

    async def stored_files(self) -> dict[str, bytes]:
        """Every file in the media root, by key."""
        storage = await self.storage()
        assert isinstance(storage, LocalDiskStorage)
        root = storage.root
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    async def limiter(self) -> MemoryRateLimiter:
        limiter = await self.container.get(RateLimiter)
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

    def events(self, name: str | None = None) -> list[CapturedEvent]:
        return [e for e in self.fakes.analytics.events if name is None or e.event == name]


# --- interleavings ----------------------------------------------------------------------------------------
#
# The in-memory adapters never suspend between a read and the commit, so on their own they run concurrent
# requests one after the other. A real database has a network round trip after every statement; these
# helpers put a suspension point at such a spot so a test can make requests interleave there.


class Gate:
    """Once armed, the first caller that passes sets ``reached`` and, if ``hold``, waits until ``open()``."""

    def __init__(self, *, hold: bool = True) -> None:
        self.reached = asyncio.Event()
        self._open = asyncio.Event()
        self._hold = hold
        self._armed = False

    def arm(self) -> None:
        self._armed = True

    async def pass_through(self) -> None:
        if not self._armed:
            return
        self._armed = False
        self.reached.set()
        if self._hold:
            await self._open.wait()

    def open(self) -> None:
        self._open.set()


class Failure:
    """Once armed, the first caller that passes gets ``error`` raised at it."""

    def __init__(self, error: BaseException) -> None:
        self.error = error
        self._armed = False

    def arm(self) -> None:
        self._armed = True

    async def pass_through(self) -> None:
        if self._armed:
            self._armed = False
            raise self.error


class YieldPoint:
    """Lets every other ready request run before continuing (``sleep(0)`` is a yield, not a wait)."""

    async def pass_through(self) -> None:
        await asyncio.sleep(0)


class Pausable(Protocol):
    async def pass_through(self) -> None: ...


class Paused:
    """Delegates to a real adapter, passing a point just before or just after calls of the named methods."""

    def __init__(self, inner: object, before: Mapping[str, Pausable], after: Mapping[str, Pausable]) -> None:
        self._inner = inner
        self._before = before
        self._after = after

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        before, after = self._before.get(name), self._after.get(name)
        if before is None and after is None:
            return attr

        async def paused(*args: Any, **kwargs: Any) -> Any:
            if before is not None:
                await before.pass_through()
            result = await attr(*args, **kwargs)
            if after is not None:
                await after.pass_through()
            return result

        return paused


def pause_provider(
    port: type[Any],
    adapter: Callable[[MemoryTransaction], object],
    *,
    before: Mapping[str, Pausable] | None = None,
    after: Mapping[str, Pausable] | None = None,
) -> Provider:
    """Replaces ``port`` with its in-memory adapter wrapped in ``Paused``."""
    provider = Provider(scope=Scope.REQUEST)

    def make(tx: MemoryTransaction) -> Any:
        return Paused(adapter(tx), before or {}, after or {})

    provider.provide(make, provides=port, override=True)
    return provider


async def within(awaitable: Awaitable[Any], seconds: float = 5) -> Any:
    """A safety net: an interleaving test that stops interleaving fails instead of hanging."""
    async with asyncio.timeout(seconds):
        return await awaitable
