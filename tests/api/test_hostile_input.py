"""Hostile input on PostgreSQL and Redis: ids past 2^63, out-of-range numbers, deep JSON, NUL bytes, invalid
UTF-8, absurd event values and JSON smuggled in as another content type. Each is a clear 4xx in the app's
envelope; none is a 5xx, and none is reported as an outage (503).

The routes probed come from the app's own route table, so a route added later is probed too.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.api.attendance_rig import Rig, app_error
from tests.api.attendance_rig import rig as rig  # fixture
from tests.api.event_flows import app_form, multipart
from tests.api.flows import pictures, profile_form
from tests.api.hostile import Operation, app_operations, plausible_body

HUGE = [2**63, 2**64, 10**30]
ID_ROUTES = [op for op in app_operations() if op.int_params]
JSON_ROUTES = [op for op in app_operations() if op.body == "json"]


def assert_no_server_error(response: httpx.Response) -> None:
    assert response.status_code < 500, f"{response.request.method} {response.request.url}: {response.text}"


async def call(rig: Rig, op: Operation, url: str, headers: dict[str, str], **kwargs: Any) -> httpx.Response:
    if op.body == "json" and "content" not in kwargs:
        kwargs.setdefault("json", plausible_body(op))
    return await rig.client.request(op.method, url, headers=headers, **kwargs)


# --- ids and numbers -------------------------------------------------------------------------------------------


def test_the_probe_sees_the_routes_it_must() -> None:
    """Guards the route-table reader itself: the attendance and event routes with ids are all there."""
    paths = {op.path for op in ID_ROUTES}
    assert "/api/events/{event_id:int}/requests/{request_id:int}/accept" in paths
    assert "/api/attendances/events/{event_id:int}" in paths
    assert "/api/events/venues/{venue_id:int}" in paths
    assert len(ID_ROUTES) >= 25
    assert {"POST /api/auth/signup", "PUT /api/auth/profile"} <= {str(op) for op in JSON_ROUTES}


@pytest.mark.parametrize("op", ID_ROUTES, ids=str)
async def test_an_id_past_bigint_names_nothing_it_is_a_404(rig: Rig, op: Operation) -> None:
    """Every other id in the path is real (the caller hosts the event), so the huge one reaches the lookup."""
    host = await rig.member()
    event = await rig.event(host)
    for name in op.int_params:
        for huge in HUGE:
            values = {p: event.id if p == "event_id" else 1 for p in op.int_params} | {name: huge}
            response = await call(rig, op, op.url(**values), host.headers)
            app_error(response, 404)
    for nothing in (0, -1):
        response = await call(rig, op, op.url(**dict.fromkeys(op.int_params, nothing)), host.headers)
        app_error(response, 404)


OUT_OF_RANGE: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", f"/api/events?offset={2**63}", None),
    ("GET", f"/api/events?limit={2**63}", None),
    ("GET", f"/api/events?host_id={2**63}", None),
    ("GET", f"/api/events?interest_id={2**64}", None),
    ("GET", f"/api/events/venues?offset={2**63}", None),
    ("GET", f"/api/events/users/search?event_id=1&offset={2**63}", None),
    ("GET", f"/api/events/users/search?event_id={2**63}", None),
    ("GET", f"/api/events/my-tickets?event_id={2**63}", None),
    ("GET", f"/api/hosts/host-leads?offset={2**63}", None),
    ("GET", "/api/events/users/search?event_id=1&offset=1000001", None),  # past the feed's bound: every list's
    ("GET", "/api/events/users/search?event_id=1&limit=101", None),
    ("GET", "/api/events/venues?offset=1000001", None),
    ("GET", "/api/hosts/host-leads?offset=1000001", None),
    ("GET", "/api/events?offset=1000001", None),
    ("GET", f"/api/public/cities/in/mumbai/events?page={2**63}", None),
    ("POST", "/api/events/venues", {"name": "Hall", "city": "Mumbai", "capacity": 2**63}),
    ("POST", "/api/events/venues", {"name": "Hall", "city": "Mumbai", "latitude": 1e308 * 10}),
    ("POST", "/api/attendances/check-in", {"event_id": 2**63, "ticket_secret": "ABCD"}),
    ("POST", "/api/attendances/check-out", {"event_id": 1, "user_id": 2**64}),
    ("PUT", "/api/auth/profile", {"event_interests": [2**64]}),
]


@pytest.mark.parametrize(("method", "url", "body"), OUT_OF_RANGE, ids=lambda v: str(v)[:60])
async def test_an_out_of_range_number_is_a_422(
    rig: Rig, method: str, url: str, body: dict[str, Any] | None
) -> None:
    member = await rig.member()
    kwargs: dict[str, Any] = {} if body is None else {"content": json.dumps(body)}
    headers = member.headers | ({"Content-Type": "application/json"} if body is not None else {})
    response = await rig.client.request(method, url, headers=headers, **kwargs)
    app_error(response, 422)


async def test_out_of_range_numbers_inside_an_event_s_routes_are_422(rig: Rig) -> None:
    host, guest = await rig.members(2)
    event = await rig.event(host)
    cases = [
        ("PUT", f"/api/events/{event.id}", host, {"max_capacity": 2**63}),
        ("POST", f"/api/events/{event.id}/requests", guest, {"seats_requested": 2**63}),
        ("POST", f"/api/events/{event.id}/requests/bulk-action", host, {"request_ids": [2**63], "action": "x"}),
        ("POST", f"/api/events/{event.id}/invitations", host, {"user_ids": [2**63, 2**64]}),
        ("POST", f"/api/events/{event.id}/confirm-attendance", guest, {"seats": 2**63}),
    ]
    for method, url, who, body in cases:
        response = await rig.client.request(method, url, headers=who.headers, json=body)
        app_error(response, 422)


# --- JSON ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", JSON_ROUTES, ids=str)
async def test_deeply_nested_json_is_a_422_on_every_json_route(rig: Rig, op: Operation) -> None:
    member = await rig.member()
    headers = member.headers | {"Content-Type": "application/json"}
    for body in (b"[" * 2000, b"[" * 5000 + b"]" * 5000, b'{"a":' * 3000 + b"1" + b"}" * 3000):
        response = await call(rig, op, op.url(), headers, content=body)
        app_error(response, 422, "VALIDATION_ERROR")


@pytest.mark.parametrize("op", JSON_ROUTES, ids=str)
async def test_a_nul_byte_in_any_json_string_is_a_422(rig: Rig, op: Operation) -> None:
    """Each string of a body the route accepts, one at a time, carries a NUL."""
    member = await rig.member()
    body = plausible_body(op)
    text_fields = [k for k, v in body.items() if isinstance(v, str)] or ["anything"]
    for field in text_fields:
        hostile = body | {field: "before\x00after"}
        response = await call(rig, op, op.url(), member.headers, json=hostile)
        app_error(response, 422, "VALIDATION_ERROR")


async def test_nul_bytes_where_they_used_to_reach_the_database(rig: Rig) -> None:
    """The places the probe found answering 503: text that is stored or searched."""
    host, guest = await rig.members(2)
    event = await rig.event(host)
    nul, ios = "x\x00y", {"platform": "ios"}
    calls = [
        ("PUT", "/api/auth/profile", guest, {"json": {"bio": nul}}),
        ("PUT", "/api/auth/profile", guest, {"json": {"location": nul}}),
        ("POST", f"/api/events/{event.id}/requests", guest, {"json": {"message": nul}}),
        ("POST", f"/api/events/{event.id}/invitations", host, {"json": {"user_ids": [guest.id], "message": nul}}),
        ("POST", "/api/notifications/devices/register", guest, {"json": {"onesignal_player_id": nul} | ios}),
        ("GET", "/api/events", guest, {"params": {"search": nul}}),
        ("GET", "/api/events", guest, {"params": {"city": nul}}),
        ("GET", "/api/events/venues", guest, {"params": {"city": nul}}),
        ("GET", "/api/events/users/search", host, {"params": {"event_id": event.id, "search": nul}}),
        ("GET", "/api/events/my-requests", guest, {"params": {"status_filter": nul}}),
        ("DELETE", "/api/notifications/devices/x%00y", guest, {}),
        ("GET", "/api/public/events/x%00y", guest, {}),
        ("GET", "/api/public/cities/in/x%00y/events", guest, {}),
    ]
    for method, url, who, kwargs in calls:
        response = await rig.client.request(method, url, headers=who.headers, **kwargs)
        app_error(response, 422, "VALIDATION_ERROR")


async def test_invalid_utf8_is_a_422(rig: Rig) -> None:
    member = await rig.member()
    json_headers = member.headers | {"Content-Type": "application/json"}
    response = await rig.client.put("/api/auth/profile", headers=json_headers, content=b'{"bio": "caf\xe9"}')
    app_error(response, 422, "VALIDATION_ERROR")
    response = await rig.client.post("/api/auth/signup", headers=json_headers, content=b'{"phone_number": "\xff"}')
    app_error(response, 422, "VALIDATION_ERROR")
    response = await rig.client.put("/api/auth/profile", headers=json_headers, content=b'{"bio": "\\ud800"}')
    app_error(response, 422, "VALIDATION_ERROR")  # a lone surrogate cannot be stored as UTF-8 either
    response = await rig.client.get("/api/events?search=caf%E9", headers=member.headers)
    app_error(response, 422, "VALIDATION_ERROR")
    response = await rig.client.get("/api/public/events/caf%E9", headers=member.headers)
    app_error(response, 422, "VALIDATION_ERROR")


async def test_an_unreadable_path_is_422_on_a_route_and_404_where_no_route_matches(rig: Rig) -> None:
    """Routing comes first: a path that names no route is 404 like any unknown path, whatever its bytes (an id
    route takes no ``1\x00``); on a route that takes text, the text rule answers 422 before the handler runs."""
    member = await rig.member()
    for url in ("/api/events/1%00", "/api/events/%ff%fe", "/api/nowhere/x%00y", "/api/events/1%00?search=a%00"):
        app_error(await rig.client.get(url, headers=member.headers), 404, "NOT_FOUND")
    for url in ("/api/payments/orders/LP%00x", "/api/public/events/%ff%fe", "/api/events/1?x=%ff"):
        app_error(await rig.client.get(url, headers=member.headers), 422, "VALIDATION_ERROR")


async def test_nul_bytes_and_invalid_utf8_in_multipart_text_are_422(rig: Rig) -> None:
    member = await rig.member(status=rig_onboarding())
    for bad in (b"Asha\x00Rao", b"Asha \xff Rao"):
        files: list[tuple[str, Any]] = [(k, (None, v)) for k, v in profile_form(member.member.phone.e164).items()]
        files = [(k, (None, bad)) if k == "name" else (k, v) for k, v in files] + pictures()
        response = await rig.client.post("/api/auth/complete-profile", headers=member.headers, files=files)
        app_error(response, 422, "VALIDATION_ERROR")
    host = await rig.member()
    for bad in (b"Jam\x00Session", b"Jam \xff Session"):
        form = [(k, (None, bad)) if k == "title" else (k, v) for k, v in multipart(app_form(rig.fakes))]
        response = await rig.client.post("/api/events", headers=host.headers, files=form)
        app_error(response, 422, "VALIDATION_ERROR")


async def test_a_form_of_too_many_parts_is_413_like_a_body_too_large(rig: Rig) -> None:
    """Litestar stops reading a multipart body past its part limit and calls it a 400; it is a body too large."""
    host = await rig.member()
    form = multipart(app_form(rig.fakes)) + [(f"x{i}", (None, b"1")) for i in range(2_000)]
    response = await rig.client.post("/api/events", headers=host.headers, files=form)
    problem = app_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert "parts" in problem["detail"], problem


def rig_onboarding() -> Any:
    from loopin.domain.identity.member import MemberStatus

    return MemberStatus.ONBOARDING


async def test_json_sent_as_another_content_type_is_refused_before_any_sms(rig: Rig) -> None:
    """A web page can post ``text/plain`` cross-site without a preflight; only ``application/json`` counts."""
    body = json.dumps({"phone_number": "+919812345678"})
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""):
        headers = {"Content-Type": content_type} if content_type else {}
        response = await rig.client.post("/api/auth/signup", content=body, headers=headers)
        app_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert rig.fakes.sms.sent == []
    response = await rig.client.post(
        "/api/auth/signup", content=body, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    assert response.status_code == 200, response.text


# --- JSON is strict: a string is not a bool or a number ----------------------------------------------------


async def test_a_string_where_json_wants_a_bool_or_a_number_is_a_422(rig: Rig) -> None:
    """The app sends JSON booleans and numbers (client-contract 2.6); ``"false"`` must not quietly become False.
    Forms stay lax: their fields are text by nature (the event form's ``is_paid=false`` keeps working)."""
    host, guest = await rig.members(2)
    event = await rig.event(host)
    account = {
        "bank_name": "State Bank of India",
        "account_number": "123456789012",
        "ifsc_code": "SBIN0001234",
        "account_holder_name": "Asha Rao",
    }
    cases = [
        ("POST", "/api/payouts/bank-accounts", host, account | {"is_primary": "false"}, "is_primary"),
        ("POST", f"/api/events/{event.id}/requests", guest, {"seats_requested": "1"}, "seats_requested"),
        ("POST", f"/api/events/{event.id}/invitations", host, {"user_ids": [str(guest.id)]}, "user_ids"),
        ("POST", f"/api/events/{event.id}/confirm-attendance", guest, {"seats": "1"}, "seats"),
        ("POST", "/api/attendances/check-in", host, {"event_id": str(event.id), "user_id": guest.id}, "event_id"),
    ]
    for method, url, who, body, field in cases:
        response = await rig.client.request(method, url, headers=who.headers, json=body)
        problem = app_error(response, 422, "VALIDATION_ERROR")
        assert field in str(problem["detail"]), problem
    accounts = await rig.client.get("/api/payouts/bank-accounts", headers=host.headers)
    assert accounts.json()["data"] == [], accounts.text  # nothing was half-written
    created = await rig.client.post(
        "/api/events", headers=host.headers, files=multipart(app_form(rig.fakes, is_paid="false"))
    )
    assert created.status_code == 201, created.text


# --- absurd event values ---------------------------------------------------------------------------------------

ABSURD_CREATE = [
    {"ticket_price": "1e309", "is_paid": "true"},
    {"ticket_price": "9" * 400, "is_paid": "true"},
    {"ticket_price": "NaN", "is_paid": "true"},
    {"start_time": "0001-01-01T00:00:00.000Z"},
    {"start_time": "9999-12-31T23:00:00.000Z"},
    {"start_time": "9999-12-31T23:00:00.000Z", "duration_hours": "48"},
    {"duration_hours": "1e309"},
    {"timezone": "A" * 5000},
    {"timezone": "../../etc/passwd"},
    {"event_interest_ids": "[" * 5000},
    {"event_interest_ids": f"[{2**63}]"},
    {"max_capacity": "9" * 400},
    {"location_latitude": "1e309"},
    {"venue_id": str(2**63)},
]


@pytest.mark.parametrize("overrides", ABSURD_CREATE, ids=lambda o: ",".join(f"{k}={v[:12]}" for k, v in o.items()))
async def test_absurd_event_values_are_4xx_on_create(rig: Rig, overrides: dict[str, str]) -> None:
    host = await rig.member()
    response = await rig.client.post(
        "/api/events", headers=host.headers, files=multipart(app_form(rig.fakes, **overrides))
    )
    assert_no_server_error(response)
    app_error(response, response.status_code)
    assert response.status_code in (400, 404, 422), response.text


ABSURD_UPDATE: list[dict[str, Any]] = [
    {"ticket_price": "1e309", "is_paid": True},
    {"ticket_price": "9" * 400, "is_paid": True},
    {"start_time": "0001-01-01T00:00:00Z"},
    {"start_time": "9999-12-31T23:00:00Z"},
    {"end_time": "9999-12-31T23:59:59Z"},
    {"duration_hours": "1e309"},
    {"timezone": "A" * 5000},
    {"event_interest_ids": [2**63]},
    {"location_latitude": "1e309", "venue_name": "Somewhere"},
]


@pytest.mark.parametrize("changes", ABSURD_UPDATE, ids=lambda o: ",".join(f"{k}={v!s:.12}" for k, v in o.items()))
async def test_absurd_event_values_are_4xx_on_update(rig: Rig, changes: dict[str, Any]) -> None:
    host = await rig.member()
    event = await rig.event(host)
    response = await rig.client.put(f"/api/events/{event.id}", headers=host.headers, json=changes)
    assert_no_server_error(response)
    app_error(response, response.status_code)
    assert response.status_code in (400, 404, 422), response.text


async def test_deeply_nested_interest_ids_in_complete_profile_are_a_422(rig: Rig) -> None:
    member = await rig.member(status=rig_onboarding())
    form = profile_form(member.member.phone.e164, event_interests="[" * 5000)
    response = await rig.client.post(
        "/api/auth/complete-profile", headers=member.headers, data=form, files=pictures()
    )
    app_error(response, 422)
