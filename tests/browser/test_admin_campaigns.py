"""The console's campaigns screen in headless Chromium, on PostgreSQL and Redis behind a real uvicorn: compose
an announcement for the members interested in one interest, read the preview (count and message), step up, send,
let the batches run and read the results. Screenshots at both widths."""

from __future__ import annotations

import re

from dishka import AsyncContainer
from playwright.async_api import Browser

from loopin.domain.identity.member import MemberStatus
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
from tests.browser.test_admin_console import STAFF_PHONE, appoint, members
from tests.live_server import LiveServer
from tests.support import Fakes


async def test_compose_preview_step_up_send_and_see_the_results(
    served_app: LiveServer, service_container: AsyncContainer, browser: Browser, fakes: Fakes
) -> None:
    await appoint(service_container)
    await members(service_container, fakes, 3, MemberStatus.ACTIVE)  # each interested in interest 1
    base = served_app.url
    context, page = await new_page(browser, DESKTOP)
    phone_context, phone = await new_page(browser, PHONE)
    try:
        await sign_in(page, base, fakes, STAFF_PHONE)
        await page.wait_for_selector("[data-testid=dashboard]")
        sign_in_code_lapses(fakes)
        await page.click("nav.nav >> text=Campaigns")
        await page.wait_for_url("**/admin/campaigns")
        await page.click("[data-testid=new-campaign]")
        await page.wait_for_url("**/admin/campaigns/new")
        await page.fill("#name", "Monsoon hello")
        await page.fill("#v_headline", "Monsoon meetups")
        await page.fill("#v_message", "Rainy-day events are live near you.")
        await page.fill("#inactive_days", "never")  # a typo: the form comes back with it named
        await page.fill("#interest_ids", "1")
        await page.click("[data-testid=compose-submit]")
        await page.wait_for_selector("[data-testid=form-error]")
        assert "Inactive for at least (days): a whole number" in await page.inner_text("[data-testid=form-error]")
        assert await page.input_value("#v_headline") == "Monsoon meetups"
        await shot(page, "campaign-form-error-desktop")
        await page.fill("#inactive_days", "")
        await page.click("[data-testid=compose-submit]")
        await page.wait_for_url(re.compile(r".*/admin/campaigns/\d+$"))
        campaign_id = int(page.url.rsplit("/", 1)[1])
        assert await page.inner_text("[data-testid=audience-count]") == "3"
        assert await page.inner_text("[data-testid=sample-title]") == "Monsoon meetups"
        assert await page.locator("[data-testid=send]").count() == 0  # not without a fresh code
        await shot(page, "campaign-draft-desktop")

        await page.click("[data-testid=step-up-link]")
        await page.wait_for_url(f"**/admin/step-up?next=/admin/campaigns/{campaign_id}")
        await step_up(page, fakes, STAFF_PHONE)
        await page.wait_for_url(f"**/admin/campaigns/{campaign_id}")
        await page.click("[data-testid=send]")
        await page.wait_for_selector("text=is sending to 3 members")
        for _ in range(50):  # the batches run as jobs, after the answer
            if (await page.inner_text("[data-testid=campaign-status]")).lower() == "sent":
                break
            await page.wait_for_timeout(100)
            await page.reload()
        assert (await page.inner_text("[data-testid=campaign-status]")).lower() == "sent"
        assert await page.inner_text("[data-testid=result-sent]") == "3"
        assert await page.inner_text("[data-testid=result-pending]") == "0"
        await shot(page, "campaign-sent-desktop")
        await page.goto(f"{base}/admin/campaigns")
        listed = await page.inner_text("[data-testid=campaigns-table]")
        assert "Monsoon hello" in listed
        assert "3 of 3" in listed
        await shot(page, "campaigns-desktop")
        await page.goto(f"{base}/admin/campaigns/templates")
        assert "events_in_city" in await page.inner_text("[data-testid=templates-table]")
        await shot(page, "campaign-templates-desktop")

        await sign_in(phone, base, fakes, STAFF_PHONE)
        await phone.wait_for_selector("[data-testid=dashboard]")
        for path, name in (
            ("/admin/campaigns", "campaigns-phone"),
            (f"/admin/campaigns/{campaign_id}", "campaign-sent-phone"),
            ("/admin/campaigns/new?template=events_in_city", "campaign-new-phone"),
            ("/admin/campaigns/templates", "campaign-templates-phone"),
        ):
            await phone.goto(f"{base}{path}")
            await no_horizontal_scroll(phone)
            await shot(phone, name)
        assert getattr(page, "console_errors") == []  # noqa: B009
        assert getattr(phone, "console_errors") == []  # noqa: B009
    finally:
        await phone_context.close()
        await context.close()
