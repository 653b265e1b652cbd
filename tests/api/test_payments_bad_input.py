"""Bad and hostile input to the payment routes: each a clear 4xx in the app's envelope (or, for the browser's
callback routes, a refusal page), never a 5xx, and nothing stored — no order, no seat held."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from loopin.domain.events.event import EventStatus
from loopin.domain.identity.member import MemberStatus
from tests.api import attendance_rig
from tests.api.attendance_rig import Guest, Rig, app_error, app_object
from tests.api.flows import sql
from tests.api.payments_rig import PaymentRig

inline_rig = attendance_rig.inline_rig  # fixture
Setup = tuple[PaymentRig, Guest, Guest, Any]


async def nothing_stored(event_id: int) -> None:
    [(orders, held)] = await sql(
        "SELECT (SELECT COUNT(*) FROM payment_orders), (SELECT seats_held FROM events WHERE id = :e)", e=event_id
    )
    assert (orders, held) == (0, 0)


@pytest.fixture
async def setup(inline_rig: Rig) -> Setup:
    pay = PaymentRig(inline_rig)
    host, guest = await inline_rig.members(2)
    event = await pay.paid_event(host, capacity=10, allow_plus_one=False)
    await pay.eligible(host, [guest], event)
    return pay, host, guest, event


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"event_id": 999999, "amount": 499.0, "seats_count": 1}, 404, "EVENT_NOT_FOUND"),
        ({"event_id": 2**63 + 5, "amount": 499.0, "seats_count": 1}, 422, "VALIDATION_ERROR"),  # not an id
        ({"event_id": 2**64, "amount": 499.0, "seats_count": 1}, 422, "VALIDATION_ERROR"),
        ({"event_id": 0, "amount": 499.0, "seats_count": 1}, 422, "VALIDATION_ERROR"),
        ({"event_id": True, "amount": 499.0, "seats_count": 1}, 422, None),
        ({"event_id": "seven", "amount": 499.0, "seats_count": 1}, 422, None),
        ({"amount": 499.0, "seats_count": 1}, 422, None),
    ],
)
async def test_an_order_for_no_event_stores_nothing(
    setup: Setup, body: dict[str, Any], status: int, code: str | None
) -> None:
    pay, _, guest, event = setup
    app_error(await pay.client.post("/api/payments/orders", json=body, headers=guest.headers), status, code)
    await nothing_stored(event.id)


@pytest.mark.parametrize(
    ("amount", "seats", "status", "code"),
    [
        (499.0, 0, 422, None),
        (499.0, 11, 422, None),
        (-499.0, 1, 422, None),
        ("499.00", 1, 422, None),  # a string amount
        (True, 1, 422, None),
        (1e308, 1, 422, None),
        (549.0, 1, 400, "PRICE_CHANGED"),  # the total with the fee, not the base price
        (0, 1, 400, "PRICE_CHANGED"),
        (499.0, 2, 400, "PLUS_ONES_NOT_ALLOWED"),
    ],
)
async def test_a_refused_order_stores_nothing(
    setup: Setup, amount: Any, seats: int, status: int, code: str | None
) -> None:
    pay, _, guest, event = setup
    error = app_error(await pay.order(guest, event, amount=amount, seats=seats), status, code)
    if status == 422:
        assert isinstance(error["detail"], list)
        assert error["detail"][0]["msg"]
    if code == "PRICE_CHANGED":
        assert "499.00" in error["detail"]
        assert "seat" not in error["detail"].lower()  # the app shows its own sold-out text for seat wording
    await nothing_stored(event.id)


async def test_free_events_need_no_payment(setup: Setup) -> None:
    pay, host, guest, _ = setup
    free = await pay.rig.event(host, max_capacity=10)
    await pay.rig.accepted(host, guest, free.id)
    error = app_error(await pay.order(guest, free, amount=0.0), 400, "PAYMENT_NOT_REQUIRED")
    assert "does not require payment" in error["detail"]
    await nothing_stored(free.id)


async def test_only_eligible_guests_of_an_open_event_may_order(
    setup: Setup,
) -> None:
    pay, host, _, event = setup
    [stranger] = await pay.rig.members(1)
    app_error(await pay.order(stranger, event), 400, "NO_ACCEPTED_REQUEST")
    app_error(await pay.order(host, event), 400, "HOST_CANNOT_JOIN")
    draft = await pay.paid_event(host, status=EventStatus.DRAFT)
    [other] = await pay.rig.members(1)
    app_error(await pay.order(other, draft), 404, "EVENT_NOT_FOUND")  # a draft is invisible to guests
    private = await pay.paid_event(host, is_public=False)
    app_error(await pay.order(other, private), 404, "EVENT_NOT_FOUND")
    started = await pay.paid_event(host, starts_in=timedelta(hours=-1))
    app_error(await pay.order(other, started), 400, "EVENT_STARTED")
    [waiting] = await pay.rig.members(1, status=MemberStatus.WAITLISTED)
    app_error(await pay.order(waiting, event), 403, "WAITLISTED")
    await nothing_stored(event.id)


async def test_a_guest_with_a_ticket_cannot_order_again(setup: Setup) -> None:
    pay, _, guest, event = setup
    checkout = await pay.pay(guest, event)
    refused = app_error(await pay.order(guest, event), 409, "ALREADY_CONFIRMED")
    assert refused["detail"] == "You already hold a ticket for this event."  # as asking or joining the line says
    assert await pay.status(guest, checkout.order_id) == "paid"


@pytest.mark.parametrize("reference", ["LP000000ZZZZZZZZZZZZ", "x" * 300, "LP%00NUL", "..%2F..%2Fetc", "12345"])
async def test_unknown_or_malformed_orders_are_404(setup: Setup, reference: str) -> None:
    pay, _, guest, _ = setup
    response = await pay.client.get(f"/api/payments/orders/{reference}", headers=guest.headers)
    assert response.status_code in (404, 422), response.text
    app_error(response, response.status_code)


async def test_someone_elses_order_is_404_and_staff_may_read_it(
    setup: Setup,
) -> None:
    pay, host, guest, event = setup
    checkout = await pay.checkout(guest, event)
    error = app_error(await pay.poll(host, checkout.order_id), 404, "ORDER_NOT_FOUND")
    assert checkout.order_id not in str(error)
    [staff] = await pay.rig.members(
        1, role=__import__("loopin.domain.identity.member").domain.identity.member.Role.STAFF
    )
    assert app_object(await pay.poll(staff, checkout.order_id))["data"]["order_id"] == checkout.order_id
    no_token = await pay.client.get(f"/api/payments/orders/{checkout.order_id}")
    assert no_token.status_code == 401


# --- callbacks and the webhook ----------------------------------------------------------------------------------


async def forged_notices(pay: PaymentRig, guest: Guest, event: Any) -> tuple[str, dict[str, str]]:
    checkout = await pay.checkout(guest, event)
    url, fields = await pay.press(checkout, "Pay")
    return url, fields


@pytest.mark.parametrize(
    "tamper",
    [
        {"hash": "0" * 128},
        {"amount": "1.00"},
        {"status": "success", "txnid": "LP000000ZZZZZZZZZZZZ"},
        {"key": "SOMEONE"},
        {"udf1": "vip"},
        {"hash": ""},
        {"firstname": "Eve\u200b"},  # a character PayU never sends, inside the hashed fields
    ],
)
async def test_a_forged_callback_is_refused_recorded_and_audited(setup: Setup, tamper: dict[str, str]) -> None:
    pay, _, guest, event = setup
    url, fields = await forged_notices(pay, guest, event)
    answer = await pay.post_back(url, {**fields, **tamper})
    assert answer.status_code == 400
    assert "text/html" in answer.headers["content-type"]
    assert "could not" in answer.text
    [(verified, audits)] = await sql(
        "SELECT (SELECT array_agg(verified) FROM payment_notices), "
        "(SELECT COUNT(*) FROM audit_entries WHERE action = 'payment_notice.forged')"
    )
    assert (verified, audits) == ([False], 1)
    [(status, taken)] = await sql(
        "SELECT o.status, e.seats_taken FROM payment_orders o JOIN events e ON e.id = o.event_id"
    )
    assert (status, taken) == ("created", 0)


@pytest.mark.parametrize(
    "body",
    [b"firstname=Eve%00&status=success", b"firstname=caf%E9&status=success", b"first%00name=Eve", b"status=\xff"],
)
async def test_a_callback_form_with_nul_or_invalid_utf8_is_refused_by_the_decoding_rule(
    setup: Setup, body: bytes
) -> None:
    """The browser's callbacks, the webhook and the sandbox pages read their url-encoded forms through the
    service's one decoding rule: 422 in the app's envelope before anything is recorded."""
    pay, _, guest, event = setup
    url, fields = await forged_notices(pay, guest, event)
    form = {"content-type": "application/x-www-form-urlencoded"}
    paths = [httpx.URL(url).path, "/api/payments/payu/failure", "/api/payments/payu/webhook"]
    for path in [*paths, "/api/payments/sandbox/checkout", "/api/payments/sandbox/complete"]:
        app_error(await pay.client.post(path, content=body, headers=form), 422, "VALIDATION_ERROR")
    [(notices, status)] = await sql(
        "SELECT (SELECT COUNT(*) FROM payment_notices), (SELECT status FROM payment_orders)"
    )
    assert (notices, status) == (0, "created")
    assert (await pay.post_back(url, fields)).status_code == 303  # the real one still goes through


async def test_the_webhook_reads_json_by_the_decoding_rule(setup: Setup) -> None:
    pay = setup[0]
    webhook, as_json = "/api/payments/payu/webhook", {"content-type": "application/json"}
    for body in (b"{not json", b"[" * 5000, b'{"a":' * 3000 + b"1" + b"}" * 3000, rb'{"txnid": "\u0000"}'):
        app_error(await pay.client.post(webhook, content=body, headers=as_json), 422, "VALIDATION_ERROR")
    app_error(await pay.client.post(webhook, content=b'{"txnid": "caf\xe9"}', headers=as_json), 422)
    [(notices,)] = await sql("SELECT COUNT(*) FROM payment_notices")
    assert notices == 0


async def test_a_truncated_callback_is_refused(setup: Setup) -> None:
    pay, _, guest, event = setup
    url, fields = await forged_notices(pay, guest, event)
    for missing in ("hash", "txnid", "amount", "status"):
        answer = await pay.post_back(url, {k: v for k, v in fields.items() if k != missing})
        assert answer.status_code == 400, (missing, answer.text)


async def test_the_webhook_takes_form_or_flat_json_and_refuses_the_rest(
    setup: Setup,
) -> None:
    pay, _, guest, event = setup
    _, fields = await forged_notices(pay, guest, event)
    webhook = "/api/payments/payu/webhook"
    as_json = app_object(await pay.client.post(webhook, json=fields))
    assert as_json["status"] == "paid"
    again = app_object(await pay.client.post(webhook, data=fields))  # the same, form-encoded: nothing new
    assert again["status"] == "paid"
    app_error(await pay.client.post(webhook, json={**fields, "hash": "f" * 128}), 400, "INVALID_PAYMENT_SIGNATURE")
    app_error(await pay.client.post(webhook, json={**fields, "extra": {"deep": [1]}}), 400)
    app_error(await pay.client.post(webhook, json=[fields]), 400)
    app_error(await pay.client.post(webhook, content=b"\xff\xfe", headers={"content-type": "text/plain"}), 400)
    sandbox = await pay.sandbox()
    unknown = {**fields, "txnid": "LP000000ZZZZZZZZZZZZ"}
    unknown["hash"] = sandbox._signer.reverse_hash(unknown)
    app_error(await pay.client.post(webhook, data=unknown), 404, "ORDER_NOT_FOUND")
    other_amount = {**fields, "amount": "1.00"}
    other_amount["hash"] = sandbox._signer.reverse_hash(other_amount)
    app_error(await pay.client.post(webhook, data=other_amount), 400, "PAYMENT_MISMATCH")
    [(tickets,)] = await sql("SELECT COUNT(*) FROM tickets")
    assert tickets == 1


async def test_the_sandbox_refuses_a_form_it_did_not_sign(setup: Setup) -> None:
    pay, _, guest, event = setup
    checkout = await pay.checkout(guest, event)
    page = await pay.client.post("/api/payments/sandbox/checkout", data={**checkout.payload, "amount": "1.00"})
    assert page.status_code == 400
    bogus = await pay.client.post("/api/payments/sandbox/complete", data={"outcome": "pay"})
    assert bogus.status_code == 400
    assert (await pay.sandbox()).read_checkout(checkout.payload)["txnid"] == checkout.order_id
    assert isinstance(page, httpx.Response)
