"""What the staff console shows: the dashboard's figures and the member directory.

Staff only (``Access.STAFF``, checked on every call, so a member whose staff role or account is switched off
loses the console at their next click). Looking at a member's personal data is audited, like the host leads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from loopin.domain.audit.entry import AuditEntry
from loopin.domain.identity.member import Access, Member, MemberStatus
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.audit.ports import AuditLog, AuditQuery
from loopin.usecases.audit.record import audit_entry
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.moderation import MemberNotFound
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.shared.ports import Clock, JobQueue, UnitOfWork
from loopin.usecases.staff.ports import (
    MAX_PAGE,
    MEMBER_SORTS,
    EventDirectory,
    MemberDirectory,
    MemberLine,
    OrderDirectory,
    Page,
    PageRequest,
    Takings,
)

RECENT_ACTIVITY = 20


def checked_page(page: PageRequest, sorts: tuple[str, ...]) -> PageRequest:
    """The page as asked, or a 422 naming what is wrong; an unknown sort key falls back to the first one."""
    if not 1 <= page.limit <= MAX_PAGE:
        raise InvalidInput.single("limit", f"The page size is between 1 and {MAX_PAGE}")
    if not 0 <= page.offset <= 1_000_000:
        raise InvalidInput.single("offset", "The offset is between 0 and 1000000")
    sort = page.sort if page.sort in sorts else sorts[0]
    return PageRequest(page.offset, page.limit, sort, page.descending)


def checked_text(text: str, field: str = "q", limit: int = 100) -> str:
    cleaned = " ".join(text.split())
    if len(cleaned) > limit:
        raise InvalidInput.single(field, f"Search for at most {limit} characters")
    return cleaned


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


@dataclass(frozen=True, slots=True)
class ReadDashboard:
    access: MemberAccess
    members: MemberDirectory
    events: EventDirectory
    orders: OrderDirectory
    uow: UnitOfWork
    clock: Clock
    config: IdentityConfig

    async def __call__(self, *, staff_id: int) -> Dashboard:
        await self.access.load(staff_id, Access.STAFF)
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
        )
        await self.uow.commit()
        return found


MEMBER_STATUSES = tuple(s.value for s in MemberStatus if s is not MemberStatus.ERASED)


@dataclass(frozen=True, slots=True)
class SearchMembers:
    access: MemberAccess
    members: MemberDirectory
    uow: UnitOfWork

    async def __call__(
        self, *, staff_id: int, text: str = "", status: str | None = None, page: PageRequest
    ) -> Page[MemberLine]:
        await self.access.load(staff_id, Access.STAFF)
        if status is not None and status not in MEMBER_STATUSES:
            raise InvalidInput.single("status", f"The status is one of {', '.join(MEMBER_STATUSES)}")
        found = await self.members.search(
            text=checked_text(text), status=status, page=checked_page(page, MEMBER_SORTS)
        )
        await self.uow.commit()
        return found


@dataclass(frozen=True, slots=True)
class MemberFile:
    member: Member
    activity: list[AuditEntry]  # the newest entries about them


@dataclass(frozen=True, slots=True)
class ViewMember:
    """One member's profile and recent history; the look itself is recorded (``member.viewed_by_staff``)."""

    access: MemberAccess
    members: MemberRepository
    log: AuditLog
    jobs: JobQueue
    uow: UnitOfWork
    clock: Clock

    async def __call__(self, *, staff_id: int, member_id: int) -> MemberFile:
        staff = await self.access.load(staff_id, Access.STAFF)
        member = await self.members.get(member_id)
        if member is None:
            raise MemberNotFound()
        activity = await self.log.search(
            AuditQuery(target_type="member", target_id=member.id, limit=RECENT_ACTIVITY)
        )
        self.jobs.enqueue(
            audit_entry(
                "member.viewed_by_staff",
                actor_id=staff.id,
                target_type="member",
                target_id=member.id,
                at=self.clock.now(),
            )
        )
        await self.uow.commit()
        return MemberFile(member, activity)
