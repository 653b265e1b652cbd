"""Audit log contract, on PostgreSQL and on the in-memory store: appends form one chain even when workers record
at once, the log is read by target, actor, action and time window newest first, days are summarised once, and
the verifier finds what was changed."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from dishka import AsyncContainer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from loopin.adapters.memory.audit import AUDIT_ENTRIES
from loopin.adapters.memory.store import MemoryStore
from loopin.domain.audit.entry import AuditEntry
from loopin.entrypoints.settings import Settings
from loopin.usecases.audit.ports import AuditDays, AuditLog, AuditQuery
from loopin.usecases.audit.record import RecordAuditEntry, audit_entry
from loopin.usecases.audit.summaries import SummarizeAuditDays
from loopin.usecases.audit.verify import ChainReport, VerifyAuditChain
from loopin.usecases.shared.ports import Job
from tests.support import Fakes

START = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)  # 12:00 in India


def job(
    n: int, *, action: str = "ticket.issued", actor: int | None = 1, target: int = 1, at: datetime = START
) -> Job:
    return audit_entry(action, actor_id=actor, target_type="ticket", target_id=target, at=at, details={"n": n})


async def record(container: AsyncContainer, *jobs: Job) -> list[bool]:
    done = []
    for j in jobs:
        async with container() as scope:
            done.append(await (await scope.get(RecordAuditEntry))(payload=j.payload))
    return done


async def verify(container: AsyncContainer) -> ChainReport:
    async with container() as scope:
        report: ChainReport = await (await scope.get(VerifyAuditChain))()
    return report


async def search(container: AsyncContainer, **filters: Any) -> list[AuditEntry]:
    async with container() as scope:
        return await (await scope.get(AuditLog)).search(AuditQuery(**filters))


async def test_entries_are_chained_once_each(any_container: AsyncContainer) -> None:
    first, second = job(1), job(2, action="event.created", actor=None, target=9)
    assert await record(any_container, first, second, first) == [True, True, False]
    entries = await search(any_container)
    assert [(e.seq, e.action, e.actor_id) for e in entries] == [
        (2, "event.created", None),
        (1, "ticket.issued", 1),
    ]
    assert entries[1].details == {"n": 1}
    assert entries[0].previous_digest == entries[1].digest
    report = await verify(any_container)
    assert (report.intact, report.checked, report.unsealed) == (True, 2, 0)
    assert report.head is not None
    assert (report.head.seq, report.head.digest) == (2, entries[0].digest)


async def test_workers_recording_at_once_never_fork_the_chain(any_container: AsyncContainer) -> None:
    jobs = [job(n, target=n) for n in range(40)]
    results = await asyncio.gather(*(record(any_container, j) for j in (*jobs, *jobs[:10])))
    assert sum(r.count(True) for r in results) == 40
    entries = await search(any_container, limit=100)
    assert sorted(e.seq for e in entries) == list(range(1, 41))
    assert len({e.entry_id for e in entries}) == 40
    report = await verify(any_container)
    assert (report.intact, report.checked) == (True, 40)


async def test_the_log_is_read_by_target_actor_action_and_time_newest_first(any_container: AsyncContainer) -> None:
    await record(
        any_container,
        job(1, actor=1, target=1, at=START),
        job(2, action="ticket.cancelled", actor=2, target=1, at=START + timedelta(hours=1)),
        job(3, action="event.created", actor=1, target=2, at=START + timedelta(hours=2)),
        job(4, action="ticket.checked_in", actor=3, target=2, at=START + timedelta(hours=3)),
    )

    async def ns(**filters: Any) -> list[Any]:
        return [e.details["n"] for e in await search(any_container, **filters)]

    assert await ns() == [4, 3, 2, 1]
    assert await ns(target_type="ticket", target_id=1) == [2, 1]
    assert await ns(actor_id=1) == [3, 1]
    assert await ns(action="ticket.cancelled") == [2]
    assert await ns(action="ticket.") == [4, 2, 1]  # a family
    assert await ns(action="ticket") == []  # exact unless it ends with "."
    assert await ns(action="%.") == []  # no pattern characters
    assert await ns(since=START + timedelta(hours=1), until=START + timedelta(hours=3)) == [3, 2]
    assert await ns(limit=2) == [4, 3]
    assert await ns(limit=2, before_seq=3) == [2, 1]
    assert await ns(target_type="ticket", target_id=2, actor_id=3, action="ticket.") == [4]


async def test_each_closed_day_is_summarised_once(any_container: AsyncContainer, fakes: Fakes) -> None:
    clock = fakes.clock
    clock._now = START
    await record(any_container, job(1), job(2), job(3, action="event.created", actor=2))
    clock.advance(timedelta(days=1))  # 3 March
    await record(any_container, job(4, actor=3))
    clock.advance(timedelta(days=2))  # 5 March: the 2nd, 3rd and 4th are closed

    async def summarize() -> list[Any]:
        async with any_container() as scope:
            days: list[Any] = await (await scope.get(SummarizeAuditDays))()
        return days

    runs = await asyncio.gather(summarize(), summarize(), summarize())
    stored = sorted(d for run in runs for d in run)
    assert [d.isoformat() for d in stored] == ["2026-03-02", "2026-03-03", "2026-03-04"]  # each once
    assert await summarize() == []
    async with any_container() as scope:
        days = await (await scope.get(AuditDays)).between(START.date(), START.date() + timedelta(days=9))
    assert [(d.day.isoformat(), d.entries) for d in days] == [
        ("2026-03-02", 3),
        ("2026-03-03", 1),
        ("2026-03-04", 0),
    ]
    assert [(a.action, a.entries, a.actors) for a in days[0].actions] == [
        ("event.created", 1, 1),
        ("ticket.issued", 2, 1),
    ]
    assert [d.head.seq if d.head else None for d in days] == [3, 4, 4]  # a quiet day anchors the same head
    report = await verify(any_container)
    assert (report.intact, report.anchors) == (True, 3)


async def test_the_verifier_names_the_entry_that_was_altered(any_container: AsyncContainer) -> None:
    await record(any_container, *(job(n) for n in range(5)))
    await tamper(any_container, seq=3, actor_id=666)
    report = await verify(any_container)
    assert report.broken is not None
    (third,) = [e for e in await search(any_container) if e.seq == 3]
    assert (report.broken.seq, report.broken.entry_id) == (3, str(third.entry_id))
    assert report.checked == 2


async def tamper(container: AsyncContainer, *, seq: int, actor_id: int) -> None:
    """Changes an entry behind the application's back: by hand in SQL (the trigger disabled), or in the store."""
    if (await container.get(Settings)).database_url:
        async with (await container.get(AsyncEngine)).begin() as conn:
            await conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only"))
            await conn.execute(
                text("UPDATE audit_entries SET actor_id = :actor WHERE seq = :seq"),
                {"actor": actor_id, "seq": seq},
            )
            await conn.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only"))
        return
    table = (await container.get(MemoryStore)).tables[AUDIT_ENTRIES]
    entry_id: uuid.UUID = next(k for k, e in table.items() if e.seq == seq)
    table[entry_id] = replace(table[entry_id], actor_id=actor_id)
