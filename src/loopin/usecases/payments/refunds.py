"""Refunds: opened by a decision (a guest cancels, an event is cancelled, a capture could not be fulfilled),
paid back by one job per refund that asks the gateway once per token.

The job works in two transactions around the gateway call (no database lock is held while PayU thinks):
it counts the attempt, calls (or, when an earlier attempt may have gone through, looks the refund up by its
token first — PayU refuses a reused token), then records the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from loopin.domain.attendance.ticket import Ticket
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Access
from loopin.domain.payments import ledger
from loopin.domain.payments.errors import OrderNotFound, RefundNotAllowed
from loopin.domain.payments.order import PaymentOrder
from loopin.domain.payments.refund import Refund, RefundReason, full_refund_key
from loopin.domain.shared.money import ZERO
from loopin.usecases.attendance.ports import PaidTicketRefunds
from loopin.usecases.events.ports import CancellationRefunds, EventRepository
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.payments import jobs
from loopin.usecases.payments.config import PaymentsConfig
from loopin.usecases.payments.ports import (
    Ledger,
    PaymentGateway,
    PaymentOrderRepository,
    RefundOutcome,
    RefundReceipt,
    RefundRepository,
)
from loopin.usecases.shared.ports import Clock, UnitOfWork
from loopin.usecases.shared.use_case import UseCase


@dataclass(frozen=True, slots=True)
class Refunding:
    """Opens a refund once per order (unique key ``<order_id>:full``), writes what the host and the platform
    owe back, and leaves the gateway call to the refund's job (after the commit)."""

    orders: PaymentOrderRepository
    refunds: RefundRepository
    events: EventRepository
    ledger: Ledger
    uow: UnitOfWork

    async def open(
        self,
        order: PaymentOrder,
        amount: Decimal,
        reason: RefundReason,
        now: datetime,
        event_title: str | None = None,
        *,
        key: str | None = None,
        actor_id: int | None = None,
    ) -> Refund | None:
        """Call on a locked order. None when there is nothing to refund. ``event_title`` names the event in the
        member's notice (read when not given); ``key`` defaults to the order's one full refund; ``actor_id`` is
        who decided it (None: the system or the guest's own cancellation)."""
        if amount <= ZERO or order.refundable_amount <= ZERO:
            return None
        if event_title is None:
            event = await self.events.get(order.event_id)
            event_title = event.title if event else ""
        opened = Refund.open(order, amount, reason, key or full_refund_key(order), now)
        refund, created = await self.refunds.add(opened)
        if not created:
            return refund
        order.add_refund(refund.amount, now)
        await self.orders.save(order)
        owed = ledger.refund_owed(order, refund, now)
        if owed is not None:
            await self.ledger.record(owed)
        self.uow.enqueue(jobs.process_refund(refund))
        self.uow.enqueue(jobs.audited_order("refund_opened", order, actor_id, now, reason=reason.value))
        self.uow.enqueue(jobs.refund_opened(order, refund, event_title))
        return refund


@dataclass(frozen=True, slots=True)
class GuestRefunds(PaidTicketRefunds):
    """What a guest cancelling a paid ticket gets back (the refund policy), inside the cancellation's
    transaction: attendance's ``CancelAttendance`` asks through its port."""

    orders: PaymentOrderRepository
    refunding: Refunding
    config: PaymentsConfig

    async def for_cancellation(self, *, ticket: Ticket, event: Event, now: datetime) -> Decimal:
        if ticket.payment_order_id is None:
            return ZERO
        order = await self.orders.lock(ticket.payment_order_id)
        if order is None:
            return ZERO
        amount = self.config.refunds.for_guest_cancellation(order, event.start_time, now)
        refund = await self.refunding.open(order, amount, RefundReason.GUEST_CANCELLED, now, event.title)
        return refund.amount if refund is not None else ZERO


@dataclass(frozen=True, slots=True)
class RefundOnEventCancellation(CancellationRefunds):
    """Events' ``UpdateEvent`` cancels through its port; the refunds follow as one job (``RefundEventOrders``),
    which leaves one job per order holding money."""

    uow: UnitOfWork

    async def event_cancelled(self, *, event_id: int, actor_id: int) -> None:
        self.uow.enqueue(jobs.refund_event(event_id, actor_id))


class RefundEventOrders(UseCase):
    """Job, after an event is cancelled: one refund job per order holding money (each exactly once)."""

    orders: PaymentOrderRepository

    async def __call__(self, *, event_id: int, actor_id: int | None) -> int:
        references = await self.orders.captured_for_event(event_id)
        for reference in references:
            self.uow.enqueue(jobs.refund_order(reference, RefundReason.EVENT_CANCELLED.value, actor_id))
        await self.uow.commit()
        return len(references)


class RefundOrder(UseCase):
    """Job: refunds one order in full (a cancelled event). Run twice, it opens one refund."""

    orders: PaymentOrderRepository
    refunding: Refunding
    clock: Clock
    config: PaymentsConfig

    async def __call__(self, *, reference: str, reason: RefundReason) -> Refund | None:
        order = await self.orders.lock(reference)
        if order is None:
            await self.uow.commit()
            return None
        amount = self.config.refunds.for_event_cancellation(order)
        refund = await self.refunding.open(order, amount, reason, self.clock.now())
        await self.uow.commit()
        return refund


class ProcessRefund(UseCase):
    refunds: RefundRepository
    orders: PaymentOrderRepository
    gateway: PaymentGateway
    ledger: Ledger
    clock: Clock

    async def __call__(self, *, refund_id: int) -> str:
        refund = await self.refunds.lock(refund_id)
        if refund is None or refund.status.is_final:
            await self.uow.commit()
            return refund.status.value if refund else "missing"
        order = await self.orders.get_by_id(refund.order_id)
        if order is None or order.gateway_payment_id is None:
            raise LookupError(f"refund {refund_id} has no captured order")
        asked_before = refund.attempts > 0
        refund.sent(self.clock.now())
        await self.refunds.save(refund)
        await self.uow.commit()  # the attempt counts even if the call below never returns

        payment_id, token = order.gateway_payment_id, refund.token
        receipt = await self.gateway.refund_status(payment_id, token) if asked_before else None
        if receipt is None or receipt.outcome is RefundOutcome.NOT_FOUND:
            receipt = await self.gateway.refund(payment_id, token, refund.amount)
        if receipt.outcome is RefundOutcome.DUPLICATE:
            receipt = await self.gateway.refund_status(payment_id, token)

        refund = await self.refunds.lock(refund_id)
        if refund is None or refund.status.is_final:
            await self.uow.commit()
            return refund.status.value if refund else "missing"
        now = self.clock.now()
        self._apply(refund, receipt, now)
        await self.refunds.save(refund)
        if refund.status.value == "succeeded":
            await self.ledger.record(ledger.refund_paid(order, refund, now))
            self.uow.enqueue(jobs.refund_completed(order, refund))
        if refund.status.is_final:
            self.uow.enqueue(jobs.audited_refund(refund.status.value, refund, order, now, message=receipt.message))
        await self.uow.commit()
        return refund.status.value

    @staticmethod
    def _apply(refund: Refund, receipt: RefundReceipt, now: datetime) -> None:
        if receipt.outcome is RefundOutcome.SUCCEEDED:
            refund.succeeded(receipt.gateway_refund_id, now)
        elif receipt.outcome is RefundOutcome.ACCEPTED:
            refund.accepted(receipt.gateway_refund_id, now)
        elif receipt.outcome is RefundOutcome.REJECTED:
            refund.failed(receipt.message, now)
        # NOT_FOUND/DUPLICATE after a lookup: nothing known yet; the retry sweep asks again


class RetryRefunds(UseCase):
    """Scheduled: refunds still pending (their job died) or requested (PayU still processing) get their job
    again."""

    refunds: RefundRepository
    clock: Clock
    config: PaymentsConfig

    async def __call__(self) -> int:
        due = await self.refunds.unfinished(
            updated_before=self.clock.now() - self.config.refund_retry_after, limit=self.config.sweep_batch
        )
        for refund_id in due:
            self.uow.enqueue(jobs.process_refund_by_id(refund_id))
        await self.uow.commit()
        return len(due)


class RefundOrderAsStaff(MemberUseCase):
    """Staff refund what is left of a paid order (the console asks for a fresh code first). The key is the
    order and what it had left, so a double click opens one refund; the gateway call is the refund's job."""

    orders: PaymentOrderRepository
    refunding: Refunding
    clock: Clock

    async def __call__(self, *, staff_id: int, reference: str) -> Refund:
        staff = await self.access.load(staff_id, Access.STAFF)
        order = await self.orders.lock(reference)
        if order is None:
            raise OrderNotFound()
        left = order.refundable_amount
        if left <= ZERO:
            raise RefundNotAllowed("Nothing is left to refund on this order.")
        key = f"{order.order_id}:staff:{order.refunded_amount}"
        now = self.clock.now()
        refund = await self.refunding.open(order, left, RefundReason.STAFF, now, key=key, actor_id=staff.id)
        await self.uow.commit()
        if refund is None:
            raise RefundNotAllowed("Nothing is left to refund on this order.")
        return refund
