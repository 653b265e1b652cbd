"""What a console page offers follows the domain's own rule, never a list of statuses typed into a template: a
new status (or a changed rule) would otherwise leave a button that the use case refuses, or hide one it allows."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from loopin.domain.events.event import LISTED_STATUSES, EventStatus
from loopin.domain.notifications.campaign import Audience, Campaign, CampaignNotEditable, CampaignStatus
from loopin.domain.payouts.payout import IN_FLIGHT, PayoutStatus
from loopin.usecases.payouts.views import PayoutView
from tests.unit.entrypoints.console_templates import template_matches

NOW = datetime(2026, 12, 7, tzinfo=UTC)


def test_no_template_compares_a_status_with_values_of_its_own() -> None:
    typed = re.compile(r"status(\.value)?\s*(not\s+)?in\s*[(\[]")
    found = template_matches(typed)
    assert found == []


@pytest.mark.parametrize("status", list(CampaignStatus))
def test_a_campaign_can_be_cancelled_exactly_while_it_is_open(status: CampaignStatus) -> None:
    campaign = Campaign(0, "Winter", "announcement", {}, Audience.checked(), created_by=1, status=status)
    if status.is_open:
        campaign.cancel(NOW)
        assert campaign.status is CampaignStatus.CANCELLED
    else:
        with pytest.raises(CampaignNotEditable):
            campaign.cancel(NOW)


def test_the_page_s_payout_is_in_flight_as_the_domain_says() -> None:
    assert {s for s in PayoutStatus if _view(s).in_flight} == IN_FLIGHT


def test_listed_events_are_the_listed_statuses() -> None:
    assert {s for s in EventStatus if s.is_listed} == LISTED_STATUSES


def _view(status: PayoutStatus) -> PayoutView:
    return PayoutView(1, 1, Decimal(1), status.value, "host", None, (), "manual", None, "", *[None] * 6)
