"""Steps the console's browser tests share: sign in with the code from the console SMS, read notices, and
screenshots at a laptop's and a phone's width."""

from __future__ import annotations

from datetime import timedelta

from playwright.async_api import Browser, BrowserContext, Page

from loopin.entrypoints.admin.session import STEP_UP_VALID
from tests.browser.conftest import ARTIFACTS
from tests.support import Fakes

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


async def new_page(browser: Browser, viewport: dict[str, int]) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(viewport=viewport, service_workers="block")  # type: ignore[arg-type]
    page = await context.new_page()
    errors: list[str] = []  # script errors, and console assets that failed (the app's own pages aside)
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and "Failed to load" not in m.text else None,
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status == 404 and "/admin" in r.url else None,
    )
    setattr(page, "console_errors", errors)  # noqa: B010
    return context, page


async def sign_in(page: Page, base: str, fakes: Fakes, phone: str) -> None:
    fakes.clock.advance(timedelta(seconds=31))  # past the resend cooldown of any earlier code
    await page.goto(f"{base}/admin")
    await page.wait_for_url("**/admin/login")
    await page.fill("#phone_number", phone)
    await page.click("[data-testid=send-code]")
    await page.wait_for_url("**/admin/login/code")
    await page.fill("#otp_code", fakes.sms.last_code_for(phone))
    await page.click("[data-testid=verify-code]")


def sign_in_code_lapses(fakes: Fakes) -> None:
    """Past the five minutes the sign-in's own code opens sensitive actions for: their forms wait for a step-up."""
    fakes.clock.advance(STEP_UP_VALID + timedelta(seconds=1))


async def step_up(page: Page, fakes: Fakes, phone: str) -> None:
    """On the step-up page: ask for a code, type it in."""
    fakes.clock.advance(timedelta(seconds=31))
    await page.click("[data-testid=send-step-up]")
    await page.wait_for_selector("[data-testid=notice]")
    await page.fill("#otp_code", fakes.sms.last_code_for(phone))
    await page.click("[data-testid=confirm-step-up]")


async def shot(page: Page, name: str, *, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"admin-{name}.png"
    await page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 3000


async def no_horizontal_scroll(page: Page) -> None:
    """Usable at a phone's width: the page itself never scrolls sideways (wide tables scroll inside)."""
    overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the screen"
