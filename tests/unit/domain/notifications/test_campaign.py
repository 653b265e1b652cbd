"""A campaign's lifecycle: draft → sending → sent, or cancelled from either; sent and cancelled are final."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from loopin.domain.notifications.campaign import Audience, Campaign, CampaignNotEditable, CampaignStatus

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)


def campaign(status: CampaignStatus) -> Campaign:
    return Campaign(1, "Welcome", "welcome", {}, Audience(), created_by=7, status=status)


def test_only_a_draft_is_sent_and_only_a_sending_one_finishes() -> None:
    c = campaign(CampaignStatus.DRAFT)
    c.finish(NOW)
    assert c.status is CampaignStatus.DRAFT
    c.start(9, NOW)
    assert (c.status, c.sent_by) == (CampaignStatus.SENDING, 9)
    with pytest.raises(CampaignNotEditable, match=r"^This campaign is sending; only a draft can be sent\.$"):
        c.start(9, NOW)
    c.finish(NOW)
    assert (c.status, c.finished_at) == (CampaignStatus.SENT, NOW)


@pytest.mark.parametrize("status", list(CampaignStatus))
def test_open_campaigns_are_cancelled_and_final_ones_refuse(status: CampaignStatus) -> None:
    c = campaign(status)
    if status in (CampaignStatus.DRAFT, CampaignStatus.SENDING):
        assert status.is_open
        c.cancel(NOW)
        assert (c.status, c.cancelled_at) == (CampaignStatus.CANCELLED, NOW)
    else:
        assert not status.is_open
        with pytest.raises(CampaignNotEditable, match=f"^This campaign is already {status.value}\\.$"):
            c.cancel(NOW)
