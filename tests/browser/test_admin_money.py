"""The console's money screens in headless Chromium, on PostgreSQL and Redis behind a real uvicorn: a paid
guest buys a ticket through the sandbox checkout; staff change the platform fee behind a fresh code and the
app's event answer shows the new fee; staff cancel the event and the guest's order is refunded; screenshots of
the fee, event, order, audit and host-lead screens at both widths."""

from __future__ import annotations

from decimal import Decimal

import httpx
from dishka import AsyncContainer
from playwright.async_api import Browser, Page

from loopin.domain.payments.fee import PlatformFeePolicy
from loopin.usecases.events.hosts import BecomeAHost
from tests.browser.admin_steps import (
    DESKTOP,
    PHONE,
    new_page,
    no_horizontal_scroll,
    shot,
    sign_in,
    sign_in_code_lapses,
    step_up,
)
from tests.browser.test_admin_console import STAFF_PHONE, appoint
from tests.browser.test_sandbox_checkout import member, paid_event, webview_form
from tests.live_server import LiveServer
from tests.support import Fakes


async def bought_ticket(
    page: Page, base: str, container: AsyncContainer, fakes: Fakes
) -> tuple[int, str, dict[str, str]]:
    """A host's paid event and a guest who paid for one seat (the sandbox page, as the app's WebView)."""
    host, host_headers = await member(container, fakes, 1, "Meera Host")
    _, headers = await member(container, fakes, 2, "Asha Rao")
    event = await paid_event(container, fakes, host)
    async with httpx.AsyncClient(base_url=base, timeout=30) as api:
        asked = await api.post(f"/api/events/{event.id}/requests", json={"seats_requested": 1}, headers=headers)
        request_id = asked.json()["id"]
        accepted = await api.put(
            f"/api/events/{event.id}/requests/{request_id}/accept", json={}, headers=host_headers
        )
        assert accepted.status_code == 200, accepted.text
        created = await api.post(
            "/api/payments/orders", json={"event_id": event.id, "amount": 499.0, "seats_count": 1}, headers=headers
        )
        assert created.status_code == 201, created.text
    redirect = created.json()["data"]["payu_redirect"]
    await page.set_content(webview_form(redirect["payu_url"], redirect["payload"]))
    await page.wait_for_selector("#pay")
    await page.click("#pay")
    await page.wait_for_url("**/api/payments/payu/success?*")
    return event.id, redirect["payload"]["txnid"], headers


async def test_fee_change_with_step_up_and_a_cancellation_that_refunds(
    served_app: LiveServer, service_container: AsyncContainer, browser: Browser, fakes: Fakes
) -> None:
    await appoint(service_container, superuser=True)  # only a superuser changes the fee
    base = served_app.url
    context, page = await new_page(browser, DESKTOP)
    try:
        event_id, txnid, guest = await bought_ticket(page, base, service_container, fakes)
        async with httpx.AsyncClient(base_url=base, timeout=30) as api:
            before = (await api.get(f"/api/events/{event_id}", headers=guest)).json()
        assert before["platform_fee"] == str(PlatformFeePolicy(Decimal(10)).fee_per_seat(Decimal("499.00")))

        await sign_in(page, base, fakes, STAFF_PHONE)
        await page.wait_for_selector("[data-testid=dashboard]")
        assert await page.inner_text("[data-testid=sales-today]") == "₹548.90"
        sign_in_code_lapses(fakes)
        await page.goto(f"{base}/admin/fee")
        assert await page.locator("[data-testid=change-fee]").count() == 0  # not without a fresh code
        await page.click("[data-testid=step-up-link]")
        await page.wait_for_url("**/admin/step-up?next=/admin/fee")
        await shot(page, "step-up-desktop", full_page=False)
        await step_up(page, fakes, STAFF_PHONE)
        await page.wait_for_url("**/admin/fee")
        await page.fill("#percentage", "12.5")
        await page.fill("#description", "Festive season")
        await page.click("[data-testid=change-fee]")
        await page.wait_for_selector("[data-testid=notice]")
        assert await page.inner_text("[data-testid=fee-now]") == "12.50%"
        assert "Festive season" in await page.inner_text("[data-testid=fee-history]")
        await shot(page, "fee-desktop")
        async with httpx.AsyncClient(base_url=base, timeout=30) as api:
            after = (await api.get(f"/api/events/{event_id}", headers=guest)).json()
        assert after["platform_fee"] == str(PlatformFeePolicy(Decimal("12.5")).fee_per_seat(Decimal("499.00")))

        await page.goto(f"{base}/admin/events/{event_id}")  # the code confirmed above still covers this
        assert "Asha Rao" in await page.inner_text("[data-testid=event-orders]")
        await page.click("[data-testid=cancel-event]")
        await page.wait_for_selector("[data-testid=notice]")
        assert "cancelled" in (await page.inner_text("[data-testid=event-status]")).lower()
        assert await page.inner_text("[data-testid=order-refunded]") == "₹548.90"
        await shot(page, "event-desktop")
        await page.click(f"text={txnid}")
        await page.wait_for_selector("[data-testid=refunds]")
        refunds = await page.inner_text("[data-testid=refunds]")
        assert "event cancelled" in refunds
        assert "₹548.90" in refunds
        await shot(page, "order-desktop")
        async with httpx.AsyncClient(base_url=base, timeout=30) as api:
            order = (await api.get(f"/api/payments/orders/{txnid}", headers=guest)).json()["data"]
        assert order["status"] == "refunded"

        await page.goto(f"{base}/admin/audit?action=platform_fee.")
        assert "platform_fee.changed" in await page.inner_text("[data-testid=audit-table]")
        await page.click("[data-testid=verify-chain]")
        await page.wait_for_selector("[data-testid=chain-status]")
        assert (await page.inner_text("[data-testid=chain-status]")).startswith("Intact")
        await shot(page, "audit-desktop")
        assert getattr(page, "console_errors") == []  # noqa: B009
    finally:
        await context.close()


async def test_money_screens_at_a_phones_width(
    served_app: LiveServer, service_container: AsyncContainer, browser: Browser, fakes: Fakes
) -> None:
    await appoint(service_container)
    async with service_container() as scope:
        lead = await (await scope.get(BecomeAHost))(
            first_name="Kabir",
            last_name="Sethi",
            phone_number="+919811100001",
            message="Jazz nights in Bandra",
            client_address="203.0.113.5",
        )
    base = served_app.url
    context, page = await new_page(browser, PHONE)
    try:
        event_id, txnid, _ = await bought_ticket(page, base, service_container, fakes)
        await sign_in(page, base, fakes, STAFF_PHONE)
        await page.wait_for_selector("[data-testid=dashboard]")
        for path, name in (
            (f"/admin/events/{event_id}", "event-phone"),
            ("/admin/events", "events-phone"),
            ("/admin/orders", "orders-phone"),
            (f"/admin/orders/{txnid}", "order-phone"),
            ("/admin/fee", "fee-phone"),
            ("/admin/audit", "audit-phone"),
            ("/admin/leads", "leads-phone"),
        ):
            await page.goto(f"{base}{path}")
            await no_horizontal_scroll(page)
            await shot(page, name)
        await page.click("[data-testid=mark-contacted]")
        await page.wait_for_selector("[data-testid=notice]")
        assert "Kabir Sethi is contacted" in await page.inner_text("[data-testid=notice]")
        await page.click("[data-testid=mark-converted]")
        await page.wait_for_selector("text=Kabir Sethi is converted")
        assert lead.created
    finally:
        await context.close()
