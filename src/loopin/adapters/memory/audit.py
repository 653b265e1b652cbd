"""In-memory audit log (an append-only list per process)."""

from __future__ import annotations

from loopin.adapters.memory.store import MemoryTransaction
from loopin.domain.audit.entry import AuditEntry
from loopin.usecases.audit.ports import AuditLog

AUDIT_ENTRIES = "audit_entries"


class MemoryAuditLog(AuditLog):
    def __init__(self, tx: MemoryTransaction) -> None:
        self._tx = tx

    async def record(self, entry: AuditEntry) -> bool:
        await self._tx.lock(AUDIT_ENTRIES, entry.entry_id)
        if self._tx.read(AUDIT_ENTRIES, entry.entry_id) is not None:
            return False
        stored = AuditEntry(
            entry.entry_id,
            entry.actor_id,
            entry.action,
            entry.target_type,
            entry.target_id,
            entry.at,
            dict(entry.details),
            self._tx.next_id(AUDIT_ENTRIES),
        )
        self._tx.write(AUDIT_ENTRIES, entry.entry_id, stored)
        return True

    async def entries_for(self, target_type: str, target_id: int) -> list[AuditEntry]:
        found = (
            e for e in self._tx.rows(AUDIT_ENTRIES) if (e.target_type, e.target_id) == (target_type, target_id)
        )
        return sorted(found, key=lambda e: e.id)
