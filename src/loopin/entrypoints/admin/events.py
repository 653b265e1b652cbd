"""Events (search, the file with requests, tickets, check-ins and orders; unpublish; cancel with refunds) and
orders (search by txnid and status, the order with its refunds, refund what is left)."""

from __future__ import annotations

from typing import Annotated

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template

from loopin.domain.events.changes import EventChanges
from loopin.domain.shared.errors import DomainError
from loopin.entrypoints.admin.members import Choice, Confirmed, Offset, Text, staff_id
from loopin.entrypoints.admin.rendering import AnyRequest, Table, back_to, notify, page
from loopin.entrypoints.admin.session import fresh_step_up, session_of, signed_in_staff, step_up_fresh
from loopin.entrypoints.admin.sign_in import Form
from loopin.entrypoints.http.params import OptionalQueryId, PathId
from loopin.usecases.events.manage import UnpublishEvent, UpdateEvent
from loopin.usecases.payments.refunds import RefundOrderAsStaff
from loopin.usecases.shared.ports import Clock
from loopin.usecases.staff.catalog import (
    EVENT_STATUSES,
    ORDER_STATUSES,
    SearchEvents,
    SearchOrders,
    ViewEvent,
    ViewOrder,
)
from loopin.usecases.staff.ports import EVENT_SORTS, ORDER_SORTS

Reference = Annotated[str, Parameter(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]


class EventAdminController(Controller):
    path = "/admin/events"
    include_in_schema = False
    guards = [signed_in_staff]

    @get("/")
    @inject
    async def search(
        self,
        request: AnyRequest,
        search: FromDishka[SearchEvents],
        q: Text = None,
        status: Choice = None,
        sort: Choice = None,
        order: Choice = None,
        offset: Offset = 0,
    ) -> Template:
        table = Table.of("/admin/events", {"q": q, "status": status}, sort, order, offset)
        found = await search(staff_id=staff_id(request), text=q or "", status=status or None, page=table.request)
        sort_key = table.sort if table.sort in EVENT_SORTS else EVENT_SORTS[0]
        return page(
            request,
            "events.html",
            nav="events",
            rows=found.rows,
            table=table.counted(found.total, sort_key),
            q=q or "",
            status=status or "",
            statuses=EVENT_STATUSES,
        )

    @get("/{event_id:int}")
    @inject
    async def detail(
        self,
        request: AnyRequest,
        event_id: PathId,
        view: FromDishka[ViewEvent],
        clock: FromDishka[Clock],
        offset: Offset = 0,
    ) -> Template:
        table = Table.of(f"/admin/events/{event_id}", {}, "created_at", "desc", offset)
        found = await view(staff_id=staff_id(request), event_id=event_id, orders=table.request)
        return page(
            request,
            "event.html",
            nav="events",
            file=found,
            event=found.event,
            orders_table=table.counted(found.orders.total, "created_at"),
            stepped_up=step_up_fresh(session_of(request), clock.now().timestamp()),
        )

    @post("/{event_id:int}/unpublish")
    @inject
    async def unpublish(
        self,
        request: AnyRequest,
        event_id: PathId,
        data: Annotated[Confirmed, Form],
        unpublish: FromDishka[UnpublishEvent],
    ) -> Redirect:
        try:
            await unpublish(staff_id=staff_id(request), event_id=event_id)
        except DomainError as exc:
            notify(request, exc.message, "error")
        else:
            notify(request, "The event is a draft again: out of feeds and search.")
        return back_to(f"/admin/events/{event_id}")

    @post("/{event_id:int}/cancel", guards=[fresh_step_up])
    @inject
    async def cancel(
        self,
        request: AnyRequest,
        event_id: PathId,
        data: Annotated[Confirmed, Form],
        update: FromDishka[UpdateEvent],
    ) -> Redirect:
        """The host's own cancellation, by staff: guests are told, every paid order refunded in full."""
        try:
            await update(member_id=staff_id(request), event_id=event_id, changes=EventChanges(status="cancelled"))
        except DomainError as exc:
            notify(request, exc.message, "error")
        else:
            notify(request, "The event is cancelled. Guests are told, and paid orders are being refunded.")
        return back_to(f"/admin/events/{event_id}")


class OrderAdminController(Controller):
    path = "/admin/orders"
    include_in_schema = False
    guards = [signed_in_staff]

    @get("/")
    @inject
    async def search(
        self,
        request: AnyRequest,
        search: FromDishka[SearchOrders],
        txnid: Annotated[str | None, Parameter(max_length=40)] = None,
        status: Choice = None,
        event_id: OptionalQueryId = None,
        sort: Choice = None,
        order: Choice = None,
        offset: Offset = 0,
    ) -> Template:
        filters = {"txnid": txnid, "status": status, "event_id": str(event_id) if event_id else None}
        table = Table.of("/admin/orders", filters, sort, order, offset)
        found = await search(
            staff_id=staff_id(request),
            txnid=txnid or "",
            status=status or None,
            event_id=event_id,
            page=table.request,
        )
        sort_key = table.sort if table.sort in ORDER_SORTS else ORDER_SORTS[0]
        return page(
            request,
            "orders.html",
            nav="orders",
            rows=found.rows,
            table=table.counted(found.total, sort_key),
            txnid=txnid or "",
            status=status or "",
            event_id=event_id or "",
            statuses=ORDER_STATUSES,
        )

    @get("/{reference:str}")
    @inject
    async def detail(
        self, request: AnyRequest, reference: Reference, view: FromDishka[ViewOrder], clock: FromDishka[Clock]
    ) -> Template:
        found = await view(staff_id=staff_id(request), reference=reference)
        return page(
            request,
            "order.html",
            nav="orders",
            file=found,
            order=found.order,
            stepped_up=step_up_fresh(session_of(request), clock.now().timestamp()),
        )

    @post("/{reference:str}/refund", guards=[fresh_step_up])
    @inject
    async def refund(
        self,
        request: AnyRequest,
        reference: Reference,
        data: Annotated[Confirmed, Form],
        refund: FromDishka[RefundOrderAsStaff],
    ) -> Redirect:
        try:
            opened = await refund(staff_id=staff_id(request), reference=reference)
        except DomainError as exc:
            notify(request, exc.message, "error")
        else:
            notify(request, f"A refund of ₹{opened.amount:,.2f} is {opened.status.value}.")
        return back_to(f"/admin/orders/{reference}")
