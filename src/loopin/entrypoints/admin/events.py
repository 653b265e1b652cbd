"""Events (search, the file with requests, tickets, check-ins and orders; unpublish; cancel with refunds) and
orders (search by txnid and status, the order with its refunds, refund what is left)."""

from __future__ import annotations

from typing import Annotated

from dishka.integrations.litestar import FromDishka
from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import Parameter
from litestar.response import Redirect, Template

from loopin.domain.events.changes import EventChanges
from loopin.entrypoints.admin.rendering import AnyRequest, Table, inr, page
from loopin.entrypoints.admin.screen import (
    Choice,
    ConsoleController,
    Paging,
    SearchScreen,
    done,
    listing,
    staff_id,
)
from loopin.entrypoints.admin.session import fresh_step_up
from loopin.entrypoints.http.params import Offset, OptionalQueryId, PathId
from loopin.usecases.events.manage import UnpublishEvent, UpdateEvent
from loopin.usecases.payments.refunds import RefundOrderAsStaff
from loopin.usecases.staff.catalog import ORDER_STATUSES, SearchEvents, SearchOrders, ViewEvent, ViewOrder
from loopin.usecases.staff.ports import ORDER_SORTS

Reference = Annotated[str, Parameter(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]


class EventAdminController(SearchScreen):
    path = "/admin/events"
    search_with = SearchEvents
    screen = "events"

    @get("/{event_id:int}")
    async def detail(
        self, request: AnyRequest, event_id: PathId, view: FromDishka[ViewEvent], offset: Offset = 0
    ) -> Template:
        table = Table.of(f"/admin/events/{event_id}", {}, "created_at", "desc", offset)
        found = await view(staff_id=staff_id(request), event_id=event_id, orders=table.request)
        orders = table.counted(found.orders.total, ORDER_SORTS)
        return page(request, "event.html", nav="events", file=found, event=found.event, orders_table=orders)

    @post("/{event_id:int}/unpublish")
    async def unpublish(
        self, request: AnyRequest, event_id: PathId, unpublish: FromDishka[UnpublishEvent]
    ) -> Redirect:
        action = unpublish(staff_id=staff_id(request), event_id=event_id)
        return await done(request, action, "The event is a draft again: out of feeds and search.")

    @post("/{event_id:int}/cancel", guards=[fresh_step_up])
    async def cancel(self, request: AnyRequest, event_id: PathId, update: FromDishka[UpdateEvent]) -> Redirect:
        """The host's own cancellation, by staff: guests are told, every paid order refunded in full."""
        action = update(member_id=staff_id(request), event_id=event_id, changes=EventChanges(status="cancelled"))
        return await done(
            request, action, "The event is cancelled. Guests are told, and paid orders are being refunded."
        )


class OrderAdminController(ConsoleController):
    path = "/admin/orders"

    @get("/")
    async def search(
        self,
        request: AnyRequest,
        search: FromDishka[SearchOrders],
        paging: NamedDependency[Paging],
        txnid: Annotated[str | None, Parameter(max_length=40)] = None,
        status: Choice = None,
        event_id: OptionalQueryId = None,
    ) -> Template:
        filters = {"txnid": txnid, "status": status, "event_id": str(event_id) if event_id else None}
        table = Table.of("/admin/orders", filters, *paging)
        found = await search(
            staff_id=staff_id(request),
            txnid=txnid or "",
            status=status or None,
            event_id=event_id,
            page=table.request,
        )
        return listing(request, "orders.html", table, found, ORDER_SORTS, nav="orders", statuses=ORDER_STATUSES)

    @get("/{reference:str}")
    async def detail(self, request: AnyRequest, reference: Reference, view: FromDishka[ViewOrder]) -> Template:
        found = await view(staff_id=staff_id(request), reference=reference)
        return page(request, "order.html", nav="orders", file=found, order=found.order)

    @post("/{reference:str}/refund", guards=[fresh_step_up])
    async def refund(
        self, request: AnyRequest, reference: Reference, refund: FromDishka[RefundOrderAsStaff]
    ) -> Redirect:
        action = refund(staff_id=staff_id(request), reference=reference)
        return await done(
            request, action, lambda opened: f"A refund of {inr(opened.amount)} is {opened.status.value}."
        )
