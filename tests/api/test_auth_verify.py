"""POST /api/auth/verify-otp and /api/auth/verify-login: proving the phone, on PostgreSQL and Redis."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jwt
import pytest
from litestar.testing import AsyncTestClient

from loopin.entrypoints.settings import Settings
from tests.api.flows import (
    PHONE,
    assert_error,
    assert_invalid,
    bearer,
    jwt_claims,
    member_row,
    onboard,
    other_code,
    phone,
    pictures,
    profile_form,
    request_code,
    sign_in,
    sql,
)
from tests.support import Fakes

VERIFY, VERIFY_LOGIN = "/api/auth/verify-otp", "/api/auth/verify-login"
THIRTY_DAYS = 30 * 24 * 3600


def assert_session_shape(body: dict[str, Any]) -> None:
    """verify-otp's answer as the app reads it: flags top-level and in ``data``, JSON booleans, integer id."""
    assert set(body) == {"success", "message", "token", "needs_profile_completion", "is_verified", "data"}
    assert body["success"] is True
    assert isinstance(body["message"], str)
    assert isinstance(body["token"], str)
    assert body["token"] == body["token"].strip()
    data = body["data"]
    assert set(data) == {
        "user_id",
        "phone_number",
        "name",
        "needs_profile_completion",
        "is_verified",
        "is_new_user",
    }
    assert type(data["user_id"]) is int
    assert isinstance(data["phone_number"], str)
    assert isinstance(data["name"], str)
    for flag in ("needs_profile_completion", "is_verified", "is_new_user"):
        assert type(data[flag]) is bool
    assert data["needs_profile_completion"] is body["needs_profile_completion"]
    assert data["is_verified"] is body["is_verified"]


async def test_verify_otp_creates_the_account_and_answers_the_contract(
    api: AsyncTestClient, fakes: Fakes, service_settings: Settings
) -> None:
    code = await request_code(api, fakes)
    response = await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": code})
    assert response.status_code == 200, response.text
    body = response.json()
    assert_session_shape(body)
    assert body["needs_profile_completion"] is True
    assert body["is_verified"] is False
    assert body["data"]["is_new_user"] is True
    assert body["data"]["phone_number"] == PHONE
    assert body["data"]["name"] == ""
    assert "complete your profile" in body["message"]

    row = await member_row()
    assert row.id == body["data"]["user_id"]
    assert row.status == "onboarding"
    (challenge,) = await sql("SELECT consumed_at FROM otp_challenges WHERE phone_number = :p", p=PHONE)
    assert challenge.consumed_at is not None


async def test_the_token_is_a_signed_jwt_with_the_claims_the_app_reads(
    api: AsyncTestClient, fakes: Fakes, service_settings: Settings
) -> None:
    body = await sign_in(api, fakes)
    token = body["token"]
    assert token.count(".") == 2
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt_claims(token)  # what the app decodes by itself, without the key
    assert type(claims["user_id"]) is int
    assert claims["user_id"] == body["data"]["user_id"]
    assert claims["phone_number"] == PHONE
    assert claims["sub"] == str(claims["user_id"])
    assert type(claims["iat"]) is int
    assert claims["iat"] == int(fakes.clock.now().timestamp())
    assert claims["exp"] - claims["iat"] == THIRTY_DAYS
    assert isinstance(claims["jti"], str)
    assert len(claims["jti"]) >= 16

    verified = jwt.decode(token, service_settings.session_secret, algorithms=["HS256"], issuer="loopin")
    assert verified == claims
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "some-other-key-of-at-least-32-bytes!", algorithms=["HS256"], issuer="loopin")

    fakes.clock.advance(timedelta(seconds=30))
    again = await sign_in(api, fakes)
    assert jwt_claims(again["token"])["jti"] != claims["jti"]
    assert (await api.get("/api/auth/profile", headers=bearer(token))).status_code == 200


async def test_routing_flags_follow_the_member_from_onboarding_to_waitlist_to_home(
    api: AsyncTestClient, fakes: Fakes
) -> None:
    new = await onboard_from(await sign_in(api, fakes), api)
    assert (new["needs_profile_completion"], new["is_verified"], new["data"]["is_new_user"]) == (True, False, True)

    fakes.clock.advance(timedelta(seconds=30))  # the profile is complete now: the member is on the waitlist
    waiting = await sign_in(api, fakes)
    assert_session_shape(waiting)
    flags = (waiting["needs_profile_completion"], waiting["is_verified"], waiting["data"]["is_new_user"])
    assert flags == (False, False, False)  # the app's waitlist screen
    assert "waitlist" in waiting["message"]
    assert waiting["data"]["name"] == "Asha Rao"

    fakes.clock.advance(timedelta(minutes=241))  # past the longest waitlist window
    home = await sign_in(api, fakes)
    assert (home["needs_profile_completion"], home["is_verified"]) == (False, True)
    assert "logged in" in home["message"]
    assert home["data"]["user_id"] == new["data"]["user_id"]
    assert (await member_row()).status == "active"


async def onboard_from(session: dict[str, Any], api: AsyncTestClient) -> dict[str, Any]:
    response = await api.post(
        "/api/auth/complete-profile", headers=bearer(session["token"]), data=profile_form(), files=pictures()
    )
    assert response.status_code == 200, response.text
    return session


async def test_wrong_codes_count_down_then_lock_the_code(api: AsyncTestClient, fakes: Fakes) -> None:
    code = await request_code(api, fakes)
    wrong = other_code(code)

    first = assert_error(
        await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": wrong}), 400, "OTP_INVALID"
    )
    assert first["detail"] == "Invalid code. 2 attempts remaining."
    second = await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": wrong})
    assert assert_error(second, 400, "OTP_INVALID")["detail"] == "Invalid code. 1 attempt remaining."
    third = await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": wrong})
    assert "request a new code" in assert_error(third, 400, "OTP_ATTEMPTS_EXCEEDED")["detail"]

    # the right code no longer helps, through either verify route
    for path in (VERIFY, VERIFY_LOGIN):
        right = await api.post(path, json={"phone_number": PHONE, "otp_code": code})
        assert_error(right, 400, "OTP_ATTEMPTS_EXCEEDED")
    (challenge,) = await sql("SELECT attempts, consumed_at FROM otp_challenges WHERE phone_number = :p", p=PHONE)
    assert (challenge.attempts, challenge.consumed_at) == (3, None)
    assert await member_row() is None

    fakes.clock.advance(timedelta(seconds=30))  # a new code (within the send limits) brings new tries
    fresh = await request_code(api, fakes)
    assert (await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": fresh})).status_code == 200


@pytest.mark.parametrize(("elapsed", "accepted"), [(599, True), (600, False), (3600, False)])
async def test_a_code_lives_ten_minutes(api: AsyncTestClient, fakes: Fakes, elapsed: int, accepted: bool) -> None:
    code = await request_code(api, fakes)
    fakes.clock.advance(timedelta(seconds=elapsed))
    response = await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": code})
    if accepted:
        assert response.status_code == 200, response.text
    else:
        assert "expired" in assert_error(response, 400, "OTP_EXPIRED")["detail"]
        assert await member_row() is None


async def test_an_expired_code_does_not_count_tries_or_reveal_correctness(
    api: AsyncTestClient, fakes: Fakes
) -> None:
    code = await request_code(api, fakes)
    fakes.clock.advance(timedelta(minutes=10))
    wrong = await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": other_code(code)})
    right = await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": code})
    assert assert_error(wrong, 400, "OTP_EXPIRED") == assert_error(right, 400, "OTP_EXPIRED")


@pytest.mark.parametrize("second_path", [VERIFY, VERIFY_LOGIN])
async def test_a_used_code_never_works_again(api: AsyncTestClient, fakes: Fakes, second_path: str) -> None:
    code = await request_code(api, fakes)
    assert (await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": code})).status_code == 200
    for _ in range(2):
        again = await api.post(second_path, json={"phone_number": PHONE, "otp_code": code})
        assert "already been used" in assert_error(again, 400, "OTP_ALREADY_USED")["detail"]
    fakes.clock.advance(timedelta(minutes=5))
    assert_error(await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": code}), 400, "OTP_ALREADY_USED")
    assert len(await sql("SELECT id FROM members")) == 1


async def test_no_code_requested_is_a_404(api: AsyncTestClient) -> None:
    for path in (VERIFY, VERIFY_LOGIN):
        response = await api.post(path, json={"phone_number": PHONE, "otp_code": "1234"})
        assert "request a new code" in assert_error(response, 404, "OTP_NOT_FOUND")["detail"], path
    assert await member_row() is None


async def test_a_code_belongs_to_its_phone(api: AsyncTestClient, fakes: Fakes) -> None:
    code_a = await request_code(api, fakes, phone(1))
    code_b = await request_code(api, fakes, phone(2))
    if code_a == code_b:  # 1 in 10 000: draw phone 2 a different code
        fakes.clock.advance(timedelta(seconds=30))
        code_b = await request_code(api, fakes, phone(2))
    if code_a != code_b:
        response = await api.post(VERIFY, json={"phone_number": phone(2), "otp_code": code_a})
        assert_error(response, 400, "OTP_INVALID")
    assert await member_row(phone(2)) is None
    assert (await api.post(VERIFY, json={"phone_number": phone(1), "otp_code": code_a})).status_code == 200


async def test_verify_accepts_any_spelling_of_the_phone(api: AsyncTestClient, fakes: Fakes) -> None:
    code = await request_code(api, fakes, "+919812345678")
    response = await api.post(VERIFY, json={"phone_number": "98123 45678", "otp_code": f" {code} "})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["phone_number"] == PHONE


async def test_a_malformed_code_is_a_422_and_costs_no_try(
    api: AsyncTestClient, fakes: Fakes, subtests: pytest.Subtests
) -> None:
    code = await request_code(api, fakes)
    for path in (VERIFY, VERIFY_LOGIN):
        for bad in ["", "123", "12345", "12a4", "12 34", "-123", "１２３４", "1.23"]:
            with subtests.test(path=path, code=bad):
                assert_invalid(await api.post(path, json={"phone_number": PHONE, "otp_code": bad}), "otp_code")
    (challenge,) = await sql("SELECT attempts FROM otp_challenges WHERE phone_number = :p", p=PHONE)
    assert challenge.attempts == 0
    assert (await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": code})).status_code == 200


async def test_mistyped_or_invalid_fields_are_422_naming_them(
    api: AsyncTestClient, fakes: Fakes, subtests: pytest.Subtests
) -> None:
    await request_code(api, fakes)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"phone_number": PHONE, "otp_code": 1234}, "otp_code"),
        ({"phone_number": PHONE, "otp_code": None}, "otp_code"),
        ({"phone_number": 919812345678, "otp_code": "1234"}, "phone_number"),
        ({"phone_number": "12345", "otp_code": "1234"}, "phone_number"),
        ({"phone_number": "", "otp_code": "1234"}, "phone_number"),
    ]
    for path in (VERIFY, VERIFY_LOGIN):
        for body, field in cases:
            with subtests.test(path=path, body=body):
                assert_invalid(await api.post(path, json=body), field)
    assert await member_row() is None


async def test_a_missing_field_is_a_422_naming_it(
    api: AsyncTestClient, fakes: Fakes, subtests: pytest.Subtests
) -> None:
    await request_code(api, fakes)
    for path in (VERIFY, VERIFY_LOGIN):
        for body, field in [({"phone_number": PHONE}, "otp_code"), ({"otp_code": "1234"}, "phone_number")]:
            with subtests.test(path=path, missing=field):
                response = assert_error(await api.post(path, json=body), 422, "VALIDATION_ERROR")
                assert any(field in item["msg"] for item in response["detail"]), response
    assert await member_row() is None


async def test_a_body_that_is_not_an_object_is_a_422(api: AsyncTestClient) -> None:
    assert_error(await api.post(VERIFY, json=[PHONE, "1234"]), 422, "VALIDATION_ERROR")


async def test_unknown_fields_are_ignored(api: AsyncTestClient, fakes: Fakes) -> None:
    code = await request_code(api, fakes)
    body = {"phone_number": PHONE, "otp_code": code, "is_verified": True, "role": "superuser"}
    response = await api.post(VERIFY, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["is_verified"] is False
    assert (await member_row()).role == "member"


async def test_verify_login_never_creates_an_account_and_burns_the_code(
    api: AsyncTestClient, fakes: Fakes
) -> None:
    code = await request_code(api, fakes)
    response = await api.post(VERIFY_LOGIN, json={"phone_number": PHONE, "otp_code": code})
    assert "sign up" in assert_error(response, 404, "ACCOUNT_NOT_FOUND")["detail"]
    assert await member_row() is None
    # the code was consumed, so the route cannot be used to probe numbers without holding the phone
    again = await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": code})
    assert_error(again, 400, "OTP_ALREADY_USED")
    assert await member_row() is None


async def test_verify_login_signs_in_an_existing_account(api: AsyncTestClient, fakes: Fakes) -> None:
    first = await sign_in(api, fakes)
    fakes.clock.advance(timedelta(seconds=30))
    code = await request_code(api, fakes)
    response = await api.post(VERIFY_LOGIN, json={"phone_number": "09812345678", "otp_code": code})
    assert response.status_code == 200, response.text
    body = response.json()
    assert_session_shape(body)
    assert body["data"]["user_id"] == first["data"]["user_id"]
    assert body["data"]["is_new_user"] is False
    assert body["needs_profile_completion"] is True
    assert jwt_claims(body["token"])["user_id"] == first["data"]["user_id"]


async def test_analytics_never_see_the_phone_number(api: AsyncTestClient, fakes: Fakes) -> None:
    await onboard(api, fakes)
    events = {e.event for e in fakes.analytics.events}
    assert {"member_signed_up", "otp_verified", "profile_completed"} <= events
    digits = PHONE.lstrip("+")
    for event in fakes.analytics.events:
        assert event.distinct_id.startswith("m_")
        text = repr((event.distinct_id, dict(event.properties)))
        assert digits[-10:] not in text
        assert "Asha" not in text
