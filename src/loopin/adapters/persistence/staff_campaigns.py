"""Staff campaigns and their audience over PostgreSQL: the audience is one query over members (with EXISTS for
events and tickets), enrolled with one ``INSERT … SELECT``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Select, and_, cast, exists, func, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY, array, insert

from loopin.adapters.persistence.attendance import LIVE
from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.orm import (
    CampaignRecipientRow,
    CampaignRow,
    EventRow,
    JoinRequestRow,
    MemberRow,
    NotificationPreferenceRow,
    TicketRow,
)
from loopin.adapters.persistence.rows import RowRepository
from loopin.domain.identity.member import MemberStatus
from loopin.domain.notifications.campaign import Audience, Campaign, CampaignStatus
from loopin.domain.notifications.templates import NotificationKind
from loopin.usecases.staff.ports import CampaignAudience, CampaignRepository, CampaignResults


def audience_json(a: Audience) -> dict[str, Any]:
    return {
        "city": a.city,
        "interest_ids": list(a.interest_ids),
        "hosts": a.hosts,
        "attended_event_id": a.attended_event_id,
        "inactive_days": a.inactive_days,
    }


def audience_from_json(raw: dict[str, Any]) -> Audience:
    return Audience(
        raw.get("city"),
        tuple(raw.get("interest_ids") or ()),
        bool(raw.get("hosts")),
        raw.get("attended_event_id"),
        raw.get("inactive_days"),
    )


def campaign_from_row(r: CampaignRow) -> Campaign:
    return Campaign(
        r.id,
        r.name,
        r.template,
        dict(r.values),
        audience_from_json(dict(r.audience)),
        r.created_by,
        CampaignStatus(r.status),
        r.recipients,
        r.sent,
        r.created_at,
        r.started_at,
        r.finished_at,
        r.cancelled_at,
        r.sent_by,
        r.updated_at,
    )


def _columns(c: Campaign) -> dict[str, Any]:
    return {
        "name": c.name,
        "template": c.template,
        "values": dict(c.values),
        "audience": audience_json(c.audience),
        "created_by": c.created_by,
        "status": c.status.value,
        "recipients": c.recipients,
        "sent": c.sent,
        "created_at": c.created_at,
        "started_at": c.started_at,
        "finished_at": c.finished_at,
        "cancelled_at": c.cancelled_at,
        "sent_by": c.sent_by,
        "updated_at": c.updated_at,
    }


class SqlCampaignRepository(RowRepository[Campaign, CampaignRow], CampaignRepository):
    """Written with statements of its own (``add``, ``save``)."""

    def _entity(self, row: CampaignRow) -> Campaign:
        return campaign_from_row(row)

    async def add(self, campaign: Campaign) -> Campaign:
        campaign.id = int(
            await self._session.scalar(insert(CampaignRow).values(**_columns(campaign)).returning(CampaignRow.id))
            or 0
        )
        return campaign

    async def get(self, campaign_id: int) -> Campaign | None:
        return await self._fresh(campaign_id)

    async def lock(self, campaign_id: int) -> Campaign | None:
        return await self._fresh(campaign_id, lock=True)

    async def save(self, campaign: Campaign) -> None:
        await self._session.execute(
            update(CampaignRow).where(CampaignRow.id == campaign.id).values(**_columns(campaign))
        )

    async def recent(self, before_id: int | None, limit: int) -> list[Campaign]:
        statement = select(CampaignRow).order_by(CampaignRow.id.desc()).limit(limit)
        if before_id is not None:
            statement = statement.where(CampaignRow.id < before_id)
        return await self._many(statement)

    async def sending(self, limit: int) -> list[int]:
        ids = await self._session.scalars(
            select(CampaignRow.id).where(CampaignRow.status == CampaignStatus.SENDING.value).limit(limit)
        )
        return list(ids)


def audience_query(a: Audience, kind: NotificationKind, now: datetime) -> Select[int]:
    member = MemberRow.id
    statement = select(member).where(
        MemberRow.status == MemberStatus.ACTIVE.value,
        ~exists().where(
            NotificationPreferenceRow.member_id == member,
            literal(kind.value) == func.any(NotificationPreferenceRow.muted),
        ),
    )
    if a.city:
        statement = statement.where(func.lower(func.btrim(MemberRow.location)) == a.city.lower())
    if a.interest_ids:
        wanted = cast(array(list(a.interest_ids)), ARRAY(BigInteger))
        statement = statement.where(MemberRow.interest_ids.overlap(wanted))
    if a.hosts:
        statement = statement.where(exists().where(EventRow.host_id == member, EventRow.deleted_at.is_(None)))
    if a.attended_event_id is not None:
        statement = statement.where(
            exists().where(TicketRow.event_id == a.attended_event_id, TicketRow.member_id == member, LIVE)
        )
    if a.inactive_days is not None:
        since = now - timedelta(days=a.inactive_days)
        statement = statement.where(
            MemberRow.created_at <= since,
            ~exists().where(JoinRequestRow.requester_id == member, JoinRequestRow.created_at > since),
            ~exists().where(TicketRow.member_id == member, TicketRow.created_at > since),
            ~exists().where(EventRow.host_id == member, EventRow.created_at > since),
        )
    return statement


class SqlCampaignAudience(SqlAdapter, CampaignAudience):
    async def count(self, audience: Audience, kind: NotificationKind, now: datetime) -> int:
        query = audience_query(audience, kind, now).subquery()
        return int(await self._session.scalar(select(func.count()).select_from(query)) or 0)

    async def sample(self, audience: Audience, kind: NotificationKind, now: datetime, limit: int) -> list[int]:
        rows = await self._session.scalars(audience_query(audience, kind, now).order_by(MemberRow.id).limit(limit))
        return list(rows)

    async def enroll(self, campaign_id: int, audience: Audience, kind: NotificationKind, now: datetime) -> int:
        members = audience_query(audience, kind, now).add_columns(
            literal(campaign_id).label("campaign_id"), literal("pending").label("status"), literal(now).label("at")
        )
        result = await self._session.execute(
            insert(CampaignRecipientRow)
            .from_select(["member_id", "campaign_id", "status", "updated_at"], members)
            .on_conflict_do_nothing()
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def claim(self, campaign_id: int, limit: int) -> list[int]:
        rows = await self._session.scalars(
            select(CampaignRecipientRow.member_id)
            .where(CampaignRecipientRow.campaign_id == campaign_id, CampaignRecipientRow.status == "pending")
            .order_by(CampaignRecipientRow.member_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(rows)

    async def mark(self, campaign_id: int, member_ids: Sequence[int], status: str, at: datetime) -> None:
        await self._session.execute(
            update(CampaignRecipientRow)
            .where(
                and_(
                    CampaignRecipientRow.campaign_id == campaign_id, CampaignRecipientRow.member_id.in_(member_ids)
                )
            )
            .values(status=status, updated_at=at)
        )

    async def drop_pending(self, campaign_id: int, at: datetime) -> int:
        result = await self._session.execute(
            update(CampaignRecipientRow)
            .where(CampaignRecipientRow.campaign_id == campaign_id, CampaignRecipientRow.status == "pending")
            .values(status="cancelled", updated_at=at)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def results(self, campaign_id: int) -> CampaignResults:
        rows = await self._session.execute(
            select(CampaignRecipientRow.status, func.count())
            .where(CampaignRecipientRow.campaign_id == campaign_id)
            .group_by(CampaignRecipientRow.status)
        )
        counts = {status: int(n) for status, n in rows}
        return CampaignResults(counts.get("pending", 0), counts.get("sent", 0), counts.get("cancelled", 0))
