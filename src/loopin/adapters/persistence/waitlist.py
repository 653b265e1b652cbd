"""Event waitlists over PostgreSQL. The line is ``waitlist_places`` in id order; a partial unique index allows
one live place per member and event; the callers hold the event row lock, the rows are locked too."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select

from loopin.adapters.persistence.attendance_reader import _MEMBER_COLUMNS, _card
from loopin.adapters.persistence.orm import EventRow, MemberRow, WaitlistPlaceRow, is_storable_id
from loopin.adapters.persistence.rows import RowRepository, entity_from_row
from loopin.domain.attendance.waitlist import PlaceStatus, WaitlistPlace
from loopin.domain.events.event import EventStatus
from loopin.usecases.attendance.ports import PlaceInLine, WaitlistRepository

W = WaitlistPlaceRow
WAITING, OFFERED = PlaceStatus.WAITING.value, PlaceStatus.OFFERED.value


def place_from_row(row: WaitlistPlaceRow) -> WaitlistPlace:
    return entity_from_row(WaitlistPlace, row)


class SqlWaitlistRepository(RowRepository[WaitlistPlace, WaitlistPlaceRow], WaitlistRepository):
    dated_by = "joined_at"

    async def lock_live(self, event_id: int, member_id: int) -> WaitlistPlace | None:
        if not (is_storable_id(event_id) and is_storable_id(member_id)):
            return None
        return await self._one(
            select(W).where(W.event_id == event_id, W.member_id == member_id, W.status.in_((WAITING, OFFERED))),
            lock=True,
        )

    async def latest(self, event_id: int, member_id: int) -> WaitlistPlace | None:
        if not (is_storable_id(event_id) and is_storable_id(member_id)):
            return None
        row = await self._session.scalar(
            select(W).where(W.event_id == event_id, W.member_id == member_id).order_by(W.id.desc()).limit(1)
        )
        return place_from_row(row) if row else None

    async def position(self, place: WaitlistPlace) -> int:
        ahead = await self._session.scalar(
            select(func.count()).where(W.event_id == place.event_id, W.status == WAITING, W.id < place.id)
        )
        return int(ahead or 0) + 1

    async def lock_offered(self, event_id: int) -> list[WaitlistPlace]:
        return await self._many(
            select(W).where(W.event_id == event_id, W.status == OFFERED).order_by(W.id), lock=True
        )

    async def lock_waiting(self, event_id: int, limit: int) -> list[WaitlistPlace]:
        return await self._many(
            select(W).where(W.event_id == event_id, W.status == WAITING).order_by(W.id).limit(limit), lock=True
        )

    async def line(self, event_id: int) -> list[PlaceInLine]:
        rows = await self._session.execute(
            select(W, *_MEMBER_COLUMNS)
            .join(MemberRow, MemberRow.id == W.member_id)
            .where(W.event_id == event_id, W.status.in_((WAITING, OFFERED)))
            .order_by((W.status == WAITING).asc(), W.id)
        )
        line: list[PlaceInLine] = []
        waiting = 0
        for r in rows:
            place = place_from_row(r[0])
            if place.status is PlaceStatus.WAITING:
                waiting += 1
            line.append(PlaceInLine(place, _card(r[1:]), waiting if place.status is PlaceStatus.WAITING else None))
        return line

    async def events_due(self, now: datetime, limit: int) -> list[int]:
        E = EventRow
        free_seat = and_(
            W.status == WAITING,
            E.deleted_at.is_(None),
            E.status == EventStatus.PUBLISHED.value,
            E.start_time > now,
            or_(E.max_capacity == 0, E.seats_taken + E.seats_held < E.max_capacity),
        )
        overdue = and_(W.status == OFFERED, W.offer_expires_at <= now)
        rows = await self._session.scalars(
            select(W.event_id)
            .join(E, E.id == W.event_id)
            .where(or_(overdue, free_seat))
            .group_by(W.event_id)
            .order_by(func.min(W.id))
            .limit(limit)
        )
        return list(rows)
