"""The sandbox checkout page in a real browser, as the app's WebView uses it: the app form-POSTs the PayU
payload to ``payu_url``, the page shows the order, "Pay" goes back to ``surl`` through the very callback route
PayU would use, and the order is paid. The app runs on PostgreSQL and Redis behind a real uvicorn; the page can
reach nothing but this machine. Screenshots of the page and of the result land in ``artifacts/browser/``."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from html import escape

import httpx
from dishka import AsyncContainer

from loopin.domain.events.event import Event, EventStatus
from loopin.domain.identity.member import Member, MemberStatus
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.profile import Gender, Profile
from loopin.usecases.events.ports import EventRepository
from loopin.usecases.identity.ports import MemberRepository, TokenIssuer
from loopin.usecases.shared.ports import UnitOfWork
from tests.browser.conftest import OfflinePage
from tests.live_server import LiveServer
from tests.support import Fakes


async def member(container: AsyncContainer, fakes: Fakes, n: int, name: str) -> tuple[Member, dict[str, str]]:
    """Stored straight through the repositories, on the database the served app reads."""
    m = Member.register(PhoneNumber.parse(f"+9198100{n:05d}"), now=fakes.clock.now())
    m.status = MemberStatus.ACTIVE
    m.profile = Profile(name=name, gender=Gender.FEMALE, interest_ids=(1,), picture_keys=(f"p/{n}.png",))
    async with container() as scope:
        stored = await (await scope.get(MemberRepository)).add(m)
        await (await scope.get(UnitOfWork)).commit()
    token = (await container.get(TokenIssuer)).issue(stored, now=fakes.clock.now()).token
    return stored, {"Authorization": f"Bearer {token}"}


async def paid_event(container: AsyncContainer, fakes: Fakes, host: Member) -> Event:
    now = fakes.clock.now()
    event = Event.new(
        host_id=host.id,
        title="Rooftop Jazz & Chai",
        start_time=now + timedelta(days=4),
        end_time=now + timedelta(days=4, hours=3),
        timezone="Asia/Kolkata",
        now=now,
        is_paid=True,
        ticket_price=Decimal("499.00"),
        max_capacity=40,
    )
    event.status = EventStatus.PUBLISHED
    async with container() as scope:
        stored = await (await scope.get(EventRepository)).add(event)
        await (await scope.get(UnitOfWork)).commit()
    return stored


def webview_form(payu_url: str, payload: dict[str, str]) -> str:
    """What the app's WebView loads: a form of the ten payload fields, posted to payu_url on load."""
    inputs = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in payload.items())
    return (
        f'<html><body><form id="payu" method="post" action="{escape(payu_url)}">{inputs}</form>'
        '<script>document.getElementById("payu").submit()</script></body></html>'
    )


async def test_the_sandbox_page_takes_a_payment_in_a_real_browser(
    served_app: LiveServer, service_container: AsyncContainer, offline_page: OfflinePage, fakes: Fakes
) -> None:
    host, host_headers = await member(service_container, fakes, 1, "Meera Host")
    _, headers = await member(service_container, fakes, 2, "Asha Rao")
    event = await paid_event(service_container, fakes, host)
    async with httpx.AsyncClient(base_url=served_app.url, timeout=30) as api:
        asked = await api.post(f"/api/events/{event.id}/requests", json={"seats_requested": 1}, headers=headers)
        assert asked.status_code == 201, asked.text
        accepted = await api.put(
            f"/api/events/{event.id}/requests/{asked.json()['id']}/accept", json={}, headers=host_headers
        )
        assert accepted.status_code == 200, accepted.text
        created = await api.post(
            "/api/payments/orders", json={"event_id": event.id, "amount": 499.0, "seats_count": 1}, headers=headers
        )
        assert created.status_code == 201, created.text
        redirect = created.json()["data"]["payu_redirect"]

        page = offline_page.page
        await page.set_viewport_size({"width": 412, "height": 860})  # a phone-sized WebView
        await page.set_content(webview_form(redirect["payu_url"], redirect["payload"]))
        await page.wait_for_url("**/api/payments/sandbox/checkout")
        await page.wait_for_selector("#pay")
        checkout_png = await offline_page.screenshot("payments-sandbox-checkout")
        text = await page.inner_text("body")
        assert "Loopin checkout" in text
        assert "₹548.90" in text
        assert "Event Ticket: Rooftop Jazz & Chai" in text
        assert redirect["payload"]["txnid"] in text
        assert await page.is_visible("#fail")
        images = await page.evaluate("Array.from(document.querySelectorAll('img,link,script[src]')).length")
        assert images == 0  # no external asset of any kind

        await page.click("#pay")
        await page.wait_for_url("**/api/payments/payu/success?*")
        url = httpx.URL(page.url)
        assert (url.host, url.path) == ("127.0.0.1", "/api/payments/payu/success")
        assert dict(url.params) == {"status": "paid", "txnid": redirect["payload"]["txnid"]}
        assert "Payment successful" in await page.inner_text("body")
        await offline_page.screenshot("payments-sandbox-result")

        polled = await api.get(f"/api/payments/orders/{redirect['payload']['txnid']}", headers=headers)
        assert json.loads(polled.text)["data"]["status"] == "paid"
        ticket = await api.get(f"/api/events/{event.id}/my-ticket", headers=headers)
        assert ticket.json()["payment_status"] == "paid"
    assert checkout_png.stat().st_size > 5000
    assert offline_page.blocked == [], offline_page.blocked
