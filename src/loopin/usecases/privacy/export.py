"""A member's copy of their data (DPDP Act s.11: a summary of the personal data processed, the processing
done, and who else received it). Everything is read in one transaction, so the copy is consistent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from loopin.domain.identity.member import Access
from loopin.domain.shared.errors import RateLimited
from loopin.usecases.attendance.ports import AttendanceReader
from loopin.usecases.audit.ports import AuditLog, AuditQuery
from loopin.usecases.events.ports import HostLeadRepository
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.identity.jobs import audited_member
from loopin.usecases.identity.ports import InterestRepository
from loopin.usecases.notifications.ports import NotificationRepository
from loopin.usecases.platform.ports import FileStorage, RateLimit, RateLimiter
from loopin.usecases.privacy.ports import HostedEvent, PersonalData
from loopin.usecases.shared.ports import Clock, JobQueue, UnitOfWork

EXPORTS_PER_HOUR = RateLimit("data-export-hour", 5, 3600)
ACTIVITY_LIMIT = 1000
INBOX_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class Processor:
    """Someone else who receives some of the member's data to do part of the service (s.11(1)(b))."""

    name: str
    purpose: str
    data: str


PROCESSORS = (
    Processor("Twilio", "sends the sign-in codes by SMS", "your phone number and the code"),
    Processor("OneSignal", "delivers push notifications", "your device's push id and the notification text"),
    Processor(
        "PostHog", "product analytics", "a pseudonymous id and facts about app use; never your name or phone"
    ),
    Processor("PayU", "takes payments for paid events", "what the payment needs: amount, and the buyer details"),
)


@dataclass(frozen=True, slots=True)
class ProfileData:
    id: int
    phone_number: str
    name: str
    birth_date: date | None
    gender: str | None
    bio: str
    location: str
    interests: list[str]
    pictures: list[str]
    status: str
    role: str
    joined_at: datetime | None
    waitlisted_at: datetime | None
    promote_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class DeviceData:
    platform: str
    push_id: str
    active: bool
    registered_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class RequestData:
    event_id: int
    event_title: str
    status: str
    seats: int
    message: str
    host_message: str
    sent_at: datetime | None
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class InvitationData:
    event_id: int
    event_title: str
    host_name: str
    status: str
    message: str
    expires_at: datetime
    invited_at: datetime | None
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class TicketData:
    event_id: int
    event_title: str
    event_start: datetime
    seats: int
    status: str
    payment_status: str
    payment_order_id: str | None
    issued_at: datetime | None
    checked_in_at: datetime | None
    cancelled_at: datetime | None


@dataclass(frozen=True, slots=True)
class NotificationData:
    kind: str
    title: str
    body: str
    created_at: datetime | None
    read_at: datetime | None


@dataclass(frozen=True, slots=True)
class HostLeadData:
    first_name: str
    last_name: str
    message: str
    submitted_at: datetime | None


@dataclass(frozen=True, slots=True)
class ActivityData:
    """An entry of the audit log the member made: what the service recorded doing on their behalf."""

    action: str
    target_type: str
    target_id: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class MemberExport:
    generated_at: datetime
    profile: ProfileData
    devices: list[DeviceData]
    hosted_events: list[HostedEvent]
    requests: list[RequestData]
    invitations: list[InvitationData]
    tickets: list[TicketData]
    notifications: list[NotificationData]
    host_lead: HostLeadData | None
    activity: list[ActivityData]  # the most recent ACTIVITY_LIMIT entries
    shared_with: list[Processor]


@dataclass(frozen=True, slots=True)
class ExportMyData:
    access: MemberAccess
    interests: InterestRepository
    personal: PersonalData
    attendance: AttendanceReader
    notifications: NotificationRepository
    leads: HostLeadRepository
    audit: AuditLog
    storage: FileStorage
    limiter: RateLimiter
    jobs: JobQueue
    uow: UnitOfWork
    clock: Clock

    async def __call__(self, *, member_id: int) -> MemberExport:
        member = await self.access.load(member_id, Access.SELF)
        now = self.clock.now()
        wait = await self.limiter.acquire([(EXPORTS_PER_HOUR, str(member.id))], now=now)
        if wait:
            raise RateLimited(wait, "You asked for your data several times already. Please try again later.")
        p = member.profile
        chosen = await self.interests.get_many(p.interest_ids) if p.interest_ids else []
        profile = ProfileData(
            member.id,
            member.phone.e164,
            p.name,
            p.birth_date,
            p.gender.value if p.gender else None,
            p.bio,
            p.location,
            [i.name for i in chosen],
            [self.storage.url_for(k) for k in p.picture_keys],
            member.status.value,
            member.role.value,
            member.joined_at,
            member.waitlisted_at,
            member.promote_at,
            member.updated_at,
        )
        lead = await self.leads.find_by_phone(member.phone)
        activity = await self.audit.search(AuditQuery(actor_id=member.id, limit=ACTIVITY_LIMIT))
        export = MemberExport(
            generated_at=now,
            profile=profile,
            devices=[
                DeviceData(d.platform.value, d.player_id, d.is_active, d.registered_at, d.updated_at)
                for d in await self.personal.devices(member.id)
            ],
            hosted_events=await self.personal.hosted_events(member.id),
            requests=[
                RequestData(
                    c.request.event_id,
                    c.event_title,
                    c.request.status_at(now).value,
                    c.request.seats_requested,
                    c.request.message,
                    c.request.host_message,
                    c.request.created_at,
                    c.request.decided_at,
                )
                for c in await self.attendance.member_requests(member.id)
            ],
            invitations=[
                InvitationData(
                    c.invitation.event_id,
                    c.event.title,
                    c.host_name,
                    c.invitation.status_at(now).value,
                    c.invitation.message,
                    c.invitation.expires_at,
                    c.invitation.created_at,
                    c.invitation.answered_at,
                )
                for c in await self.attendance.member_invitations(member.id)
            ],
            tickets=[
                TicketData(
                    c.event.id,
                    c.event.title,
                    c.event.start_time,
                    c.ticket.seats,
                    c.ticket.status.value,
                    c.ticket.payment_status.value,
                    c.ticket.payment_order_id,
                    c.ticket.issued_at,
                    c.ticket.checked_in_at,
                    c.ticket.cancelled_at,
                )
                for c in await self.attendance.member_tickets(member.id)
            ],
            notifications=[
                NotificationData(n.kind, n.title, n.body, n.created_at, n.read_at)
                for n in await self.notifications.for_member(member.id, INBOX_LIMIT)
            ],
            host_lead=HostLeadData(lead.first_name, lead.last_name, lead.message, lead.created_at)
            if lead
            else None,
            activity=[ActivityData(e.action, e.target_type, e.target_id, e.at) for e in activity],
            shared_with=list(PROCESSORS),
        )
        self.jobs.enqueue(audited_member("data_exported", member.id, actor_id=member.id, at=now))
        await self.uow.commit()
        return export
