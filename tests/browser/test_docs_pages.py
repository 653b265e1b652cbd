"""The API docs render their operations in a browser that can reach nothing but this service."""

from __future__ import annotations

from tests.browser.conftest import OfflinePage
from tests.live_server import LiveServer

OPERATIONS = ("/api/auth/signup", "/api/events/{event_id}/confirm-attendance")


async def test_scalar_renders_the_operations_offline(served_app: LiveServer, offline_page: OfflinePage) -> None:
    page = offline_page.page
    response = await page.goto(f"{served_app.url}/api/docs", wait_until="domcontentloaded")
    assert response is not None
    assert response.status == 200
    await page.get_by_text("Loopin API").first.wait_for(timeout=20_000)
    await page.get_by_text("Send a sign-in code by SMS").first.wait_for(timeout=20_000)
    await offline_page.screenshot("docs-scalar")
    for tag in ("notifications", "events", "public pages", "hosts", "attendance"):
        await page.get_by_text(tag, exact=True).first.wait_for(timeout=5_000)
    await page.get_by_text("attendance", exact=True).first.click()  # the sidebar opens a tag's operations
    await page.get_by_text("Confirm and get the ticket (free events)").first.wait_for(timeout=10_000)
    await offline_page.screenshot("docs-scalar-attendance")
    assert offline_page.blocked == [], offline_page.blocked


async def test_swagger_ui_renders_the_operations_offline(
    served_app: LiveServer, offline_page: OfflinePage
) -> None:
    page = offline_page.page
    response = await page.goto(f"{served_app.url}/api/docs/swagger", wait_until="domcontentloaded")
    assert response is not None
    assert response.status == 200
    await page.locator(".opblock").first.wait_for(timeout=20_000)
    paths = await page.locator(".opblock-summary-path").all_inner_texts()
    cleaned = {p.replace("\u200b", "") for p in paths}
    for operation in OPERATIONS:
        assert operation in cleaned, sorted(cleaned)[:10]
    assert await page.locator(".opblock").count() >= 40
    await offline_page.screenshot("docs-swagger")
    assert offline_page.blocked == [], offline_page.blocked
