"""Alembic migrations on a scratch database: up, all the way down, up again; and no drift from the models.

Synchronous tests: Alembic's env.py runs its own event loop with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from advanced_alchemy.base import orm_registry
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

import loopin.adapters.persistence.orm  # noqa: F401  (registers the tables)
from loopin.adapters.persistence.database import alembic_config, downgrade, upgrade
from loopin.domain.identity.interest import SEED_INTERESTS

APP_TABLES = {
    "members",
    "otp_challenges",
    "event_interests",
    "devices",
    "venues",
    "events",
    "host_leads",
    "audit_entries",
    "join_requests",
    "invitations",
    "tickets",
    "notifications",
    "notification_preferences",
    "reminders_sent",
    "campaigns",
    "campaign_recipients",
    "waitlist_places",
    "payment_orders",
    "refunds",
    "ledger_transactions",
    "ledger_entries",
    "payment_notices",
    "platform_fee_config",
    "outbox",
    "audit_days",
    "audit_day_actions",
    "bank_accounts",
    "payout_hosts",
    "payout_requests",
}


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


async def _admin(statement: str, url: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _inspect(url: str, fn: Any) -> Any:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(fn)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def scratch_url(database: str) -> Iterator[str]:
    """A database of its own, created empty for this module and dropped afterwards."""
    name = f"test_migrations_{secrets.token_hex(6)}"
    _run(_admin(f'CREATE DATABASE "{name}"', database))
    try:
        yield make_url(database).set(database=name).render_as_string(hide_password=False)
    finally:
        _run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', database))


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def _head(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _interest_names(conn: Connection) -> list[str]:
    return list(conn.execute(text("SELECT name FROM event_interests ORDER BY id")).scalars())


def _diff(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
    return list(compare_metadata(context, orm_registry.metadata))


def test_upgrade_downgrade_upgrade(scratch_url: str) -> None:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(scratch_url)).get_current_head()

    upgrade(scratch_url)
    assert _run(_inspect(scratch_url, _tables)) >= APP_TABLES
    assert _run(_inspect(scratch_url, _head)) == head
    assert _run(_inspect(scratch_url, _interest_names)) == list(SEED_INTERESTS)

    downgrade(scratch_url, "base")
    assert _run(_inspect(scratch_url, _tables)) <= {"alembic_version"}
    assert _run(_inspect(scratch_url, _head)) is None

    upgrade(scratch_url)
    assert _run(_inspect(scratch_url, _tables)) >= APP_TABLES
    assert _run(_inspect(scratch_url, _head)) == head
    assert _run(_inspect(scratch_url, _interest_names)) == list(SEED_INTERESTS)  # seeded once, not twice


def test_each_revision_downgrades_one_step(scratch_url: str) -> None:
    """A stairway down from head: every revision's downgrade runs on its own and lands on its parent."""
    from alembic.script import ScriptDirectory

    upgrade(scratch_url)
    script = ScriptDirectory.from_config(alembic_config(scratch_url))
    for revision in script.walk_revisions():  # head first
        downgrade(scratch_url, "-1")
        assert _run(_inspect(scratch_url, _head)) == revision.down_revision
    assert _run(_inspect(scratch_url, _tables)) <= {"alembic_version"}
    upgrade(scratch_url)
    assert _run(_inspect(scratch_url, _tables)) >= APP_TABLES


def test_models_and_migrated_schema_do_not_drift(scratch_url: str) -> None:
    upgrade(scratch_url)
    assert set(orm_registry.metadata.tables) == APP_TABLES
    assert _run(_inspect(scratch_url, _diff)) == []


def _diff_with_schema_changes(conn: Connection) -> list[Any]:
    conn.execute(text("DROP INDEX ix_members_waitlist_promote_at"))
    conn.execute(text("ALTER TABLE devices ALTER COLUMN platform TYPE varchar(32)"))
    try:
        return _diff(conn)
    finally:
        conn.rollback()


def test_the_drift_check_sees_drift(scratch_url: str) -> None:
    """Guards the empty diff above: a schema that differs from the models does produce a diff."""
    upgrade(scratch_url)
    kinds = {
        d[0] if isinstance(d, tuple) else d[0][0] for d in _run(_inspect(scratch_url, _diff_with_schema_changes))
    }
    assert kinds == {"add_index", "modify_type"}
    assert _run(_inspect(scratch_url, _diff)) == []  # the changes were rolled back
