"""The staff console's reads over the in-memory store: the same filters, order and pages as in SQL."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from operator import attrgetter
from typing import TypeVar

from loopin.adapters.memory.events import EVENTS
from loopin.adapters.memory.identity import MEMBERS
from loopin.adapters.memory.payments.orders import ORDERS
from loopin.adapters.memory.payments.refunds import REFUNDS
from loopin.adapters.memory.store import MemoryAdapter
from loopin.domain.events.event import Event, EventStatus
from loopin.domain.identity.member import Member, MemberStatus
from loopin.domain.identity.phone import digits_of
from loopin.domain.payments.order import PaymentOrder
from loopin.domain.payments.refund import Refund
from loopin.domain.shared.ids import read_id
from loopin.domain.shared.money import ZERO
from loopin.usecases.shared.attributes import from_attributes
from loopin.usecases.shared.paging import Page
from loopin.usecases.staff.ports import (
    EVENT_SORTS,
    MEMBER_SORTS,
    ORDER_SORTS,
    EventDirectory,
    EventLine,
    MemberDirectory,
    MemberLine,
    OrderDirectory,
    OrderLine,
    PageRequest,
    Takings,
)

T = TypeVar("T")


def _page(found: Iterable[T], sortable: tuple[str, ...], page: PageRequest) -> Page[T]:
    """Sorted like ``ORDER BY <page.sort> NULLS LAST, id`` in the asked direction; a sort the directory does
    not offer is its first ``sortable`` field, as in SQL."""
    key = attrgetter(page.sort if page.sort in sortable else sortable[0])
    tie = attrgetter("id")
    rows = list(found)
    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    present.sort(key=lambda r: (key(r), tie(r)), reverse=page.descending)
    missing.sort(key=tie, reverse=page.descending)
    ordered = present + missing
    return Page.cut(ordered, page.offset, page.limit)


def _contains(haystack: str, needle: str) -> bool:
    return needle.casefold() in haystack.casefold()


class MemoryMemberDirectory(MemoryAdapter, MemberDirectory):
    async def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for m in self._tx.rows(MEMBERS):
            found[m.status.value] = found.get(m.status.value, 0) + 1
        return found

    async def search(self, *, text: str, status: str | None, page: PageRequest) -> Page[MemberLine]:
        digits = digits_of(text)

        def matches(m: Member) -> bool:
            if m.status is MemberStatus.ERASED or (status and m.status.value != status):
                return False
            return not text or _contains(m.profile.name, text) or bool(digits and digits in m.phone.e164)

        lines = (
            from_attributes(
                MemberLine,
                m,
                phone_number=m.phone.e164,
                name=m.profile.name,
                status=m.status.value,
                role=m.role.value,
            )
            for m in self._tx.rows(MEMBERS)
            if matches(m)
        )
        return _page(lines, MEMBER_SORTS, page)


class MemoryEventDirectory(MemoryAdapter, EventDirectory):
    async def count_starting(self, start: datetime, end: datetime) -> int:
        return sum(
            1
            for e in self._tx.rows(EVENTS)
            if start <= e.start_time < end and not e.is_deleted and e.status is not EventStatus.DRAFT
        )

    async def search(self, *, text: str, status: str | None, page: PageRequest) -> Page[EventLine]:
        names = {m.id: m.profile.name for m in self._tx.rows(MEMBERS)}

        def matches(e: Event) -> bool:
            if status and e.status.value != status:
                return False
            host = names.get(e.host_id, "")
            return not text or _contains(e.title, text) or _contains(host, text) or read_id(text) == e.id

        lines = (
            from_attributes(
                EventLine, e, host_name=names.get(e.host_id, ""), status=e.status.value, deleted=e.is_deleted
            )
            for e in self._tx.rows(EVENTS)
            if matches(e)
        )
        return _page(lines, EVENT_SORTS, page)


class MemoryOrderDirectory(MemoryAdapter, OrderDirectory):
    async def sales(self, start: datetime, end: datetime) -> Takings:
        captured = [
            o.captured_amount
            for o in self._tx.rows(ORDERS)
            if o.captured_at is not None and start <= o.captured_at < end
        ]
        return Takings(len(captured), sum(captured, ZERO))

    async def refunds(self, start: datetime, end: datetime) -> Takings:
        opened: list[Decimal] = [
            r.amount
            for r in self._tx.rows(REFUNDS)
            if isinstance(r, Refund) and r.created_at is not None and start <= r.created_at < end
        ]
        return Takings(len(opened), sum(opened, ZERO))

    async def search(
        self, *, txnid: str, status: str | None, event_id: int | None, page: PageRequest
    ) -> Page[OrderLine]:
        names = {m.id: m.profile.name for m in self._tx.rows(MEMBERS)}
        titles = {e.id: e.title for e in self._tx.rows(EVENTS)}

        def matches(o: PaymentOrder) -> bool:
            return (
                (not txnid or _contains(o.order_id, txnid))
                and (not status or o.status.value == status)
                and (event_id is None or o.event_id == event_id)
            )

        lines = (
            from_attributes(
                OrderLine,
                o,
                event_title=titles.get(o.event_id, ""),
                member_name=names.get(o.member_id, ""),
                status=o.status.value,
                created_at=o.created_at or datetime.min.replace(tzinfo=UTC),
            )
            for o in self._tx.rows(ORDERS)
            if matches(o)
        )
        return _page(lines, ORDER_SORTS, page)
