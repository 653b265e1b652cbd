"""A member's copy of their data (DPDP Act s.11: a summary of the personal data processed, the processing
done, and who else received it). Everything is read in one transaction, so the copy is consistent."""

from __future__ import annotations

from loopin.domain.identity.member import Access
from loopin.domain.shared.errors import RateLimited
from loopin.usecases.attendance.ports import AttendanceReader
from loopin.usecases.audit.ports import AuditLog, AuditQuery
from loopin.usecases.events.ports import HostLeadRepository
from loopin.usecases.identity.jobs import audited_member
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.identity.ports import InterestRepository
from loopin.usecases.notifications.ports import NotificationRepository, PreferenceRepository
from loopin.usecases.payments.ports import OrderRecord, PaymentOrderRepository
from loopin.usecases.payouts.ports import PayoutRepository
from loopin.usecases.platform.ports import FileStorage, RateLimit, RateLimiter
from loopin.usecases.privacy.ports import PersonalData
from loopin.usecases.privacy.views import (
    ActivityData,
    BankAccountData,
    DeviceData,
    HostLeadData,
    InvitationData,
    MemberExport,
    NotificationData,
    NotificationSettingsData,
    PaymentOrderData,
    PayoutData,
    Processor,
    ProfileData,
    RefundData,
    RequestData,
    TicketData,
    WaitlistPlaceData,
)
from loopin.usecases.shared.attributes import from_attributes
from loopin.usecases.shared.ports import Clock

EXPORTS_PER_HOUR = RateLimit("data-export-hour", 5, 3600)
ACTIVITY_LIMIT = 1000
INBOX_LIMIT = 10_000
PAYOUT_LIMIT = 10_000
PROCESSORS = (
    Processor("Twilio", "sends the sign-in codes by SMS", "your phone number and the code"),
    Processor("OneSignal", "delivers push notifications", "your device's push id and the notification text"),
    Processor(
        "PostHog", "product analytics", "a pseudonymous id and facts about app use; never your name or phone"
    ),
    Processor("PayU", "takes payments for paid events", "what the payment needs: amount, and the buyer details"),
)


class ExportMyData(MemberUseCase):
    interests: InterestRepository
    personal: PersonalData
    attendance: AttendanceReader
    orders: PaymentOrderRepository
    payouts: PayoutRepository
    notifications: NotificationRepository
    preferences: PreferenceRepository
    leads: HostLeadRepository
    audit: AuditLog
    storage: FileStorage
    limiter: RateLimiter
    clock: Clock

    async def __call__(self, *, member_id: int) -> MemberExport:
        member = await self.access.load(member_id, Access.SELF)
        now = self.clock.now()
        wait = await self.limiter.acquire([(EXPORTS_PER_HOUR, str(member.id))], now=now)
        if wait:
            raise RateLimited(wait, "You asked for your data several times already. Please try again later.")
        p = member.profile
        chosen = await self.interests.get_many(p.interest_ids) if p.interest_ids else []
        profile = from_attributes(
            ProfileData,
            member,
            phone_number=member.phone.e164,
            name=p.name,
            birth_date=p.birth_date,
            gender=p.gender.value if p.gender else None,
            bio=p.bio,
            location=p.location,
            interests=[i.name for i in chosen],
            pictures=[self.storage.url_for(k) for k in p.picture_keys],
            status=member.status.value,
            role=member.role.value,
        )
        lead = await self.leads.find_by_phone(member.phone)
        settings = await self.preferences.get(member.id)
        activity = await self.audit.search(AuditQuery(actor_id=member.id, limit=ACTIVITY_LIMIT))
        export = MemberExport(
            generated_at=now,
            profile=profile,
            devices=[
                from_attributes(DeviceData, d, platform=d.platform.value, push_id=d.player_id, active=d.is_active)
                for d in await self.personal.devices(member.id)
            ],
            hosted_events=await self.personal.hosted_events(member.id),
            requests=[
                from_attributes(
                    RequestData,
                    c.request,
                    event_title=c.event_title,
                    status=c.request.status_at(now).value,
                    seats=c.request.seats_requested,
                    sent_at=c.request.created_at,
                )
                for c in await self.attendance.member_requests(member.id)
            ],
            invitations=[
                from_attributes(
                    InvitationData,
                    c.invitation,
                    event_title=c.event.title,
                    host_name=c.host_name,
                    status=c.invitation.status_at(now).value,
                    invited_at=c.invitation.created_at,
                )
                for c in await self.attendance.member_invitations(member.id)
            ],
            tickets=[
                from_attributes(
                    TicketData,
                    c.ticket,
                    event_title=c.event.title,
                    event_start=c.event.start_time,
                    status=c.ticket.status.value,
                    payment_status=c.ticket.payment_status.value,
                )
                for c in await self.attendance.member_tickets(member.id)
            ],
            payment_orders=[payment_order_data(r) for r in await self.orders.of_member(member.id)],
            waitlist_places=[
                from_attributes(WaitlistPlaceData, r.place, event_title=r.event_title, status=r.place.status.value)
                for r in await self.personal.waitlist_places(member.id)
            ],
            bank_accounts=[
                from_attributes(BankAccountData, a, added_at=a.created_at)
                for a in await self.personal.bank_accounts(member.id)
            ],
            payouts=[
                from_attributes(
                    PayoutData, p, amount=str(p.amount), status=p.status.value, requested_at=p.created_at
                )
                for p in (await self.payouts.of_host(member.id, offset=0, limit=PAYOUT_LIMIT)).rows
            ],
            notifications=[
                from_attributes(NotificationData, n)
                for n in await self.notifications.for_member(member.id, INBOX_LIMIT)
            ],
            notification_settings=NotificationSettingsData(
                sorted(k.value for k in settings.muted), settings.updated_at
            ),
            host_lead=from_attributes(HostLeadData, lead, submitted_at=lead.created_at) if lead else None,
            activity=[from_attributes(ActivityData, e) for e in activity],
            shared_with=list(PROCESSORS),
        )
        self.uow.enqueue(audited_member("data_exported", member.id, actor_id=member.id, at=now))
        await self.uow.commit()
        return export


def payment_order_data(record: OrderRecord) -> PaymentOrderData:
    o, q = record.order, record.order.quote
    return from_attributes(
        PaymentOrderData,
        o,
        event_title=record.event_title,
        base_price=str(q.base_price),
        platform_fee=str(q.platform_fee),
        amount=str(o.amount),
        status=o.status.value,
        refunded_amount=str(o.refunded_amount),
        refunds=[
            from_attributes(
                RefundData,
                r,
                amount=str(r.amount),
                status=r.status.value,
                reason=r.reason.value,
                requested_at=r.created_at,
            )
            for r in record.refunds
        ],
        paid_at=o.captured_at,
    )
