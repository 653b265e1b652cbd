"""Who may call what: bearer tokens (401), the waitlist gate (403) and deactivated accounts."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from dishka import AsyncContainer
from dishka.integrations.litestar import FromDishka, inject
from litestar import Request, get
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from loopin.domain.identity.member import Access
from loopin.entrypoints.http.app import create_app
from loopin.entrypoints.http.auth import PUBLIC_PATHS, Session
from loopin.entrypoints.settings import Settings
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.shared.ports import UnitOfWork
from tests.api import hostile
from tests.api.flows import (
    PHONE,
    assert_error,
    bearer,
    member_row,
    onboard,
    pictures,
    profile_form,
    request_code,
    sign_in,
    sql,
    stored_files,
)
from tests.support import Fakes

MEMBER_AREA = "/api/test-only/member-area"


@get(MEMBER_AREA)
@inject
async def member_area(
    request: Request[Session, Any, Any], access: FromDishka[MemberAccess], uow: FromDishka[UnitOfWork]
) -> dict[str, Any]:
    """Stands in for the member-only routes (events, requests, tickets...) that are not built yet: it applies
    the same gate they will, ``MemberAccess.load(..., Access.MEMBER)``."""
    member = await access.load(request.user.member_id, Access.MEMBER)
    await uow.commit()
    return {"success": True, "user_id": member.id}


@pytest.fixture
async def gated_api(
    service_settings: Settings, service_container: AsyncContainer
) -> AsyncIterator[AsyncTestClient]:
    """The ``api`` app plus one member-only route."""
    app = create_app(service_settings, service_container)
    app.register(member_area)
    async with AsyncTestClient(app) as client:
        yield client


# every route that needs a session, with a body it would accept
PROTECTED: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/api/auth/profile", {}),
    ("PUT", "/api/auth/profile", {"json": {"bio": "hi"}}),
    ("GET", "/api/auth/event-interests", {}),
    ("POST", "/api/auth/complete-profile", {"data": profile_form(), "files": pictures()}),
    ("POST", "/api/auth/logout", {}),
    ("POST", "/api/notifications/devices/register", {"json": {"onesignal_player_id": "p-1", "platform": "ios"}}),
    ("DELETE", "/api/notifications/devices/p-1", {}),
]


def token(settings: Settings, *, secret: str | None = None, algorithm: str = "HS256", **overrides: Any) -> str:
    """A token minted like the app's own, with some claims changed (``None`` removes a claim)."""
    now = int(datetime.now(UTC).timestamp())  # PyJWT checks iat/exp against the wall clock
    claims: dict[str, Any] = {
        "user_id": 1,
        "phone_number": PHONE,
        "sub": "1",
        "iss": "loopin",
        "iat": now,
        "exp": now + 3600,
        "jti": "test-token-id-0123456789",
    }
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, secret if secret is not None else settings.session_secret, algorithm=algorithm)


async def test_a_minted_token_is_accepted(api: AsyncTestClient, fakes: Fakes, service_settings: Settings) -> None:
    """The control for the refusals below: a token minted like the app's own works."""
    await sign_in(api, fakes)
    response = await api.get("/api/auth/profile", headers=bearer(token(service_settings)))
    assert response.status_code == 200, response.text
    assert response.json()["phone_number"] == PHONE


def week_ago() -> int:
    return int((datetime.now(UTC) - timedelta(days=7)).timestamp())


async def test_bad_tokens_are_401(
    api: AsyncTestClient, fakes: Fakes, service_settings: Settings, subtests: pytest.Subtests
) -> None:
    await sign_in(api, fakes)
    variants: dict[str, dict[str, Any]] = {
        "expired": {"exp": week_ago(), "iat": week_ago() - 3600},
        "wrong key": {"secret": "a-different-secret-of-enough-length!!"},
        "other algorithm": {"algorithm": "HS512"},
        "no jti": {"jti": None},
        "no exp": {"exp": None},
        "no iat": {"iat": None},
        "no user_id": {"user_id": None},
        "string user_id": {"user_id": "1"},
        "boolean user_id": {"user_id": True},
        "wrong issuer": {"iss": "someone-else"},
        "no issuer": {"iss": None},
        "issued in the future": {"iat": int(datetime.now(UTC).timestamp()) + 3600},
    }
    for name, variant in variants.items():
        with subtests.test(token=name):
            response = await api.get("/api/auth/profile", headers=bearer(token(service_settings, **variant)))
            assert "log in again" in assert_error(response, 401, "NOT_AUTHENTICATED")["detail"]


async def test_signed_tokens_with_absurd_claims_are_401_never_5xx(
    api: AsyncTestClient, fakes: Fakes, service_settings: Settings, subtests: pytest.Subtests
) -> None:
    """Signed with the server's own key (a leaked or buggy issuer), yet nothing in them can be a session."""
    await sign_in(api, fakes)
    variants: dict[str, dict[str, Any]] = {
        "exp past year 9999": {"exp": 10**20},
        "exp past int64": {"exp": 2**64},
        "exp as a huge float": {"exp": 1e300},
        "iat far in the past": {"iat": -(10**20)},
        "user_id past bigint": {"user_id": 2**63},
        "user_id far past bigint": {"user_id": 10**30},
        "user_id zero": {"user_id": 0},
        "user_id negative": {"user_id": -5},
    }
    for name, variant in variants.items():
        for path in ("/api/auth/profile", "/api/events/1/share-url"):
            with subtests.test(token=name, path=path):
                response = await api.get(path, headers=bearer(token(service_settings, **variant)))
                assert_error(response, 401, "NOT_AUTHENTICATED")


async def test_an_unsigned_token_is_401(api: AsyncTestClient, fakes: Fakes) -> None:
    await sign_in(api, fakes)
    claims = jwt.decode((await sign_in(api, fakes, "+919812340001"))["token"], options={"verify_signature": False})
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert_error(await api.get("/api/auth/profile", headers=bearer(unsigned)), 401, "NOT_AUTHENTICATED")
    tampered = jwt.encode({**claims, "user_id": 1}, None, algorithm="none")
    assert_error(await api.get("/api/auth/profile", headers=bearer(tampered)), 401, "NOT_AUTHENTICATED")


async def test_bad_authorization_headers_are_401(
    api: AsyncTestClient, fakes: Fakes, subtests: pytest.Subtests
) -> None:
    session = await sign_in(api, fakes)
    for header in [
        "",
        "Bearer",
        "Bearer    ",
        "Basic dXNlcjpwYXNz",
        "Token {token}",
        "{token}",
        "Bearer {token}x",
        "Bearer abc.def.ghi",
    ]:
        with subtests.test(header=header):
            value = header.format(token=session["token"])
            response = await api.get("/api/auth/profile", headers={"Authorization": value} if value else {})
            assert_error(response, 401, "NOT_AUTHENTICATED")


async def test_the_scheme_is_case_insensitive(api: AsyncTestClient, fakes: Fakes) -> None:
    session = await sign_in(api, fakes)
    response = await api.get("/api/auth/profile", headers={"Authorization": f"bearer {session['token']}"})
    assert response.status_code == 200, response.text


async def test_every_protected_route_answers_401_in_the_envelope(
    api: AsyncTestClient, service_settings: Settings, subtests: pytest.Subtests
) -> None:
    expired = "Bearer " + token(service_settings, exp=week_ago(), iat=week_ago() - 60)
    for method, path, kwargs in PROTECTED:
        for header in (None, "Bearer not-a-jwt", expired):
            with subtests.test(method=method, path=path, header=(header or "")[:20]):
                headers = {"Authorization": header} if header else {}
                response = await api.request(method, path, headers=headers, **kwargs)
                assert_error(response, 401, "NOT_AUTHENTICATED")


async def test_a_token_of_an_account_that_no_longer_exists_is_401(
    api: AsyncTestClient, fakes: Fakes, service_settings: Settings
) -> None:
    headers = bearer((await sign_in(api, fakes))["token"])
    await sql("DELETE FROM members")
    response = await api.get("/api/auth/profile", headers=headers)
    assert_error(response, 401, "ACCOUNT_NOT_FOUND")
    minted = bearer(token(service_settings, user_id=424242, sub="424242"))
    assert_error(await api.get("/api/auth/event-interests", headers=minted), 401, "ACCOUNT_NOT_FOUND")


async def test_public_routes_need_no_token(api: AsyncTestClient, fakes: Fakes) -> None:
    assert (await api.get("/health")).status_code == 200
    assert (await api.get("/api/docs")).status_code == 200
    code = await request_code(api, fakes)
    assert (
        await api.post("/api/auth/verify-otp", json={"phone_number": PHONE, "otp_code": code})
    ).status_code == 200


# --- the waitlist gate --------------------------------------------------------------------------------------


async def test_a_member_who_has_not_completed_their_profile_is_kept_to_onboarding(
    gated_api: AsyncTestClient, fakes: Fakes
) -> None:
    headers = bearer((await sign_in(gated_api, fakes))["token"])
    response = await gated_api.get(MEMBER_AREA, headers=headers)
    assert "complete your profile" in assert_error(response, 403, "PROFILE_INCOMPLETE")["detail"]
    assert (await gated_api.get("/api/auth/profile", headers=headers)).status_code == 200
    assert (await gated_api.get("/api/auth/event-interests", headers=headers)).status_code == 200


async def test_a_waitlisted_member_gets_a_clear_403_but_keeps_their_own_area(
    gated_api: AsyncTestClient, fakes: Fakes
) -> None:
    headers = bearer(await onboard(gated_api, fakes))
    response = await gated_api.get(MEMBER_AREA, headers=headers)
    body = assert_error(response, 403, "WAITLISTED")
    assert "waitlist" in body["detail"]
    assert "3.5–4 hours" in body["detail"]
    assert "UTC" not in body["detail"]

    assert (await gated_api.get("/api/auth/profile", headers=headers)).json()["status"] == "waitlisted"
    edited = await gated_api.put("/api/auth/profile", headers=headers, json={"location": "Pune"})
    assert edited.status_code == 200, edited.text
    assert (await gated_api.get("/api/auth/event-interests", headers=headers)).status_code == 200
    device = {"onesignal_player_id": "waiting-phone", "platform": "android"}
    registered = await gated_api.post("/api/notifications/devices/register", headers=headers, json=device)
    assert registered.status_code == 201, registered.text
    assert (await member_row()).status == "waitlisted"


async def test_the_member_is_let_in_on_their_first_request_after_the_wait(
    gated_api: AsyncTestClient, fakes: Fakes
) -> None:
    headers = bearer(await onboard(gated_api, fakes))
    promote_at = datetime.fromisoformat(
        (await gated_api.get("/api/auth/profile", headers=headers)).json()["waitlist_promote_at"]
    )
    fakes.clock.advance(promote_at - fakes.clock.now() - timedelta(seconds=1))
    assert_error(await gated_api.get(MEMBER_AREA, headers=headers), 403, "WAITLISTED")
    fakes.clock.advance(timedelta(seconds=1))
    response = await gated_api.get(MEMBER_AREA, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["user_id"] == (await member_row()).id
    assert (await member_row()).status == "active"
    assert [e.event for e in fakes.analytics.events].count("member_promoted") == 1


async def test_the_feed_and_an_event_gate_as_every_route_and_let_the_member_in_after_the_wait(
    gated_api: AsyncTestClient, fakes: Fakes
) -> None:
    """The hot reads read who is calling in one statement; whoever does not pass as they stand is loaded as
    every route loads them: refused while waiting, let in (and promoted once) when the time has come."""
    headers = bearer(await onboard(gated_api, fakes))
    promote_at = datetime.fromisoformat(
        (await gated_api.get("/api/auth/profile", headers=headers)).json()["waitlist_promote_at"]
    )
    for path in ("/api/events", "/api/events?limit=20", "/api/events/1"):
        assert_error(await gated_api.get(path, headers=headers), 403, "WAITLISTED")
    fakes.clock.advance(promote_at - fakes.clock.now())
    response = await gated_api.get("/api/events", headers=headers)
    assert response.status_code == 200, response.text
    assert (await member_row()).status == "active"
    assert_error(await gated_api.get("/api/events/1", headers=headers), 404, "EVENT_NOT_FOUND")
    assert [e.event for e in fakes.analytics.events].count("member_promoted") == 1


# --- deactivated accounts -----------------------------------------------------------------------------------


async def deactivate(phone_number: str = PHONE) -> None:
    """Staff switch a member off (no route for it yet); the waitlist time is left in the past on purpose."""
    await sql(
        "UPDATE members SET status = 'deactivated', promote_at = now() - interval '1 day' WHERE phone_number = :p",
        p=phone_number,
    )


async def test_a_deactivated_member_is_refused_the_feed_and_events(
    gated_api: AsyncTestClient, fakes: Fakes
) -> None:
    headers = bearer(await onboard(gated_api, fakes))
    await deactivate()
    for path in ("/api/events", "/api/events?limit=20", "/api/events/1"):
        assert_error(await gated_api.get(path, headers=headers), 403, "ACCOUNT_DEACTIVATED")


async def test_a_deactivated_member_is_refused_everywhere(
    gated_api: AsyncTestClient, fakes: Fakes, service_settings: Settings, subtests: pytest.Subtests
) -> None:
    headers = bearer(await onboard(gated_api, fakes))
    device = {"onesignal_player_id": "p-1", "platform": "ios"}
    assert (await gated_api.post(PROTECTED[5][1], headers=headers, json=device)).status_code == 201
    files_before = stored_files(Path(service_settings.media_root))
    await deactivate()
    fakes.clock.advance(timedelta(hours=5))  # the waitlist clock never switches an account back on
    for method, path, kwargs in [*PROTECTED[:4], *PROTECTED[5:], ("GET", MEMBER_AREA, {})]:
        with subtests.test(method=method, path=path):
            response = await gated_api.request(method, path, headers=headers, **kwargs)
            assert "deactivated" in assert_error(response, 403, "ACCOUNT_DEACTIVATED")["detail"]
    row = await member_row()
    assert (row.status, row.name, row.bio) == ("deactivated", "Asha Rao", "")
    assert stored_files(Path(service_settings.media_root)) == files_before
    (registered,) = await sql("SELECT player_id, is_active FROM devices")
    assert (registered.player_id, registered.is_active) == ("p-1", True)


async def test_a_deactivated_member_cannot_sign_in_but_signup_does_not_tell(
    api: AsyncTestClient, fakes: Fakes
) -> None:
    fakes.clock.advance(timedelta(minutes=-5))  # so tokens issued later are not ahead of the wall clock
    await onboard(api, fakes)
    await deactivate()
    fakes.clock.advance(timedelta(seconds=30))
    sent = await api.post("/api/auth/signup", json={"phone_number": PHONE})
    assert sent.status_code == 200, sent.text  # the same answer as for anyone (no enumeration)
    code = fakes.sms.last_code_for(PHONE)
    response = await api.post("/api/auth/verify-otp", json={"phone_number": PHONE, "otp_code": code})
    body = assert_error(response, 403, "ACCOUNT_DEACTIVATED")
    assert "token" not in body
    fakes.clock.advance(timedelta(seconds=30))
    code = await request_code(api, fakes)
    response = await api.post("/api/auth/verify-login", json={"phone_number": PHONE, "otp_code": code})
    assert_error(response, 403, "ACCOUNT_DEACTIVATED")
    assert (await member_row()).status == "deactivated"


def test_no_route_open_without_a_session_reads_the_caller() -> None:
    """``caller`` is the session's member id: a route the middleware lets through without a session (``PUBLIC``
    or a public path) would fail on it, so such routes read an optional session instead."""
    handlers = [
        (route.path, handler)
        for route in hostile._app().routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
    ]
    open_ones = [
        (path, h) for path, h in handlers if h.opt.get("public") or any(re.match(p, path) for p in PUBLIC_PATHS)
    ]
    takes_caller = {(path, h.name) for path, h in handlers if "caller" in h.parsed_fn_signature.parameters}
    assert len(open_ones) >= 8
    assert len(takes_caller) >= 60
    assert [(path, h.name) for path, h in open_ones if (path, h.name) in takes_caller] == []
