"""POST /api/auth/logout: the token stops working at once, everywhere, and only that token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from tests.api.flows import assert_error, bearer, jwt_claims, onboard, sign_in
from tests.support import TEST_REDIS_URL, Fakes

LOGOUT = "/api/auth/logout"


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(TEST_REDIS_URL)
    yield client
    await client.aclose()


async def test_logout_answers_success_and_ends_the_session(api: AsyncTestClient, fakes: Fakes) -> None:
    headers = bearer(await onboard(api, fakes))
    response = await api.post(LOGOUT, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"success": True, "message": "Logged out successfully"}

    details = set()
    for method, path in [
        ("GET", "/api/auth/profile"),  # a kept read that checks the revocation itself (SessionEnded)
        ("PUT", "/api/auth/profile"),
        ("GET", "/api/auth/event-interests"),  # the bearer check's own
        ("POST", LOGOUT),
    ]:
        refused = await api.request(method, path, headers=headers, json={} if method == "PUT" else None)
        details.add(assert_error(refused, 401, "NOT_AUTHENTICATED")["detail"])
    assert details == {"This session has ended (logged out or account deleted). Please log in again."}


async def test_logout_ends_only_that_session(api: AsyncTestClient, fakes: Fakes) -> None:
    fakes.clock.advance(timedelta(minutes=-5))  # so the second token is not issued ahead of the wall clock
    phone_a = bearer((await sign_in(api, fakes))["token"])
    fakes.clock.advance(timedelta(seconds=30))
    phone_b = bearer((await sign_in(api, fakes))["token"])
    other_member = bearer((await sign_in(api, fakes, "+919812340001"))["token"])

    assert (await api.post(LOGOUT, headers=phone_a)).status_code == 200
    assert_error(await api.get("/api/auth/profile", headers=phone_a), 401, "NOT_AUTHENTICATED")
    assert (await api.get("/api/auth/profile", headers=phone_b)).status_code == 200
    assert (await api.get("/api/auth/profile", headers=other_member)).status_code == 200

    fakes.clock.advance(timedelta(seconds=30))  # and signing in again gives a working session
    again = bearer((await sign_in(api, fakes))["token"])
    assert (await api.get("/api/auth/profile", headers=again)).status_code == 200


async def test_the_revocation_lasts_as_long_as_the_token_would_have(
    api: AsyncTestClient, fakes: Fakes, redis: Redis
) -> None:
    session = await sign_in(api, fakes)
    claims = jwt_claims(session["token"])
    assert (await api.post(LOGOUT, headers=bearer(session["token"]))).status_code == 200
    ttl_ms = await redis.pttl(f"loopin:revoked:{claims['jti']}")
    remaining_ms = (claims["exp"] - fakes.clock.now().timestamp()) * 1000
    assert 0 < ttl_ms <= remaining_ms
    assert ttl_ms > remaining_ms - 60_000


async def test_logout_without_a_valid_session_is_401(api: AsyncTestClient, subtests: pytest.Subtests) -> None:
    for header in (None, "Bearer not-a-jwt", "Basic abc"):
        with subtests.test(header=header):
            response = await api.post(LOGOUT, headers={"Authorization": header} if header else {})
            assert_error(response, 401, "NOT_AUTHENTICATED")


async def test_logout_ignores_a_body(api: AsyncTestClient, fakes: Fakes) -> None:
    """The app's client sends ``{}`` on body-less POSTs."""
    headers = bearer((await sign_in(api, fakes))["token"])
    assert (await api.post(LOGOUT, headers=headers, json={})).status_code == 200


async def test_the_hot_reads_refuse_a_logged_out_session_with_their_answers_kept(
    api: AsyncTestClient, fakes: Fakes
) -> None:
    """The feed, an event and the profile check the revocation inside their own cache round trip."""
    headers = bearer(await onboard(api, fakes))
    fakes.clock.advance(timedelta(minutes=240))  # let in: the feed and the profile are kept for them
    for _ in range(2):
        assert (await api.get("/api/auth/profile", headers=headers)).status_code == 200
        assert (await api.get("/api/events", headers=headers)).status_code == 200
        assert (await api.get("/api/events/999999", headers=headers)).status_code == 404
    assert (await api.post(LOGOUT, headers=headers)).status_code == 200
    for path in ("/api/auth/profile", "/api/events", "/api/events/999999"):
        refused = await api.get(path, headers=headers)
        assert "logged out" in assert_error(refused, 401, "NOT_AUTHENTICATED")["detail"], path
