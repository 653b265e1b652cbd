"""The payment flow through HTTP, as the app and the buyer's browser make it: the order, the sandbox checkout
page (the app's WebView posts the PayU form there), "Pay" or "Fail", the signed post-back to ``surl``/``furl``,
the single poll. Reuses the attendance rig (members and events stored straight through the repositories)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import httpx

from loopin.adapters.payments.sandbox import SandboxGateway
from loopin.domain.events.event import Event
from loopin.usecases.payments.ports import PaymentGateway
from tests.api.attendance_rig import Guest, Rig, app_object

ORDER_FIELDS = {"id", "order_id", "event_id", "amount", "currency", "status"}
PAYLOAD_KEYS = ["key", "txnid", "amount", "productinfo", "firstname", "email", "phone", "surl", "furl", "hash"]


class Forms(HTMLParser):
    """The forms of a page: action and the hidden inputs of each."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((values.get("action", ""), {}))
        elif tag == "input" and self.forms and values.get("type") == "hidden":
            self.forms[-1][1][values["name"]] = values.get("value", "")


def forms_of(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


@dataclass
class Checkout:
    """What ``POST /api/payments/orders`` answered."""

    body: dict[str, Any]

    @property
    def order(self) -> dict[str, Any]:
        order: dict[str, Any] = self.body["data"]["order"]
        return order

    @property
    def order_id(self) -> str:
        return str(self.order["order_id"])

    @property
    def url(self) -> str:
        return str(self.body["data"]["payu_redirect"]["payu_url"])

    @property
    def payload(self) -> dict[str, str]:
        payload: dict[str, str] = self.body["data"]["payu_redirect"]["payload"]
        return payload


class PaymentRig:
    def __init__(self, rig: Rig) -> None:
        self.rig = rig
        self.client: httpx.AsyncClient = rig.client

    async def paid_event(self, host: Guest, *, price: str = "499.00", capacity: int = 50, **details: Any) -> Event:
        return await self.rig.event(
            host, is_paid=True, ticket_price=Decimal(price), max_capacity=capacity, **details
        )

    async def eligible(self, host: Guest, guests: list[Guest], event: Event, seats: int = 1) -> None:
        for guest in guests:
            await self.rig.accepted(host, guest, event.id, seats)

    async def order(self, guest: Guest, event: Event, *, amount: Any = None, seats: int = 1) -> httpx.Response:
        body = {
            "event_id": event.id,
            "amount": float(event.ticket_price) if amount is None else amount,
            "seats_count": seats,
        }
        return await self.client.post("/api/payments/orders", json=body, headers=guest.headers)

    async def checkout(self, guest: Guest, event: Event, seats: int = 1) -> Checkout:
        response = await self.order(guest, event, seats=seats)
        return Checkout(app_object(response, 201))

    async def poll(self, guest: Guest, order_id: str) -> httpx.Response:
        headers = {"Authorization": guest.headers["Authorization"], "Accept": "application/json"}
        return await self.client.get(f"/api/payments/orders/{order_id}", headers=headers)

    async def status(self, guest: Guest, order_id: str) -> str:
        return str(app_object(await self.poll(guest, order_id))["data"]["status"])

    # --- the browser --------------------------------------------------------------------------------------

    async def sandbox_page(self, checkout: Checkout) -> httpx.Response:
        """The app's WebView form-POSTs the ten payload fields to ``payu_url``."""
        path = httpx.URL(checkout.url).path
        return await self.client.post(path, data=checkout.payload)

    async def press(self, checkout: Checkout, button: str) -> tuple[str, dict[str, str]]:
        """Presses "Pay" or "Fail" on the sandbox page; returns the signed post-back (its URL and fields)."""
        page = await self.sandbox_page(checkout)
        assert page.status_code == 200, page.text
        outcome = {"Pay": "pay", "Fail": "fail"}[button]
        [form] = [(a, f) for a, f in forms_of(page.text) if f.get("outcome") == outcome]
        done = await self.client.post(form[0], data=form[1])
        assert done.status_code == 200, done.text
        [(url, fields)] = forms_of(done.text)
        return url, fields

    async def post_back(self, url: str, fields: dict[str, str]) -> httpx.Response:
        """What PayU's redirect makes the browser do: POST the signed response to ``surl``/``furl``."""
        return await self.client.post(httpx.URL(url).path, data=fields)

    async def pay(self, guest: Guest, event: Event, seats: int = 1) -> Checkout:
        checkout = await self.checkout(guest, event, seats)
        url, fields = await self.press(checkout, "Pay")
        answer = await self.post_back(url, fields)
        assert answer.status_code == 303, answer.text
        return checkout

    async def sandbox(self) -> SandboxGateway:
        gateway = await self.rig.container.get(PaymentGateway)
        assert isinstance(gateway, SandboxGateway)
        return gateway

    async def signed_notice(self, checkout: Checkout, status: str) -> dict[str, str]:
        """A notice PayU could have posted for this order (the sandbox records the outcome first)."""
        sandbox = await self.sandbox()
        back = await sandbox.complete(checkout.payload, pay=status == "success")
        return dict(back.fields)

    def later(self, **delta: float) -> None:
        self.rig.fakes.clock.advance(timedelta(**delta))
