"""Staff campaigns on the in-memory adapters: audience rules, preview, send in batches once per member, cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopin.domain.identity.member import MemberStatus, Role
from loopin.domain.notifications.campaign import Audience, CampaignNotEditable, CampaignStatus
from loopin.domain.shared.errors import DomainError, InvalidInput
from loopin.usecases.attendance.requests import CreateJoinRequest
from loopin.usecases.attendance.tickets import ConfirmAttendance
from loopin.usecases.notifications.preferences import ChangeNotificationPreferences
from loopin.usecases.staff.campaigns import (
    CancelCampaign,
    ComposeCampaign,
    GetCampaign,
    ListCampaigns,
    PreviewCampaign,
    SendCampaign,
    SendCampaignBatch,
)
from tests.unit.usecases.world import World

HELLO = {"headline": "Hello Pune", "message": "Ten new events this week."}


async def compose(world: World, staff_id: int, audience: Audience | None = None, **values: object):  # type: ignore[no-untyped-def]
    return await world.run(
        ComposeCampaign,
        member_id=staff_id,
        name="Pune launch",
        template="promotion",
        values=values or HELLO,
        audience=audience or Audience(),
    )


async def test_the_audience_rules_combine_and_skip_muted_and_inactive_members(world: World) -> None:
    staff = await world.member(1, role=Role.STAFF)
    host = await world.member(2)
    pune = [await world.member(n) for n in (3, 4, 5)]
    for m in pune:
        await world.change_member(m.id, lambda x: setattr(x.profile, "location", " pune "))
    await world.change_member(pune[0].id, lambda x: setattr(x.profile, "interest_ids", (9,)))
    await world.member(6, status=MemberStatus.WAITLISTED)  # never in an audience
    await world.run(ChangeNotificationPreferences, member_id=pune[2].id, muted=["promotional"])
    event = await world.event(host, max_capacity=10)
    await world.accept(host, pune[1], event)
    await world.run(ConfirmAttendance, member_id=pune[1].id, event_id=event.id, seats=1)

    async def count(**rules: object) -> int:
        c = await compose(world, staff.id, Audience.checked(**rules))  # type: ignore[arg-type]
        preview = await world.run(PreviewCampaign, member_id=staff.id, campaign_id=c.campaign.id)
        return int(preview.count)

    assert await count() == 4  # staff, host, three in Pune (waitlisted: never), minus the one who muted promotions
    assert await count(city="PUNE") == 2
    assert await count(city="Pune", interest_ids=(9, 10)) == 1
    assert await count(hosts=True) == 1
    assert await count(attended_event_id=event.id) == 1
    world.advance(timedelta(days=40))
    assert await count(inactive_days=30) == 4  # nobody did anything for 40 days
    later = await world.event(host, max_capacity=10)  # the host is active again
    await world.run(CreateJoinRequest, member_id=pune[0].id, event_id=later.id, seats_requested=1)
    assert await count(inactive_days=30) == 2  # staff and the ticket holder


async def test_preview_renders_the_message_and_send_reaches_each_member_once(world: World) -> None:
    staff = await world.member(1, role=Role.STAFF)
    members = [await world.member(n) for n in range(2, 9)]
    draft = await compose(world, staff.id)
    preview = await world.run(PreviewCampaign, member_id=staff.id, campaign_id=draft.campaign.id)
    assert (preview.count, preview.sample.title, preview.sample.body) == (8, "Hello Pune", HELLO["message"])
    assert preview.sample_member_ids == sorted([staff.id, *(m.id for m in members)])

    sent = await world.run(SendCampaign, member_id=staff.id, campaign_id=draft.campaign.id)
    assert sent.campaign.recipients == 8
    done = await world.run(GetCampaign, member_id=staff.id, campaign_id=draft.campaign.id)  # jobs ran inline
    assert done.campaign.status is CampaignStatus.SENT
    assert (done.campaign.sent, done.results.sent, done.results.pending) == (8, 8, 0)
    for m in members:
        [note] = await world.notifications(m)
        assert (note.template, note.kind, note.title) == ("promotion", "promotional", "Hello Pune")
        assert note.data["campaign_id"] == str(draft.campaign.id)
    with pytest.raises(CampaignNotEditable):
        await world.run(SendCampaign, member_id=staff.id, campaign_id=draft.campaign.id)
    with pytest.raises(CampaignNotEditable):
        await world.run(CancelCampaign, member_id=staff.id, campaign_id=draft.campaign.id)


async def test_a_campaign_that_reaches_no_one_is_not_sent(world: World) -> None:
    staff = await world.member(1, role=Role.STAFF)
    draft = await compose(world, staff.id, Audience.checked(city="Nowhere"))
    assert (await world.run(PreviewCampaign, member_id=staff.id, campaign_id=draft.campaign.id)).count == 0
    with pytest.raises(InvalidInput, match="No member matches this audience") as refused:
        await world.run(SendCampaign, member_id=staff.id, campaign_id=draft.campaign.id)
    assert [p.field for p in refused.value.problems] == ["audience"]
    kept = await world.run(GetCampaign, member_id=staff.id, campaign_id=draft.campaign.id)
    assert (kept.campaign.status, kept.campaign.recipients) == (CampaignStatus.DRAFT, 0)  # still a draft to edit


async def test_cancel_stops_the_remaining_batches(recorded_world: World) -> None:
    world = recorded_world
    staff = await world.member(1, role=Role.STAFF)
    for n in range(2, 12):
        await world.member(n)
    draft = await compose(world, staff.id)
    await world.run(SendCampaign, member_id=staff.id, campaign_id=draft.campaign.id)
    assert await world.run(SendCampaignBatch, campaign_id=draft.campaign.id, batch_size=4) == 4
    cancelled = await world.run(CancelCampaign, member_id=staff.id, campaign_id=draft.campaign.id)
    assert (cancelled.results.sent, cancelled.results.cancelled, cancelled.results.pending) == (4, 7, 0)
    assert await world.run(SendCampaignBatch, campaign_id=draft.campaign.id, batch_size=4) == 0
    reached = [m for m in range(1, 12) if await world.notifications(await world.stored_member(m))]
    assert len(reached) == 4


async def test_only_staff_compose_and_bad_drafts_are_refused(world: World) -> None:
    staff = await world.member(1, role=Role.STAFF)
    member = await world.member(2)
    with pytest.raises(DomainError):
        await compose(world, member.id)
    for template, values in (
        ("request_declined", {"event_name": "x"}),  # not a campaign template
        ("promotion", {"headline": "x"}),  # a variable missing
        ("promotion", {"headline": "x", "message": "y", "extra": "z"}),
        ("promotion", {"headline": " ", "message": "y"}),
        ("promotion", {"headline": "x", "message": "y\x00"}),
    ):
        with pytest.raises(InvalidInput):
            await world.run(
                ComposeCampaign,
                member_id=staff.id,
                name="n",
                template=template,
                values=values,
                audience=Audience(),
            )
    for rules in ({"city": " "}, {"inactive_days": 0}, {"interest_ids": (0,)}, {"attended_event_id": 2**63}):
        with pytest.raises(InvalidInput):
            Audience.checked(**rules)  # type: ignore[arg-type]


async def test_campaigns_page_back_newest_first_with_the_next_cursor(world: World) -> None:
    """The list reads one campaign more than the page to know whether older ones follow, as the inbox and the
    audit log do (``older_than``): a full last page has no cursor, and a page size at the largest allowed works."""
    staff = await world.member(1, role=Role.STAFF)
    made = [(await compose(world, staff.id)).campaign.id for _ in range(5)]
    first = await world.run(ListCampaigns, member_id=staff.id, limit=2)
    assert [c.id for c in first.campaigns] == made[::-1][:2]
    assert first.next_before_id == made[::-1][1]
    second = await world.run(ListCampaigns, member_id=staff.id, before_id=first.next_before_id, limit=3)
    assert [c.id for c in second.campaigns] == made[::-1][2:]
    assert second.next_before_id is None
    everything = await world.run(ListCampaigns, member_id=staff.id, limit=100)
    assert ([c.id for c in everything.campaigns], everything.next_before_id) == (made[::-1], None)
