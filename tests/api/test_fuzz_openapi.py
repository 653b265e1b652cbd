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
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from loopin.adapters.security.jwt_tokens import JwtSessionTokens
from loopin.domain.identity.member import Member
from loopin.domain.identity.phone import PhoneNumber
from loopin.entrypoints.settings import Environment, load_settings
from tests.api.hostile import app_document
from tests.conftest import MUTABLE_TABLES
from tests.live_server import live_server
from tests.support import TEST_DATABASE_URL, TEST_REDIS_URL, Fakes, fakes_provider, png_bytes

EXAMPLES_PER_OPERATION = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(app_document())


@dataclass
class Target:
    url: str
    token: str
    tokens: JwtSessionTokens
    member: Member
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    refused_member: int = 0  # 401s of requests that carried the member's token (some cases send other auth)
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


def _member(url: str, fakes: Fakes, phone: str) -> str:
    """An active member (development settings let new members in at once) who hosts one event."""
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
    event = {"title": "Fuzz night", "start_time": start, "duration_hours": "2", "venue_name": "Fuzz Hall"}
    form = {k: (None, v) for k, v in event.items()}
    created = requests.post(f"{url}/api/events", headers=headers, files=form, timeout=10)
    assert created.status_code == 201, created.text
    return token


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
        found = Target(server.url, _member(server.url, fakes, phone), tokens, member)
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
        target.statuses[response.status_code] = target.statuses.get(response.status_code, 0) + 1
        sent = response.request.headers.get("Authorization")
        target.refused_member += bool(headers) and sent == headers["Authorization"] and response.status_code == 401
        case.validate_response(response, checks=CHECKS, headers=headers)


def test_the_fuzzer_got_past_the_token_check(target: Target) -> None:
    """Runs after the fuzzing (same module): a fuzzer that only ever met 401 would prove nothing."""
    assert target.requests > 1000
    assert target.refused_member == 0
    assert target.statuses.get(200, 0) + target.statuses.get(201, 0) > 100, target.statuses
