"""Staff campaigns: compose from a campaign template, choose an audience by rules, preview the count and a
rendered sample, send, follow the results, cancel. The admin UI (issue 14) calls these same use cases.

Sending enrolls the audience as recipient rows (one statement; (campaign, member) unique), then batches run as
jobs, one at a time per campaign (each locks the campaign row): a batch claims pending recipients, stores their
notifications (keys ``campaign:{id}:{member}``) and marks them sent in one transaction, and enqueues the next batch
in the same outbox. A worker killed mid-batch rolls the batch back whole; its job (or the resume sweep) runs it
again. So each recipient gets the message at most once, and every one gets it. Cancel marks the rest cancelled;
a batch that finds the campaign no longer sending stops.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from loopin.domain.audit.entry import JsonValue
from loopin.domain.identity.member import Member
from loopin.domain.notifications.campaign import Audience, Campaign, CampaignStatus
from loopin.domain.notifications.notification import Notification
from loopin.domain.notifications.preferences import QuietHours
from loopin.domain.notifications.templates import TEMPLATES, Rendered, Template
from loopin.domain.shared.errors import InvalidInput, NotFound
from loopin.usecases.notifications.deliver import push_due_job
from loopin.usecases.notifications.ports import NotificationRepository
from loopin.usecases.shared.paging import older_than, page_size
from loopin.usecases.shared.ports import Clock, Job
from loopin.usecases.shared.use_case import UseCase
from loopin.usecases.staff.desk import StaffDesk
from loopin.usecases.staff.ports import CampaignAudience, CampaignRepository, CampaignResults

SEND_CAMPAIGN_BATCH = "staff.send_campaign_batch"
RESUME_CAMPAIGNS = "staff.resume_campaigns"
BATCH_SIZE = 500
MAX_RECIPIENTS = 200_000
SAMPLE_IDS = 20


class CampaignNotFound(NotFound, code="CAMPAIGN_NOT_FOUND", message="Campaign not found."): ...


def audience_refusal(count: int) -> str | None:
    """Why an audience of ``count`` members is not sent to, or None: the send refuses it, the preview says it."""
    if count == 0:
        return (
            "No member matches this audience now, so there is no one to send it to: discard this draft or "
            "compose one with other rules."
        )
    if count > MAX_RECIPIENTS:
        return f"A campaign reaches at most {MAX_RECIPIENTS} members"
    return None


def batch_job(campaign_id: int, progress: int) -> Job:
    """Keyed by progress: the resume sweep and the chain asking for the same batch queue it once."""
    return Job(
        SEND_CAMPAIGN_BATCH,
        {"campaign_id": campaign_id},
        key=f"campaign:{campaign_id}:batch-after:{progress}",
        attempts=10,
        timeout_seconds=300,
    )


@dataclass(frozen=True, slots=True)
class CampaignView:
    campaign: Campaign
    results: CampaignResults

    @property
    def audience(self) -> str:
        """Who the campaign reaches, in words."""
        return self.campaign.audience.describe()


@dataclass(frozen=True, slots=True)
class CampaignPreview:
    campaign: Campaign
    count: int
    sample: Rendered
    sample_member_ids: list[int]

    @property
    def audience(self) -> str:
        return self.campaign.audience.describe()

    @property
    def refusal(self) -> str | None:
        """Why sending would be refused now (the console shows it instead of the send button)."""
        return audience_refusal(self.count)


class ListCampaignTemplates(StaffDesk):
    async def __call__(self, *, member_id: int) -> list[Template]:
        await self.staff(member_id)
        await self.uow.commit()
        return [t for t in TEMPLATES.values() if t.campaign]


class CampaignDesk(StaffDesk):
    """What the campaign use cases share besides the staff check: the campaigns, their recipients, one
    campaign found (or locked: a batch in flight is waited for) and what staff do to it audited."""

    campaigns: CampaignRepository
    recipients: CampaignAudience

    async def campaign(self, campaign_id: int, *, lock: bool = False) -> Campaign:
        found = await (self.campaigns.lock if lock else self.campaigns.get)(campaign_id)
        if found is None:
            raise CampaignNotFound()
        return found

    def audited(self, action: str, c: Campaign, staff: Member, **details: JsonValue) -> None:
        """``campaign.created|sent|cancelled``."""
        facts: dict[str, JsonValue] = {"template": c.template, "status": c.status.value, **details}
        self.record(f"campaign.{action}", staff, "campaign", c.id, facts)


class ComposeCampaign(CampaignDesk):
    async def __call__(
        self, *, member_id: int, name: str, template: str, values: Mapping[str, object], audience: Audience
    ) -> CampaignView:
        staff = await self.staff(member_id)
        now = self.clock.now()
        campaign = await self.campaigns.add(
            Campaign.compose(
                name=name, template=template, values=values, audience=audience, staff_id=staff.id, now=now
            )
        )
        self.audited("created", campaign, staff, audience=audience.describe())
        await self.uow.commit()
        return CampaignView(campaign, CampaignResults(0, 0, 0))


class GetCampaign(CampaignDesk):
    async def __call__(self, *, member_id: int, campaign_id: int) -> CampaignView:
        await self.staff(member_id)
        campaign = await self.campaign(campaign_id)
        results = await self.recipients.results(campaign.id)
        await self.uow.commit()
        return CampaignView(campaign, results)


@dataclass(frozen=True, slots=True)
class CampaignPage:
    campaigns: list[Campaign]
    next_before_id: int | None  # pass as ``before_id`` for the next (older) page; None: no older campaigns


class ListCampaigns(CampaignDesk):
    async def __call__(self, *, member_id: int, before_id: int | None = None, limit: int = 50) -> CampaignPage:
        await self.staff(member_id)
        page_size(limit)
        found = await self.campaigns.recent(before_id, limit + 1)
        await self.uow.commit()
        page, last = older_than(found, limit)
        return CampaignPage(page, last.id if last else None)


class PreviewCampaign(CampaignDesk):
    """The audience as it is now (the send counts it again) and the message as members will read it."""

    async def __call__(self, *, member_id: int, campaign_id: int) -> CampaignPreview:
        await self.staff(member_id)
        campaign = await self.campaign(campaign_id)
        sample = campaign.render()
        now = self.clock.now()
        count = await self.recipients.count(campaign.audience, sample.kind, now)
        ids = await self.recipients.sample(campaign.audience, sample.kind, now, SAMPLE_IDS)
        await self.uow.commit()
        return CampaignPreview(campaign, count, sample, ids)


class SendCampaign(CampaignDesk):
    """Enrolls the audience and queues the first batch; answers at once (202)."""

    async def __call__(self, *, member_id: int, campaign_id: int) -> CampaignView:
        staff = await self.staff(member_id)
        campaign = await self.campaign(campaign_id, lock=True)
        now = self.clock.now()
        campaign.start(staff.id, now)
        kind = campaign.render().kind
        refusal = audience_refusal(await self.recipients.count(campaign.audience, kind, now))
        if refusal is not None:
            raise InvalidInput.single("audience", refusal)
        campaign.recipients = await self.recipients.enroll(campaign.id, campaign.audience, kind, now)
        await self.campaigns.save(campaign)
        self.uow.enqueue(batch_job(campaign.id, 0))
        self.audited("sent", campaign, staff, recipients=campaign.recipients)
        await self.uow.commit()
        return CampaignView(campaign, CampaignResults(campaign.recipients, 0, 0))


class CancelCampaign(CampaignDesk):
    async def __call__(self, *, member_id: int, campaign_id: int) -> CampaignView:
        staff = await self.staff(member_id)
        campaign = await self.campaign(campaign_id, lock=True)  # waits for a batch in flight
        now = self.clock.now()
        campaign.cancel(now)
        dropped = await self.recipients.drop_pending(campaign.id, now)
        await self.campaigns.save(campaign)
        self.audited("cancelled", campaign, staff, sent=campaign.sent, dropped=dropped)
        results = await self.recipients.results(campaign.id)
        await self.uow.commit()
        return CampaignView(campaign, results)


class SendCampaignBatch(UseCase):
    """Job. Returns how many recipients this batch reached (0: nothing left, or not sending)."""

    campaigns: CampaignRepository
    recipients: CampaignAudience
    notifications: NotificationRepository
    quiet: QuietHours
    clock: Clock

    async def __call__(self, *, campaign_id: int, batch_size: int = BATCH_SIZE) -> int:
        campaign = await self.campaigns.lock(campaign_id)
        if campaign is None or campaign.status is not CampaignStatus.SENDING:
            await self.uow.commit()
            return 0
        now = self.clock.now()
        members = await self.recipients.claim(campaign.id, batch_size)
        if not members:
            campaign.finish(now)
            await self.campaigns.save(campaign)
            await self.uow.commit()
            return 0
        message = campaign.render()
        due = self.quiet.push_at(now, urgent=message.urgent)
        data = {"type": message.kind.value, "route": message.route, "campaign_id": str(campaign.id)}
        stored = await self.notifications.add_many(
            [
                Notification(
                    0,
                    f"campaign:{campaign.id}:{m}",
                    m,
                    message.kind.value,
                    message.template,
                    message.title,
                    message.body,
                    data,
                    created_at=now,
                    push_due_at=due,
                )
                for m in members
            ]
        )
        await self.recipients.mark(campaign.id, members, "sent", now)
        campaign.delivered(stored, now)
        await self.campaigns.save(campaign)
        self.uow.enqueue(batch_job(campaign.id, campaign.sent))
        self.uow.enqueue(push_due_job(f"campaign:{campaign.id}:push-after:{campaign.sent}"))
        await self.uow.commit()
        return len(members)


class ResumeCampaigns(UseCase):
    """Sweep (every five minutes): a batch for every campaign still sending, should its chain have been lost."""

    campaigns: CampaignRepository

    async def __call__(self) -> int:
        ids = await self.campaigns.sending(1000)
        for campaign_id in ids:
            campaign = await self.campaigns.get(campaign_id)
            if campaign is not None:
                self.uow.enqueue(batch_job(campaign.id, campaign.sent))
        await self.uow.commit()
        return len(ids)
