"""DeliverOtpSms: the job handler that puts the code on the wire, once the code is the phone's live one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopin.adapters.sms.errors import SmsNotSent
from loopin.domain.identity.phone import PhoneNumber
from loopin.usecases.identity import jobs
from loopin.usecases.identity.ports import SmsSender
from loopin.usecases.identity.sms import DeliverOtpSms
from tests.unit.usecases.harness import PHONE, App


async def test_the_message_carries_the_code_and_its_lifetime(app: App) -> None:
    code = await app.request_code()
    [sms] = app.fakes.sms.sent
    assert sms.to == PHONE
    assert sms.body == f"Your Loopin code is {code}. It expires in 10 minutes. Never share it with anyone."


async def test_leading_zeros_survive(app: App) -> None:
    await app.request_code()
    await app.change_challenge(PHONE, "0042")
    assert await app.call(DeliverOtpSms, phone=PHONE, code="0042") is True
    assert app.fakes.sms.last_code_for(PHONE) == "0042"


async def test_a_delivery_repeated_after_the_code_was_used_sends_nothing(app: App) -> None:
    code = await app.request_code()
    await app.verify(PHONE, code)
    assert await app.call(DeliverOtpSms, phone=PHONE, code=code) is False
    assert len(app.fakes.sms.sent) == 1


async def test_a_delivery_of_a_replaced_or_expired_code_sends_nothing(app: App) -> None:
    first = await app.request_code()
    app.fakes.clock.advance(timedelta(minutes=1))
    second = await app.request_code()
    if first != second:
        assert await app.call(DeliverOtpSms, phone=PHONE, code=first) is False
    app.fakes.clock.advance(timedelta(minutes=10))
    assert await app.call(DeliverOtpSms, phone=PHONE, code=second) is False
    assert len(app.fakes.sms.sent) == 2
    assert await app.call(DeliverOtpSms, phone="+919800000001", code=second) is False  # no challenge at all


async def test_a_delivery_repeated_while_the_code_is_live_sends_the_same_code(app: App) -> None:
    code = await app.request_code()
    assert await app.call(DeliverOtpSms, phone=PHONE, code=code) is True
    first, again = app.fakes.sms.sent
    assert first.body == again.body


async def test_a_provider_failure_reaches_the_job_runner_for_a_retry(app: App) -> None:
    code = await app.request_code()

    class Refusing:
        async def send(self, to: PhoneNumber, body: str) -> None:
            raise SmsNotSent()

    app.fakes.sms.send = Refusing().send  # type: ignore[method-assign]
    assert isinstance(await app.get(SmsSender), type(app.fakes.sms))
    with pytest.raises(SmsNotSent):
        await app.call(DeliverOtpSms, phone=PHONE, code=code)


def test_the_sms_job_is_deduplicated_retried_and_not_kept() -> None:
    job = jobs.send_otp_sms(PhoneNumber.parse(PHONE), "0042", 1_700_000_000_000)
    assert job.name == jobs.SEND_OTP_SMS
    assert job.payload == {"phone": PHONE, "code": "0042"}
    assert job.key == f"otp:{PHONE}:1700000000000"
    assert job.attempts == 4
    assert job.keep_result is False
