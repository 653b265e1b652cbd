"""The seat counters of events as single conditional ``UPDATE`` statements.

``hold`` and ``take`` fit or do nothing (``max_capacity = 0 OR seats_taken + seats_held + n <= max_capacity``),
and only on a listed event (published or postponed, not deleted): a confirmation or checkout that read the event
before the host cancelled it cannot take a seat after the cancellation committed (the statement waits for that
row lock and then reads the cancelled row);
the releases refuse to go below zero. Changes the transaction made to the event through the repository are
flushed first, so the condition reads them (a cancelled ticket's seats, a higher capacity). The row lock each
takes lasts until the transaction ends, and nothing is read under it; the table's CHECK constraint backs the
arithmetic. Each statement is built once, with bound parameters.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import ColumnElement, Integer, Table, Update, and_, bindparam, or_, update

from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.orm import EventRow, is_storable_id
from loopin.domain.events.event import LISTED_STATUSES
from loopin.usecases.events.ports import SeatInventory

_EVENTS = cast(Table, EventRow.__table__)
E = _EVENTS.c
_N = bindparam("n", type_=Integer)
_LISTED = and_(E.deleted_at.is_(None), E.status.in_([s.value for s in LISTED_STATUSES]))
_FITS = and_(_LISTED, or_(E.max_capacity == 0, E.seats_taken + E.seats_held + _N <= E.max_capacity))


def _statement(condition: ColumnElement[bool], **values: Any) -> Update:
    """Built once per process (a rush's winners each send one): the event by ``:event_id``, seats ``:n``."""
    return update(_EVENTS).where(E.id == bindparam("event_id"), condition).values(**values).returning(E.id)


_HOLD = _statement(_FITS, seats_held=E.seats_held + _N)
_TAKE = _statement(_FITS, seats_taken=E.seats_taken + _N)
_CONVERT = _statement(E.seats_held >= _N, seats_held=E.seats_held - _N, seats_taken=E.seats_taken + _N)
_RELEASE_HELD = _statement(E.seats_held >= _N, seats_held=E.seats_held - _N)
_RELEASE_TAKEN = _statement(E.seats_taken >= _N, seats_taken=E.seats_taken - _N)


class SqlSeatInventory(SqlAdapter, SeatInventory):
    async def _run(self, statement: Update, event_id: int, seats: int) -> bool:
        if not is_storable_id(event_id):
            return False
        await self._session.flush()  # the statement must see what this transaction wrote to the event before
        return (await self._run_core(statement, {"event_id": event_id, "n": seats})).scalar() is not None

    async def hold(self, event_id: int, seats: int) -> bool:
        return await self._run(_HOLD, event_id, seats)

    async def take(self, event_id: int, seats: int) -> bool:
        return await self._run(_TAKE, event_id, seats)

    async def convert_held(self, event_id: int, seats: int) -> None:
        if not await self._run(_CONVERT, event_id, seats):
            raise LookupError(f"event {event_id} does not hold {seats} seats")

    async def release_held(self, event_id: int, seats: int) -> None:
        if not await self._run(_RELEASE_HELD, event_id, seats):
            raise LookupError(f"event {event_id} does not hold {seats} seats")

    async def release_taken(self, event_id: int, seats: int) -> None:
        if not await self._run(_RELEASE_TAKEN, event_id, seats):
            raise LookupError(f"event {event_id} has not {seats} seats taken")
