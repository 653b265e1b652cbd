"""A tiny transactional in-memory database: tables of copies, row locks, and an undo log per transaction."""

from __future__ import annotations

import asyncio
import copy
from collections import defaultdict
from collections.abc import Hashable, Iterator
from typing import Any

from loopin.adapters.jobs.dispatch import JobBuffer, JobDispatcher

_MISSING = object()


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
    """Reads and writes copies, so an entity changed but not saved never leaks into the store."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._undo: list[tuple[str, Hashable, Any]] = []
        self._touched: set[tuple[str, Hashable]] = set()
        self._held: list[asyncio.Lock] = []

    async def lock(self, table: str, key: Hashable) -> None:
        lock = self._store.lock_for(table, key)
        if lock in self._held:
            return
        await lock.acquire()
        self._held.append(lock)

    def read(self, table: str, key: Hashable) -> Any:
        value = self._store.tables[table].get(key)
        return copy.deepcopy(value)

    def rows(self, table: str) -> Iterator[Any]:
        for value in list(self._store.tables[table].values()):
            yield copy.deepcopy(value)

    def write(self, table: str, key: Hashable, value: Any) -> None:
        rows = self._store.tables[table]
        if (table, key) not in self._touched:
            self._touched.add((table, key))
            self._undo.append((table, key, rows.get(key, _MISSING)))
        rows[key] = copy.deepcopy(value)

    def next_id(self, table: str) -> int:
        return self._store.next_id(table)

    def commit(self) -> None:
        self._undo.clear()
        self._touched.clear()
        self._release()

    def rollback(self) -> None:
        for table, key, old in reversed(self._undo):
            if old is _MISSING:
                self._store.tables[table].pop(key, None)
            else:
                self._store.tables[table][key] = old
        self.commit()

    def _release(self) -> None:
        while self._held:
            self._held.pop().release()


class MemoryUnitOfWork:
    def __init__(self, tx: MemoryTransaction, buffer: JobBuffer, dispatcher: JobDispatcher) -> None:
        self._tx = tx
        self._buffer = buffer
        self._dispatcher = dispatcher

    async def commit(self) -> None:
        self._tx.commit()
        await self._dispatcher.dispatch(self._buffer.drain())

    async def rollback(self) -> None:
        self._tx.rollback()
        self._buffer.drain()
