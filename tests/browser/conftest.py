"""Browser tests: the system Chromium (``/usr/bin/chromium``, or ``CHROMIUM``) driven by Playwright against the
app served for real (uvicorn on a free local port, on the test's event loop). A missing browser fails the test
with a message saying so; nothing is skipped."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from dishka import AsyncContainer
from playwright.async_api import Browser, async_playwright

from loopin.entrypoints.di import make_container
from loopin.entrypoints.http.app import create_app
from loopin.entrypoints.settings import Settings
from tests.support import Fakes, fakes_provider

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        pytest.fail(
            f"Chromium is needed for the browser tests (apt-get install chromium; or set CHROMIUM): {path}"
        )
    return path


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


class LiveServer:
    def __init__(self, base_url: str, container: AsyncContainer) -> None:
        self.base_url = base_url
        self.container = container


@pytest.fixture
async def live_server(memory_settings: Settings, fakes: Fakes) -> AsyncIterator[LiveServer]:
    """The embedded default (in-memory store, in-process jobs, the sandbox gateway), served over HTTP."""
    container = make_container(memory_settings, fakes_provider(fakes))
    app = create_app(memory_settings, container)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.02)
    assert server.started, "the app did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", container)
    finally:
        server.should_exit = True
        await task
