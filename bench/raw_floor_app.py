"""The raw floor of ``bench/run.sh``: what one machine serves with no application at all.

    uvicorn --app-dir bench --factory raw_floor_app:create_app

Bare Litestar and asyncpg: one pool, one route (``GET /api/events``) running one prepared query that returns
20 upcoming public event rows (events joined with their host and venue, the feed's order), encoded by msgspec.
No ORM, no SQLAlchemy, no authentication (the bearer token wrk sends is ignored), no Redis, no middleware, no
dependency injection. Served the same way as the API (uvicorn, the same workers), so every scenario's req/s
divided by this one says how far the whole stack sits from the database-and-framework limit of the machine.
Reads DATABASE_URL, DB_POOL_SIZE and DB_MAX_OVERFLOW like the API.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Litestar, Response, get

RAW_LIMIT = 20
PAGE = (
    "SELECT e.id, e.uuid, e.canonical_id, e.title, e.description, e.host_id, m.name AS host_name, "
    "e.venue_id, v.name AS venue_name, v.city, e.start_time, e.end_time, e.timezone, e.max_capacity, "
    "e.seats_taken, e.is_paid, e.ticket_price, e.status, e.is_public, e.cover_image_keys, e.interest_ids "
    "FROM events e JOIN members m ON m.id = e.host_id LEFT JOIN venues v ON v.id = e.venue_id "
    "WHERE e.deleted_at IS NULL AND e.status = 'published' AND e.is_public AND e.end_time > now() "
    "ORDER BY e.start_time, e.id LIMIT $1"
)


class RawEvent(msgspec.Struct):
    id: int
    uuid: UUID
    canonical_id: str
    title: str
    description: str
    host_id: int
    host_name: str
    venue_id: int | None
    venue_name: str | None
    city: str | None
    start_time: datetime
    end_time: datetime
    timezone: str
    max_capacity: int
    seats_taken: int
    is_paid: bool
    ticket_price: Decimal
    status: str
    is_public: bool
    cover_image_keys: list[str]
    interest_ids: list[int]


class RawPage(msgspec.Struct):
    success: bool
    data: list[RawEvent]


class Pool:
    pool: asyncpg.Pool[Any]


pool = Pool()


@get("/api/events")
async def events() -> RawPage:
    async with pool.pool.acquire() as conn:
        rows = await conn.fetch(PAGE, RAW_LIMIT)
    return RawPage(True, [RawEvent(*r) for r in rows])


@get("/health/ready")
async def ready() -> Response[dict[str, str]]:
    async with pool.pool.acquire() as conn:
        await conn.fetchval("SELECT 1")
    return Response({"status": "ready"})


@asynccontextmanager
async def lifespan(_: Litestar) -> AsyncIterator[None]:
    dsn = os.environ["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://", 1)
    size = int(os.environ.get("DB_POOL_SIZE") or "10") + int(os.environ.get("DB_MAX_OVERFLOW") or "20")
    pool.pool = await asyncpg.create_pool(
        dsn, min_size=1, max_size=size, max_inactive_connection_lifetime=10
    )  # the API's pool size + overflow
    try:
        yield
    finally:
        await pool.pool.close()


def create_app() -> Litestar:
    return Litestar([events, ready], lifespan=[lifespan], openapi_config=None)
