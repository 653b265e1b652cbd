"""Scheduled reconciliation: orders whose callback and webhook may have been lost are settled on the
gateway's record (``verify``), so no paid order stays "created" and no late capture is left unrefunded.

Asks about orders still open a couple of minutes after creation and, for a while, about expired orders with
no capture recorded; each at most every few minutes, least recently checked first, one transaction each.
"""

from __future__ import annotations

from loopin.usecases.payments.config import PaymentsConfig
from loopin.usecases.payments.ports import GatewayUnavailable, PaymentGateway, PaymentOrderRepository
from loopin.usecases.payments.settlement import OrderSettlement
from loopin.usecases.shared.ports import Clock
from loopin.usecases.shared.use_case import UseCase


class ReconcileOrders(UseCase):
    orders: PaymentOrderRepository
    gateway: PaymentGateway
    settlement: OrderSettlement
    clock: Clock
    config: PaymentsConfig

    async def __call__(self) -> int:
        now = self.clock.now()
        due = await self.orders.due_for_check(
            opened_before=now - self.config.check_after,
            released_after=now - self.config.check_released_for,
            checked_before=now - self.config.check_every,
            limit=self.config.sweep_batch,
        )
        await self.uow.commit()
        changed = 0
        for reference in due:
            try:
                verdict = await self.gateway.verify(reference)
            except GatewayUnavailable:
                break  # the next run tries again
            settled = await self.settlement.apply(reference, verdict, self.clock.now())
            await self.uow.commit()
            changed += settled.changed
        return changed
