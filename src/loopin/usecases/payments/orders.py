"""The app's two payment calls: create an order (holding its seats) and read it back.

Creating checks everything a free confirmation checks, inserts the order, then holds the seats with one
conditional statement (``SeatInventory.hold``) as the last statement before the outbox and the commit: nothing
is read or written under the event's row lock but that. A sold-out event refuses without touching the lock,
right after reading it (its unlocked snapshot says so, and only this event's overdue holds, if any, are released
first). An order inserted for seats that turn out gone is rolled back with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from loopin.domain.attendance.errors import AlreadyConfirmed, SeatsUnavailable
from loopin.domain.attendance.rules import check_plus_ones, check_seat_count, require_guest, require_open
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Access, Member
from loopin.domain.payments.errors import OrderNotFound, PaymentNotRequired, PriceChanged
from loopin.domain.payments.order import PaymentOrder
from loopin.domain.shared.money import to_money
from loopin.usecases.attendance.ports import TicketRepository
from loopin.usecases.attendance.tickets import TicketDesk
from loopin.usecases.events.access import EventAccess
from loopin.usecases.events.ports import EventCache, SeatInventory
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.payments import jobs
from loopin.usecases.payments.config import PaymentsConfig
from loopin.usecases.payments.fees import CurrentFee
from loopin.usecases.payments.holds import HoldRelease
from loopin.usecases.payments.ports import (
    CheckoutRequest,
    GatewayUnavailable,
    OpenOrderExists,
    Outcome,
    PaymentGateway,
    PaymentOrderRepository,
    PaymentVerdict,
    RefundRepository,
)
from loopin.usecases.payments.settlement import OrderSettlement
from loopin.usecases.payments.views import OrderCreated, OrderView
from loopin.usecases.shared.ports import Clock, JobQueue, UnitOfWork


def checkout_request(
    order: PaymentOrder, member: Member, event: Event, config: PaymentsConfig, base_url: str
) -> CheckoutRequest:
    """PayU requires a first name and an email: members have no email, so a stand-in identifies them."""
    return CheckoutRequest(
        txnid=order.order_id,
        amount=order.amount,
        productinfo=f"Event Ticket: {event.title}",
        firstname=member.profile.name,
        email=f"member-{member.id}@{config.email_domain}",
        phone=member.phone.e164,
        base_url=config.public_base_url or base_url,
    )


@dataclass(frozen=True, slots=True)
class CreatePaymentOrder:
    access: MemberAccess
    events: EventAccess
    desk: TicketDesk
    tickets: TicketRepository
    orders: PaymentOrderRepository
    seats: SeatInventory
    release: HoldRelease
    fees: CurrentFee
    gateway: PaymentGateway
    cache: EventCache
    jobs: JobQueue
    uow: UnitOfWork
    clock: Clock
    config: PaymentsConfig

    async def __call__(
        self, *, member_id: int, event_id: int, amount: Decimal, seats: int, base_url: str
    ) -> OrderCreated:
        """``amount``: the base price per seat the app shows (without the fee); ``base_url``: this API's origin
        as the caller reached it (used when PUBLIC_API_URL is unset)."""
        seats = check_seat_count(seats, "seats_count")
        member = await self.access.load(member_id, Access.MEMBER)
        event = await self.events.visible(event_id, member)
        now = self.clock.now()
        if not event.is_paid:
            raise PaymentNotRequired()
        require_guest(event, member.id)
        require_open(event, now)
        check_plus_ones(event, seats)
        if to_money(amount) != event.ticket_price:
            raise PriceChanged(
                f"The price of {event.title} is now ₹{event.ticket_price} (plus the platform fee). "
                "Please check it and try again."
            )
        existing = await self.orders.open_for(event.id, member.id)
        if existing is not None:
            if not existing.is_overdue(now) and existing.seats == seats:
                await self.uow.commit()
                return self._created(existing, member, event, base_url, reused=True)
            event.seats_held -= await self._drop(existing.order_id, now)  # overdue, or other seats: start again
        sold_out = not event.has_seats_for(seats)
        if sold_out and not await self._release_overdue(event, now):  # at a glance, no lock: refused at once
            raise SeatsUnavailable(seats, event.seats_left, code="CAPACITY_FULL")
        ticket = await self.tickets.find(event.id, member.id)
        if ticket is not None and ticket.is_live:
            raise AlreadyConfirmed("You already have a ticket for this event.")
        await self.desk.eligibility(event, member.id, now)
        quote = (await self.fees.policy()).quote(event.ticket_price, seats)  # before the hold: its lock is short
        order = PaymentOrder.open(
            event_id=event.id,
            member_id=member.id,
            host_id=event.host_id,
            quote=quote,
            gateway=self.gateway.name,
            expires_at=now + self.config.payment_window,
            now=now,
        )
        try:
            order = await self.orders.add(order)
        except OpenOrderExists:  # the same member, twice at once: the other attempt's order answers
            await self.uow.rollback()
            again = await self.orders.open_for(event.id, member.id)
            await self.uow.commit()
            if again is None:
                raise
            return self._created(again, member, event, base_url, reused=True)
        if not await self.seats.hold(event.id, seats):  # lost the race for the last seats: overdue holds, once
            retried = not sold_out and await self._release_overdue(event, now)
            if not (retried and await self.seats.hold(event.id, seats)):
                raise SeatsUnavailable(seats, 0, code="CAPACITY_FULL")  # what the snapshot showed is gone
        self.jobs.enqueue(jobs.audited_order("created", order, member.id, now))
        self.uow.after_commit(self.cache.invalidate)  # seats left changed
        await self.uow.commit()
        return self._created(order, member, event, base_url, reused=False)

    async def _release_overdue(self, event: Event, now: datetime) -> bool:
        """This event's holds past their window go back (a refused hold retries once after this)."""
        released = await self.release.overdue(now, event_id=event.id, limit=self.config.sweep_batch)
        if released:
            self.uow.after_commit(self.cache.invalidate)
        return bool(released)

    async def _drop(self, reference: str, now: datetime) -> int:
        """Expires the member's previous open order; the seats it gave back."""
        order = await self.orders.lock(reference)
        if order is None or not order.holds_seats:
            return 0
        order.expire(now)
        await self.orders.save(order)
        await self.seats.release_held(order.event_id, order.seats)
        self.jobs.enqueue(jobs.audited_order("replaced", order, order.member_id, now, seats_released=order.seats))
        return order.seats

    def _created(
        self, order: PaymentOrder, member: Member, event: Event, base_url: str, *, reused: bool
    ) -> OrderCreated:
        checkout = self.gateway.checkout(checkout_request(order, member, event, self.config, base_url))
        return OrderCreated(OrderView.of(order), checkout, reused)


@dataclass(frozen=True, slots=True)
class GetPaymentOrder:
    """The owner or staff; anyone else gets 404. An order still open is settled on the spot when the gateway
    already knows its outcome (the app polls once, right after the checkout), or expired when overdue."""

    access: MemberAccess
    orders: PaymentOrderRepository
    refunds: RefundRepository
    settlement: OrderSettlement
    gateway: PaymentGateway
    cache: EventCache
    uow: UnitOfWork
    clock: Clock

    async def __call__(self, *, member_id: int, reference: str) -> OrderView:
        member = await self.access.load(member_id, Access.MEMBER)
        order = await self.orders.get(reference)
        if order is None or (order.member_id != member.id and not member.is_staff):
            raise OrderNotFound()
        if order.holds_seats:
            order = await self._settle(order)
        refunds = await self.refunds.for_order(order.id) if order.refunded_amount else []
        await self.uow.commit()
        return OrderView.of(order, refunds)

    async def _settle(self, order: PaymentOrder) -> PaymentOrder:
        try:
            verdict = await self.gateway.verify(order.order_id)
        except GatewayUnavailable:  # the webhook and the reconciliation job will settle it
            verdict = PaymentVerdict(order.order_id, Outcome.NOT_FOUND)
        if verdict.outcome is Outcome.NOT_FOUND and not order.is_overdue(self.clock.now()):
            return order
        settled = await self.settlement.apply(order.order_id, verdict, self.clock.now())
        if settled.changed:
            self.uow.after_commit(self.cache.invalidate)
        await self.uow.commit()
        return settled.order
