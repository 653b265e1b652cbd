"""POST /api/auth/signup and /api/auth/login: sending a sign-in code, on PostgreSQL and Redis."""

from __future__ import annotations

from datetime import timedelta

import pytest
from litestar.testing import AsyncTestClient

from loopin.entrypoints.settings import Settings
from tests.api.flows import (
    PHONE,
    assert_error,
    assert_invalid,
    client_at,
    onboard,
    other_code,
    phone,
    request_code,
    sign_in,
    sms_count,
    sql,
)
from tests.support import Fakes

SIGNUP, LOGIN, VERIFY = "/api/auth/signup", "/api/auth/login", "/api/auth/verify-otp"


def assert_code_sent(body: dict[str, object], phone_number: str = PHONE) -> None:
    assert set(body) == {"success", "message", "data", "token"}
    assert body["success"] is True
    assert isinstance(body["message"], str)
    assert body["message"]
    assert body["token"] is None
    assert body["data"] == {
        "phone_number": phone_number,
        "otp_sent": True,
        "expires_in_seconds": 600,
        "resend_after_seconds": 30,
    }


async def test_signup_sends_a_four_digit_code_and_answers_the_contract_shape(
    api: AsyncTestClient, fakes: Fakes
) -> None:
    response = await api.post(SIGNUP, json={"phone_number": PHONE})
    assert response.status_code == 200, response.text
    assert_code_sent(response.json())
    assert response.json()["message"] == "We sent a 4-digit code to your phone. Enter it to continue."

    assert sms_count(fakes) == 1
    code = fakes.sms.last_code_for(PHONE)
    assert len(code) == 4
    assert code.isdigit()
    assert "10 minutes" in fakes.sms.sent[-1].body

    # only a keyed digest of the code is stored; no account exists before the code is verified
    (challenge,) = await sql("SELECT * FROM otp_challenges WHERE phone_number = :p", p=PHONE)
    assert code not in challenge.code_digest
    assert len(challenge.code_digest) == 64
    assert challenge.attempts == 0
    assert challenge.consumed_at is None
    assert await sql("SELECT id FROM members") == []


async def test_login_is_the_same_send_under_the_older_path(api: AsyncTestClient, fakes: Fakes) -> None:
    response = await api.post(LOGIN, json={"phone_number": "09812345678"})
    assert response.status_code == 200, response.text
    assert_code_sent(response.json())
    assert response.json()["message"] == "We sent a 4-digit code to your phone."
    code = fakes.sms.last_code_for(PHONE)
    verified = await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": code})
    assert verified.status_code == 200, verified.text


async def test_signup_answers_the_same_for_new_and_existing_numbers(api: AsyncTestClient, fakes: Fakes) -> None:
    await onboard(api, fakes)  # an existing, completed account
    fakes.clock.advance(timedelta(seconds=30))
    existing = await api.post(SIGNUP, json={"phone_number": PHONE})
    new = await api.post(SIGNUP, json={"phone_number": phone(1)})
    assert existing.status_code == new.status_code == 200
    existing_body, new_body = existing.json(), new.json()
    assert existing_body["data"].pop("phone_number") == PHONE
    assert new_body["data"].pop("phone_number") == phone(1)
    assert existing_body == new_body  # no account enumeration


async def test_phone_spellings_normalise_to_e164(
    api: AsyncTestClient, fakes: Fakes, subtests: pytest.Subtests
) -> None:
    spellings = [
        "+919812345678",
        "+91 98123-45678",
        "919812345678",
        "09812345678",
        "9812345678",
        "(+91) 98123.45678",
    ]
    for spelling in spellings:
        with subtests.test(spelling=spelling):
            fakes.clock.advance(timedelta(hours=1))  # clear of the send limits of the previous spelling
            response = await api.post(SIGNUP, json={"phone_number": spelling})
            assert response.status_code == 200, response.text
            assert response.json()["data"]["phone_number"] == PHONE
            assert fakes.sms.sent[-1].to == PHONE
    assert {sms.to for sms in fakes.sms.sent} == {PHONE}


async def test_one_person_one_account_whatever_the_spelling(api: AsyncTestClient, fakes: Fakes) -> None:
    first = await sign_in(api, fakes, "+91 98123 45678")
    fakes.clock.advance(timedelta(seconds=30))
    second = await sign_in(api, fakes, "09812345678")
    assert second["data"]["user_id"] == first["data"]["user_id"]
    assert second["data"]["is_new_user"] is False
    rows = await sql("SELECT phone_number FROM members")
    assert [r.phone_number for r in rows] == [PHONE]


BAD_PHONES = [
    "",
    "   ",
    "12345",
    "abcdefghij",
    "+91 12345",
    "+919812345",
    "+91981234567890",
    "0000000000",
    "+0 9812345678",
]


async def test_invalid_phone_is_a_422_naming_the_field(
    api: AsyncTestClient, fakes: Fakes, subtests: pytest.Subtests
) -> None:
    for path in (SIGNUP, LOGIN):
        for bad in BAD_PHONES:
            with subtests.test(path=path, phone=bad):
                response = await api.post(path, json={"phone_number": bad})
                assert_invalid(response, "phone_number", "INVALID_PHONE_NUMBER")
    assert fakes.sms.sent == []


async def test_missing_or_mistyped_phone_is_a_422_list(
    api: AsyncTestClient, fakes: Fakes, subtests: pytest.Subtests
) -> None:
    bodies: list[object] = [
        {},
        {"phone": PHONE},
        {"phone_number": 9812345678},
        {"phone_number": None},
        {"phone_number": [PHONE]},
        [PHONE],
    ]
    for path in (SIGNUP, LOGIN):
        for body in bodies:
            with subtests.test(path=path, body=body):
                response = await api.post(path, json=body)
                assert isinstance(assert_error(response, 422, "VALIDATION_ERROR")["detail"], list)
    assert fakes.sms.sent == []


async def test_a_body_that_is_not_json_is_refused_in_the_envelope(
    api: AsyncTestClient, fakes: Fakes, subtests: pytest.Subtests
) -> None:
    for content, content_type in [
        (b"phone_number=%2B919812345678", "application/x-www-form-urlencoded"),
        (b'{"phone_number": "+919812345678"', "application/json"),
        (b"", "application/json"),
    ]:
        with subtests.test(content=content, content_type=content_type):
            response = await api.post(SIGNUP, content=content, headers={"Content-Type": content_type})
            assert 400 <= response.status_code < 500, response.text
            assert_error(response, response.status_code)
    assert fakes.sms.sent == []


async def test_a_body_that_is_not_json_is_a_422_list(api: AsyncTestClient) -> None:
    response = await api.post(
        SIGNUP, content=b'{"phone_number": "+919812345678"', headers={"Content-Type": "application/json"}
    )
    body = assert_error(response, 422)
    assert isinstance(body["detail"], list)


async def test_a_form_instead_of_json_is_a_415(api: AsyncTestClient) -> None:
    """Forms can be posted cross-site without a preflight (tests/api/test_hostile_input.py has the rest)."""
    response = await api.post(
        SIGNUP,
        content=b"phone_number=%2B919812345678",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


async def test_unknown_fields_are_ignored(api: AsyncTestClient, fakes: Fakes) -> None:
    response = await api.post(SIGNUP, json={"phone_number": PHONE, "country": "IN", "otp_type": "signup"})
    assert response.status_code == 200, response.text
    assert sms_count(fakes) == 1


async def test_resend_within_the_cool_down_is_a_429_and_keeps_the_live_code(
    api: AsyncTestClient, fakes: Fakes
) -> None:
    code = await request_code(api, fakes)

    again = await api.post(SIGNUP, json={"phone_number": PHONE})
    body = assert_error(again, 429, "OTP_RATE_LIMITED")
    assert again.headers["Retry-After"] == "30"
    assert "30 seconds" in body["detail"]

    fakes.clock.advance(timedelta(seconds=12))
    later = await api.post(SIGNUP, json={"phone_number": "09812345678"})  # another spelling, same phone
    assert_error(later, 429, "OTP_RATE_LIMITED")
    assert later.headers["Retry-After"] == "18"

    assert sms_count(fakes) == 1  # refused sends send nothing and leave the first code working
    verified = await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": code})
    assert verified.status_code == 200, verified.text


async def test_after_the_cool_down_a_new_code_replaces_the_old_one(api: AsyncTestClient, fakes: Fakes) -> None:
    first = await request_code(api, fakes)
    fakes.clock.advance(timedelta(seconds=30))
    second = await request_code(api, fakes)
    assert sms_count(fakes) == 2
    if first != second:  # 1 in 10 000 the fresh code happens to equal the old one
        stale = await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": first})
        assert_error(stale, 400, "OTP_INVALID")
    else:
        stale = await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": other_code(first)})
        assert_error(stale, 400, "OTP_INVALID")
    assert (await api.post(VERIFY, json={"phone_number": PHONE, "otp_code": second})).status_code == 200


@pytest.mark.parametrize(("first", "second"), [(SIGNUP, LOGIN), (LOGIN, SIGNUP)])
async def test_signup_and_login_share_the_send_limits(
    api: AsyncTestClient, fakes: Fakes, first: str, second: str
) -> None:
    assert (await api.post(first, json={"phone_number": PHONE})).status_code == 200
    response = await api.post(second, json={"phone_number": PHONE})
    assert_error(response, 429, "OTP_RATE_LIMITED")
    assert response.headers["Retry-After"] == "30"
    assert sms_count(fakes) == 1


async def test_at_most_five_codes_per_phone_per_hour(api: AsyncTestClient, fakes: Fakes) -> None:
    for _ in range(5):
        await request_code(api, fakes)
        fakes.clock.advance(timedelta(seconds=30))
    # t = 150 s: the cool-down has passed but the hourly cap has not; it frees when the first send is 1 h old
    capped = await api.post(SIGNUP, json={"phone_number": PHONE})
    body = assert_error(capped, 429, "OTP_RATE_LIMITED")
    assert capped.headers["Retry-After"] == "3450"
    assert "3450 seconds" in body["detail"]
    assert sms_count(fakes) == 5

    fakes.clock.advance(timedelta(seconds=3449))
    assert_error(await api.post(LOGIN, json={"phone_number": PHONE}), 429, "OTP_RATE_LIMITED")
    fakes.clock.advance(timedelta(seconds=1))
    assert (await api.post(SIGNUP, json={"phone_number": PHONE})).status_code == 200
    assert sms_count(fakes) == 6


async def test_at_most_twenty_codes_per_client_address_per_hour(
    api: AsyncTestClient, fakes: Fakes, service_settings: Settings
) -> None:
    for n in range(20):
        assert (await api.post(SIGNUP, json={"phone_number": phone(n)})).status_code == 200
    capped = await api.post(SIGNUP, json={"phone_number": phone(20)})
    assert_error(capped, 429, "OTP_RATE_LIMITED")
    assert capped.headers["Retry-After"] == "3600"
    assert sms_count(fakes, phone(20)) == 0

    # the cap is per address: another client is not affected, but a phone's own limits follow it anywhere
    async with client_at("203.0.113.9", service_settings, fakes) as elsewhere:
        assert (await elsewhere.post(SIGNUP, json={"phone_number": phone(20)})).status_code == 200
        cooling = await elsewhere.post(SIGNUP, json={"phone_number": phone(0)})
        assert_error(cooling, 429, "OTP_RATE_LIMITED")
        assert cooling.headers["Retry-After"] == "30"
    assert len(fakes.sms.sent) == 21

    fakes.clock.advance(timedelta(hours=1))
    assert (await api.post(SIGNUP, json={"phone_number": phone(21)})).status_code == 200
