"""Ports of the staff context: campaigns (their audience reads across identity, events and attendance, so they
live here, above all of them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from loopin.domain.notifications.campaign import Audience, Campaign
from loopin.domain.notifications.templates import NotificationKind


class CampaignRepository(Protocol):
    async def add(self, campaign: Campaign) -> Campaign: ...

    async def get(self, campaign_id: int) -> Campaign | None: ...

    async def lock(self, campaign_id: int) -> Campaign | None:
        """Locks the row until the transaction ends: a campaign's batches run one at a time."""
        ...

    async def save(self, campaign: Campaign) -> None: ...

    async def recent(self, before_id: int | None, limit: int) -> list[Campaign]:
        """Newest first."""
        ...

    async def sending(self, limit: int) -> list[int]:
        """Ids of campaigns still sending (the resume sweep)."""
        ...


@dataclass(frozen=True, slots=True)
class CampaignResults:
    pending: int
    sent: int
    cancelled: int


class CampaignAudience(Protocol):
    """Members an audience names: active, not muting ``kind``."""

    async def count(self, audience: Audience, kind: NotificationKind, now: datetime) -> int: ...

    async def sample(self, audience: Audience, kind: NotificationKind, now: datetime, limit: int) -> list[int]:
        """Member ids, lowest first."""
        ...

    async def enroll(self, campaign_id: int, audience: Audience, kind: NotificationKind, now: datetime) -> int:
        """Writes one pending recipient row per member of the audience, in one statement; (campaign, member) is
        unique, so enrolling again adds nobody. Answers how many rows it added."""
        ...

    async def claim(self, campaign_id: int, limit: int) -> list[int]:
        """Pending recipients (member ids, lowest first), locked, skipping locked ones."""
        ...

    async def mark(self, campaign_id: int, member_ids: Sequence[int], status: str, at: datetime) -> None:
        """``sent`` or ``cancelled``."""
        ...

    async def drop_pending(self, campaign_id: int, at: datetime) -> int:
        """Marks every recipient still pending ``cancelled``."""
        ...

    async def results(self, campaign_id: int) -> CampaignResults: ...
