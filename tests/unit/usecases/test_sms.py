"""DeliverOtpSms: the job handler that puts the code on the wire, once the code is the phone's live one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopin.adapters.sms.errors import SmsNotSent
from loopin.domain.identity.phone import PhoneNumber
from loopin.usecases.identity import jobs
from loopin.usecases.identity.ports import SmsSender
from loopin.usecases.identity.sms import DeliverOtpSms
from tests.unit.usecases.world import PHONE, World


async def test_the_message_carries_the_code_and_its_lifetime(world: World) -> None:
    code = await world.request_code()
    [sms] = world.fakes.sms.sent
    assert sms.to == PHONE
    assert sms.body == f"Your Loopin code is {code}. It expires in 10 minutes. Never share it with anyone."


async def test_leading_zeros_survive(world: World) -> None:
    await world.request_code()
    await world.change_challenge(PHONE, "0042")
    assert await world.run(DeliverOtpSms, phone=PHONE, code="0042") is True
    assert world.fakes.sms.last_code_for(PHONE) == "0042"


async def test_a_delivery_repeated_after_the_code_was_used_sends_nothing(world: World) -> None:
    code = await world.request_code()
    await world.verify(PHONE, code)
    assert await world.run(DeliverOtpSms, phone=PHONE, code=code) is False
    assert len(world.fakes.sms.sent) == 1


async def test_a_delivery_of_a_replaced_or_expired_code_sends_nothing(world: World) -> None:
    first = await world.request_code()
    world.fakes.clock.advance(timedelta(minutes=1))
    second = await world.request_code()
    if first != second:
        assert await world.run(DeliverOtpSms, phone=PHONE, code=first) is False
    world.fakes.clock.advance(timedelta(minutes=10))
    assert await world.run(DeliverOtpSms, phone=PHONE, code=second) is False
    assert len(world.fakes.sms.sent) == 2
    assert await world.run(DeliverOtpSms, phone="+919800000001", code=second) is False  # no challenge at all


async def test_a_delivery_repeated_while_the_code_is_live_sends_the_same_code(world: World) -> None:
    code = await world.request_code()
    assert await world.run(DeliverOtpSms, phone=PHONE, code=code) is True
    first, again = world.fakes.sms.sent
    assert first.body == again.body


async def test_a_provider_failure_reaches_the_job_runner_for_a_retry(world: World) -> None:
    code = await world.request_code()

    class Refusing:
        async def send(self, to: PhoneNumber, body: str) -> None:
            raise SmsNotSent()

    world.fakes.sms.send = Refusing().send  # type: ignore[method-assign]
    assert isinstance(await world.get(SmsSender), type(world.fakes.sms))
    with pytest.raises(SmsNotSent):
        await world.run(DeliverOtpSms, phone=PHONE, code=code)


def test_the_sms_job_is_deduplicated_retried_and_not_kept() -> None:
    job = jobs.send_otp_sms(PhoneNumber.parse(PHONE), "0042", 1_700_000_000_000)
    assert job.name == jobs.SEND_OTP_SMS
    assert job.payload == {"phone": PHONE, "code": "0042"}
    assert job.key == f"otp:{PHONE}:1700000000000"
    assert job.attempts == 4
    assert job.keep_result is False
