"""The staff console's reads over PostgreSQL: one count and one page per search, sorted in the database."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from loopin.adapters.persistence.orm import (
    EventRow,
    MemberRow,
    PaymentOrderRow,
    RefundRow,
    is_storable_id,
    like_anywhere,
)
from loopin.usecases.staff.ports import (
    EventDirectory,
    EventLine,
    MemberDirectory,
    MemberLine,
    OrderDirectory,
    OrderLine,
    Page,
    PageRequest,
    Takings,
)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _number(text: str) -> int | None:
    value = int(text) if text.isdigit() and len(text) < 20 else None
    return value if value is not None and is_storable_id(value) else None


S = TypeVar("S", bound=Select[*tuple[Any, ...]])


def _ordered(statement: S, column: Any, tie: Any, page: PageRequest) -> S:
    key = column.desc().nulls_last() if page.descending else column.asc().nulls_last()
    return (
        statement.order_by(key, tie.desc() if page.descending else tie.asc()).offset(page.offset).limit(page.limit)
    )


async def _total(session: AsyncSession, statement: Select[*tuple[Any, ...]]) -> int:
    return int(await session.scalar(select(func.count()).select_from(statement.subquery())) or 0)


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
            if digits := _digits(text):
                matches.append(MemberRow.phone_number.like(like_anywhere(digits)))
            conditions.append(or_(*matches))
        statement = select(MemberRow).where(and_(*conditions))
        columns = {
            "joined_at": MemberRow.created_at,
            "name": MemberRow.name,
            "status": MemberRow.status,
            "promote_at": MemberRow.promote_at,
        }
        rows = await self._session.scalars(
            _ordered(statement, columns.get(page.sort, MemberRow.created_at), MemberRow.id, page)
        )
        lines = [
            MemberLine(r.id, r.phone_number or "", r.name, r.status, r.role, r.created_at, r.promote_at)
            for r in rows
        ]
        return Page(await _total(self._session, statement), lines)


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
            if (number := _number(text)) is not None:
                matches.append(EventRow.id == number)
            conditions.append(or_(*matches))
        statement = (
            select(EventRow, MemberRow.name)
            .join(MemberRow, MemberRow.id == EventRow.host_id)
            .where(and_(*conditions) if conditions else ~false())
        )
        columns = {
            "start_time": EventRow.start_time,
            "title": EventRow.title,
            "status": EventRow.status,
            "seats_taken": EventRow.seats_taken,
        }
        rows = await self._session.execute(
            _ordered(statement, columns.get(page.sort, EventRow.start_time), EventRow.id, page)
        )
        lines = [
            EventLine(
                e.id,
                e.title,
                e.host_id,
                host_name,
                e.start_time,
                e.timezone,
                e.status,
                e.is_paid,
                e.ticket_price,
                e.seats_taken,
                e.max_capacity,
                e.deleted_at is not None,
            )
            for e, host_name in rows
        ]
        return Page(await _total(self._session, statement), lines)


class SqlOrderDirectory(OrderDirectory):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def sales(self, start: datetime, end: datetime) -> Takings:
        row = (
            await self._session.execute(
                select(func.count(), func.coalesce(func.sum(PaymentOrderRow.captured_amount), 0)).where(
                    PaymentOrderRow.captured_at >= start, PaymentOrderRow.captured_at < end
                )
            )
        ).one()
        return Takings(int(row[0]), Decimal(row[1]))

    async def refunds(self, start: datetime, end: datetime) -> Takings:
        row = (
            await self._session.execute(
                select(func.count(), func.coalesce(func.sum(RefundRow.amount), 0)).where(
                    RefundRow.created_at >= start, RefundRow.created_at < end
                )
            )
        ).one()
        return Takings(int(row[0]), Decimal(row[1]))

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
            .where(and_(*conditions) if conditions else ~false())
        )
        columns = {
            "created_at": PaymentOrderRow.created_at,
            "amount": PaymentOrderRow.amount,
            "status": PaymentOrderRow.status,
        }
        rows = await self._session.execute(
            _ordered(statement, columns.get(page.sort, PaymentOrderRow.created_at), PaymentOrderRow.id, page)
        )
        lines = [
            OrderLine(
                o.id,
                o.order_id,
                o.event_id,
                title,
                o.member_id,
                name,
                o.amount,
                o.captured_amount,
                o.refunded_amount,
                o.status,
                o.created_at,
            )
            for o, title, name in rows
        ]
        return Page(await _total(self._session, statement), lines)
