"""The console's payout screen in headless Chromium, on PostgreSQL and Redis behind a real uvicorn: a guest pays
for a host's event through the sandbox checkout, the clock passes the event's settlement, the host asks for
the payout through the app's API; staff see it due on the dashboard, approve it and record the transfer's UTR
behind a fresh code, and the host's money screen shows it paid out. Screenshots at both widths."""

from __future__ import annotations

from datetime import timedelta

import httpx
from dishka import AsyncContainer
from playwright.async_api import Browser, Page

from loopin.usecases.events.ports import EventRepository
from loopin.usecases.identity.ports import MemberRepository, TokenIssuer
from tests.api.payouts_rig import ACCOUNT, SETTLEMENT
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
from tests.browser.test_admin_money import bought_ticket
from tests.live_server import LiveServer
from tests.support import Fakes

UTR = "SBIN426123456789"


async def payout_asked(
    page: Page, base: str, container: AsyncContainer, fakes: Fakes
) -> tuple[int, dict[str, str]]:
    """A paid ticket, the event settled (the fake clock moved past its end and the settlement delay), the host's
    bank account and their request for everything available (₹499.00: one seat, the fee is the platform's)."""
    event_id, _, _ = await bought_ticket(page, base, container, fakes)
    async with container() as scope:
        event = await (await scope.get(EventRepository)).get(event_id)
        assert event is not None
        host = await (await scope.get(MemberRepository)).get(event.host_id)
        assert host is not None
    token = (await container.get(TokenIssuer)).issue(host, now=fakes.clock.now()).token  # before the clock moves
    fakes.clock.advance(event.end_time + SETTLEMENT + timedelta(minutes=1) - fakes.clock.now())
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=30) as api:
        added = await api.post("/api/payouts/bank-accounts", json=ACCOUNT, headers=headers)
        assert added.status_code == 201, added.text
        asked = await api.post("/api/payouts/requests", json={}, headers=headers)
        assert asked.status_code == 201, asked.text
    payout = asked.json()["data"]
    assert (payout["amount"], payout["status"]) == ("499.00", "requested")
    return int(payout["id"]), headers


async def test_approve_and_mark_a_payout_paid(
    served_app: LiveServer, service_container: AsyncContainer, browser: Browser, fakes: Fakes
) -> None:
    await appoint(service_container)
    base = served_app.url
    context, page = await new_page(browser, DESKTOP)
    phone_context, phone = await new_page(browser, PHONE)
    try:
        payout_id, host = await payout_asked(page, base, service_container, fakes)
        await sign_in(page, base, fakes, STAFF_PHONE)
        await page.wait_for_selector("[data-testid=dashboard]")
        sign_in_code_lapses(fakes)
        assert await page.inner_text("[data-testid=payouts-due]") == "1"
        await shot(page, "dashboard-payouts-desktop", full_page=False)
        await page.click("text=Payouts due")
        await page.wait_for_url("**/admin/payouts?status=requested")
        queue = await page.inner_text("[data-testid=payouts-table]")
        assert "₹499.00" in queue
        assert "XXXXXX5501" in queue
        assert ACCOUNT["account_number"] not in await page.content()
        await shot(page, "payouts-desktop")

        await page.click(f"[data-testid=open-payout-{payout_id}]")
        await page.wait_for_url(f"**/admin/payouts/{payout_id}")
        assert await page.locator("[data-testid=approve]").count() == 0  # not without a fresh code
        await page.click("[data-testid=step-up-link]")
        await page.wait_for_url(f"**/admin/step-up?next=/admin/payouts/{payout_id}")
        await step_up(page, fakes, STAFF_PHONE)
        await page.wait_for_url(f"**/admin/payouts/{payout_id}")
        await page.click("[data-testid=approve]")
        await page.wait_for_selector("[data-testid=notice]")
        assert "approved" in await page.inner_text("[data-testid=notice]")
        assert (await page.inner_text("[data-testid=payout-status]")).lower() == "approved"
        await page.click("[data-testid=transfer-details]")  # the whole number, to make the transfer by hand
        await page.wait_for_selector("[data-testid=transfer-number]")
        assert await page.inner_text("[data-testid=transfer-number]") == ACCOUNT["account_number"]
        assert await page.inner_text("[data-testid=transfer-reference]") == f"LPPO{payout_id}"
        await shot(page, "payout-transfer-desktop")
        await page.goto(f"{base}/admin/payouts/{payout_id}")

        await sign_in(phone, base, fakes, STAFF_PHONE)  # a colleague on a phone sees the approved payout
        await phone.wait_for_selector("[data-testid=dashboard]")
        for path, name in (("/admin/payouts?status=approved", "payouts-phone"), ("/admin", "dashboard-phone")):
            await phone.goto(f"{base}{path}")
            await no_horizontal_scroll(phone)
            await shot(phone, name)
        await phone.goto(f"{base}/admin/payouts/{payout_id}")
        await phone.wait_for_selector("[data-testid=mark-paid]")  # signed in a moment ago: no second code
        await no_horizontal_scroll(phone)
        await shot(phone, "payout-approved-phone")

        await page.fill("#utr", "sbin 42612")  # a typo: refused, nothing changes
        await page.click("[data-testid=mark-paid]")
        await page.wait_for_selector("[data-testid=notice]")
        assert "The UTR is 6 to 30 letters or digits" in await page.inner_text("[data-testid=notice]")
        assert (await page.inner_text("[data-testid=payout-status]")).lower() == "approved"
        await shot(page, "payout-approved-desktop")
        await page.fill("#utr", UTR.lower())
        await page.click("[data-testid=mark-paid]")
        await page.wait_for_selector("text=is paid")
        assert (await page.inner_text("[data-testid=payout-status]")).lower() == "paid"
        assert await page.inner_text("[data-testid=payout-utr]") == UTR
        await shot(page, "payout-paid-desktop")
        await phone.reload()
        assert (await phone.inner_text("[data-testid=payout-status]")).lower() == "paid"
        assert await phone.locator("[data-testid=mark-paid]").count() == 0
        await no_horizontal_scroll(phone)
        await shot(phone, "payout-paid-phone")

        async with httpx.AsyncClient(base_url=base, timeout=30) as api:
            summary = (await api.get("/api/payouts/summary", headers=host)).json()["data"]
        assert (summary["totals"]["paid_out"], summary["totals"]["available"]) == ("499.00", "0.00")
        await page.goto(f"{base}/admin/audit?target_type=payout_request")
        trail = await page.inner_text("[data-testid=audit-table]")
        for action in ("payout.requested", "payout.approved", "payout.paid", "payout.viewed"):
            assert action in trail
        await page.goto(f"{base}/admin")
        assert await page.inner_text("[data-testid=payouts-due]") == "0"
        assert getattr(page, "console_errors") == []  # noqa: B009
        assert getattr(phone, "console_errors") == []  # noqa: B009
    finally:
        await phone_context.close()
        await context.close()
