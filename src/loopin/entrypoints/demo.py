"""The development server's demo: a host whose paid event ended days ago, its money settled and ready to pay
out, so a newcomer can walk payouts (request, approve, transfer details, mark paid) at once.

Everything is made through the real use cases, as the app and the sandbox checkout make it (sign-up with the
SMS code, profile, event, join requests, orders paid through the sandbox gateway's settlement, check-ins), with
the server's clock moved back for the while: the use cases read time from the ``Clock`` port only, so the event
is created before its start as every event is, and has simply ended, and settled, by today. Nothing here writes
a row itself. Seeded only where ``Settings.seeds_demo`` says (the embedded development server).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import structlog
from dishka import AsyncContainer

from loopin.adapters.jobs.dispatch import InProcessJobDispatcher
from loopin.adapters.jobs.relay import OutboxRelay
from loopin.adapters.memory.identity import SmsOutbox
from loopin.adapters.payments.sandbox import SandboxGateway
from loopin.adapters.sms.console import ConsoleSmsSender
from loopin.domain.events.place import PlaceInput
from loopin.usecases.attendance.checkin import CheckIn
from loopin.usecases.attendance.host_requests import AcceptJoinRequest
from loopin.usecases.attendance.requests import CreateJoinRequest
from loopin.usecases.events.create import CreateEvent, EventForm
from loopin.usecases.identity.complete_profile import CompleteProfile
from loopin.usecases.identity.ports import SmsSender
from loopin.usecases.identity.request_otp import RequestOtp
from loopin.usecases.identity.verify_otp import VerifyOtp
from loopin.usecases.payments.notices import HandlePaymentNotice
from loopin.usecases.payments.orders import CreatePaymentOrder
from loopin.usecases.payouts.balances import GetPayoutSummary
from loopin.usecases.payouts.config import PayoutsConfig
from loopin.usecases.platform.files import UploadedFile
from loopin.usecases.shared.ports import Clock

log = structlog.get_logger("loopin.demo")

DEMO_HOST_PHONE = "+919000000002"
DEMO_HOST_NAME = "Demo Host"
PICTURE = Path(__file__).parent / "http" / "docs_assets" / "swagger-ui-5.36.0" / "favicon-32x32.png"
SEED_ADDRESS = "192.0.2.2"  # a documentation address: the seed's sign-ups count against no real client's limits
BASE_URL = "http://127.0.0.1"  # only the sandbox checkout's callback paths are read from it


@dataclass(frozen=True, slots=True)
class DemoGuest:
    phone: str
    name: str
    gender: str
    seats: int
    checked_in: bool


@dataclass(frozen=True, slots=True)
class DemoPlan:
    """What is seeded; ``host_share`` is what the host is owed for it (the fee is the buyers', on top)."""

    title: str = "Demo Rooftop Jam"
    price: Decimal = Decimal("499.00")
    capacity: int = 20
    starts_after: timedelta = timedelta(hours=2)  # after the moment it is created, on the moved clock
    duration_hours: int = 3
    guests: tuple[DemoGuest, ...] = (
        DemoGuest("+919000000011", "Demo Guest Meera", "female", 2, checked_in=True),
        DemoGuest("+919000000012", "Demo Guest Ravi", "male", 1, checked_in=True),
        DemoGuest("+919000000013", "Demo Guest Kabir", "male", 1, checked_in=False),
    )

    @property
    def host_share(self) -> Decimal:
        return self.price * sum(g.seats for g in self.guests)

    def days_back(self, settlement_delay: timedelta) -> int:
        """Whole days back, so the event has ended and settled a day before now."""
        ended = self.starts_after + timedelta(hours=self.duration_hours)
        return math.ceil((ended + settlement_delay + timedelta(days=1)) / timedelta(days=1))


PLAN = DemoPlan()


@dataclass(frozen=True, slots=True)
class DemoSeeded:
    host_id: int
    available: Decimal


@runtime_checkable
class MovableClock(Protocol):
    """``ShiftedClock`` (the development server) and ``ManualClock`` (tests) both move this way."""

    def now(self) -> datetime: ...

    def advance(self, delta: timedelta) -> None: ...


class DemoSeed:
    def __init__(self, container: AsyncContainer, plan: DemoPlan = PLAN) -> None:
        self._container = container
        self._plan = plan

    async def __call__(self) -> DemoSeeded | None:
        """Seeds the demo; None when the demo host is there already (the seed ran on this store before)."""
        clock = await self._container.get(Clock)
        sms = await self._container.get(SmsSender)
        if not isinstance(clock, MovableClock) or not isinstance(sms, SmsOutbox):
            raise TypeError("the demo is seeded only with a movable clock and an SMS sender that keeps its codes")
        settlement = (await self._container.get(PayoutsConfig)).settlement_delay
        back = timedelta(days=self._plan.days_back(settlement))
        clock.advance(-back)
        try:
            with _quiet(sms):
                host_id = await self._in_the_past(sms)
                await self._settle()  # every job of the seed runs on the moved clock, as it would have then
        finally:
            clock.advance(back)
        if host_id is None:
            return None
        summary = await self._run(GetPayoutSummary, member_id=host_id)
        return DemoSeeded(host_id, summary.balance.available)

    async def _in_the_past(self, sms: SmsOutbox) -> int | None:
        """The demo host's id; None when the host had an account already."""
        plan = self._plan
        host_id = await self._member(sms, DEMO_HOST_PHONE, DEMO_HOST_NAME, "female")
        if host_id is None:
            return None
        clock = await self._container.get(Clock)
        start = (clock.now() + plan.starts_after).astimezone(UTC).replace(microsecond=0)
        form = EventForm(
            title=plan.title,
            description="Seeded by the development server: an event that has ended and whose money has settled.",
            start_time=start.isoformat(),
            duration_hours=str(plan.duration_hours),
            place=PlaceInput(venue_name="Demo Rooftop", city="Mumbai"),
            max_capacity=str(plan.capacity),
            is_paid="true",
            ticket_price=str(plan.price),
            event_interest_ids="[1]",
        )
        event = await self._run(CreateEvent, member_id=host_id, form=form)
        sandbox = await self._container.get(SandboxGateway)
        for guest in plan.guests:
            guest_id = await self._member(sms, guest.phone, guest.name, guest.gender)
            if guest_id is None:
                continue
            asked = await self._run(
                CreateJoinRequest, member_id=guest_id, event_id=event.id, seats_requested=guest.seats
            )
            await self._run(
                AcceptJoinRequest, member_id=host_id, event_id=event.id, request_id=asked.id, host_message=None
            )
            order = await self._run(
                CreatePaymentOrder,
                member_id=guest_id,
                event_id=event.id,
                amount=plan.price,
                seats=guest.seats,
                base_url=BASE_URL,
            )
            paid = await sandbox.complete(order.checkout.fields, pay=True)  # the guest presses "Pay"
            await self._run(HandlePaymentNotice, source="surl", fields=paid.fields)
            if guest.checked_in:  # the door opens hours before the start
                await self._run(CheckIn, member_id=host_id, event_id=event.id, user_id=guest_id)
        return host_id

    async def _member(self, sms: SmsOutbox, phone: str, name: str, gender: str) -> int | None:
        """Signs up as the app does (the code from the SMS) and completes the profile; None when the number
        had an account already."""
        await self._run(RequestOtp, phone_number=phone, client_address=SEED_ADDRESS)
        await self._settle()  # the code goes out in a job
        session = await self._run(
            VerifyOtp, phone_number=phone, otp_code=sms.last_code_for(phone), client_address=SEED_ADDRESS
        )
        if not session.created:
            return None
        member_id: int = session.member_id
        await self._run(
            CompleteProfile,
            member_id=session.member_id,
            phone_number=phone,
            name=name,
            birth_date="1995-05-17",
            gender=gender,
            interest_ids=[1, 4],
            pictures=[UploadedFile(PICTURE.name, PICTURE.read_bytes())],
            location="Mumbai",
        )
        return member_id

    async def _run(self, use_case: type[Any], **kwargs: Any) -> Any:
        """One use case in one request scope, as a route calls it."""
        async with self._container() as scope:
            return await (await scope.get(use_case))(**kwargs)

    async def _settle(self) -> None:
        await (await self._container.get(InProcessJobDispatcher)).settle()
        await (await self._container.get(OutboxRelay)).settle()


@contextlib.contextmanager
def _quiet(sms: SmsOutbox) -> Iterator[None]:
    """The seed's own sign-in codes are not printed: a newcomer reads only the codes they asked for."""
    if isinstance(sms, ConsoleSmsSender):
        with sms.silenced():
            yield
    else:
        yield
