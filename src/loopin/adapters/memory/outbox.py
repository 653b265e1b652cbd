"""The outbox in the in-memory store: messages committed with their transaction, claimed under row locks that
are skipped when another relay holds them, as PostgreSQL's ``SKIP LOCKED`` does."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import count

from loopin.adapters.jobs.outbox import Outbox, OutboxAcknowledgements, OutboxMessage, new_messages
from loopin.adapters.memory.store import MemoryAdapter, MemoryStore, MemoryTransaction
from loopin.usecases.shared.ports import Job

OUTBOX = "outbox"
_order = count(1)  # ties of ``available_at`` are broken by insertion order, as the SQL outbox's are by time


@dataclass(frozen=True, slots=True)
class _Row:
    message: OutboxMessage
    available_at: datetime
    order: int
    last_error: str | None = None


class MemoryOutbox(MemoryAdapter, Outbox):
    async def add(self, jobs: Sequence[Job], *, now: datetime, hold_until: datetime) -> list[OutboxMessage]:
        messages = new_messages(jobs)
        for message in messages:
            self._tx.write(OUTBOX, message.id, _Row(message, hold_until, next(_order)))
        return messages

    async def claim(self, *, now: datetime, limit: int) -> list[OutboxMessage]:
        due = sorted((r for r in self._tx.rows(OUTBOX) if r.available_at <= now), key=_oldest_first)
        claimed: list[OutboxMessage] = []
        for row in due:
            if len(claimed) == limit:
                break
            if await self._tx.try_lock(OUTBOX, row.message.id) and self._tx.read(OUTBOX, row.message.id):
                claimed.append(row.message)
        return claimed

    async def delivered(self, ids: Sequence[uuid.UUID]) -> None:
        for message_id in ids:
            self._tx.delete(OUTBOX, message_id)

    async def retry_later(self, message: OutboxMessage, *, at: datetime, error: str) -> None:
        row: _Row | None = self._tx.read(OUTBOX, message.id)
        if row is not None:
            tried = replace(row.message, tries=row.message.tries + 1)
            self._tx.write(OUTBOX, message.id, replace(row, message=tried, available_at=at, last_error=error))

    async def pending(self, limit: int = 100) -> list[OutboxMessage]:
        rows: list[_Row] = sorted(self._tx.rows(OUTBOX), key=lambda r: r.order)
        return [r.message for r in rows[:limit]]


def _oldest_first(row: _Row) -> tuple[datetime, int]:
    return row.available_at, row.order


class MemoryOutboxAcknowledgements(OutboxAcknowledgements):
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def acknowledge(self, ids: Sequence[uuid.UUID]) -> None:
        tx = MemoryTransaction(self._store)
        for message_id in ids:
            await tx.lock(OUTBOX, message_id)  # a relay that claimed it meanwhile finishes first
            tx.delete(OUTBOX, message_id)
        tx.commit()
