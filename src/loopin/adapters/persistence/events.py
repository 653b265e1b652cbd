"""Events over PostgreSQL: the repository the use cases change them through (the feed's read model is
``event_reader.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select

from loopin.adapters.persistence.orm import EventRow
from loopin.adapters.persistence.rows import RowRepository, copy_to_row, entity_from_row
from loopin.domain.events.event import Event, EventStatus
from loopin.domain.shared.errors import Conflict
from loopin.usecases.events.ports import EventRepository


def event_from_row(row: EventRow) -> Event:
    return entity_from_row(Event, row)


def _copy_event(event: Event, row: EventRow) -> None:
    """``seats_held`` is written only by the seat inventory's conditional statements (``SqlSeatInventory``)."""
    copy_to_row(event, row, skip=("id", "created_at", "updated_at", "seats_held"))


class EventNotStored(Conflict, code="EVENT_CONFLICT", message="This event could not be stored. Please retry."): ...


class SqlEventRepository(RowRepository[Event, EventRow], EventRepository):
    no_key_update = True  # a rush inserts tickets referencing it (RowRepository.no_key_update)
    conflict = EventNotStored

    def _write(self, event: Event, row: EventRow) -> None:
        _copy_event(event, row)

    def _added(self, event: Event, row: EventRow) -> None:
        event.created_at = row.created_at
        event.updated_at = row.updated_at

    async def get(self, event_id: int) -> Event | None:
        return await self._get(event_id)

    async def get_for_update(self, event_id: int) -> Event | None:
        return await self._get(event_id, lock=True)

    async def lock_ended(self, ended_before: datetime, limit: int) -> list[Event]:
        return await self._lock_overdue(
            EventRow.status == EventStatus.PUBLISHED.value,
            EventRow.deleted_at.is_(None),
            EventRow.end_time < ended_before,
            order=EventRow.end_time,
            limit=limit,
        )

    async def canonical_id_taken(self, canonical_id: str) -> bool:
        return bool(await self._session.scalar(select(exists().where(EventRow.canonical_id == canonical_id))))

    async def find_duplicate(
        self, host_id: int, title: str, start_time: datetime, since: datetime
    ) -> Event | None:
        row = await self._session.scalar(
            select(EventRow)
            .where(
                EventRow.host_id == host_id,
                EventRow.start_time == start_time,
                EventRow.title == title,
                EventRow.deleted_at.is_(None),
                EventRow.created_at >= since,
            )
            .order_by(EventRow.id)
            .limit(1)
        )
        return event_from_row(row) if row else None

    async def hosts_any(self, host_id: int) -> bool:
        return bool(
            await self._session.scalar(
                select(exists().where(EventRow.host_id == host_id, EventRow.deleted_at.is_(None)))
            )
        )
