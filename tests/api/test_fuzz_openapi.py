"""Property-based fuzzing over the OpenAPI document (schemathesis): every operation, with a member's token and
without, against the app behind a real uvicorn on PostgreSQL and Redis. No answer may be a 5xx, and every answer
must be documented: its status, content type and body schema.

Bounded for CI: a few examples per operation and per phase (schemathesis' examples, coverage and fuzzing).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import msgspec
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from redis import Redis
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.transport import Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from loopin.adapters.security.jwt_tokens import JwtSessionTokens
from loopin.domain.identity.member import Member
from loopin.domain.identity.phone import PhoneNumber
from loopin.entrypoints.settings import Environment, load_settings
from tests.api.hostile import app_document
from tests.api.payments_rig import forms_of
from tests.conftest import MUTABLE_TABLES
from tests.live_server import live_server
from tests.support import TEST_DATABASE_URL, TEST_REDIS_URL, Fakes, fakes_provider, png_bytes

EXAMPLES_PER_OPERATION = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(app_document())
FORM = "application/x-www-form-urlencoded"


@dataclass
class Target:
    url: str
    token: str
    tokens: JwtSessionTokens
    member: Member
    fakes: Fakes
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    refused_member: int = 0  # 401s of requests that carried the member's token (some cases send other auth)
    called: set[str] = field(default_factory=set)  # "METHOD /path" of every operation the fuzzer reached
    started: float = field(default_factory=time.perf_counter)


def _clean() -> None:
    async def truncate() -> None:
        engine = create_async_engine(TEST_DATABASE_URL)
        async with engine.begin() as conn:
            # the audit log refuses TRUNCATE
            await conn.execute(text("SET LOCAL session_replication_role = replica"))
            await conn.execute(text(f"TRUNCATE {', '.join(MUTABLE_TABLES)} RESTART IDENTITY CASCADE"))
        await engine.dispose()

    asyncio.run(truncate())
    Redis.from_url(TEST_REDIS_URL).flushdb()


def _member(url: str, fakes: Fakes, phone: str, **event: str) -> tuple[str, int]:
    """An active member (development settings let new members in at once) who hosts one event: the token and
    the event's id."""
    sent = requests.post(f"{url}/api/auth/signup", json={"phone_number": phone}, timeout=10)
    assert sent.status_code == 200, sent.text
    code = fakes.sms.last_code_for(phone)
    verified = requests.post(
        f"{url}/api/auth/verify-otp", json={"phone_number": phone, "otp_code": code}, timeout=10
    )
    token = str(verified.json()["token"])
    headers = {"Authorization": f"Bearer {token}"}
    form = {"name": "Fuzz Member", "birth_date": "2000-01-05", "gender": "female", "event_interests": "[1,2]"}
    done = requests.post(
        f"{url}/api/auth/complete-profile",
        headers=headers,
        data=form,
        files=[("profile_pictures", ("p.png", png_bytes(), "image/png"))],
        timeout=10,
    )
    assert done.status_code == 200, done.text
    start = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    event = {"title": "Fuzz night", "start_time": start, "duration_hours": "2", "venue_name": "Fuzz Hall"} | event
    form = {k: (None, v) for k, v in event.items()}
    created = requests.post(f"{url}/api/events", headers=headers, files=form, timeout=10)
    assert created.status_code == 201, created.text
    return token, int(created.json()["id"])


@pytest.fixture(scope="module")
def target(database: str) -> Iterator[Target]:
    _clean()
    fakes = Fakes()
    base = load_settings(
        {},
        environment="development",
        database_url=database,
        redis_url=TEST_REDIS_URL,
        media_root=tempfile.mkdtemp(prefix="loopin-fuzz-"),
    )
    settings_ = msgspec.structs.replace(base, environment=Environment.DEVELOPMENT)
    with live_server(settings_, [fakes_provider(fakes, fake_clock=False)]) as server:
        phone = "+919812300001"
        tokens = JwtSessionTokens(settings_.session_secret, lifetime=settings_.jwt_lifetime)
        member = Member(id=1, phone=PhoneNumber.parse(phone))
        found = Target(server.url, _member(server.url, fakes, phone)[0], tokens, member, fakes)
        yield found
    elapsed = time.perf_counter() - found.started
    print(f"\nfuzz: {found.requests} requests in {elapsed:.1f} s, by status {sorted(found.statuses.items())}")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_5xx_and_every_answer_is_documented(case: schemathesis.Case, target: Target) -> None:
    token = target.token
    if case.path == "/api/auth/logout":  # logging out revokes the token: that call gets one of its own
        token = target.tokens.issue(target.member, now=datetime.now(UTC)).token
    for headers in ({}, {"Authorization": f"Bearer {token}"}):
        response = case.call(base_url=target.url, headers=headers, timeout=30)
        target.requests += 1
        target.called.add(f"{case.method.upper()} {case.path}")
        target.statuses[response.status_code] = target.statuses.get(response.status_code, 0) + 1
        sent = response.request.headers.get("Authorization")
        target.refused_member += bool(headers) and sent == headers["Authorization"] and response.status_code == 401
        case.validate_response(response, checks=CHECKS, headers=headers)


def test_the_fuzzer_got_past_the_token_check(target: Target) -> None:
    """Runs after the fuzzing (same module): a fuzzer that only ever met 401 would prove nothing."""
    assert target.requests > 1000
    assert target.refused_member == 0
    assert target.statuses.get(200, 0) + target.statuses.get(201, 0) > 100, target.statuses
    payments = {
        "POST /api/payments/orders",
        "GET /api/payments/orders/{order_id}",
        "POST /api/payments/payu/success",
        "POST /api/payments/payu/failure",
        "GET /api/payments/payu/success",
        "GET /api/payments/payu/failure",
        "POST /api/payments/payu/webhook",
        "POST /api/payments/sandbox/checkout",
        "POST /api/payments/sandbox/complete",
        "GET /api/platform/fee",
    }
    assert payments <= target.called, sorted(payments - target.called)


def _checked(target: Target, case: schemathesis.Case, headers: dict[str, str] | None = None) -> Response:
    """One call of the payment flow, its answer validated against the document like the fuzzer's."""
    response = case.call(base_url=target.url, headers=headers or {}, timeout=30, allow_redirects=False)
    case.validate_response(response, checks=CHECKS, headers=headers or {})
    return response


def test_the_payment_flow_s_answers_are_documented(target: Target) -> None:
    """The answers random input cannot reach: the order, the sandbox pages, the 303 of a signed post-back and
    its result page, the poll and the webhook's replay — each one as the document says."""
    host_token, event_id = _member(target.url, target.fakes, "+919812300002", is_paid="true", ticket_price="499")
    host = {"Authorization": f"Bearer {host_token}"}
    guest = {"Authorization": f"Bearer {_member(target.url, target.fakes, '+919812300003')[0]}"}
    published = requests.put(
        f"{target.url}/api/events/{event_id}", json={"status": "published"}, headers=host, timeout=10
    )
    assert published.status_code == 200, published.text
    asked = requests.post(f"{target.url}/api/events/{event_id}/requests", json={}, headers=guest, timeout=10)
    accepted = requests.put(
        f"{target.url}/api/events/{event_id}/requests/{asked.json()['id']}/accept",
        json={},
        headers=host,
        timeout=10,
    )
    assert accepted.status_code == 200, accepted.text

    body = {"event_id": event_id, "amount": 499.0, "seats_count": 1}
    order = _checked(target, schema["/api/payments/orders"]["POST"].Case(body=body), guest)
    assert order.status_code == 201, order.text
    payload = order.json()["data"]["payu_redirect"]["payload"]
    checkout = schema["/api/payments/sandbox/checkout"]["POST"].Case(body=payload, media_type=FORM)
    page = _checked(target, checkout)
    assert page.status_code == 200
    assert page.headers["content-type"][0].startswith("text/html")
    [(_, pay)] = [(action, f) for action, f in forms_of(page.text) if f.get("outcome") == "pay"]
    back = _checked(target, schema["/api/payments/sandbox/complete"]["POST"].Case(body=pay, media_type=FORM))
    [(surl, signed)] = forms_of(back.text)
    assert surl.endswith("/api/payments/payu/success")
    forged = _checked(
        target,
        schema["/api/payments/payu/success"]["POST"].Case(body=signed | {"amount": "1.00"}, media_type=FORM),
    )
    assert forged.status_code == 400
    assert forged.headers["content-type"][0].startswith("text/html")
    redirect = _checked(target, schema["/api/payments/payu/success"]["POST"].Case(body=signed, media_type=FORM))
    assert redirect.status_code == 303
    location = httpx.URL(redirect.headers["location"][0])
    assert location.path == "/api/payments/payu/success"
    result = schema["/api/payments/payu/success"]["GET"].Case(query=dict(location.params))
    assert "Payment successful" in _checked(target, result).text
    poll = schema["/api/payments/orders/{order_id}"]["GET"].Case(path_parameters={"order_id": payload["txnid"]})
    assert _checked(target, poll, guest).json()["data"]["status"] == "paid"
    replay = schema["/api/payments/payu/webhook"]["POST"].Case(body=signed, media_type=FORM)
    assert _checked(target, replay).json()["status"] == "paid"
