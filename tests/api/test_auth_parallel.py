"""Races through real HTTP: a uvicorn server on a free port, on PostgreSQL and Redis, hit by concurrent requests
(``asyncio.gather`` over an ``httpx.AsyncClient`` with its own connection per request in flight).

Every burst also checks that the server really had several requests in flight at once, so a passing test is not
an accident of requests being served one after the other."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from litestar.types import ASGIApp, Receive, Scope, Send

from loopin.adapters.memory.store import MemoryStore
from loopin.entrypoints.di import make_container
from loopin.entrypoints.http.app import create_app
from loopin.entrypoints.settings import Settings
from tests.api.flows import (
    PHONE,
    assert_error,
    bearer,
    other_code,
    phone,
    pictures,
    profile_form,
    sms_count,
    sql,
    stored_files,
)
from tests.support import Fakes, fakes_provider

SIGNUP, LOGIN = "/api/auth/signup", "/api/auth/login"
VERIFY, VERIFY_LOGIN = "/api/auth/verify-otp", "/api/auth/verify-login"
BURST = 20


class InFlight:
    """ASGI wrapper that records the largest number of HTTP requests the app was handling at one time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.current = 0
        self.peak = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.current += 1
        self.peak = max(self.peak, self.current)
        try:
            await self.app(scope, receive, send)
        finally:
            self.current -= 1


@dataclass
class Live:
    client: httpx.AsyncClient
    in_flight: InFlight
    fakes: Fakes
    media_root: Path
    store: MemoryStore | None  # None: the app runs on PostgreSQL

    async def members(self) -> list[tuple[int, str]]:
        """(id, phone) of every account, read from where the app keeps them."""
        if self.store is None:
            rows = await sql("SELECT id, phone_number FROM members ORDER BY id")
            return [(r.id, r.phone_number) for r in rows]
        return sorted((m.id, m.phone.e164) for m in self.store.tables["members"].values())

    async def attempts(self, phone_number: str = PHONE) -> int:
        if self.store is None:
            (row,) = await sql("SELECT attempts FROM otp_challenges WHERE phone_number = :p", p=phone_number)
            return int(row.attempts)
        return int(self.store.tables["otp_challenges"][phone_number].attempts)

    async def burst(self, calls: list[tuple[str, dict[str, Any]]]) -> list[httpx.Response]:
        """All requests at once; returns when every one has answered."""
        self.in_flight.peak = 0
        responses = await asyncio.gather(*(self.client.post(path, **kwargs) for path, kwargs in calls))
        assert self.in_flight.peak > 1, "the requests were not handled concurrently"
        for response in responses:
            assert response.status_code < 500, response.text
        return list(responses)

    async def code_for(self, phone_number: str = PHONE) -> str:
        response = await self.client.post(SIGNUP, json={"phone_number": phone_number})
        assert response.status_code == 200, response.text
        return self.fakes.sms.last_code_for(phone_number)

    async def sign_in(self, phone_number: str = PHONE) -> dict[str, Any]:
        code = await self.code_for(phone_number)
        response = await self.client.post(VERIFY, json={"phone_number": phone_number, "otp_code": code})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
async def live(
    request: pytest.FixtureRequest,
    clean_services: None,
    service_settings: Settings,
    memory_settings: Settings,
    fakes: Fakes,
) -> AsyncIterator[Live]:
    """uvicorn serving the app on 127.0.0.1 (a free port) in this event loop, with the test's fakes; on
    PostgreSQL and Redis, or with ``indirect`` parametrisation "memory", on the embedded in-memory adapters.

    The in-memory adapters never wait on I/O, so their requests only interleave where a use case awaits
    something real (the picture files); the OTP races are a PostgreSQL matter."""
    backend = getattr(request, "param", "postgres")
    settings = service_settings if backend == "postgres" else memory_settings
    container = make_container(settings, fakes_provider(fakes))
    in_flight = InFlight(create_app(settings, container))
    store = await container.get(MemoryStore) if backend == "memory" else None
    config = uvicorn.Config(in_flight, lifespan="off", log_level="warning", access_log=False)
    config.load()
    server = uvicorn.Server(config)
    server.lifespan = config.lifespan_class(config)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    await server.startup(sockets=[sock])
    try:
        limits = httpx.Limits(max_connections=BURST * 2, max_keepalive_connections=BURST * 2)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30) as client:
            # open the database pool's connections first, so that connecting does not stagger the bursts
            warm = await asyncio.gather(*(client.get("/health/ready") for _ in range(BURST)))
            assert [r.status_code for r in warm] == [200] * BURST
            yield Live(client, in_flight, fakes, Path(settings.media_root), store)
    finally:
        await server.shutdown(sockets=[sock])
        await container.close()


async def test_parallel_wrong_codes_cannot_exceed_the_attempt_limit(live: Live) -> None:
    code = await live.code_for()
    wrong = {"json": {"phone_number": PHONE, "otp_code": other_code(code)}}
    responses = await live.burst([(VERIFY, wrong)] * BURST)

    outcomes = Counter((r.status_code, assert_error(r, r.status_code)["error_code"]) for r in responses)
    assert outcomes == {(400, "OTP_INVALID"): 2, (400, "OTP_ATTEMPTS_EXCEEDED"): BURST - 2}
    remaining = sorted(r.json()["detail"] for r in responses if r.json()["error_code"] == "OTP_INVALID")
    assert remaining == ["Invalid code. 1 attempt remaining.", "Invalid code. 2 attempts remaining."]
    assert await live.attempts() == 3

    right = await live.client.post(VERIFY, json={"phone_number": PHONE, "otp_code": code})
    assert_error(right, 400, "OTP_ATTEMPTS_EXCEEDED")
    assert await live.members() == []


async def test_parallel_right_codes_create_exactly_one_account_and_one_session(live: Live) -> None:
    code = await live.code_for()
    right = {"json": {"phone_number": PHONE, "otp_code": code}}
    responses = await live.burst([(VERIFY, right)] * BURST)

    winners = [r for r in responses if r.status_code == 200]
    assert len(winners) == 1
    losers = [assert_error(r, 400, "OTP_ALREADY_USED") for r in responses if r.status_code != 200]
    assert len(losers) == BURST - 1
    assert all("already been used" in body["detail"] for body in losers)

    session = winners[0].json()
    assert session["data"]["is_new_user"] is True
    assert await live.members() == [(session["data"]["user_id"], PHONE)]
    assert [e.event for e in live.fakes.analytics.events].count("member_signed_up") == 1
    profile = await live.client.get("/api/auth/profile", headers=bearer(session["token"]))
    assert profile.status_code == 200, profile.text

    # and sequentially, the used code never works again on either route
    for path in (VERIFY, VERIFY_LOGIN, VERIFY):
        assert_error(await live.client.post(path, **right), 400, "OTP_ALREADY_USED")
    assert len(await live.members()) == 1


async def test_parallel_verify_otp_and_verify_login_share_one_code(live: Live) -> None:
    first = await live.sign_in()
    live.fakes.clock.advance(timedelta(seconds=30))  # past the resend cool-down: a second code
    code = await live.code_for()
    right = {"json": {"phone_number": "09812345678", "otp_code": code}}
    responses = await live.burst([(VERIFY, right), (VERIFY_LOGIN, right)] * (BURST // 2))

    assert sorted(r.status_code for r in responses) == [200] + [400] * (BURST - 1)
    for response in responses:
        if response.status_code != 200:
            assert_error(response, 400, "OTP_ALREADY_USED")
    (winner,) = (r.json() for r in responses if r.status_code == 200)
    assert winner["data"]["user_id"] == first["data"]["user_id"]
    assert await live.members() == [(first["data"]["user_id"], PHONE)]


async def test_parallel_first_verifications_of_many_phones_make_one_account_each(live: Live) -> None:
    phones = [phone(n) for n in range(10)]
    codes = {p: await live.code_for(p) for p in phones}
    calls = [(VERIFY, {"json": {"phone_number": p, "otp_code": codes[p]}}) for p in phones for _ in range(2)]
    responses = await live.burst(calls)
    assert Counter(r.status_code for r in responses) == {200: 10, 400: 10}
    assert sorted(p for _, p in await live.members()) == sorted(phones)


async def test_a_burst_of_signups_for_one_phone_sends_one_sms(live: Live) -> None:
    spellings = [PHONE, "09812345678", "+91 98123 45678", "919812345678"]
    calls = [(SIGNUP if n % 2 else LOGIN, {"json": {"phone_number": spellings[n % 4]}}) for n in range(BURST)]
    responses = await live.burst(calls)

    sent = [r for r in responses if r.status_code == 200]
    assert len(sent) == 1
    for response in responses:
        if response.status_code != 200:
            assert_error(response, 429, "OTP_RATE_LIMITED")
            assert 1 <= int(response.headers["Retry-After"]) <= 30
    assert sms_count(live.fakes) == 1
    assert len(live.fakes.sms.sent) == 1
    code = live.fakes.sms.last_code_for(PHONE)
    verified = await live.client.post(VERIFY, json={"phone_number": PHONE, "otp_code": code})
    assert verified.status_code == 200, verified.text


async def test_a_burst_of_signups_from_one_address_respects_its_hourly_cap(live: Live) -> None:
    calls = [(SIGNUP, {"json": {"phone_number": phone(n)}}) for n in range(BURST + 5)]
    responses = await live.burst(calls)
    assert Counter(r.status_code for r in responses) == {200: BURST, 429: 5}
    for response in responses:
        if response.status_code == 429:
            assert_error(response, 429, "OTP_RATE_LIMITED")
    assert len(live.fakes.sms.sent) == BURST


@pytest.mark.parametrize("live", ["postgres", "memory"], indirect=True)
async def test_parallel_retries_of_complete_profile_waitlist_once_and_leave_no_orphans(live: Live) -> None:
    session = await live.sign_in()
    upload = {
        "headers": bearer(session["token"]),
        "data": profile_form(),
        "files": pictures(2),
    }
    responses = await live.burst([("/api/auth/complete-profile", upload)] * 3)  # the app retries up to 3 times

    assert [r.status_code for r in responses] == [200, 200, 200], [r.text for r in responses]
    promote_at = {r.json()["data"]["waitlist_promote_at"] for r in responses}
    assert len(promote_at) == 1  # every answer names the one waitlist place
    completed = [e for e in live.fakes.analytics.events if e.event == "profile_completed"]
    assert sorted(e.properties["first_time"] for e in completed) == [False, False, True]

    profile = (await live.client.get("/api/auth/profile", headers=upload["headers"])).json()
    assert profile["status"] == "waitlisted"
    assert len(profile["profile_pictures"]) == 2
    on_disk = sorted(
        "/api/media/" + p.relative_to(live.media_root).as_posix() for p in stored_files(live.media_root)
    )
    assert on_disk == sorted(profile["profile_pictures"])  # the losers' pictures were deleted
