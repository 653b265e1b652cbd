"""The payments use cases on the in-memory adapters, with a gateway whose answers each test scripts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from dishka import Provider, Scope

from loopin.adapters.memory.notifications import RecordingPushSender
from loopin.adapters.payments.sandbox import MemorySandboxRecords, SandboxGateway
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Member
from loopin.domain.payments.order import PaymentOrder
from loopin.entrypoints.di import make_container
from loopin.entrypoints.settings import load_settings
from loopin.usecases.attendance.requests import AcceptJoinRequest, CreateJoinRequest
from loopin.usecases.payments.orders import CreatePaymentOrder
from loopin.usecases.payments.ports import (
    GatewayUnavailable,
    Outcome,
    PaymentGateway,
    PaymentOrderRepository,
    PaymentVerdict,
    RefundOutcome,
    RefundReceipt,
)
from tests.support import Fakes, fakes_provider
from tests.unit.usecases.attendance.conftest import START, World, push_provider


@dataclass
class ScriptedGateway(SandboxGateway):
    """The sandbox's forms and signatures, with verify and refunds answered as the test says."""

    verdicts: dict[str, PaymentVerdict] = field(default_factory=dict)
    down: bool = False
    refund_answers: list[RefundReceipt] = field(default_factory=list)
    refund_calls: list[tuple[str, str, Decimal]] = field(default_factory=list)
    status_calls: list[str] = field(default_factory=list)
    refunds_made: dict[str, RefundReceipt] = field(default_factory=dict)
    lose_next_answer: bool = False  # the next refund reaches the gateway, but its answer never comes back

    def __post_init__(self) -> None:
        SandboxGateway.__init__(self, "s" * 32, MemorySandboxRecords())

    async def verify(self, txnid: str) -> PaymentVerdict:
        if self.down:
            raise GatewayUnavailable()
        return self.verdicts.get(txnid, PaymentVerdict(txnid, Outcome.NOT_FOUND))

    def says(self, order: Any, outcome: Outcome, amount: Decimal | None = None) -> None:
        self.verdicts[order.order_id] = PaymentVerdict(
            order.order_id, outcome, order.amount if amount is None else amount, f"9{order.id:08d}", "721522"
        )

    async def refund(self, gateway_payment_id: str, token: str, amount: Decimal) -> RefundReceipt:
        self.refund_calls.append((gateway_payment_id, token, amount))
        if self.down:
            raise GatewayUnavailable()
        if token in self.refunds_made:
            return RefundReceipt(RefundOutcome.DUPLICATE)
        default = RefundReceipt(RefundOutcome.SUCCEEDED, "R1")
        answer = self.refund_answers.pop(0) if self.refund_answers else default
        self.refunds_made[token] = answer
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise GatewayUnavailable()
        return answer

    async def refund_status(self, gateway_payment_id: str, token: str) -> RefundReceipt:
        self.status_calls.append(token)
        if self.down:
            raise GatewayUnavailable()
        return self.refunds_made.get(token, RefundReceipt(RefundOutcome.NOT_FOUND))


@dataclass
class PayWorld(World):
    gateway: ScriptedGateway = field(default_factory=ScriptedGateway)

    async def buyer_of(self, host: Member, event: Event, n: int, seats: int = 1) -> Member:
        guest = await self.member(n)
        request = await self.run(CreateJoinRequest, member_id=guest.id, event_id=event.id, seats_requested=seats)
        await self.run(
            AcceptJoinRequest, member_id=host.id, event_id=event.id, request_id=request.id, host_message=None
        )
        return guest

    async def order(self, guest: Member, event: Event, seats: int = 1) -> PaymentOrder:
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
        assert found is not None
        return found


@pytest.fixture
async def pay(fakes: Fakes, tmp_path: Path) -> AsyncIterator[PayWorld]:
    fakes.clock.advance(START - fakes.clock.now())
    push = RecordingPushSender()
    gateway = ScriptedGateway()
    override = Provider(scope=Scope.APP)
    override.provide(lambda: gateway, provides=PaymentGateway, override=True)
    settings = load_settings({}, environment="test", media_root=str(tmp_path / "media"))
    container = make_container(settings, fakes_provider(fakes), push_provider(push), override)
    yield PayWorld(container, fakes, push, gateway)
    await container.close()
