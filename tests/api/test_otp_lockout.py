"""Guessing a sign-in code over HTTP, on PostgreSQL and Redis: ten wrong codes lock the phone (429 with
Retry-After); the phone's owner still gets in with a fresh code typed in from the network that asked for it."""

from __future__ import annotations

from datetime import timedelta

from loopin.entrypoints.settings import Settings
from tests.api.flows import PHONE, assert_error, client_at, other_code
from tests.support import Fakes

ATTACKER, OWNER = "198.51.100.66", "203.0.113.10"
SIGNUP, VERIFY = "/api/auth/signup", "/api/auth/verify-otp"


async def test_a_locked_phone_answers_429_and_its_owner_still_signs_in(
    service_settings: Settings, fakes: Fakes, clean_services: None
) -> None:
    async with (
        client_at(ATTACKER, service_settings, fakes) as attacker,
        client_at(OWNER, service_settings, fakes) as owner,
    ):
        wrong = 0
        while wrong < 10:
            assert (await attacker.post(SIGNUP, json={"phone_number": PHONE})).status_code == 200
            code = fakes.sms.last_code_for(PHONE)
            for _ in range(min(3, 10 - wrong)):
                guess = await attacker.post(VERIFY, json={"phone_number": PHONE, "otp_code": other_code(code)})
                wrong += 1
                assert guess.status_code == (429 if wrong == 10 else 400), guess.text
            fakes.clock.advance(timedelta(minutes=13))

        locked = await attacker.post(VERIFY, json={"phone_number": PHONE, "otp_code": "0000"})
        assert_error(locked, 429, "OTP_LOCKED")
        assert 0 < int(locked.headers["retry-after"]) <= 24 * 3600

        assert (await owner.post(SIGNUP, json={"phone_number": PHONE})).status_code == 200
        code = fakes.sms.last_code_for(PHONE)
        stolen = await attacker.post(VERIFY, json={"phone_number": PHONE, "otp_code": code})
        assert_error(stolen, 429, "OTP_LOCKED")  # the right code, but not from the network that asked
        signed_in = await owner.post(VERIFY, json={"phone_number": PHONE, "otp_code": code})
        assert signed_in.status_code == 200, signed_in.text
        assert signed_in.json()["token"]
