"""A burst larger than the Redis pool waits for connections instead of failing, as long as a burst takes."""

from __future__ import annotations

import asyncio

import msgspec
from redis.asyncio import BlockingConnectionPool, Redis
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool

from loopin.entrypoints.di import make_container
from loopin.entrypoints.settings import Settings


async def test_a_burst_beyond_the_pool_queues_and_every_call_succeeds(service_settings: Settings) -> None:
    container = make_container(msgspec.structs.replace(service_settings, redis_max_connections=3))
    try:
        redis = await container.get(Redis)
        pool = redis.connection_pool
        assert isinstance(pool, BlockingConnectionPool)
        assert pool.max_connections == 3
        assert pool.timeout == service_settings.db_pool_timeout  # as long as for a database connection
        engine_pool = (await container.get(AsyncEngine)).sync_engine.pool
        assert isinstance(engine_pool, QueuePool)
        assert engine_pool.timeout() == service_settings.db_pool_timeout
        answers = await asyncio.gather(*(redis.echo(f"call-{i}") for i in range(60)))
        assert sorted(answers) == sorted(f"call-{i}".encode() for i in range(60))
        assert len(pool._in_use_connections) + len(pool._available_connections) <= 3
    finally:
        await container.close()
