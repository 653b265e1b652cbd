"""Guessing someone's sign-in code: the daily send cap, wrong codes counted per phone across codes, the lockout
(429 with Retry-After), the way out of it for the phone's owner, and per-/64 send limits for IPv6.

docs/security.md has the arithmetic these numbers give.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from loopin.domain.identity.otp import OtpLocked, OtpRejected
from loopin.domain.shared.errors import ErrorKind, RateLimited
from loopin.usecases.identity.request_otp import RequestOtp
from loopin.usecases.identity.verify_otp import SessionStarted
from tests.unit.usecases.world import ADDRESS, PHONE, World, phone

ATTACKER = "198.51.100.66"
OWNER = "203.0.113.10"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10_000:04d}"


async def guess_wrong(world: World, code: str, address: str = ATTACKER) -> Exception:
    with pytest.raises((OtpRejected, OtpLocked)) as caught:
        await world.verify(PHONE, wrong(code), address=address)
    return caught.value


async def lock_out(world: World) -> None:
    """Ten wrong codes over four codes, each code requested by the attacker, 13 minutes apart."""
    guesses = 0
    while guesses < 10:
        code = await world.request_code(PHONE, ATTACKER)
        for _ in range(3):
            if guesses == 10:
                break
            error = await guess_wrong(world, code)
            guesses += 1
            assert isinstance(error, OtpLocked) == (guesses == 10), (guesses, error)
        world.fakes.clock.advance(timedelta(minutes=13))


async def test_a_phone_gets_at_most_ten_codes_a_day(world: World) -> None:
    for _ in range(10):
        await world.request_code(PHONE, ADDRESS)
        world.fakes.clock.advance(timedelta(minutes=13))  # within the 5-an-hour limit
    with pytest.raises(RateLimited) as caught:
        await world.run(RequestOtp, phone_number=PHONE, client_address=ADDRESS)
    assert caught.value.code == "OTP_RATE_LIMITED"
    assert caught.value.retry_after_seconds == 24 * 3600 - 130 * 60  # the first code leaves the day's window
    world.fakes.clock.advance(timedelta(seconds=caught.value.retry_after_seconds))
    await world.request_code(PHONE, ADDRESS)


async def test_wrong_codes_count_per_phone_across_codes_and_lock_it(world: World) -> None:
    await lock_out(world)
    # a fresh code requested by the attacker does not reopen guessing from elsewhere
    code = await world.request_code(PHONE, ATTACKER)
    error = await guess_wrong(world, code, address="192.0.2.1")
    assert isinstance(error, OtpLocked)
    assert error.kind is ErrorKind.RATE_LIMITED
    assert error.code == "OTP_LOCKED"
    assert 0 < error.retry_after_seconds <= 24 * 3600
    # even the right code, from an address that did not ask for it, is refused while locked
    with pytest.raises(OtpLocked):
        await world.verify(PHONE, code, address="192.0.2.1")


async def test_the_lock_lifts_when_the_day_s_wrong_codes_leave_the_window(world: World) -> None:
    await lock_out(world)
    world.fakes.clock.advance(timedelta(hours=24))
    code = await world.request_code(PHONE, ATTACKER)
    session = await world.verify(PHONE, code, address="192.0.2.1")
    assert session.member_id > 0


async def test_the_owner_gets_in_with_a_new_code_from_the_device_that_asked(world: World) -> None:
    """The lockout is not a free denial of service: the phone's owner asks for a code and types it in."""
    await lock_out(world)
    code = await world.request_code(PHONE, OWNER)
    session: SessionStarted = await world.verify(PHONE, code, address=OWNER)
    assert session.member_id > 0
    # signing in ended the lockout: the day's count starts again
    world.fakes.clock.advance(timedelta(hours=1))
    code = await world.request_code(PHONE, OWNER)
    assert isinstance(await guess_wrong(world, code, address="192.0.2.1"), OtpRejected)


async def test_while_locked_the_asking_device_gets_one_try_per_code(world: World) -> None:
    """The attacker can ask for codes too, so during the lockout each code gets exactly one guess, and codes
    are capped per day: the lockout bounds the attacker's guesses at (wrong-code limit + daily codes)."""
    await lock_out(world)
    code = await world.request_code(PHONE, ATTACKER)
    assert isinstance(await guess_wrong(world, code, address=ATTACKER), OtpLocked)
    with pytest.raises(OtpLocked):  # the code is spent, even the right one no longer works
        await world.verify(PHONE, code, address=ATTACKER)


async def test_parallel_wrong_guesses_on_one_code_count_exactly_its_tries(world: World) -> None:
    code = await world.request_code(PHONE, ATTACKER)
    results = await asyncio.gather(
        *(world.verify(PHONE, wrong(code), address=ATTACKER) for _ in range(12)), return_exceptions=True
    )
    assert all(isinstance(r, OtpRejected) for r in results), results
    assert sum(1 for r in results if isinstance(r, OtpRejected) and r.code == "OTP_INVALID") == 2
    challenge = await world.challenge(PHONE)
    assert challenge is not None
    assert challenge.attempts == 3
    # three wrong codes counted toward the day's ten: seven more (over three more codes) lock the phone
    for _ in range(2):
        world.fakes.clock.advance(timedelta(minutes=13))
        code = await world.request_code(PHONE, ATTACKER)
        for _ in range(3):
            assert isinstance(await guess_wrong(world, code), OtpRejected)
    world.fakes.clock.advance(timedelta(minutes=13))
    code = await world.request_code(PHONE, ATTACKER)
    assert isinstance(await guess_wrong(world, code), OtpLocked)


async def test_ipv6_senders_are_limited_per_64(world: World) -> None:
    for n in range(20):
        await world.request_code(phone(n), f"2001:db8:1:2::{n + 1:x}")
    with pytest.raises(RateLimited):
        await world.run(RequestOtp, phone_number=phone(21), client_address="2001:db8:1:2:ffff:1:2:3")
    await world.request_code(phone(22), "2001:db8:1:3::1")  # the next /64 is someone else
