"""The seat counters of events as single conditional ``UPDATE`` statements.

``hold`` and ``take`` fit or do nothing (``max_capacity = 0 OR seats_taken + seats_held + n <= max_capacity``),
and only on a listed event (published or postponed, not deleted): a confirmation or checkout that read the event
before the host cancelled it cannot take a seat after the cancellation committed (the statement waits for that
row lock and then reads the cancelled row);
the releases refuse to go below zero. Changes the transaction made to the event through the repository are
flushed first, so the condition reads them (a cancelled ticket's seats, a higher capacity). The row lock each
takes lasts until the transaction ends, and nothing is read under it; the table's CHECK constraint backs the
arithmetic.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, update

from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.orm import EventRow, is_storable_id
from loopin.domain.events.event import LISTED_STATUSES
from loopin.usecases.events.ports import SeatInventory

E = EventRow


class SqlSeatInventory(SqlAdapter, SeatInventory):
    async def _run(self, event_id: int, *conditions: ColumnElement[bool], **values: object) -> bool:
        if not is_storable_id(event_id):
            return False
        await self._session.flush()  # the statement must see what this transaction wrote to the event before
        statement = (
            update(E)
            .where(E.id == event_id, *conditions)
            .values(**values)
            .returning(E.id)
            .execution_options(synchronize_session=False)
        )
        return await self._session.scalar(statement) is not None

    def _fits(self, seats: int) -> ColumnElement[bool]:
        listed = and_(E.deleted_at.is_(None), E.status.in_([s.value for s in LISTED_STATUSES]))
        return and_(listed, or_(E.max_capacity == 0, E.seats_taken + E.seats_held + seats <= E.max_capacity))

    async def hold(self, event_id: int, seats: int) -> bool:
        return await self._run(event_id, self._fits(seats), seats_held=E.seats_held + seats)

    async def take(self, event_id: int, seats: int) -> bool:
        return await self._run(event_id, self._fits(seats), seats_taken=E.seats_taken + seats)

    async def convert_held(self, event_id: int, seats: int) -> None:
        changed = await self._run(
            event_id, E.seats_held >= seats, seats_held=E.seats_held - seats, seats_taken=E.seats_taken + seats
        )
        if not changed:
            raise LookupError(f"event {event_id} does not hold {seats} seats")

    async def release_held(self, event_id: int, seats: int) -> None:
        if not await self._run(event_id, E.seats_held >= seats, seats_held=E.seats_held - seats):
            raise LookupError(f"event {event_id} does not hold {seats} seats")

    async def release_taken(self, event_id: int, seats: int) -> None:
        if not await self._run(event_id, E.seats_taken >= seats, seats_taken=E.seats_taken - seats):
            raise LookupError(f"event {event_id} has not {seats} seats taken")
