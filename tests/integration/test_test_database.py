"""``make test`` on a machine where PostgreSQL runs but the test database was never created: it is created."""

from __future__ import annotations

import secrets

import asyncpg
from sqlalchemy.engine import make_url

from tests.support import TEST_DATABASE_URL, ensure_database


async def test_a_missing_test_database_is_created_once(database: str) -> None:
    name = f"loopin_fresh_{secrets.token_hex(4)}"
    url = make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    admin_url = make_url(TEST_DATABASE_URL).set(database="postgres")
    admin = await asyncpg.connect(
        host=admin_url.host,
        port=admin_url.port,
        user=admin_url.username,
        password=admin_url.password,
        database="postgres",
    )
    try:
        assert await ensure_database(url) is True
        assert await ensure_database(url) is False  # there now: nothing to do
        assert await admin.fetchval("SELECT count(*) FROM pg_database WHERE datname = $1", name) == 1
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.close()
