"""Fixtures. Adapter and API tests use the real PostgreSQL and Redis of this machine (TEST_DATABASE_URL,
TEST_REDIS_URL); when those are missing the tests fail with a clear error, they never skip."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from dishka import AsyncContainer
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from loopin.adapters.persistence.database import upgrade
from loopin.entrypoints.di import make_container
from loopin.entrypoints.http.app import create_app
from loopin.entrypoints.settings import Settings, load_settings
from tests.support import TEST_DATABASE_URL, TEST_REDIS_URL, Fakes, ensure_database, fakes_provider

MUTABLE_TABLES = ("members", "otp_challenges", "devices", "venues", "events", "host_leads", "audit_entries")
MUTABLE_TABLES += ("join_requests", "invitations", "tickets", "notifications", "waitlist_places")  # attendance
MUTABLE_TABLES += ("payment_orders", "refunds", "ledger_transactions", "ledger_entries", "payment_notices")
MUTABLE_TABLES += ("platform_fee_config",)
MUTABLE_TABLES += ("outbox", "audit_days", "audit_day_actions")


def _check_services() -> None:
    async def probe() -> None:
        await ensure_database(TEST_DATABASE_URL)
        engine = create_async_engine(TEST_DATABASE_URL)
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        finally:
            await engine.dispose()
        redis = Redis.from_url(TEST_REDIS_URL)
        try:
            await redis.ping()
        finally:
            await redis.aclose()

    try:
        asyncio.run(probe())
    except Exception as exc:
        pytest.fail(
            f"PostgreSQL ({TEST_DATABASE_URL}) and Redis ({TEST_REDIS_URL}) must be running for these tests: "
            f"{type(exc).__name__}: {exc}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def database() -> str:
    """A freshly migrated schema (proves the migrations) in the test database."""
    _check_services()

    async def reset() -> None:
        engine = create_async_engine(TEST_DATABASE_URL)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()

    asyncio.run(reset())
    upgrade(TEST_DATABASE_URL)
    return TEST_DATABASE_URL


@pytest.fixture
async def clean_services(database: str) -> None:
    engine = create_async_engine(database)
    async with engine.begin() as conn:
        await conn.execute(text("SET LOCAL session_replication_role = replica"))  # the audit log refuses TRUNCATE
        await conn.execute(text(f"TRUNCATE {', '.join(MUTABLE_TABLES)} RESTART IDENTITY CASCADE"))
    await engine.dispose()
    redis = Redis.from_url(TEST_REDIS_URL)
    await redis.flushdb()
    await redis.aclose()


@pytest.fixture
def fakes() -> Fakes:
    return Fakes()


@pytest.fixture
def memory_settings(tmp_path: Path) -> Settings:
    return load_settings({}, environment="test", media_root=str(tmp_path / "media"))


@pytest.fixture
def service_settings(tmp_path: Path) -> Settings:
    return load_settings(
        {},
        environment="test",
        database_url=TEST_DATABASE_URL,
        redis_url=TEST_REDIS_URL,
        media_root=str(tmp_path / "media"),
        db_pool_size=20,
        db_max_overflow=20,
    )


@pytest.fixture
async def memory_container(memory_settings: Settings, fakes: Fakes) -> AsyncIterator[AsyncContainer]:
    container = make_container(memory_settings, fakes_provider(fakes))
    yield container
    await container.close()


@pytest.fixture
async def service_container(
    service_settings: Settings, fakes: Fakes, clean_services: None
) -> AsyncIterator[AsyncContainer]:
    container = make_container(service_settings, fakes_provider(fakes))
    yield container
    await container.close()


@pytest.fixture(params=["memory", "services"])
async def any_container(
    request: pytest.FixtureRequest, memory_settings: Settings, service_settings: Settings, fakes: Fakes
) -> AsyncIterator[AsyncContainer]:
    """For contract suites: the same test runs on the in-memory adapters and on PostgreSQL/Redis."""
    if request.param == "services":
        request.getfixturevalue("clean_services")
        settings = service_settings
    else:
        settings = memory_settings
    container = make_container(settings, fakes_provider(fakes))
    yield container
    await container.close()


@pytest.fixture
async def api(service_settings: Settings, service_container: AsyncContainer) -> AsyncIterator[AsyncTestClient]:
    """The HTTP app on PostgreSQL and Redis, with fake clock, SMS and analytics."""
    app = create_app(service_settings, service_container)
    async with AsyncTestClient(app) as client:
        yield client


@pytest.fixture
async def memory_api(
    memory_settings: Settings, memory_container: AsyncContainer
) -> AsyncIterator[AsyncTestClient]:
    app = create_app(memory_settings, memory_container)
    async with AsyncTestClient(app) as client:
        yield client
