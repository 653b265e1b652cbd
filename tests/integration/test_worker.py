"""The SAQ worker on real Redis and PostgreSQL: jobs from the app's commits, the waitlist sweep, retries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from dishka import Provider, Scope
from saq import Worker

from loopin.adapters.jobs.dispatch import JobDispatcher
from loopin.adapters.jobs.saq_dispatch import SaqJobDispatcher
from loopin.adapters.memory.identity import SmsOutbox
from loopin.adapters.sms.errors import SmsNotSent
from loopin.domain.identity.member import MemberStatus
from loopin.domain.identity.phone import PhoneNumber
from loopin.entrypoints.di import make_container
from loopin.entrypoints.settings import Settings
from loopin.entrypoints.worker.registry import HANDLERS
from loopin.usecases.attendance.jobs import EXPIRE_ATTENDANCE, SEAT_OFFER_SWEEP
from loopin.usecases.attendance.reminders import SEND_REMINDERS
from loopin.usecases.audit.summaries import SUMMARIZE_AUDIT_DAYS
from loopin.usecases.events.jobs import COMPLETE_ENDED
from loopin.usecases.identity.jobs import PROMOTE_DUE_MEMBERS
from loopin.usecases.identity.ports import MemberRepository, SmsSender
from loopin.usecases.identity.request_otp import RequestOtp
from loopin.usecases.notifications.deliver import PUSH_DUE
from loopin.usecases.notifications.retention import PRUNE_INBOXES
from loopin.usecases.payments import jobs as payment_jobs
from loopin.usecases.payouts import jobs as payout_jobs
from loopin.usecases.staff.campaigns import RESUME_CAMPAIGNS
from tests.integration.conftest import eventually, phone, running_worker, store_members, waitlisted
from tests.support import Fakes, fakes_provider


async def request_otp(settings: Settings, fakes: Fakes, number: PhoneNumber) -> None:
    """RequestOtp as the API runs it, with the real dispatcher: the SMS job goes to Redis."""
    container = make_container(settings, fakes_provider(fakes, inline_jobs=False))
    try:
        assert isinstance(await container.get(JobDispatcher), SaqJobDispatcher)
        async with container() as scope:
            await (await scope.get(RequestOtp))(phone_number=number.e164, client_address="203.0.113.7")
    finally:
        await container.close()


async def test_otp_sms_job_from_the_app_is_delivered_by_the_worker(queue_settings: Settings, fakes: Fakes) -> None:
    number = phone(1)
    async with running_worker(queue_settings, fakes_provider(fakes, inline_jobs=False)):
        await request_otp(queue_settings, fakes, number)
        await eventually(lambda: fakes.sms.sent, what="the worker to send the sign-in SMS")
    (sms,) = fakes.sms.sent
    assert sms.to == number.e164
    code = fakes.sms.last_code_for(number.e164)
    assert len(code) == 4
    assert code in sms.body


async def test_waitlist_job_promotes_due_members(queue_settings: Settings, fakes: Fakes) -> None:
    overrides = fakes_provider(fakes, inline_jobs=False)
    now = fakes.clock.now()
    app = make_container(queue_settings, overrides)
    try:
        due, not_yet = await store_members(
            app, waitlisted(1, now - timedelta(minutes=1)), waitlisted(2, now + timedelta(hours=1))
        )
        async with running_worker(queue_settings, overrides) as worker:
            promoted = await worker.queue.apply(PROMOTE_DUE_MEMBERS, timeout=10)
            assert promoted == 1
            # the promotion's own analytics job went through the queue too
            await eventually(
                lambda: any(e.event == "member_promoted" for e in fakes.analytics.events),
                what="the member_promoted analytics event",
            )
        async with app() as scope:
            repo = await scope.get(MemberRepository)
            promoted_member = await repo.get(due.id)
            waiting_member = await repo.get(not_yet.id)
        assert promoted_member is not None
        assert promoted_member.status is MemberStatus.ACTIVE
        assert promoted_member.updated_at == now
        assert waiting_member is not None
        assert waiting_member.status is MemberStatus.WAITLISTED
    finally:
        await app.close()


class FlakySms:
    """Fails its first send, as a provider outage would, then delivers into the outbox."""

    def __init__(self, outbox: SmsOutbox) -> None:
        self.outbox = outbox
        self.calls = 0

    async def send(self, to: PhoneNumber, body: str) -> None:
        self.calls += 1
        if self.calls == 1:
            raise SmsNotSent()
        await self.outbox.send(to, body)


async def test_a_failing_job_is_retried(queue_settings: Settings, fakes: Fakes) -> None:
    flaky = FlakySms(fakes.sms)
    flaky_provider = Provider(scope=Scope.APP)
    flaky_provider.provide(lambda: flaky, provides=SmsSender, override=True)
    number = phone(2)
    async with running_worker(queue_settings, fakes_provider(fakes, inline_jobs=False), flaky_provider):
        await request_otp(queue_settings, fakes, number)
        await eventually(lambda: fakes.sms.sent, what="the retried SMS job to deliver")
    assert flaky.calls == 2
    assert [s.to for s in fakes.sms.sent] == [number.e164]


async def test_the_worker_registers_every_job_and_the_waitlist_cron(
    queue_settings: Settings, fakes: Fakes
) -> None:
    async with running_worker(queue_settings, fakes_provider(fakes, inline_jobs=False), with_cron=True) as worker:
        functions: dict[str, Any] = worker.functions
        assert set(HANDLERS) <= set(functions)
        assert [c.function.__qualname__ for c in worker.cron_jobs] == [
            PROMOTE_DUE_MEMBERS,
            EXPIRE_ATTENDANCE,
            PUSH_DUE,
            SEND_REMINDERS,
            RESUME_CAMPAIGNS,
            COMPLETE_ENDED,
            SEAT_OFFER_SWEEP,
            payment_jobs.EXPIRE_HOLDS,
            payment_jobs.RECONCILE_ORDERS,
            payment_jobs.RETRY_REFUNDS,
            SUMMARIZE_AUDIT_DAYS,
            PRUNE_INBOXES,
            payout_jobs.PROPOSE_PAYOUTS,
        ]
        assert worker.queue.name == queue_settings.queue_name
        assert isinstance(worker, Worker)
