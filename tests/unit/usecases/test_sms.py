"""DeliverOtpSms: the job handler that puts the code on the wire."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopin.adapters.sms.errors import SmsNotSent
from loopin.domain.identity.otp import OtpPolicy
from loopin.domain.identity.phone import PhoneNumber
from loopin.usecases.identity import jobs
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.sms import DeliverOtpSms
from tests.unit.usecases.world import PHONE, World


async def test_the_message_carries_the_code_and_its_lifetime(world: World) -> None:
    await world.run(DeliverOtpSms, phone=PHONE, code="0042")
    [sms] = world.fakes.sms.sent
    assert sms.to == PHONE
    assert sms.body == "Your Loopin code is 0042. It expires in 10 minutes. Never share it with anyone."
    assert world.fakes.sms.last_code_for(PHONE) == "0042"  # leading zeros survive


async def test_the_lifetime_in_the_message_follows_the_policy() -> None:
    class Outbox:
        def __init__(self) -> None:
            self.bodies: list[str] = []

        async def send(self, to: PhoneNumber, body: str) -> None:
            self.bodies.append(body)

    outbox = Outbox()
    deliver = DeliverOtpSms(outbox, IdentityConfig(otp=OtpPolicy(validity=timedelta(minutes=5))))
    await deliver(phone=PHONE, code="1234")
    assert outbox.bodies == ["Your Loopin code is 1234. It expires in 5 minutes. Never share it with anyone."]


async def test_a_provider_failure_reaches_the_job_runner_for_a_retry() -> None:
    class Refusing:
        async def send(self, to: PhoneNumber, body: str) -> None:
            raise SmsNotSent()

    with pytest.raises(SmsNotSent):
        await DeliverOtpSms(Refusing(), IdentityConfig())(phone=PHONE, code="1234")


def test_the_sms_job_is_deduplicated_retried_and_not_kept() -> None:
    job = jobs.send_otp_sms(PhoneNumber.parse(PHONE), "0042", 1_700_000_000_000)
    assert job.name == jobs.SEND_OTP_SMS
    assert job.payload == {"phone": PHONE, "code": "0042"}
    assert job.key == f"otp:{PHONE}:1700000000000"
    assert job.attempts == 4
    assert job.keep_result is False
