"""The staff console's reads over PostgreSQL: one count and one page per search, sorted in the database."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from loopin.adapters.persistence.orm import (
    EventRow,
    MemberRow,
    PaymentOrderRow,
    RefundRow,
    is_storable_id,
    like_anywhere,
)
from loopin.domain.identity.phone import digits_of
from loopin.domain.shared.ids import read_id
from loopin.usecases.shared.attributes import from_attributes
from loopin.usecases.shared.paging import Page
from loopin.usecases.staff.ports import (
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


async def _page(
    session: AsyncSession,
    statement: Select[*tuple[Any, ...]],
    page: PageRequest,
    sorts: Mapping[str, InstrumentedAttribute[Any]],
    line: Callable[..., T],
) -> Page[T]:
    """One page of ``statement``'s rows as lines, sorted by the asked key (the first of ``sorts`` when it is
    not one of them; missing values last, ties broken by the row's id), and the count of every match."""
    column = sorts.get(page.sort) or next(iter(sorts.values()))
    tie = column.class_.id
    key, then = (column.desc(), tie.desc()) if page.descending else (column.asc(), tie.asc())
    rows = await session.execute(statement.order_by(key.nulls_last(), then).offset(page.offset).limit(page.limit))
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    return Page(int(total or 0), [line(*row) for row in rows])


async def _takings(session: AsyncSession, amount: Any, at: Any, start: datetime, end: datetime) -> Takings:
    """How many rows fall in ``[start, end)`` by ``at``, and the sum of their ``amount``."""
    statement = select(func.count(), func.coalesce(func.sum(amount), 0)).where(at >= start, at < end)
    count, total = (await session.execute(statement)).one()
    return Takings(int(count), Decimal(total))


class SqlMemberDirectory(MemberDirectory):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def counts(self) -> dict[str, int]:
        rows = await self._session.execute(select(MemberRow.status, func.count()).group_by(MemberRow.status))
        return {status: int(n) for status, n in rows}

    async def search(self, *, text: str, status: str | None, page: PageRequest) -> Page[MemberLine]:
        conditions: list[ColumnElement[bool]] = [MemberRow.status != "erased"]
        if status:
            conditions.append(MemberRow.status == status)
        if text:
            matches: list[ColumnElement[bool]] = [MemberRow.name.ilike(like_anywhere(text))]
            if digits := digits_of(text):
                matches.append(MemberRow.phone_number.like(like_anywhere(digits)))
            conditions.append(or_(*matches))
        sorts = {
            "joined_at": MemberRow.created_at,
            "name": MemberRow.name,
            "status": MemberRow.status,
            "promote_at": MemberRow.promote_at,
        }
        return await _page(self._session, select(MemberRow).where(*conditions), page, sorts, _member_line)


def _member_line(row: MemberRow) -> MemberLine:
    return from_attributes(MemberLine, row, phone_number=row.phone_number or "", joined_at=row.created_at)


class SqlEventDirectory(EventDirectory):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def count_starting(self, start: datetime, end: datetime) -> int:
        found = await self._session.scalar(
            select(func.count()).where(
                EventRow.start_time >= start,
                EventRow.start_time < end,
                EventRow.deleted_at.is_(None),
                EventRow.status != "draft",
            )
        )
        return int(found or 0)

    async def search(self, *, text: str, status: str | None, page: PageRequest) -> Page[EventLine]:
        conditions: list[ColumnElement[bool]] = []
        if status:
            conditions.append(EventRow.status == status)
        if text:
            matches: list[ColumnElement[bool]] = [
                EventRow.title.ilike(like_anywhere(text)),
                MemberRow.name.ilike(like_anywhere(text)),
            ]
            if (number := read_id(text)) is not None:
                matches.append(EventRow.id == number)
            conditions.append(or_(*matches))
        statement = (
            select(EventRow, MemberRow.name).join(MemberRow, MemberRow.id == EventRow.host_id).where(*conditions)
        )
        sorts = {
            "start_time": EventRow.start_time,
            "title": EventRow.title,
            "status": EventRow.status,
            "seats_taken": EventRow.seats_taken,
        }
        return await _page(self._session, statement, page, sorts, _event_line)


def _event_line(row: EventRow, host_name: str) -> EventLine:
    return from_attributes(EventLine, row, host_name=host_name, deleted=row.deleted_at is not None)


class SqlOrderDirectory(OrderDirectory):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def sales(self, start: datetime, end: datetime) -> Takings:
        return await _takings(
            self._session, PaymentOrderRow.captured_amount, PaymentOrderRow.captured_at, start, end
        )

    async def refunds(self, start: datetime, end: datetime) -> Takings:
        return await _takings(self._session, RefundRow.amount, RefundRow.created_at, start, end)

    async def search(
        self, *, txnid: str, status: str | None, event_id: int | None, page: PageRequest
    ) -> Page[OrderLine]:
        buyer = aliased(MemberRow)
        conditions: list[ColumnElement[bool]] = []
        if txnid:
            conditions.append(PaymentOrderRow.order_id.ilike(like_anywhere(txnid)))
        if status:
            conditions.append(PaymentOrderRow.status == status)
        if event_id is not None:
            conditions.append(PaymentOrderRow.event_id == event_id if is_storable_id(event_id) else false())
        statement = (
            select(PaymentOrderRow, EventRow.title, buyer.name)
            .join(EventRow, EventRow.id == PaymentOrderRow.event_id)
            .join(buyer, buyer.id == PaymentOrderRow.member_id)
            .where(*conditions)
        )
        sorts = {
            "created_at": PaymentOrderRow.created_at,
            "amount": PaymentOrderRow.amount,
            "status": PaymentOrderRow.status,
        }
        return await _page(self._session, statement, page, sorts, _order_line)


def _order_line(row: PaymentOrderRow, event_title: str, member_name: str) -> OrderLine:
    return from_attributes(OrderLine, row, event_title=event_title, member_name=member_name)
