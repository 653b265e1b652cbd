"""The audit log on PostgreSQL proves itself: the database refuses to change it, ``loopin audit verify`` passes on
the log real calls leave, and names the entry a person altered by hand (exit status 1)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from loopin.usecases.audit.summaries import SummarizeAuditDays
from tests.api import attendance_rig
from tests.api.attendance_rig import Rig
from tests.support import TEST_DATABASE_URL

ROOT = Path(__file__).resolve().parents[2]
inline_rig = attendance_rig.inline_rig  # fixture


def loopin_audit(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as an operator runs it, on the test database (SECRET_KEY unset: the same derived key as the app)."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "AUDIT_KEY", "REDIS_URL"}}
    env["DATABASE_URL"] = TEST_DATABASE_URL
    command = [sys.executable, "-m", "loopin.entrypoints.cli", "audit", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


async def a_real_log(rig: Rig) -> int:
    """Requests, a decision, confirmations and a cancellation, as the app makes them; returns the entry count."""
    host, *guests = await rig.members(4)
    event = await rig.event(host, max_capacity=10)
    for guest in guests:
        await rig.ticket(host, guest, event.id)
    cancelled = await rig.client.post(f"/api/events/{event.id}/cancel-attendance", headers=guests[0].headers)
    assert cancelled.status_code == 200, cancelled.text
    engine = await rig.container.get(AsyncEngine)
    async with engine.connect() as conn:
        count = await conn.scalar(text("SELECT count(*) FROM audit_entries"))
    assert count is not None
    assert count >= 10
    return int(count)


async def test_the_database_refuses_to_change_the_log(inline_rig: Rig) -> None:
    await a_real_log(inline_rig)
    engine = await inline_rig.container.get(AsyncEngine)
    for statement in (
        "UPDATE audit_entries SET actor_id = 1 WHERE seq = 2",
        "DELETE FROM audit_entries WHERE seq = 2",
        "TRUNCATE audit_entries",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with engine.begin() as conn:
                await conn.execute(text(statement))


async def test_verify_passes_on_a_real_log_and_names_the_entry_altered_by_hand(inline_rig: Rig) -> None:
    count = await a_real_log(inline_rig)
    intact = await asyncio.to_thread(loopin_audit, "verify")
    assert intact.returncode == 0, intact.stderr
    assert f"audit chain intact: {count} entries" in intact.stdout

    engine = await inline_rig.container.get(AsyncEngine)
    async with engine.begin() as conn:  # someone with database access edits one entry, quietly
        await conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only"))
        entry_id = await conn.scalar(
            text("UPDATE audit_entries SET details = details || '{\"seats\": 9}' WHERE seq = 5 RETURNING entry_id")
        )
        await conn.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only"))
    broken = await asyncio.to_thread(loopin_audit, "verify")
    assert broken.returncode == 1
    assert f"audit chain BROKEN at entry #5 ({entry_id}): entry was altered" in broken.stderr
    assert "4 entries before it verified" in broken.stderr


async def test_verify_notices_entries_removed_after_their_day_was_summarised(inline_rig: Rig) -> None:
    count = await a_real_log(inline_rig)
    inline_rig.fakes.clock.advance(timedelta(days=1))
    async with inline_rig.container() as scope:
        assert len(await (await scope.get(SummarizeAuditDays))()) == 1
    engine = await inline_rig.container.get(AsyncEngine)
    async with engine.begin() as conn:  # the newest entries removed: what is left still chains
        await conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only"))
        await conn.execute(text("DELETE FROM audit_entries WHERE seq > :keep"), {"keep": count - 2})
        await conn.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only"))
    broken = await asyncio.to_thread(loopin_audit, "verify")
    assert broken.returncode == 1
    assert f"audit chain BROKEN at entry #{count}: the head recorded for" in broken.stderr
