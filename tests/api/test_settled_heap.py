"""The app freezes what start-up built out of the garbage collector's generations while it serves (a full
collection then stalls no request for long: docs/performance.md), and gives it back when it stops."""

from __future__ import annotations

import gc

from litestar.testing import AsyncTestClient

from loopin.entrypoints.http.app import YOUNG_GENERATION_THRESHOLD, create_app
from loopin.entrypoints.settings import load_settings


async def test_the_start_up_heap_is_frozen_while_the_app_serves_and_released_after() -> None:
    app = create_app(load_settings({}))
    assert gc.get_freeze_count() == 0
    async with AsyncTestClient(app) as client:
        assert gc.get_freeze_count() > 10_000  # the app, its container, the ORM's metadata...
        assert (await client.get("/health")).status_code == 200
    assert gc.get_freeze_count() == 0


async def test_the_young_generation_is_collected_less_often_while_the_app_serves() -> None:
    before = gc.get_threshold()
    app = create_app(load_settings({}))
    async with AsyncTestClient(app):
        assert gc.get_threshold() == (YOUNG_GENERATION_THRESHOLD, *before[1:])
        assert before[0] < YOUNG_GENERATION_THRESHOLD
    assert gc.get_threshold() == before
