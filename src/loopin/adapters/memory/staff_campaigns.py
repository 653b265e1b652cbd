"""In-memory campaigns and their audience: the same rules as the SQL adapter, over the store's tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from loopin.adapters.memory.attendance import REQUESTS, TICKETS
from loopin.adapters.memory.events import EVENTS
from loopin.adapters.memory.identity import MEMBERS
from loopin.adapters.memory.notifications import CAMPAIGN_RECIPIENTS, CAMPAIGNS, PREFERENCES
from loopin.adapters.memory.store import MemoryAdapter, MemoryRows
from loopin.domain.attendance.request import JoinRequest
from loopin.domain.attendance.ticket import Ticket
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Member, MemberStatus
from loopin.domain.notifications.campaign import Audience, Campaign, CampaignStatus
from loopin.domain.notifications.preferences import Preferences
from loopin.domain.notifications.templates import NotificationKind
from loopin.usecases.staff.ports import CampaignAudience, CampaignRepository, CampaignResults


class MemoryCampaignRepository(MemoryRows[Campaign], CampaignRepository):
    table = CAMPAIGNS

    async def lock(self, campaign_id: int) -> Campaign | None:
        return await self._locked(campaign_id)

    async def recent(self, before_id: int | None, limit: int) -> list[Campaign]:
        found = [c for c in self._tx.rows(CAMPAIGNS) if before_id is None or c.id < before_id]
        return sorted(found, key=lambda c: c.id, reverse=True)[:limit]

    async def sending(self, limit: int) -> list[int]:
        return sorted(c.id for c in self._tx.rows(CAMPAIGNS) if c.status is CampaignStatus.SENDING)[:limit]


class MemoryCampaignAudience(MemoryAdapter, CampaignAudience):
    def _members(self, a: Audience, kind: NotificationKind, now: datetime) -> list[int]:
        events: list[Event] = list(self._tx.rows(EVENTS))
        tickets: list[Ticket] = list(self._tx.rows(TICKETS))
        requests: list[JoinRequest] = list(self._tx.rows(REQUESTS))
        muting = {
            p.member_id for p in self._tx.rows(PREFERENCES) if isinstance(p, Preferences) and kind in p.muted
        }
        hosts = {e.host_id for e in events if e.deleted_at is None}
        holders = {t.member_id for t in tickets if t.event_id == a.attended_event_id and t.is_live}
        since = now - timedelta(days=a.inactive_days or 0)
        recent = (
            {r.requester_id for r in requests if r.created_at and r.created_at > since}
            | {t.member_id for t in tickets if t.created_at and t.created_at > since}
            | {e.host_id for e in events if e.created_at and e.created_at > since}
        )
        chosen = []
        for row in self._tx.rows(MEMBERS):
            m: Member = row
            if m.status is not MemberStatus.ACTIVE or m.id in muting:
                continue
            if a.city and m.profile.location.strip().lower() != a.city.lower():
                continue
            if a.interest_ids and not set(a.interest_ids) & set(m.profile.interest_ids):
                continue
            if a.hosts and m.id not in hosts:
                continue
            if a.attended_event_id is not None and m.id not in holders:
                continue
            if a.inactive_days is not None and (m.joined_at is None or m.joined_at > since or m.id in recent):
                continue
            chosen.append(m.id)
        return sorted(chosen)

    async def count(self, audience: Audience, kind: NotificationKind, now: datetime) -> int:
        return len(self._members(audience, kind, now))

    async def sample(self, audience: Audience, kind: NotificationKind, now: datetime, limit: int) -> list[int]:
        return self._members(audience, kind, now)[:limit]

    async def enroll(self, campaign_id: int, audience: Audience, kind: NotificationKind, now: datetime) -> int:
        added = 0
        for member_id in self._members(audience, kind, now):
            await self._tx.lock(CAMPAIGN_RECIPIENTS, (campaign_id, member_id))
            if self._tx.read(CAMPAIGN_RECIPIENTS, (campaign_id, member_id)) is None:
                self._tx.write(CAMPAIGN_RECIPIENTS, (campaign_id, member_id), (campaign_id, member_id, "pending"))
                added += 1
        return added

    async def claim(self, campaign_id: int, limit: int) -> list[int]:
        pending = sorted(
            r[1] for r in self._tx.rows(CAMPAIGN_RECIPIENTS) if r[0] == campaign_id and r[2] == "pending"
        )
        claimed: list[int] = []
        for member_id in pending:
            if len(claimed) == limit:
                break
            if await self._tx.try_lock(CAMPAIGN_RECIPIENTS, (campaign_id, member_id)):
                current = self._tx.read(CAMPAIGN_RECIPIENTS, (campaign_id, member_id))
                if current is not None and current[2] == "pending":
                    claimed.append(member_id)
        return claimed

    async def mark(self, campaign_id: int, member_ids: Sequence[int], status: str, at: datetime) -> None:
        for member_id in member_ids:
            self._tx.write(CAMPAIGN_RECIPIENTS, (campaign_id, member_id), (campaign_id, member_id, status))

    async def drop_pending(self, campaign_id: int, at: datetime) -> int:
        pending = [r[1] for r in self._tx.rows(CAMPAIGN_RECIPIENTS) if r[0] == campaign_id and r[2] == "pending"]
        await self.mark(campaign_id, pending, "cancelled", at)
        return len(pending)

    async def results(self, campaign_id: int) -> CampaignResults:
        statuses = [r[2] for r in self._tx.rows(CAMPAIGN_RECIPIENTS) if r[0] == campaign_id]
        return CampaignResults(statuses.count("pending"), statuses.count("sent"), statuses.count("cancelled"))
