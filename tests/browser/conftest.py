"""Browser tests: the system Chromium (Debian's ``chromium`` package) driven by Playwright for Python, against the
app served by a real uvicorn. Nothing is downloaded at test time: Playwright's own browsers are never used.

Missing Chromium is a failure that says how to install it, never a skip. Screenshots land in
``artifacts/browser/`` (git-ignored) so a person can look at what the browser saw.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, BrowserContext, Page, Route, async_playwright

from loopin.entrypoints.settings import Settings
from tests.live_server import LiveServer, live_server
from tests.support import Fakes, fakes_provider

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    found = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    if not found:
        pytest.fail(
            f"Chromium is needed for the browser tests and was not found at {CHROMIUM}. "
            "Install it with: apt-get install chromium (or set CHROMIUM to its path).",
            pytrace=False,
        )
    return found


@pytest.fixture
async def browser(chromium_executable: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_executable, args=LAUNCH_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            await launched.close()


@dataclass
class OfflinePage:
    """A page whose every request to anything but this machine is refused, as behind a firewall."""

    page: Page
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    async def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        await self.page.screenshot(path=str(path), full_page=False)
        return path


@pytest.fixture
async def offline_context(browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        yield context
    finally:
        await context.close()


@pytest.fixture
async def offline_page(offline_context: BrowserContext) -> OfflinePage:
    page = await offline_context.new_page()
    offline = OfflinePage(page)

    async def only_this_machine(route: Route) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            await route.continue_()
        else:
            offline.blocked.append(route.request.url)
            await route.abort("blockedbyclient")

    await offline_context.route("**/*", only_this_machine)
    page.on("console", lambda m: offline.console_errors.append(m.text) if m.type == "error" else None)
    return offline


@pytest.fixture
def served_app(service_settings: Settings, fakes: Fakes, clean_services: None) -> Iterator[LiveServer]:
    """The app on PostgreSQL and Redis behind a real uvicorn, with the fake clock, SMS and analytics."""
    with live_server(service_settings, [fakes_provider(fakes)]) as server:
        yield server
