"""Shared test helpers: real-service URLs, image bytes, and the dishka overrides tests use."""

from __future__ import annotations

import os
import struct
import zlib
from typing import Any

import asyncpg
from dishka import AsyncContainer, Provider, Scope
from sqlalchemy.engine import URL, make_url

from loopin.adapters.clock import ManualClock
from loopin.adapters.jobs.dispatch import InProcessJobDispatcher, JobDispatcher
from loopin.adapters.memory.identity import SmsOutbox
from loopin.adapters.memory.notifications import RecordingPushSender
from loopin.adapters.memory.platform import RecordingAnalytics
from loopin.entrypoints.worker.registry import run_job
from loopin.usecases.identity.ports import SmsSender
from loopin.usecases.notifications.ports import PushSender
from loopin.usecases.platform.ports import Analytics
from loopin.usecases.shared.ports import Clock

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


async def ensure_database(url: str) -> bool:
    """Creates the test database when the server is up but the database is not there yet (a fresh machine);
    True when it had to. A server that is down still fails, loudly, in the caller."""
    target = make_url(url)
    try:
        connection = await asyncpg.connect(**_connect_args(target))
    except asyncpg.InvalidCatalogNameError:
        pass
    else:
        await connection.close()
        return False
    admin = await asyncpg.connect(**_connect_args(target.set(database="postgres")))
    try:
        await admin.execute(f'CREATE DATABASE "{target.database}"')
    except asyncpg.DuplicateDatabaseError:  # another run created it meanwhile
        return False
    finally:
        await admin.close()
    return True


def _connect_args(url: URL) -> dict[str, Any]:
    return {
        "host": url.host,
        "port": url.port,
        "user": url.username,
        "password": url.password,
        "database": url.database,
    }


def png_bytes(extra: int = 200) -> bytes:
    """A real, tiny PNG (padded with a text chunk so it passes the minimum size)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"tEXt", b"c\x00" + b"x" * extra)
        + chunk(b"IEND", b"")
    )


def jpeg_bytes(size: int = 300) -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * size + b"\xff\xd9"


class Fakes:
    """The doubles one test run swaps in; kept together so tests can reach them."""

    def __init__(self) -> None:
        self.clock = ManualClock()
        self.sms = SmsOutbox()
        self.analytics = RecordingAnalytics()


def fakes_provider(fakes: Fakes, *, inline_jobs: bool = True, fake_clock: bool = True) -> Provider:
    """Overrides the clock (unless ``fake_clock`` is off: tokens are then checked against the time they were
    issued at), SMS and analytics; with ``inline_jobs`` jobs run right after commit, in-process, instead of
    going to SAQ (the worker itself is tested separately)."""
    provider = Provider(scope=Scope.APP)
    if fake_clock:
        provider.provide(lambda: fakes.clock, provides=Clock, override=True)
    provider.provide(lambda: fakes.sms, provides=SmsSender, override=True)
    provider.provide(lambda: fakes.analytics, provides=Analytics, override=True)
    if inline_jobs:

        def inline(container: AsyncContainer) -> JobDispatcher:
            return InProcessJobDispatcher(lambda job: run_job(container, job), background=False)

        provider.provide(inline, provides=JobDispatcher, override=True)
    return provider


def push_provider(push: RecordingPushSender) -> Provider:
    """Overrides the push sender with a recorder (the API tests read what would have been pushed)."""
    provider = Provider(scope=Scope.APP)
    provider.provide(lambda: push, provides=PushSender, override=True)
    return provider
