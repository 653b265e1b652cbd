"""Campaign delivery on both stores (audience, enrolment, batches at most once per member, parallel batches,
a batch killed before its commit), and 10,000 members on PostgreSQL with the sender stopped mid-send and resumed
(the time is in docs/notifications.md)."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from dishka import AsyncContainer
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from loopin.adapters.jobs.dispatch import RecordingJobDispatcher
from loopin.adapters.persistence.orm import CampaignRecipientRow, MemberRow, NotificationRow
from loopin.domain.identity.member import Member, MemberStatus, Role
from loopin.domain.notifications.campaign import Audience, CampaignStatus
from loopin.domain.notifications.notification import Notification
from loopin.entrypoints.di import make_container
from loopin.entrypoints.settings import Settings
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.notifications.ports import NotificationRepository
from loopin.usecases.shared.ports import UnitOfWork
from loopin.usecases.staff.campaigns import (
    ComposeCampaign,
    GetCampaign,
    ResumeCampaigns,
    SendCampaign,
    SendCampaignBatch,
)
from loopin.usecases.staff.ports import CampaignAudience, CampaignRepository
from tests.integration.conftest import Recorded, phone, recording_provider
from tests.support import Fakes, fakes_provider

MESSAGE = {"headline": "Hello", "message": "New events near you."}


async def staff_and_members(container: AsyncContainer, fakes: Fakes, count: int) -> tuple[Member, list[Member]]:
    now = fakes.clock.now()
    async with container() as scope:
        repo = await scope.get(MemberRepository)
        staff = Member.register(phone(90000), now=now)
        staff.role, staff.status = Role.STAFF, MemberStatus.ACTIVE
        staff = await repo.add(staff)
        members = []
        for n in range(1, count + 1):
            m = Member.register(phone(n), now=now)
            m.status = MemberStatus.ACTIVE
            members.append(await repo.add(m))
        await (await scope.get(UnitOfWork)).commit()
    return staff, members


async def start(container: AsyncContainer, staff_id: int) -> int:
    async with container() as scope:
        draft = await (await scope.get(ComposeCampaign))(
            member_id=staff_id, name="c", template="promotion", values=MESSAGE, audience=Audience()
        )
    async with container() as scope:
        await (await scope.get(SendCampaign))(member_id=staff_id, campaign_id=draft.campaign.id)
    return int(draft.campaign.id)


async def batch(container: AsyncContainer, campaign_id: int, size: int) -> int:
    async with container() as scope:
        sent: int = await (await scope.get(SendCampaignBatch))(campaign_id=campaign_id, batch_size=size)
        return sent


async def killed_batch(container: AsyncContainer, campaign_id: int, size: int) -> None:
    """A worker that died after writing a batch's notifications, before its commit: the scope closes without
    committing, as the killed process's connection would."""
    async with container() as scope:
        campaigns, audience = await scope.get(CampaignRepository), await scope.get(CampaignAudience)
        notifications = await scope.get(NotificationRepository)
        campaign = await campaigns.lock(campaign_id)
        assert campaign is not None
        members = await audience.claim(campaign_id, size)
        now = campaign.created_at
        await notifications.add_many(
            [
                Notification(
                    0, f"campaign:{campaign_id}:{m}", m, "promotional", "promotion", "t", "b", created_at=now
                )
                for m in members
            ]
        )
        await audience.mark(campaign_id, members, "sent", now)  # type: ignore[arg-type]


async def inbox_keys(container: AsyncContainer, members: list[Member]) -> list[str]:
    keys = []
    async with container() as scope:
        repo = await scope.get(NotificationRepository)
        for m in members:
            keys += [n.key for n in await repo.for_member(m.id, 10)]
        await (await scope.get(UnitOfWork)).commit()
    return keys


async def test_batches_reach_each_member_once_even_in_parallel_and_after_a_kill(
    recorded: Recorded, fakes: Fakes
) -> None:
    any_container = recorded.container  # jobs are recorded, not run: the test runs the batches
    staff, members = await staff_and_members(any_container, fakes, 30)
    campaign_id = await start(any_container, staff.id)
    assert await batch(any_container, campaign_id, 5) == 5
    await killed_batch(any_container, campaign_id, 5)
    results = await asyncio.gather(*(batch(any_container, campaign_id, 4) for _ in range(3)))
    assert sorted(results) == [4, 4, 4]  # one at a time (the campaign lock), each on fresh recipients
    while await batch(any_container, campaign_id, 7):
        pass
    keys = await inbox_keys(any_container, [staff, *members])
    assert sorted(keys) == sorted(f"campaign:{campaign_id}:{m.id}" for m in [staff, *members])
    async with any_container() as scope:
        view = await (await scope.get(GetCampaign))(member_id=staff.id, campaign_id=campaign_id)
    assert view.campaign.status is CampaignStatus.SENT
    assert (view.campaign.sent, view.results.sent, view.results.pending) == (31, 31, 0)
    async with any_container() as scope:  # enrolling again adds nobody
        again = await (await scope.get(CampaignAudience)).enroll(
            campaign_id, Audience(), view.campaign.render().kind, fakes.clock.now()
        )
        await (await scope.get(UnitOfWork)).rollback()
    assert again == 0


async def test_ten_thousand_members_once_each_resumed_after_the_sender_stops(
    service_settings: Settings, fakes: Fakes, clean_services: None
) -> None:
    recorder = RecordingJobDispatcher()
    container = make_container(
        service_settings, fakes_provider(fakes, inline_jobs=False), recording_provider(recorder)
    )
    try:
        now = fakes.clock.now()
        async with container() as scope:
            session = await scope.get(AsyncSession)
            await session.execute(
                insert(MemberRow),
                [
                    {
                        "phone_number": f"+91981{n:07d}",
                        "status": "active",
                        "role": "member",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n in range(10_000)
                ],
            )
            staff_id = await session.scalar(
                insert(MemberRow)
                .values(
                    phone_number="+919899999999", status="active", role="staff", created_at=now, updated_at=now
                )
                .returning(MemberRow.id)
            )
            await session.commit()
        assert staff_id is not None

        began = time.perf_counter()
        campaign_id = await start(container, staff_id)
        enrolled = time.perf_counter()
        for _ in range(6):  # the worker sends six batches ...
            assert await batch(container, campaign_id, 500) == 500
        await killed_batch(container, campaign_id, 500)  # ... and is killed in the seventh
        async with container() as scope:
            assert await (await scope.get(ResumeCampaigns))() == 1  # the sweep queues the next batch again
        while await batch(container, campaign_id, 500):  # a new worker runs the chain to the end
            pass
        finished = time.perf_counter()

        async with container() as scope:
            session = await scope.get(AsyncSession)
            mine = NotificationRow.key.like(f"campaign:{campaign_id}:%")
            rows, people = (
                await session.execute(
                    select(func.count(), func.count(func.distinct(NotificationRow.recipient_id))).where(mine)
                )
            ).one()
            statuses = dict(
                (
                    await session.execute(
                        select(CampaignRecipientRow.status, func.count())
                        .where(CampaignRecipientRow.campaign_id == campaign_id)
                        .group_by(CampaignRecipientRow.status)
                    )
                ).all()
            )
            view = await (await scope.get(GetCampaign))(member_id=staff_id, campaign_id=campaign_id)
        assert (rows, people) == (10_001, 10_001)
        assert statuses == {"sent": 10_001}
        assert (view.campaign.status, view.campaign.sent, view.campaign.recipients) == (
            CampaignStatus.SENT,
            10_001,
            10_001,
        )
        print(
            f"\ncampaign to 10,001 members: enrolled in {enrolled - began:.2f} s, "
            f"delivered (21 batches of 500, one killed and resumed) in {finished - enrolled:.2f} s, "
            f"total {finished - began:.2f} s"
        )
        assert timedelta(seconds=finished - began) < timedelta(minutes=5)
    finally:
        await container.close()


async def test_the_audience_rules_on_both_stores(any_container: AsyncContainer, fakes: Fakes) -> None:
    from loopin.domain.events.event import EventStatus
    from loopin.domain.notifications.preferences import Preferences
    from loopin.domain.notifications.templates import NotificationKind
    from loopin.usecases.events.ports import EventRepository
    from loopin.usecases.notifications.ports import PreferenceRepository
    from tests.factories import EventFactory

    _, members = await staff_and_members(any_container, fakes, 5)
    now = fakes.clock.now()
    async with any_container() as scope:
        repo = await scope.get(MemberRepository)
        for i, m in enumerate(members):
            stored = await repo.get_for_update(m.id)
            assert stored is not None
            stored.profile.location = " Pune " if i < 3 else "Goa"
            stored.profile.interest_ids = (7,) if i == 0 else (1, 2)
            await repo.save(stored)
        await (await scope.get(EventRepository)).add(
            EventFactory.starting(members[4].id, now, starts_in=timedelta(days=2), status=EventStatus.PUBLISHED)
        )
        muted = Preferences(members[2].id)
        muted.mute(frozenset({NotificationKind.PROMOTIONAL}), now)
        await (await scope.get(PreferenceRepository)).save(muted)
        await (await scope.get(UnitOfWork)).commit()

    async def count(**rules: object) -> int:
        async with any_container() as scope:
            found = await (await scope.get(CampaignAudience)).count(
                Audience.checked(**rules),  # type: ignore[arg-type]
                NotificationKind.PROMOTIONAL,
                fakes.clock.now(),
            )
            await (await scope.get(UnitOfWork)).commit()
            return found

    assert await count() == 5  # six active, one muted promotions
    assert await count(city="pune") == 2
    assert await count(interest_ids=(7, 99)) == 1
    assert await count(city="Goa", hosts=True) == 1
    fakes.clock.advance(timedelta(days=31))
    assert await count(inactive_days=30) == 5  # the host's event was made 31 days ago: all idle since
    async with any_container() as scope:
        later = fakes.clock.now()
        await (await scope.get(EventRepository)).add(
            EventFactory.starting(members[4].id, later, starts_in=timedelta(days=2), status=EventStatus.PUBLISHED)
        )
        await (await scope.get(UnitOfWork)).commit()
    assert await count(inactive_days=30) == 4  # the host is active again
