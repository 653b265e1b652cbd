"""Settling an order on the gateway's verdict, and opening refunds — always inside the caller's transaction.

``OrderSettlement.apply`` locks the order first (one lock order: order, then the event's seat counters, then
the member's ticket and request), so the notices of one order settle one after another and the first
verified outcome wins; what comes after changes nothing, or — money that arrived for an order that cannot
become a ticket (the event cancelled or deleted, the seats gone, the buyer's account deleted) — is refunded
automatically, never kept (spec weakness W16).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loopin.domain.attendance.errors import SeatsUnavailable
from loopin.domain.events.event import Event, EventStatus
from loopin.domain.identity.member import MemberStatus
from loopin.domain.payments import ledger
from loopin.domain.payments.errors import OrderNotFound
from loopin.domain.payments.order import Capture, OrderStatus, PaymentOrder
from loopin.domain.payments.refund import RefundReason
from loopin.usecases.attendance.ports import ConfirmationReader, TicketRepository
from loopin.usecases.attendance.tickets import Eligibility, TicketDesk, order_eligibility
from loopin.usecases.events.ports import EventCache, EventRepository, SeatInventory
from loopin.usecases.payments import jobs
from loopin.usecases.payments.config import PaymentsConfig
from loopin.usecases.payments.ports import (
    Ledger,
    Outcome,
    PaymentOrderRepository,
    PaymentVerdict,
)
from loopin.usecases.payments.refunds import Refunding
from loopin.usecases.shared.ports import UnitOfWork

UNFULFILLABLE = (EventStatus.CANCELLED, EventStatus.COMPLETED)


@dataclass(frozen=True, slots=True)
class Settled:
    order: PaymentOrder
    changed: bool  # False: the verdict was already known (a duplicate) or came too late to matter
    mismatch: bool = False  # the gateway captured another amount: nothing done, audited (commit, then refuse)


@dataclass(frozen=True, slots=True)
class OrderSettlement:
    orders: PaymentOrderRepository
    events: EventRepository
    confirmations: ConfirmationReader
    tickets: TicketRepository
    desk: TicketDesk
    seats: SeatInventory
    refunding: Refunding
    ledger: Ledger
    cache: EventCache
    uow: UnitOfWork
    config: PaymentsConfig

    async def apply(self, reference: str, verdict: PaymentVerdict, now: datetime) -> Settled:
        """The order settled on ``verdict``; when that changed it (seats taken or freed, a ticket issued), the
        events read after the commit show it: the event cache is invalidated then."""
        settled = await self._settle(reference, verdict, now)
        if settled.changed:
            self.uow.after_commit(self.cache.invalidate)
        return settled

    async def _settle(self, reference: str, verdict: PaymentVerdict, now: datetime) -> Settled:
        order = await self.orders.lock(reference)
        if order is None:
            raise OrderNotFound()
        order.checked(now)
        if verdict.outcome is Outcome.SUCCESS:
            return await self._captured(order, verdict, now)
        changed = False
        if verdict.outcome is Outcome.FAILURE and order.holds_seats:
            order.mark_failed(verdict.message, now)
            await self.seats.release_held(order.event_id, order.seats)
            await self.desk.offers.pass_on(order.event_id, now)
            event = await self.events.get(order.event_id)
            self.uow.enqueue(jobs.audited_order("failed", order, None, now, reason=order.failure_reason))
            self.uow.enqueue(jobs.payment_failed(order, event.title if event else "your event"))
            changed = True
        elif verdict.outcome is Outcome.PENDING and order.status is OrderStatus.CREATED:
            order.mark_pending(now, now + self.config.payment_window)
            changed = True
        elif order.is_overdue(now):
            order.expire(now)
            await self.seats.release_held(order.event_id, order.seats)
            await self.desk.offers.pass_on(order.event_id, now)
            self.uow.enqueue(jobs.audited_order("expired", order, None, now, seats_released=order.seats))
            changed = True
        await self.orders.save(order)
        return Settled(order, changed)

    async def _captured(self, order: PaymentOrder, verdict: PaymentVerdict, now: datetime) -> Settled:
        if verdict.amount != order.amount or not verdict.gateway_payment_id:
            await self.orders.save(order)
            self.uow.enqueue(jobs.audited_order("amount_mismatch", order, None, now, captured=str(verdict.amount)))
            return Settled(order, False, mismatch=True)
        if order.status in (OrderStatus.PAID, OrderStatus.REFUNDED) or order.is_captured:
            await self.orders.save(order)
            return Settled(order, False)
        capture = Capture(verdict.gateway_payment_id, verdict.amount, verdict.bank_ref_num)
        # the event, the buyer (None: erased) and their request and invitation, in one read without locks
        facts = await self.confirmations.facts(order.event_id, order.member_id)
        event, buyer = facts.event, facts.member
        fulfillable = (
            event is not None
            and not event.is_deleted
            and event.status not in UNFULFILLABLE
            and buyer is not None
            and buyer.status is not MemberStatus.ERASED  # a late capture for a deleted account: refunded
        )
        if event is not None and fulfillable and order.status is not OrderStatus.FAILED:
            try:
                eligibility = order_eligibility(facts.request, facts.invitation)
                await self._fulfil(order, event, eligibility, capture, now, from_hold=order.holds_seats)
                return Settled(order, True)
            except SeatsUnavailable:
                pass  # the seats went to someone else while this payment was late: refund it
        if order.holds_seats:  # the event went away under the checkout
            order.expire(now)
            await self.seats.release_held(order.event_id, order.seats)
            await self.desk.offers.pass_on(order.event_id, now)
        await self._unfulfilled(order, capture, now, event.title if event else "your event")
        return Settled(order, True)

    async def _fulfil(
        self,
        order: PaymentOrder,
        event: Event,
        eligibility: Eligibility,
        capture: Capture,
        now: datetime,
        *,
        from_hold: bool,
    ) -> None:
        """A late payment's ticket first: it takes the seats and raises ``SeatsUnavailable`` before anything is
        written when they are gone. Held seats cannot be refused, so the order and its ledger are written
        before the ticket converts them: the event's row lock (from the seat statement to the commit) then
        covers only the request's mark, as in a confirmation (``TicketDesk.issue``)."""
        existing = await self.tickets.lock(event.id, order.member_id)
        if existing is not None and existing.is_live:
            raise SeatsUnavailable(order.seats, 0)  # already holds a ticket (paid through another order)
        if from_hold:
            await self._paid(order, capture, now)
        await self.desk.issue(
            event,
            order.member_id,
            order.seats,
            eligibility,
            now,
            existing=existing,
            payment_order_id=order.order_id,
            from_hold=from_hold,
        )
        if not from_hold:
            await self._paid(order, capture, now)

    async def _paid(self, order: PaymentOrder, capture: Capture, now: datetime) -> None:
        order.mark_paid(capture, now)
        await self.orders.save(order)
        await self.ledger.record(ledger.payment_captured(order, now))
        self.uow.enqueue(
            jobs.audited_order("paid", order, None, now, gateway_payment_id=capture.gateway_payment_id)
        )

    async def _unfulfilled(self, order: PaymentOrder, capture: Capture, now: datetime, event_title: str) -> None:
        order.record_unfulfilled_capture(capture, now)
        await self.orders.save(order)
        await self.ledger.record(ledger.unfulfilled_capture(order, now))
        self.uow.enqueue(jobs.audited_order("captured_unfulfilled", order, None, now))
        await self.refunding.open(order, order.refundable_amount, RefundReason.UNFULFILLED, now, event_title)
