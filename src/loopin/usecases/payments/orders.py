"""The app's two payment calls: create an order (holding its seats) and read it back.

Creating checks everything a free confirmation checks, inserts the order and its outbox row, then holds the seats
with one conditional statement (``SeatInventory.hold``) as the last statement before the commit: nothing is read
or written under the event's row lock. A sold-out event refuses without touching the lock,
right after reading it (its unlocked snapshot says so, and only this event's overdue holds, if any, are released
first). An order inserted for seats that turn out gone is rolled back with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from loopin.domain.attendance.errors import MoreSeatsThanOffered, SeatsUnavailable
from loopin.domain.attendance.rules import (
    check_plus_ones,
    check_seat_count,
    require_guest,
    require_no_ticket,
    require_open,
)
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Access, Member
from loopin.domain.payments.errors import OrderNotFound, PaymentNotRequired, PriceChanged
from loopin.domain.payments.order import OrderStatus, PaymentOrder, is_order_id
from loopin.domain.shared.errors import Conflict
from loopin.domain.shared.money import to_money
from loopin.usecases.attendance import jobs as attendance_jobs
from loopin.usecases.attendance.ports import OfferCheckout, PaidSeatOffers, TakenOffer, TicketRepository
from loopin.usecases.attendance.seat_offers import SeatOffers
from loopin.usecases.attendance.sold_out import SoldOutRefusals
from loopin.usecases.attendance.tickets import TicketDesk
from loopin.usecases.events.access import EventAccess
from loopin.usecases.events.ports import EventCache, SeatInventory, SoldOutCheck
from loopin.usecases.identity.member_use_case import MemberUseCase
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
from loopin.usecases.shared.attributes import from_attributes
from loopin.usecases.shared.ports import Clock, UnitOfWork
from loopin.usecases.shared.use_case import UseCase


@dataclass(frozen=True, slots=True)
class OrderDesk:
    """What every checkout does alike, a plain one or a seat offer's: the order priced at the current fee for
    the payment window, and the gateway's form for it."""

    fees: CurrentFee
    gateway: PaymentGateway
    config: PaymentsConfig

    async def open(self, event: Event, member_id: int, seats: int, now: datetime) -> PaymentOrder:
        """The new order, not stored yet."""
        quote = (await self.fees.policy()).quote(event.ticket_price, seats)
        return PaymentOrder.open(
            event_id=event.id,
            member_id=member_id,
            host_id=event.host_id,
            quote=quote,
            gateway=self.gateway.name,
            expires_at=now + self.config.payment_window,
            now=now,
        )

    def created(
        self, order: PaymentOrder, member: Member, event: Event, base_url: str, *, reused: bool
    ) -> OrderCreated:
        """PayU requires a first name and an email: members have no email, so a stand-in identifies them."""
        request = CheckoutRequest(
            txnid=order.order_id,
            amount=order.amount,
            productinfo=f"Event Ticket: {event.title}",
            firstname=member.profile.name,
            email=f"member-{member.id}@{self.config.email_domain}",
            phone=member.phone.e164,
            base_url=self.config.public_base_url or base_url,
        )
        return OrderCreated(OrderView.of(order), self.gateway.checkout(request), reused)


@dataclass(frozen=True, slots=True)
class SeatOfferCheckout(PaidSeatOffers):
    """A paid event's seat offer becomes a payment order, in the caller's transaction: the order takes over
    the seats the offer holds (no second hold, so nobody can take them in between) for the payment window;
    unpaid, they are released like any checkout's and go to the next in line."""

    orders: PaymentOrderRepository
    offers: SeatOffers
    desk: OrderDesk
    uow: UnitOfWork

    async def open(self, offer: TakenOffer, *, now: datetime, base_url: str) -> OrderCreated:
        member, event, place = offer.member, offer.event, offer.place
        taken = place.seats if offer.seats is None else offer.seats
        if taken > place.seats:
            raise MoreSeatsThanOffered(place.seats)
        if await self.orders.open_for(event.id, member.id) is not None:
            raise Conflict(
                "You already have a checkout open for this event: complete it, or wait for it to expire.",
                code="CHECKOUT_OPEN",
            )
        try:
            order = await self.orders.add(await self.desk.open(event, member.id, taken, now))
        except OpenOrderExists:
            raise Conflict("A checkout for this event was opened at the same moment. Please retry.") from None
        surplus = place.accept(now, seats=taken, payment_order_id=order.order_id)
        await self.offers.places.save(place)
        self.uow.enqueue(attendance_jobs.audited_place("accepted", place, member.id, now, order_id=order.order_id))
        self.uow.enqueue(jobs.audited_order("created", order, member.id, now, source="waitlist"))
        if surplus:
            await self.offers.give_back(event, surplus, now)
        return self.desk.created(order, member, event, base_url, reused=False)

    async def checkout(self, offer: TakenOffer, *, now: datetime, base_url: str) -> OfferCheckout:
        created = await self.open(offer, now=now, base_url=base_url)
        checkout = created.checkout
        return from_attributes(
            OfferCheckout, created.order, payment_url=checkout.url, payment_fields=checkout.fields
        )


class CreatePaymentOrder(MemberUseCase):
    events: EventAccess
    desk: TicketDesk
    tickets: TicketRepository
    orders: PaymentOrderRepository
    seats: SeatInventory
    release: HoldRelease
    offer_checkout: SeatOfferCheckout
    order_desk: OrderDesk
    cache: EventCache
    refusals: SoldOutRefusals
    clock: Clock
    config: PaymentsConfig

    async def __call__(
        self, *, member_id: int, event_id: int, amount: Decimal, seats: int, base_url: str, token_id: str = ""
    ) -> OrderCreated:
        """``amount``: the base price per seat the app shows (without the fee); ``base_url``: this API's origin
        as the caller reached it (used when PUBLIC_API_URL is unset); ``token_id``: the caller's session, whose
        revocation is checked here (``REVOCATION_IN_USE_CASE``)."""
        marker = await self.refusals.check(event_id, member_id, token_id)  # before the event is read
        seats = check_seat_count(seats, "seats_count")
        await self.refusals.refuse(marker, member_id, token_id, seats, price=to_money(amount))
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
                return self.order_desk.created(existing, member, event, base_url, reused=True)
            event.seats_held -= await self._drop(existing.order_id, now)  # overdue, or other seats: start again
        if event.seats_held:  # seats are held (offers or checkouts): the member's own seat offer first
            offered = await self._take_offer(event, member, seats, now, base_url)
            if offered is not None:
                return offered
        sold_out = not event.has_seats_for(seats)
        if sold_out and not await self._release_overdue(event, now):  # at a glance, no lock: refused at once
            await self._mark(event, marker)
            raise SeatsUnavailable(seats, event.seats_left, code="CAPACITY_FULL")
        ticket = await self.tickets.find(event.id, member.id)
        require_no_ticket(ticket)
        # Read, not locked: creating an order writes neither, and the request may not be locked before the
        # event's row (the one lock order, usecases/attendance/tickets.py); settlement issues on the order.
        await self.desk.eligibility(event, member.id, now, lock=False)
        order = await self.order_desk.open(event, member.id, seats, now)  # before the hold: its lock is short
        try:
            order = await self.orders.add(order)
        except OpenOrderExists:  # the same member, twice at once: the other attempt's order answers
            await self.uow.rollback()
            again = await self.orders.open_for(event.id, member.id)
            await self.uow.commit()
            if again is None:
                raise
            return self.order_desk.created(again, member, event, base_url, reused=True)
        self.uow.enqueue(jobs.audited_order("created", order, member.id, now))
        self.uow.after_commit(self.cache.invalidate)  # seats left changed
        await self.uow.stage()  # the outbox row before the hold: its lock lasts from the hold to the COMMIT
        if not await self.seats.hold(event.id, seats):  # lost the race for the last seats: overdue holds, once
            retried = not sold_out and await self._release_overdue(event, now)
            if not (retried and await self.seats.hold(event.id, seats)):
                raise SeatsUnavailable(seats, 0, code="CAPACITY_FULL")  # what the snapshot showed is gone
        await self.uow.commit()
        return self.order_desk.created(order, member, event, base_url, reused=False)

    async def _take_offer(
        self, event: Event, member: Member, seats: int, now: datetime, base_url: str
    ) -> OrderCreated | None:
        """The member's open seat offer becomes this order (the app pays as it always does); None without one."""
        places = self.offer_checkout.offers.places
        if await places.latest(event.id, member.id) is None:
            return None
        locked = await self.events.existing(event.id, lock=True)
        place = await places.lock_live(event.id, member.id)
        if place is None or not place.holds_seats:
            return None
        if place.offer_overdue(now):
            await self.offer_checkout.offers.turn(locked, now)  # it passes on; this order competes as anyone's
            return None
        await self.desk.eligibility(locked, member.id, now)
        created = await self.offer_checkout.open(
            TakenOffer(member, locked, place, seats), now=now, base_url=base_url
        )
        await self.uow.commit()
        return created

    async def _mark(self, event: Event, marker: SoldOutCheck) -> None:
        """A refusal on the snapshot marks the event when nobody but a holder could be answered otherwise: public,
        every seat taken or held, every held seat an order's (a waitlist offer's holder would get their offer;
        its seats are not counted in the orders), none of them overdue (released above). The marker lasts until
        the first hold runs out at most; its holders (they have an order to answer with) never get it."""
        if not self.refusals.may_mark(marker) or not event.is_full or not event.is_public:
            return
        holds = await self.orders.open_holds(event.id)
        if holds.seats == event.seats_held:
            await self.refusals.mark(event, marker, holds.members, until=holds.first_expiry)

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
        self.uow.enqueue(jobs.audited_order("replaced", order, order.member_id, now, seats_released=order.seats))
        return order.seats


class GetPaymentOrder(MemberUseCase):
    """The owner or staff; anyone else gets 404. An order still open is settled on the spot when the gateway
    already knows its outcome (the app polls once, right after the checkout), or expired when overdue."""

    orders: PaymentOrderRepository
    refunds: RefundRepository
    settlement: OrderSettlement
    gateway: PaymentGateway
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
        await self.uow.commit()
        return settled.order


class ReadPaymentResult(UseCase):
    """The status the result page after surl/furl shows: the order's own, never the one in the page's address,
    so a crafted link cannot show "Payment successful" on this domain for an order that is not paid. No sign-in
    (the buyer's browser carries none); it tells only the status of an order whose txnid one already holds, and
    settles nothing (the callback did, or the app's poll will). ``None``: no such order."""

    orders: PaymentOrderRepository

    async def __call__(self, *, reference: str) -> OrderStatus | None:
        if not is_order_id(reference):
            return None
        order = await self.orders.get(reference)
        await self.uow.commit()
        return order.status if order else None
