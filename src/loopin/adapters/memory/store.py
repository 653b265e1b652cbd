"""A tiny transactional in-memory database: tables of copies, row locks, and an undo log per transaction."""

from __future__ import annotations

import asyncio
import copy
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from loopin.adapters.jobs.outbox import Outbox
from loopin.adapters.jobs.relay import OutboxRelay
from loopin.adapters.unit_of_work import AfterCommit, BufferedUnitOfWork
from loopin.usecases.shared.ports import Clock


class MemoryStore:
    """Shared by every request of one process (APP scope)."""

    def __init__(self) -> None:
        self.tables: defaultdict[str, dict[Hashable, Any]] = defaultdict(dict)
        self._locks: dict[tuple[str, Hashable], asyncio.Lock] = {}
        self._sequences: defaultdict[str, int] = defaultdict(int)

    def next_id(self, table: str) -> int:
        self._sequences[table] += 1
        return self._sequences[table]

    def lock_for(self, table: str, key: Hashable) -> asyncio.Lock:
        return self._locks.setdefault((table, key), asyncio.Lock())


class MemoryTransaction:
    """Reads and writes copies, so an entity changed but not saved never leaks into the store.

    Writes stay with the transaction until ``commit`` (other transactions read committed rows only, as in
    PostgreSQL); row locks last until the transaction ends.
    """

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._writes: dict[tuple[str, Hashable], Any] = {}
        self._held: list[asyncio.Lock] = []

    async def lock(self, table: str, key: Hashable) -> None:
        lock = self._store.lock_for(table, key)
        if lock in self._held:
            return
        await lock.acquire()
        self._held.append(lock)

    async def try_lock(self, table: str, key: Hashable) -> bool:
        """Takes the row lock unless another transaction holds it (``SKIP LOCKED``)."""
        lock = self._store.lock_for(table, key)
        if lock in self._held:
            return True
        if lock.locked():
            return False
        await lock.acquire()
        self._held.append(lock)
        return True

    def read(self, table: str, key: Hashable) -> Any:
        if (table, key) in self._writes:
            return copy.deepcopy(self._writes[table, key])
        return copy.deepcopy(self._store.tables[table].get(key))

    def rows(self, table: str) -> Iterator[Any]:
        current = dict(self._store.tables[table])
        current.update({key: value for (t, key), value in self._writes.items() if t == table})
        for value in current.values():
            if value is not None:
                yield copy.deepcopy(value)

    def write(self, table: str, key: Hashable, value: Any) -> None:
        self._writes[table, key] = copy.deepcopy(value)

    async def insert_once(self, table: str, key: Hashable, value: Any) -> bool:
        """``INSERT … ON CONFLICT DO NOTHING``: under the key's lock, writes the value only where none is stored
        yet, and says whether it did."""
        await self.lock(table, key)
        if self.read(table, key) is not None:
            return False
        self.write(table, key, value)
        return True

    def delete(self, table: str, key: Hashable) -> None:
        self._writes[table, key] = None

    def next_id(self, table: str) -> int:
        return self._store.next_id(table)

    def commit(self) -> None:
        for (table, key), value in self._writes.items():
            if value is None:
                self._store.tables[table].pop(key, None)
            else:
                self._store.tables[table][key] = value
        self._writes.clear()
        self._release()

    def rollback(self) -> None:
        self._writes.clear()
        self._release()

    def _release(self) -> None:
        while self._held:
            self._held.pop().release()


class Identified(Protocol):
    id: int


E = TypeVar("E", bound=Identified)


class MemoryAdapter:
    """An in-memory adapter: it works inside the request's (or job's) memory transaction."""

    def __init__(self, tx: MemoryTransaction) -> None:
        self._tx = tx


class MemoryRows(MemoryAdapter, Generic[E]):
    """Entities kept by id in one ``table`` of the transaction: what the memory repositories share (reads,
    row locks, an insert that takes the next id, writes)."""

    table: ClassVar[str]

    def _read(self, key: Hashable | None) -> E | None:
        found: E | None = self._tx.read(self.table, key) if key is not None else None
        return found

    async def _locked(self, key: Hashable) -> E | None:
        await self._tx.lock(self.table, key)
        return self._read(key)

    async def _lock_overdue(self, is_due: Callable[[E], bool], order: Callable[[E], Any], limit: int) -> list[E]:
        """The due rows in ``order``, up to ``limit``, skipping those another transaction holds (a sweep's
        ``SKIP LOCKED``)."""
        locked: list[E] = []
        for row in sorted(filter(is_due, self._tx.rows(self.table)), key=order):
            if len(locked) >= limit:
                break
            if await self._tx.try_lock(self.table, row.id):
                fresh = self._read(row.id)  # read again under the lock
                if fresh is not None and is_due(fresh):
                    locked.append(fresh)
        return locked

    async def get(self, entity_id: int) -> E | None:
        return self._read(entity_id)

    async def add(self, entity: E) -> E:
        entity.id = self._tx.next_id(self.table)
        self._tx.write(self.table, entity.id, entity)
        return entity

    async def save(self, entity: E) -> None:
        self._tx.write(self.table, entity.id, entity)


class MemoryUnitOfWork(BufferedUnitOfWork):
    def __init__(
        self, tx: MemoryTransaction, pending: AfterCommit, outbox: Outbox, relay: OutboxRelay, clock: Clock
    ) -> None:
        super().__init__(pending, outbox, relay, clock)
        self._tx = tx

    async def _commit(self) -> None:
        self._tx.commit()

    async def _rollback(self) -> None:
        self._tx.rollback()
