"""Ports of the audit context."""

from __future__ import annotations

from typing import Protocol

from loopin.domain.audit.entry import AuditEntry


class AuditLog(Protocol):
    async def record(self, entry: AuditEntry) -> bool:
        """Appends the entry; False when an entry with its ``entry_id`` is already recorded (a retried job)."""
        ...

    async def entries_for(self, target_type: str, target_id: int) -> list[AuditEntry]:
        """Oldest first."""
        ...
