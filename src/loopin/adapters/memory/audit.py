"""The audit log in the in-memory store: entries keyed by id, appends serialised by one row lock on the chain."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime

from loopin.adapters.memory.store import MemoryAdapter
from loopin.domain.audit.chain import ChainHead
from loopin.domain.audit.entry import AuditEntry
from loopin.usecases.audit.ports import ActionCount, AuditDay, AuditDays, AuditLog, AuditQuery

AUDIT_ENTRIES = "audit_entries"
AUDIT_DAYS = "audit_days"
CHAIN = ("audit_chain", "head")  # the row lock appenders queue on


class MemoryAuditLog(MemoryAdapter, AuditLog):
    def _entries(self) -> list[AuditEntry]:
        return sorted(self._tx.rows(AUDIT_ENTRIES), key=lambda e: e.seq)

    async def lock_head(self) -> ChainHead | None:
        await self._tx.lock(*CHAIN)
        entries = self._entries()
        return ChainHead(entries[-1].seq, entries[-1].digest) if entries else None

    async def contains(self, entry_id: uuid.UUID) -> bool:
        return self._tx.read(AUDIT_ENTRIES, entry_id) is not None

    async def append(self, entry: AuditEntry) -> None:
        self._tx.write(AUDIT_ENTRIES, entry.entry_id, entry)

    async def entries_for(self, target_type: str, target_id: int) -> list[AuditEntry]:
        mine = [e for e in self._entries() if (e.target_type, e.target_id) == (target_type, target_id)]
        return sorted(mine, key=lambda e: (e.at, e.seq))

    async def search(self, query: AuditQuery) -> list[AuditEntry]:
        found = [e for e in reversed(self._entries()) if _matches(e, query)]
        return found[: query.limit]

    async def chain_page(self, *, after_seq: int, limit: int) -> list[AuditEntry]:
        return [e for e in self._entries() if e.seq > after_seq][:limit]

    async def count_actions(self, start: datetime, end: datetime) -> list[ActionCount]:
        entries: defaultdict[str, int] = defaultdict(int)
        actors: defaultdict[str, set[int]] = defaultdict(set)
        for e in self._entries():
            if e.recorded_at is not None and start <= e.recorded_at < end:
                entries[e.action] += 1
                if e.actor_id is not None:
                    actors[e.action].add(e.actor_id)
        return [ActionCount(a, entries[a], len(actors[a])) for a in sorted(entries)]

    async def head_before(self, end: datetime) -> ChainHead | None:
        before = [e for e in self._entries() if e.recorded_at is not None and e.recorded_at < end]
        return ChainHead(before[-1].seq, before[-1].digest) if before else None

    async def first_recorded_at(self) -> datetime | None:
        times = [e.recorded_at for e in self._entries() if e.recorded_at is not None]
        return min(times) if times else None


def _matches(e: AuditEntry, q: AuditQuery) -> bool:
    if q.action is not None and not (
        e.action.startswith(q.action) if q.action.endswith(".") else e.action == q.action
    ):
        return False
    checks = (
        q.target_type is None or e.target_type == q.target_type,
        q.target_id is None or e.target_id == q.target_id,
        q.actor_id is None or e.actor_id == q.actor_id,
        q.since is None or e.at >= q.since,
        q.until is None or e.at < q.until,
        q.before_seq is None or e.seq < q.before_seq,
    )
    return all(checks)


class MemoryAuditDays(MemoryAdapter, AuditDays):
    async def latest(self) -> date | None:
        return max((d.day for d in self._tx.rows(AUDIT_DAYS)), default=None)

    async def add(self, day: AuditDay) -> bool:
        return await self._tx.insert_once(AUDIT_DAYS, day.day, day)

    async def between(self, first: date, last: date) -> list[AuditDay]:
        return sorted((d for d in self._tx.rows(AUDIT_DAYS) if first <= d.day <= last), key=lambda d: d.day)
