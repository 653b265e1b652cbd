"""The audit log over PostgreSQL: one insert per entry, idempotent on the entry id."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from loopin.adapters.persistence.orm import AuditEntryRow
from loopin.adapters.persistence.rows import entity_from_row
from loopin.domain.audit.entry import AuditEntry
from loopin.usecases.audit.ports import AuditLog


def entry_from_row(row: AuditEntryRow) -> AuditEntry:
    return entity_from_row(AuditEntry, row, details=dict(row.details or {}))


class SqlAuditLog(AuditLog):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, entry: AuditEntry) -> bool:
        details: dict[str, Any] = dict(entry.details)
        statement = (
            insert(AuditEntryRow)
            .values(
                entry_id=entry.entry_id,
                actor_id=entry.actor_id,
                action=entry.action,
                target_type=entry.target_type,
                target_id=entry.target_id,
                details=details,
                at=entry.at,
            )
            .on_conflict_do_nothing(index_elements=[AuditEntryRow.entry_id])
            .returning(AuditEntryRow.id)
        )
        return await self._session.scalar(statement) is not None

    async def entries_for(self, target_type: str, target_id: int) -> list[AuditEntry]:
        rows = await self._session.scalars(
            select(AuditEntryRow)
            .where(AuditEntryRow.target_type == target_type, AuditEntryRow.target_id == target_id)
            .order_by(AuditEntryRow.id)
        )
        return [entry_from_row(r) for r in rows]
