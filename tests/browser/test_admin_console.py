"""The staff console in headless Chromium, on PostgreSQL and Redis behind a real uvicorn: signing in with the
code from the console SMS, letting a waitlisted member in, refusing forged and non-staff requests, and
screenshots of the main screens at a laptop's and a phone's width (``artifacts/browser/admin-*.png``)."""

from __future__ import annotations

from datetime import timedelta

import httpx
from dishka import AsyncContainer
from playwright.async_api import Browser, expect

from loopin.domain.identity.member import Member, MemberStatus
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import Gender, Profile
from loopin.usecases.identity.moderation import AppointStaff
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.browser.admin_steps import DESKTOP, PHONE, new_page, no_horizontal_scroll, shot, sign_in
from tests.live_server import LiveServer
from tests.support import Fakes

STAFF_PHONE = "+919000000001"


async def appoint(container: AsyncContainer, *, superuser: bool = False) -> Member:
    async with container() as scope:
        staff: Member = await (await scope.get(AppointStaff))(
            phone_number=STAFF_PHONE, name="Priya Ops", superuser=superuser
        )
    return staff


async def members(container: AsyncContainer, fakes: Fakes, count: int, status: MemberStatus) -> list[Member]:
    now = fakes.clock.now()
    stored = []
    async with container() as scope:
        repo = await scope.get(MemberRepository)
        for n in range(count):
            m = Member.register(
                PhoneNumber.parse(
                    f"+91981230{n:04d}" if status is MemberStatus.WAITLISTED else f"+91981240{n:04d}"
                ),
                now=now,
            )
            m.status = status
            m.profile = Profile(name=NAMES[n % len(NAMES)], gender=Gender.FEMALE, interest_ids=(1,))
            if status is MemberStatus.WAITLISTED:
                m.waitlisted_at, m.promote_at = now, now + timedelta(hours=3, minutes=n)
            stored.append(await repo.add(m))
        await (await scope.get(UnitOfWork)).commit()
    return stored


NAMES = ["Asha Rao", "Bela Shah", "Chitra Iyer", "Dev Menon", "Esha Kapoor", "Farhan Ali", "Gauri Nair"]


async def test_staff_sign_in_and_let_a_waitlisted_member_in(
    served_app: LiveServer, service_container: AsyncContainer, browser: Browser, fakes: Fakes
) -> None:
    await appoint(service_container)
    waiting = await members(service_container, fakes, 3, MemberStatus.WAITLISTED)
    await members(service_container, fakes, 5, MemberStatus.ACTIVE)
    context, page = await new_page(browser, DESKTOP)
    try:
        await sign_in(page, served_app.url, fakes, STAFF_PHONE)
        await page.wait_for_selector("[data-testid=dashboard]")
        assert await page.inner_text("[data-testid=waitlisted]") == "3"
        assert await page.inner_text("[data-testid=members-total]") == "9"
        await shot(page, "dashboard-desktop")

        await page.click("text=Waitlist")
        await page.wait_for_selector("[data-testid=members-table]")
        assert await page.inner_text("[data-testid=showing]") == "1–3 of 3"
        await shot(page, "members-desktop")
        await page.click(f"text={waiting[0].profile.name}")
        await page.wait_for_selector("[data-testid=profile]")
        assert await page.inner_text("[data-testid=member-status]") == "waitlisted"
        await page.click("[data-testid=admit]")
        await page.wait_for_selector("[data-testid=notice]")
        assert "is active" in await page.inner_text("[data-testid=notice]")
        assert await page.inner_text("[data-testid=member-status]") == "active"
        await shot(page, "member-desktop")

        await page.goto(f"{served_app.url}/admin/members?q=esha")  # the search, typed in the URL
        rows = await page.locator("[data-testid=members-table] tbody tr").count()
        assert rows == 1
        await page.fill("#q", "")
        await page.fill("#q", "bela")  # typed: htmx swaps the results in
        await expect(page.locator("[data-testid=members-table] tbody tr")).to_have_count(2)
        assert "q=bela" in page.url
        assert getattr(page, "console_errors") == []  # noqa: B009  (the strict CSP blocked nothing we need)
    finally:
        await context.close()
    async with service_container() as scope:
        admitted = await (await scope.get(MemberRepository)).get(waiting[0].id)
    assert admitted is not None
    assert admitted.status is MemberStatus.ACTIVE


async def test_the_console_at_a_phones_width(
    served_app: LiveServer, service_container: AsyncContainer, browser: Browser, fakes: Fakes
) -> None:
    await appoint(service_container)
    waiting = await members(service_container, fakes, 2, MemberStatus.WAITLISTED)
    context, page = await new_page(browser, PHONE)
    try:
        await page.goto(f"{served_app.url}/admin/login")
        await no_horizontal_scroll(page)
        await shot(page, "login-phone")
        await sign_in(page, served_app.url, fakes, STAFF_PHONE)
        await page.wait_for_selector("[data-testid=dashboard]")
        await no_horizontal_scroll(page)
        await shot(page, "dashboard-phone")
        await page.goto(f"{served_app.url}/admin/members")
        await no_horizontal_scroll(page)
        await shot(page, "members-phone")
        await page.goto(f"{served_app.url}/admin/members/{waiting[1].id}")
        await no_horizontal_scroll(page)
        await shot(page, "member-phone")
    finally:
        await context.close()


async def test_forged_and_non_staff_requests_are_refused(
    served_app: LiveServer, service_container: AsyncContainer, browser: Browser, fakes: Fakes
) -> None:
    await appoint(service_container)
    [waiting] = await members(service_container, fakes, 1, MemberStatus.WAITLISTED)
    [member] = await members(service_container, fakes, 1, MemberStatus.ACTIVE)
    context, page = await new_page(browser, DESKTOP)
    try:
        await sign_in(page, served_app.url, fakes, STAFF_PHONE)
        await page.wait_for_selector("[data-testid=dashboard]")
        # The signed-in browser's own cookies, but no CSRF token: what a forged cross-site form would send.
        forged = await page.request.post(
            f"{served_app.url}/admin/members/admit", form={"phone_number": waiting.phone.e164}, max_redirects=0
        )
        assert forged.status == 403
        assert "did not come from this console" in await forged.text()
    finally:
        await context.close()

    context, page = await new_page(browser, DESKTOP)
    try:
        await sign_in(page, served_app.url, fakes, member.phone.e164)
        await page.wait_for_selector("[data-testid=denied]")
        await shot(page, "denied-desktop", full_page=False)
        await page.goto(f"{served_app.url}/admin/members")
        await page.wait_for_url("**/admin/login?next=/admin/members")  # no page for them, ever
    finally:
        await context.close()
    async with httpx.AsyncClient(base_url=served_app.url) as anonymous:
        assert (await anonymous.get("/admin/members")).status_code == 303
    async with service_container() as scope:
        still = await (await scope.get(MemberRepository)).get(waiting.id)
    assert still is not None
    assert still.status is MemberStatus.WAITLISTED
