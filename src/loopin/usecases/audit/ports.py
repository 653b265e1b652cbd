"""Ports of the audit context."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from loopin.domain.audit.chain import ChainHead
from loopin.domain.audit.entry import AuditEntry


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """What staff look for; every filter set must match. Newest first, ``before_seq`` pages back."""

    target_type: str | None = None
    target_id: int | None = None
    actor_id: int | None = None
    action: str | None = None  # an exact action, or a family when it ends with "." ("payment_order.")
    since: datetime | None = None  # ``at`` from (inclusive)
    until: datetime | None = None  # ``at`` before (exclusive)
    before_seq: int | None = None
    limit: int = 50


@dataclass(frozen=True, slots=True)
class ActionCount:
    action: str
    entries: int
    actors: int  # distinct actors; entries of the system count none


@dataclass(frozen=True, slots=True)
class AuditDay:
    """A closed day's summary and the chain's head at its end (None while the log is empty)."""

    day: date
    entries: int
    head: ChainHead | None
    actions: tuple[ActionCount, ...]
    summarized_at: datetime


class AuditLog(Protocol):
    async def lock_head(self) -> ChainHead | None:
        """Takes the chain's append lock until the transaction ends (appenders queue, so the chain never forks)
        and returns its last entry, None when the log is empty."""
        ...

    async def contains(self, entry_id: uuid.UUID) -> bool: ...

    async def append(self, entry: AuditEntry) -> None:
        """Stores an entry already linked to the head ``lock_head`` returned."""
        ...

    async def entries_for(self, target_type: str, target_id: int) -> list[AuditEntry]:
        """Oldest first: by when it happened, then by chain position. A worker records entries in the order their
        jobs finish, which after a queue outage (the outbox's backlog handed over at once) need not be the order
        the actions happened in."""
        ...

    async def search(self, query: AuditQuery) -> list[AuditEntry]:
        """Newest first (by chain position)."""
        ...

    async def chain_page(self, *, after_seq: int, limit: int) -> list[AuditEntry]:
        """Entries in chain order from ``after_seq + 1``, for verification."""
        ...

    async def count_actions(self, start: datetime, end: datetime) -> list[ActionCount]:
        """Entries recorded in ``[start, end)``, per action, by action name."""
        ...

    async def head_before(self, end: datetime) -> ChainHead | None:
        """The last entry recorded before ``end``."""
        ...

    async def first_recorded_at(self) -> datetime | None: ...


class AuditDays(Protocol):
    async def latest(self) -> date | None: ...

    async def add(self, day: AuditDay) -> bool:
        """Stores the summary unless the day has one already (False: a second run of the job)."""
        ...

    async def between(self, first: date, last: date) -> list[AuditDay]:
        """Oldest first."""
        ...
