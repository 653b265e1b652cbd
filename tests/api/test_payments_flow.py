"""The paid flow end to end through HTTP, in the embedded default and on PostgreSQL/Redis: the app's two calls
answer exactly what the app reads (client-contract.md: payments.create_order, payments.get_order), the sandbox
checkout drives the very same callback route PayU would, and the order is final before the app's single poll."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest

from tests.api import attendance_rig
from tests.api.admin_console import appoint, post_form, sign_in
from tests.api.attendance_rig import Guest, Rig, app_error, app_object, check_types
from tests.api.payments_rig import ORDER_FIELDS, PAYLOAD_KEYS, PaymentRig

inline_rig, memory_rig = attendance_rig.inline_rig, attendance_rig.memory_rig  # fixtures
APP_ORDER = {"id": int, "order_id": str, "event_id": int, "amount": str, "currency": str, "status": str}


@pytest.fixture(params=["memory", "postgres"])
def pay(request: pytest.FixtureRequest) -> PaymentRig:
    rig: Rig = request.getfixturevalue("memory_rig" if request.param == "memory" else "inline_rig")
    return PaymentRig(rig)


async def test_create_order_answers_exactly_what_the_app_reads(pay: PaymentRig) -> None:
    host, guest = await pay.rig.members(2)
    event = await pay.paid_event(host, price="499.00")
    await pay.eligible(host, [guest], event)
    response = await pay.order(guest, event, amount=499.0)  # the app sends the base price, parsed to a float
    assert response.status_code == 201, response.text
    body = app_object(response, 201)
    assert body["success"] is True
    order, redirect = body["data"]["order"], body["data"]["payu_redirect"]
    assert set(order) >= ORDER_FIELDS
    check_types(
        order, {"id": int, "order_id": str, "event_id": int, "amount": str, "currency": str, "status": str}
    )
    assert (order["event_id"], order["amount"], order["currency"], order["status"]) == (
        event.id,
        "548.90",
        "INR",
        "created",
    )
    assert (order["seats_count"], order["base_price"], order["platform_fee"]) == (1, "499.00", "49.90")
    assert re.fullmatch(r"LP\d{6}[A-Z2-9]{12}", order["order_id"])
    payload = redirect["payload"]
    assert list(payload) == PAYLOAD_KEYS  # exactly the ten keys the WebView forwards
    assert all(isinstance(v, str) for v in payload.values())
    assert (payload["txnid"], payload["amount"], payload["key"]) == (order["order_id"], "548.90", "SANDBOX")
    assert payload["productinfo"] == "Event Ticket: Sunset Jam Session"
    assert payload["firstname"].startswith("Guest ")
    assert payload["email"] == f"member-{guest.id}@guests.loopinsocial.in"
    assert payload["phone"].isdigit()
    assert payload["surl"] == "http://loopin.test/api/payments/payu/success"
    assert payload["furl"] == "http://loopin.test/api/payments/payu/failure"
    assert re.fullmatch(r"[0-9a-f]{128}", payload["hash"])
    assert redirect["payu_url"] == "http://loopin.test/api/payments/sandbox/checkout"


async def test_paying_in_the_sandbox_makes_the_order_paid_before_the_single_poll(pay: PaymentRig) -> None:
    host, guest = await pay.rig.members(2)
    event = await pay.paid_event(host, capacity=10)
    await pay.eligible(host, [guest], event)
    checkout = await pay.checkout(guest, event)
    page = await pay.sandbox_page(checkout)
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "₹548.90" in page.text
    assert checkout.order_id in page.text
    url, fields = await pay.press(checkout, "Pay")
    assert url == checkout.payload["surl"]
    answer = await pay.post_back(url, fields)
    assert answer.status_code == 303
    location = httpx.URL(answer.headers["location"])
    # The WebView sees a non-PayU URL on surl's host whose path contains surl's path, with status and txnid.
    assert location.path == "/api/payments/payu/success"
    assert dict(location.params) == {"status": "paid", "txnid": checkout.order_id}
    result = await pay.client.get(answer.headers["location"])
    assert result.status_code == 200
    assert "Payment successful" in result.text

    polled = app_object(await pay.poll(guest, checkout.order_id))  # the app's single poll
    data = polled["data"]
    check_types(data, APP_ORDER)
    assert (data["status"], data["order_id"], data["event_id"], data["amount"]) == (
        "paid",
        checkout.order_id,
        event.id,
        "548.90",
    )
    ticket = app_object(await pay.client.get(f"/api/events/{event.id}/my-ticket", headers=guest.headers))
    assert ticket["ticket_secret"]
    assert (ticket["is_paid"], ticket["payment_status"], ticket["seats"]) == (True, "paid", 1)
    detail = app_object(await pay.client.get(f"/api/events/{event.id}", headers=guest.headers))
    event_out = detail.get("data", detail)
    assert (event_out["going_count"], event_out["seats_left"], event_out["platform_fee"]) == (1, 9, "49.90")


async def test_the_result_page_shows_the_order_s_own_status_never_its_address_s(pay: PaymentRig) -> None:
    """The page after surl/furl is on this domain: a crafted link must not show 'Payment successful' for an
    order that is not paid, or does not exist. The address keeps its status and txnid (the WebView matches on
    them); the words come from the order."""
    host, guest = await pay.rig.members(2)
    event = await pay.paid_event(host, capacity=10)
    await pay.eligible(host, [guest], event)
    checkout = await pay.checkout(guest, event)
    for path in ("/api/payments/payu/success", "/api/payments/payu/failure"):
        for txnid in ("LP000000NOSUCHORDER1", "x" * 300, checkout.order_id):
            page = await pay.client.get(path, params={"status": "paid", "txnid": txnid})
            assert page.status_code == 200
            assert "text/html" in page.headers["content-type"]
            assert "Payment successful" not in page.text, (path, txnid)
        unknown = await pay.client.get(path, params={"status": "paid", "txnid": "LP000000NOSUCHORDER1"})
        assert "Payment not found" in unknown.text
        created = await pay.client.get(path, params={"status": "failed", "txnid": checkout.order_id})
        assert "Payment processing" in created.text  # not paid yet, not failed either
    url, fields = await pay.press(checkout, "Pay")
    answer = await pay.post_back(url, fields)
    assert dict(httpx.URL(answer.headers["location"]).params) == {"status": "paid", "txnid": checkout.order_id}
    failure = "/api/payments/payu/failure"
    lied = await pay.client.get(failure, params={"status": "failed", "txnid": checkout.order_id})
    assert "Payment successful" in lied.text  # the order is paid, whatever the address says


async def test_a_failed_payment_releases_the_seats_and_can_be_retried(pay: PaymentRig) -> None:
    host, guest = await pay.rig.members(2)
    event = await pay.paid_event(host, capacity=1)
    await pay.eligible(host, [guest], event)
    checkout = await pay.checkout(guest, event)
    assert (await pay.rig.stored_event(event.id)).seats_held == 1
    url, fields = await pay.press(checkout, "Fail")
    assert url == checkout.payload["furl"]
    answer = await pay.post_back(url, fields)
    assert answer.status_code == 303
    assert dict(httpx.URL(answer.headers["location"]).params)["status"] == "failed"
    assert await pay.status(guest, checkout.order_id) == "failed"
    stored = await pay.rig.stored_event(event.id)
    assert (stored.seats_held, stored.seats_taken) == (0, 0)
    again = await pay.pay(guest, event)  # a new order, a new txnid
    assert again.order_id != checkout.order_id
    assert await pay.status(guest, again.order_id) == "paid"


async def test_a_retried_order_answers_the_open_one(pay: PaymentRig) -> None:
    host, guest = await pay.rig.members(2)
    event = await pay.paid_event(host)
    await pay.eligible(host, [guest], event)
    first = await pay.checkout(guest, event)
    second = await pay.checkout(guest, event)
    assert second.order_id == first.order_id
    assert second.payload == first.payload
    assert (await pay.rig.stored_event(event.id)).seats_held == 1


async def test_an_order_not_paid_in_time_expires_on_read_and_its_seats_return(pay: PaymentRig) -> None:
    host, guest, other = await pay.rig.members(3)
    event = await pay.paid_event(host, capacity=1)
    await pay.eligible(host, [guest, other], event)
    checkout = await pay.checkout(guest, event)
    full = await pay.order(other, event)
    app_error(full, 400, "CAPACITY_FULL")
    assert "full" in full.json()["detail"]
    pay.later(minutes=15)
    assert await pay.status(guest, checkout.order_id) == "expired"
    assert (await pay.rig.stored_event(event.id)).seats_held == 0
    assert (await pay.order(other, event)).status_code == 201


async def test_a_paid_ticket_cancelled_a_day_ahead_is_refunded_in_full(pay: PaymentRig) -> None:
    host, guest = await pay.rig.members(2)
    event = await pay.paid_event(host)
    await pay.eligible(host, [guest], event)
    checkout = await pay.pay(guest, event)
    cancelled = app_object(
        await pay.client.post(f"/api/events/{event.id}/cancel-attendance", json={}, headers=guest.headers)
    )
    assert (cancelled["refund_amount"], cancelled["going_count"]) == ("548.90", 0)
    order = await eventually_status(pay, guest, checkout.order_id, "refunded")
    assert order["refunded_amount"] == "548.90"
    assert [(r["amount"], r["status"], r["reason"]) for r in order["refunds"]] == [
        ("548.90", "succeeded", "guest_cancelled")
    ]
    export = app_object(await pay.client.get("/api/auth/me/export", headers=guest.headers))["data"]
    [mine] = export["payment_orders"]  # the guest's copy of their data holds the order and its refund
    assert (mine["order_id"], mine["event_id"], mine["amount"], mine["status"], mine["refunded_amount"]) == (
        checkout.order_id,
        event.id,
        "548.90",
        "refunded",
        "548.90",
    )
    assert [(r["amount"], r["status"], r["reason"]) for r in mine["refunds"]] == [
        ("548.90", "succeeded", "guest_cancelled")
    ]
    assert not {"gateway_payment_id", "bank_ref_num", "token", "hash"} & {*mine, *mine["refunds"][0]}


async def test_a_paid_ticket_cancelled_late_is_not_refunded(pay: PaymentRig) -> None:
    host, guest = await pay.rig.members(2)
    event = await pay.paid_event(host)
    await pay.eligible(host, [guest], event)
    checkout = await pay.pay(guest, event)
    pay.later(days=2, hours=1)  # the event starts in 3 days: less than 24 hours left
    cancelled = app_object(
        await pay.client.post(f"/api/events/{event.id}/cancel-attendance", json={}, headers=guest.headers)
    )
    assert cancelled["refund_amount"] == "0.00"
    assert await pay.status(guest, checkout.order_id) == "paid"


async def eventually_status(pay: PaymentRig, guest: Guest, order_id: str, status: str) -> dict[str, Any]:
    """The refund is paid by a job after the commit (in-process here): wait for it, briefly."""
    data: dict[str, Any] = {}
    for _ in range(100):
        data: dict[str, Any] = app_object(await pay.poll(guest, order_id))["data"]
        if data["status"] == status and all(r["status"] == "succeeded" for r in data["refunds"]):
            return data
        await asyncio.sleep(0.05)
    raise AssertionError(f"order {order_id} never became {status}: {data}")


async def test_the_fee_is_the_same_policy_on_events_and_orders_and_a_superuser_changes_it(pay: PaymentRig) -> None:
    """The fee is changed in the staff console by a superuser with a fresh code (the sign-in's); the app's event
    answers and the orders made afterwards use it at once. The API has no route to change it."""
    host, guest = await pay.rig.members(2)
    event = await pay.paid_event(host, price="100.00")
    await pay.eligible(host, [guest], event)
    gone = await pay.client.put("/api/platform/fee", json={"fee_percentage": "12.50"}, headers=guest.headers)
    assert gone.status_code == 405, gone.text  # a bearer token carries no fresh proof: no API change
    boss = await appoint(pay.rig.container, superuser=True)
    await sign_in(pay.client, pay.rig.fakes)
    for bad in ("100.01", "-1", "10.001", "ten"):
        refused = await post_form(pay.client, "/admin/fee/change", "/admin/fee", percentage=bad)
        assert refused.headers["location"] == "/admin/fee"
        assert 'class="notice error"' in (await pay.client.get("/admin/fee")).text
    unchanged = app_object(await pay.client.get("/api/platform/fee", headers=guest.headers))
    assert (unchanged["fee_percentage"], unchanged["updated_by"]) == ("10.00", None)
    changed = await post_form(
        pay.client, "/admin/fee/change", "/admin/fee", percentage="12.50", description="festive"
    )
    assert changed.headers["location"] == "/admin/fee"
    read = app_object(await pay.client.get("/api/platform/fee", headers=guest.headers))
    assert (read["fee_percentage"], read["multiplier"], read["description"], read["updated_by"]) == (
        "12.50",
        "0.1250",
        "festive",
        boss.id,
    )
    detail = app_object(await pay.client.get(f"/api/events/{event.id}", headers=guest.headers))
    assert detail.get("data", detail)["platform_fee"] == "12.50"  # the event cache was invalidated
    checkout = await pay.checkout(guest, event)
    assert (checkout.order["amount"], checkout.order["platform_fee"]) == ("112.50", "12.50")
