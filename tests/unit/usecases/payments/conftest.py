"""The payments use cases on the one ``World``, with a gateway whose answers each test scripts (``gateway``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from dishka import Provider, Scope

from loopin.adapters.payments.sandbox import MemorySandboxRecords, SandboxGateway
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Member
from loopin.domain.payments.order import PaymentOrder
from loopin.usecases.payments.ports import (
    GatewayUnavailable,
    Outcome,
    PaymentGateway,
    PaymentVerdict,
    RefundOutcome,
    RefundReceipt,
)
from loopin.usecases.payments.settlement import OrderSettlement, Settled
from loopin.usecases.shared.ports import UnitOfWork
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.world import World


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


async def settle(world: World, gateway: ScriptedGateway, reference: str) -> Settled:
    """What a verified callback does: the order settled on the gateway's own record, in one transaction."""
    async with world.container() as scope:
        verdict = await gateway.verify(reference)
        settled = await (await scope.get(OrderSettlement)).apply(reference, verdict, world.now)
        await (await scope.get(UnitOfWork)).commit()
    return settled


async def paid_order(
    world: World, gateway: ScriptedGateway, guest: Member, event: Event, *, seats: int = 1
) -> PaymentOrder:
    """``guest`` ordered and paid: the order is ``paid`` and they hold a paid ticket."""
    order = await world.order(guest, event, seats=seats)
    gateway.says(order, Outcome.SUCCESS)
    await settle(world, gateway, order.order_id)
    return await world.stored_order(order.order_id)


def scripted(gateway: ScriptedGateway) -> Provider:
    provider = Provider(scope=Scope.APP)
    provider.provide(lambda: gateway, provides=PaymentGateway, override=True)
    return provider


@pytest.fixture
def gateway() -> ScriptedGateway:
    return ScriptedGateway()


@pytest.fixture
async def world(make_world: MakeWorld, gateway: ScriptedGateway) -> World:
    """The one World (jobs run inline), paying through ``gateway``."""
    return await make_world(scripted(gateway))
