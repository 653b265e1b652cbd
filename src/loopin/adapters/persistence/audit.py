"""The audit log over PostgreSQL: appends serialised by a transaction-level advisory lock, reads by index."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert

from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.orm import AuditDayActionRow, AuditDayRow, AuditEntryRow
from loopin.adapters.persistence.rows import entity_from_row
from loopin.domain.audit.chain import ChainHead
from loopin.domain.audit.entry import AuditEntry
from loopin.usecases.audit.ports import ActionCount, AuditDay, AuditDays, AuditLog, AuditQuery
from loopin.usecases.shared.attributes import field_names

CHAIN_LOCK = 0x4C6F6F7069_4175  # any fixed bigint: the key of the chain's append lock


def entry_from_row(row: AuditEntryRow) -> AuditEntry:
    return entity_from_row(AuditEntry, row, details=dict(row.details or {}))


class SqlAuditLog(SqlAdapter, AuditLog):
    async def lock_head(self) -> ChainHead | None:
        await self._session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
        # Read committed: this statement starts after the lock was granted, so it sees the last appender's entry.
        last = (
            await self._session.execute(
                select(AuditEntryRow.seq, AuditEntryRow.digest).order_by(AuditEntryRow.seq.desc()).limit(1)
            )
        ).first()
        return None if last is None else ChainHead(last.seq, last.digest)

    async def contains(self, entry_id: uuid.UUID) -> bool:
        found = await self._session.scalar(select(AuditEntryRow.id).where(AuditEntryRow.entry_id == entry_id))
        return found is not None

    async def append(self, entry: AuditEntry) -> None:
        values: dict[str, Any] = {name: getattr(entry, name) for name in field_names(AuditEntry)}
        await self._session.execute(insert(AuditEntryRow).values({**values, "details": dict(entry.details)}))

    async def entries_for(self, target_type: str, target_id: int) -> list[AuditEntry]:
        rows = await self._session.scalars(
            select(AuditEntryRow)
            .where(AuditEntryRow.target_type == target_type, AuditEntryRow.target_id == target_id)
            .order_by(AuditEntryRow.at, AuditEntryRow.seq)
        )
        return [entry_from_row(r) for r in rows]

    async def search(self, query: AuditQuery) -> list[AuditEntry]:
        rows = await self._session.scalars(
            select(AuditEntryRow).where(*_matching(query)).order_by(AuditEntryRow.seq.desc()).limit(query.limit)
        )
        return [entry_from_row(r) for r in rows]

    async def chain_page(self, *, after_seq: int, limit: int) -> list[AuditEntry]:
        rows = await self._session.scalars(
            select(AuditEntryRow).where(AuditEntryRow.seq > after_seq).order_by(AuditEntryRow.seq).limit(limit)
        )
        return [entry_from_row(r) for r in rows]

    async def count_actions(self, start: datetime, end: datetime) -> list[ActionCount]:
        rows = await self._session.execute(
            select(
                AuditEntryRow.action,
                func.count(),
                func.count(func.distinct(AuditEntryRow.actor_id)),
            )
            .where(AuditEntryRow.recorded_at >= start, AuditEntryRow.recorded_at < end)
            .group_by(AuditEntryRow.action)
            .order_by(AuditEntryRow.action)
        )
        return [ActionCount(action, entries, actors) for action, entries, actors in rows]

    async def head_before(self, end: datetime) -> ChainHead | None:
        last = (
            await self._session.execute(
                select(AuditEntryRow.seq, AuditEntryRow.digest)
                .where(AuditEntryRow.recorded_at < end)
                .order_by(AuditEntryRow.seq.desc())
                .limit(1)
            )
        ).first()
        return None if last is None else ChainHead(last.seq, last.digest)

    async def first_recorded_at(self) -> datetime | None:
        return await self._session.scalar(select(func.min(AuditEntryRow.recorded_at)))


def _matching(query: AuditQuery) -> list[ColumnElement[bool]]:
    e = AuditEntryRow
    where: list[ColumnElement[bool]] = []
    if query.target_type is not None:
        where.append(e.target_type == query.target_type)
    if query.target_id is not None:
        where.append(e.target_id == query.target_id)
    if query.actor_id is not None:
        where.append(e.actor_id == query.actor_id)
    if query.action is not None and query.action.endswith("."):
        where.append(e.action.startswith(query.action, autoescape=True))
    elif query.action is not None:
        where.append(e.action == query.action)
    if query.since is not None:
        where.append(e.at >= query.since)
    if query.until is not None:
        where.append(e.at < query.until)
    if query.before_seq is not None:
        where.append(e.seq < query.before_seq)
    return where


class SqlAuditDays(SqlAdapter, AuditDays):
    async def latest(self) -> date | None:
        return await self._session.scalar(select(func.max(AuditDayRow.day)))

    async def add(self, day: AuditDay) -> bool:
        stored = await self._session.scalar(
            pg_insert(AuditDayRow)
            .values(
                day=day.day,
                entries=day.entries,
                head_seq=day.head.seq if day.head else None,
                head_digest=day.head.digest if day.head else None,
                summarized_at=day.summarized_at,
            )
            .on_conflict_do_nothing(index_elements=[AuditDayRow.day])
            .returning(AuditDayRow.day)
        )
        if stored is None:
            return False
        if day.actions:
            await self._session.execute(
                insert(AuditDayActionRow).values(
                    [
                        {"day": day.day, "action": a.action, "entries": a.entries, "actors": a.actors}
                        for a in day.actions
                    ]
                )
            )
        return True

    async def between(self, first: date, last: date) -> list[AuditDay]:
        days = (
            await self._session.scalars(
                select(AuditDayRow)
                .where(AuditDayRow.day >= first, AuditDayRow.day <= last)
                .order_by(AuditDayRow.day)
            )
        ).all()
        counts = await self._session.scalars(
            select(AuditDayActionRow)
            .where(and_(AuditDayActionRow.day >= first, AuditDayActionRow.day <= last))
            .order_by(AuditDayActionRow.day, AuditDayActionRow.action)
        )
        per_day: dict[date, list[ActionCount]] = {}
        for c in counts:
            per_day.setdefault(c.day, []).append(ActionCount(c.action, c.entries, c.actors))
        return [
            AuditDay(
                d.day,
                d.entries,
                ChainHead(d.head_seq, d.head_digest) if d.head_seq is not None else None,
                tuple(per_day.get(d.day, ())),
                d.summarized_at,
            )
            for d in days
        ]
