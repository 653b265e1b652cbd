"""RequestOtp: a fresh 4-digit code by SMS, stored only as a keyed digest, within the send limits."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopin.domain.identity.otp import OtpRejected
from loopin.domain.shared.errors import ErrorKind, InvalidInput, RateLimited
from loopin.domain.shared.keyed_digest import KeyedDigest
from loopin.usecases.identity import jobs
from loopin.usecases.identity.request_otp import OtpSent, RequestOtp
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.world import ADDRESS, PHONE, START, World, phone


async def request(world: World, number: str = PHONE, address: str = ADDRESS) -> OtpSent:
    sent: OtpSent = await world.run(RequestOtp, phone_number=number, client_address=address)
    return sent


async def refused(world: World, number: str = PHONE, address: str = ADDRESS) -> RateLimited:
    with pytest.raises(RateLimited) as caught:
        await request(world, number, address)
    return caught.value


async def test_a_code_is_sent_by_sms_to_the_normalised_number(world: World) -> None:
    sent = await request(world, "+91 98123-45678")
    assert sent == OtpSent(phone_number=PHONE, expires_in_seconds=600, resend_after_seconds=30)
    assert len(world.fakes.sms.sent) == 1
    sms = world.fakes.sms.sent[0]
    assert sms.to == PHONE
    code = world.fakes.sms.last_code_for(PHONE)
    assert len(code) == 4
    assert code.isdigit()
    assert sms.body == f"Your Loopin code is {code}. It expires in 10 minutes. Never share it with anyone."


async def test_only_the_keyed_digest_of_the_code_is_stored(world: World) -> None:
    await request(world)
    code = world.fakes.sms.last_code_for(PHONE)
    challenge = await world.challenge(PHONE)
    assert challenge is not None
    digest: KeyedDigest = await world.get(KeyedDigest)
    assert challenge.code_digest == digest.digest(code, context=f"otp:{PHONE}")
    assert challenge.code_digest != code
    assert challenge.issued_at == START
    assert challenge.expires_at == START + timedelta(minutes=10)
    assert challenge.attempts == 0
    assert challenge.consumed_at is None


async def test_the_sms_job_leaves_only_after_the_challenge_is_committed(world: World) -> None:
    await request(world)
    [job] = world.jobs.named(jobs.SEND_OTP_SMS)
    assert job.payload["phone"] == PHONE
    assert job.keep_result is False  # the code must not linger in the queue
    assert job.key == f"otp:{PHONE}:{int(START.timestamp() * 1000)}"
    [dispatched] = world.jobs.dispatched
    committed = dispatched.committed["otp_challenges"][PHONE]
    digest: KeyedDigest = await world.get(KeyedDigest)
    assert digest.matches(str(job.payload["code"]), committed.code_digest, context=f"otp:{PHONE}")


async def test_requesting_a_code_creates_no_account_and_answers_alike_for_known_numbers(world: World) -> None:
    first = await request(world)
    assert await world.members_with_phone(PHONE) == []
    assert world.analytics() == []
    await world.verify(PHONE, world.fakes.sms.last_code_for(PHONE))
    world.fakes.clock.advance(timedelta(seconds=30))
    again = await request(world)
    assert again == first  # no account enumeration


@pytest.mark.parametrize("raw", ["12345", "", "not a number"])
async def test_an_invalid_number_is_refused_and_nothing_is_sent(world: World, raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        await request(world, raw)
    assert caught.value.code == "INVALID_PHONE_NUMBER"
    assert world.fakes.sms.sent == []
    assert world.jobs.dispatched == []


async def test_a_resend_within_30_seconds_is_refused_with_the_time_to_wait(world: World) -> None:
    await request(world)
    error = await refused(world)
    assert error.kind is ErrorKind.RATE_LIMITED
    assert error.code == "OTP_RATE_LIMITED"
    assert error.retry_after_seconds == 30
    assert "30 seconds" in error.message
    world.fakes.clock.advance(timedelta(seconds=29))
    assert (await refused(world)).retry_after_seconds == 1
    world.fakes.clock.advance(timedelta(seconds=1))
    await request(world)
    assert len(world.fakes.sms.sent) == 2


async def test_a_refused_request_sends_nothing_and_keeps_the_live_code(world: World) -> None:
    await request(world)
    code = world.fakes.sms.last_code_for(PHONE)
    dispatched = len(world.jobs.dispatched)
    await refused(world)
    assert len(world.fakes.sms.sent) == 1
    assert len(world.jobs.dispatched) == dispatched
    session = await world.verify(PHONE, code)
    assert session.created


async def test_other_numbers_have_their_own_cool_down(world: World) -> None:
    await request(world, phone(1))
    await request(world, phone(2))
    assert [s.to for s in world.fakes.sms.sent] == [phone(1), phone(2)]


async def test_five_codes_per_number_per_hour(world: World) -> None:
    for _ in range(5):
        await request(world)
        world.fakes.clock.advance(timedelta(seconds=30))
    # now START + 150 s; the first send (at START) leaves the one-hour window at START + 3600 s
    error = await refused(world)
    assert error.code == "OTP_RATE_LIMITED"
    assert error.retry_after_seconds == 3600 - 150
    assert len(world.fakes.sms.sent) == 5
    world.fakes.clock.advance(timedelta(seconds=3600 - 150 - 1))
    assert (await refused(world)).retry_after_seconds == 1
    world.fakes.clock.advance(timedelta(seconds=1))
    await request(world)
    assert len(world.fakes.sms.sent) == 6


async def test_twenty_codes_per_client_address_per_hour(world: World) -> None:
    for n in range(20):
        await request(world, phone(n))
    error = await refused(world, phone(20))
    assert error.code == "OTP_RATE_LIMITED"
    assert error.retry_after_seconds == 3600
    await request(world, phone(21), "198.51.100.1")  # another address is not affected
    # all or nothing: the refused request did not start phone(20)'s cool-down
    await request(world, phone(20), "198.51.100.2")
    assert len(world.fakes.sms.sent) == 22


async def test_the_limits_come_from_the_settings(make_world: MakeWorld) -> None:
    world = await make_world(
        otp_resend_cooldown_seconds=60, otp_max_per_phone_per_hour=2, otp_max_per_address_per_hour=3
    )
    sent = await request(world)
    assert sent.resend_after_seconds == 60
    world.fakes.clock.advance(timedelta(seconds=30))
    assert (await refused(world)).retry_after_seconds == 30
    world.fakes.clock.advance(timedelta(seconds=30))
    await request(world)
    world.fakes.clock.advance(timedelta(seconds=60))
    assert (await refused(world)).retry_after_seconds == 3600 - 120
    await request(world, phone(1))
    assert (await refused(world, phone(2))).retry_after_seconds == 3600 - 120


@pytest.mark.usefixtures("issued_codes")
async def test_a_new_code_replaces_the_old_one_and_resets_the_tries(world: World) -> None:
    await request(world)
    old = world.fakes.sms.last_code_for(PHONE)
    for _ in range(2):
        with pytest.raises(OtpRejected):
            await world.verify(PHONE, "9999")
    world.fakes.clock.advance(timedelta(seconds=30))
    await request(world)
    new = world.fakes.sms.last_code_for(PHONE)
    assert (old, new) == ("1111", "2222")
    challenge = await world.challenge(PHONE)
    assert challenge is not None
    assert challenge.attempts == 0
    assert challenge.issued_at == START + timedelta(seconds=30)
    with pytest.raises(OtpRejected) as caught:
        await world.verify(PHONE, old)
    assert caught.value.code == "OTP_INVALID"
    assert caught.value.message == "Invalid code. 2 attempts remaining."
    assert (await world.verify(PHONE, new)).created
