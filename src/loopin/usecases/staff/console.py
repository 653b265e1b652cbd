"""What the staff console shows: the dashboard's figures and the member directory.

Staff only (``Access.STAFF``, checked on every call by ``StaffDesk``). Looking at a member's personal data is
audited, like the host leads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from loopin.domain.audit.entry import AuditEntry
from loopin.domain.identity.member import Member, MemberStatus
from loopin.domain.payouts.payout import PayoutStatus
from loopin.usecases.audit.ports import AuditLog, AuditQuery
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.moderation import MemberNotFound
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.payouts.ports import PayoutRepository
from loopin.usecases.staff.desk import StaffDesk, TextSearch
from loopin.usecases.staff.ports import (
    MEMBER_SORTS,
    EventDirectory,
    MemberDirectory,
    MemberLine,
    OrderDirectory,
    Takings,
)

RECENT_ACTIVITY = 20
MEMBER_STATUSES = tuple(s.value for s in MemberStatus if s is not MemberStatus.ERASED)


@dataclass(frozen=True, slots=True)
class Dashboard:
    day: date  # today, on the platform's clock
    members: dict[str, int]
    members_total: int
    waitlisted: int
    events_today: int
    sales_today: Takings
    sales_week: Takings  # the last 7 days, today included
    refunds_today: Takings
    refunds_week: Takings
    payouts_to_approve: int  # requested (by hosts or the weekly proposal)
    payouts_to_send: int  # approved, the transfer not recorded yet


class ReadDashboard(StaffDesk):
    members: MemberDirectory
    events: EventDirectory
    orders: OrderDirectory
    payouts: PayoutRepository
    config: IdentityConfig

    async def __call__(self, *, staff_id: int) -> Dashboard:
        await self.staff(staff_id)
        zone = self.config.timezone
        today = self.clock.now().astimezone(zone).date()
        start = datetime.combine(today, time(), zone)
        end, week = start + timedelta(days=1), start - timedelta(days=6)
        counts = await self.members.counts()
        found = Dashboard(
            day=today,
            members=counts,
            members_total=sum(n for s, n in counts.items() if s != MemberStatus.ERASED.value),
            waitlisted=counts.get(MemberStatus.WAITLISTED.value, 0),
            events_today=await self.events.count_starting(start, end),
            sales_today=await self.orders.sales(start, end),
            sales_week=await self.orders.sales(week, end),
            refunds_today=await self.orders.refunds(start, end),
            refunds_week=await self.orders.refunds(week, end),
            payouts_to_approve=(await self.payouts.by_status(PayoutStatus.REQUESTED, offset=0, limit=1)).total,
            payouts_to_send=(await self.payouts.by_status(PayoutStatus.APPROVED, offset=0, limit=1)).total,
        )
        await self.uow.commit()
        return found


class SearchMembers(StaffDesk, TextSearch[MemberLine]):
    """By a part of the name or of the phone number, and status; never erased accounts."""

    directory: MemberDirectory
    statuses = MEMBER_STATUSES
    sorts = MEMBER_SORTS


@dataclass(frozen=True, slots=True)
class MemberFile:
    member: Member
    activity: list[AuditEntry]  # the newest entries about them


class ViewMember(StaffDesk):
    """One member's profile and recent history; the look itself is recorded (``member.viewed_by_staff``)."""

    members: MemberRepository
    log: AuditLog

    async def __call__(self, *, staff_id: int, member_id: int) -> MemberFile:
        staff = await self.staff(staff_id)
        member = await self.members.get(member_id)
        if member is None:
            raise MemberNotFound()
        activity = await self.log.search(
            AuditQuery(target_type="member", target_id=member.id, limit=RECENT_ACTIVITY)
        )
        self.record("member.viewed_by_staff", staff, "member", member.id)
        await self.uow.commit()
        return MemberFile(member, activity)
