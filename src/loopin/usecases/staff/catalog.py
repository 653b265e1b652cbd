"""What the console shows of events, orders, the platform fee and the audit chain: staff only, paged.

An event's file lists its requests and tickets up to ``FILE_ROWS`` each (with the totals), and its orders a
page at a time; a fee's history is the audit log's record of its changes; verifying the chain walks the whole
log (a button, never on page load) and is itself recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from loopin.domain.attendance.request import JoinRequest
from loopin.domain.attendance.ticket import Ticket
from loopin.domain.audit.entry import AuditEntry
from loopin.domain.events.event import Event, EventNotFound, EventStatus
from loopin.domain.identity.member import Member
from loopin.domain.payments.errors import OrderNotFound
from loopin.domain.payments.order import OrderStatus, PaymentOrder
from loopin.domain.payments.refund import Refund
from loopin.usecases.attendance.ports import AttendanceReader, MemberCard
from loopin.usecases.audit.ports import AuditLog, AuditQuery
from loopin.usecases.audit.verify import ChainReport, VerifyAuditChain
from loopin.usecases.events.ports import EventRepository
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.payments.fees import FeeView
from loopin.usecases.payments.ports import FeeConfigRepository, PaymentOrderRepository, RefundRepository
from loopin.usecases.shared.paging import Page
from loopin.usecases.staff.desk import StaffDesk, TextSearch, checked_page, checked_status, checked_text
from loopin.usecases.staff.ports import (
    EVENT_SORTS,
    ORDER_SORTS,
    EventDirectory,
    EventLine,
    OrderDirectory,
    OrderLine,
    PageRequest,
)

FILE_ROWS = 100
FEE_HISTORY = 20
EVENT_STATUSES = tuple(s.value for s in EventStatus)
ORDER_STATUSES = tuple(s.value for s in OrderStatus)


class SearchEvents(StaffDesk, TextSearch[EventLine]):
    """By a part of the title or the host's name, or the event id, and status; deleted events too (marked)."""

    directory: EventDirectory
    statuses = EVENT_STATUSES
    sorts = EVENT_SORTS


@dataclass(frozen=True, slots=True)
class EventFile:
    event: Event
    host: Member | None
    requests: list[tuple[JoinRequest, MemberCard]]  # newest first, at most FILE_ROWS
    requests_total: int
    tickets: list[tuple[Ticket, MemberCard]]  # at most FILE_ROWS
    tickets_total: int
    checked_in: int
    orders: Page[OrderLine]


class ViewEvent(StaffDesk):
    events: EventRepository
    members: MemberRepository
    reader: AttendanceReader
    orders: OrderDirectory

    async def __call__(self, *, staff_id: int, event_id: int, orders: PageRequest) -> EventFile:
        await self.staff(staff_id)
        event = await self.events.get(event_id)
        if event is None:
            raise EventNotFound()
        requests = await self.reader.event_requests(event.id)
        tickets = await self.reader.attendees(event.id)
        found = EventFile(
            event=event,
            host=await self.members.get(event.host_id),
            requests=requests[:FILE_ROWS],
            requests_total=len(requests),
            tickets=tickets[:FILE_ROWS],
            tickets_total=len(tickets),
            checked_in=sum(1 for t, _ in tickets if t.checked_in_at is not None),
            orders=await self.orders.search(
                txnid="", status=None, event_id=event.id, page=checked_page(orders, ORDER_SORTS)
            ),
        )
        await self.uow.commit()
        return found


class SearchOrders(StaffDesk):
    orders: OrderDirectory

    async def __call__(
        self,
        *,
        staff_id: int,
        txnid: str = "",
        status: str | None = None,
        event_id: int | None = None,
        page: PageRequest,
    ) -> Page[OrderLine]:
        await self.staff(staff_id)
        found = await self.orders.search(
            status=checked_status(status, ORDER_STATUSES),
            txnid=checked_text(txnid, "txnid", 40),
            event_id=event_id,
            page=checked_page(page, ORDER_SORTS),
        )
        await self.uow.commit()
        return found


@dataclass(frozen=True, slots=True)
class OrderFile:
    order: PaymentOrder
    refunds: list[Refund]
    event: Event | None
    buyer: Member | None


class ViewOrder(StaffDesk):
    orders: PaymentOrderRepository
    refunds: RefundRepository
    events: EventRepository
    members: MemberRepository

    async def __call__(self, *, staff_id: int, reference: str) -> OrderFile:
        await self.staff(staff_id)
        order = await self.orders.get(reference)
        if order is None:
            raise OrderNotFound()
        found = OrderFile(
            order=order,
            refunds=await self.refunds.for_order(order.id),
            event=await self.events.get(order.event_id),
            buyer=await self.members.get(order.member_id),
        )
        await self.uow.commit()
        return found


@dataclass(frozen=True, slots=True)
class FeeHistory:
    current: FeeView
    changes: list[AuditEntry]  # newest first: platform_fee.changed (old, new, description), .description_changed
    may_change: bool  # the staff member reading it is a superuser (others see the fee, not the form)


class ReadFeeHistory(StaffDesk):
    configs: FeeConfigRepository
    log: AuditLog

    async def __call__(self, *, staff_id: int) -> FeeHistory:
        staff = await self.staff(staff_id)
        config = await self.configs.get()
        changes = await self.log.search(AuditQuery(action="platform_fee.", limit=FEE_HISTORY))
        await self.uow.commit()
        return FeeHistory(FeeView.of(config), changes, config.may_be_changed_by(staff))


class CheckAuditChain(StaffDesk):
    """Staff ask whether the log is intact (``loopin audit verify`` from the console)."""

    verify: VerifyAuditChain

    async def __call__(self, *, staff_id: int) -> ChainReport:
        staff = await self.staff(staff_id)
        await self.uow.commit()
        report = await self.verify()
        self.record(
            "audit.verified", staff, "audit_log", None, {"checked": report.checked, "intact": report.intact}
        )
        await self.uow.commit()
        return report
