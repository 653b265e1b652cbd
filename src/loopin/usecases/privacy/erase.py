"""A member deletes their account (DPDP Act s.12(3)): personal data erased, records the law keeps stay, under an
id that no longer leads to anyone. See docs/privacy.md for what is erased, what is kept and why.

The member confirms with a fresh sign-in code sent to their own phone, so a stolen or forgotten-open session
cannot delete an account. Commitments others depend on are refused rather than broken silently: an upcoming
event the member hosts with guests, paying ones included (cancel it first, so guests are told and refunded), an
upcoming paid ticket (refund it first), and a checkout of their own still open (a payment in flight would end
as a ticket, or money, for an account that no longer exists).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loopin.domain.attendance.invitation import InvitationStatus
from loopin.domain.events.event import EventStatus
from loopin.domain.identity.member import Access, Member
from loopin.domain.identity.otp import OtpNotRequested, OtpOutcome, OtpRejected
from loopin.domain.shared.keyed_digest import KeyedDigest
from loopin.usecases.attendance import jobs as attendance_jobs
from loopin.usecases.attendance.ports import (
    AttendanceReader,
    InvitationRepository,
    JoinRequestRepository,
    TicketRepository,
    WaitlistRepository,
)
from loopin.usecases.attendance.requests import RequestWithdrawal
from loopin.usecases.attendance.seat_offers import SeatOffers
from loopin.usecases.attendance.tickets import TicketDesk
from loopin.usecases.events import jobs as event_jobs
from loopin.usecases.events.ports import EventCache, EventRepository
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.jobs import audited_member
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.identity.ports import MemberRepository, OtpChallengeRepository, TokenRevocations
from loopin.usecases.identity.request_otp import OtpSent, RequestOtp
from loopin.usecases.payouts.ports import BankAccountRepository
from loopin.usecases.platform.analytics import analytics_event
from loopin.usecases.platform.files import delete_files
from loopin.usecases.privacy.commitments import AccountHasCommitments, ErasureCommitments
from loopin.usecases.privacy.ports import PersonalData
from loopin.usecases.shared.ports import Clock, Job

__all__ = ["AccountHasCommitments", "EraseMyAccount", "Erased", "RequestErasureCode"]

END_SESSIONS = "identity.end_member_sessions"


@dataclass(frozen=True, slots=True)
class RequestErasureCode:
    """Sends a sign-in code to the member's own phone, to confirm the deletion with (same limits as sign-in)."""

    access: MemberAccess
    request_otp: RequestOtp

    async def __call__(self, *, member_id: int, client_address: str) -> OtpSent:
        member = await self.access.load(member_id, Access.SELF)
        return await self.request_otp(phone_number=member.phone.e164, client_address=client_address)


@dataclass(frozen=True, slots=True)
class Erased:
    member_id: int
    cancelled_tickets: int
    removed_events: int


class EraseMyAccount(MemberUseCase):
    members: MemberRepository
    otps: OtpChallengeRepository
    personal: PersonalData
    commitments: ErasureCommitments
    attendance: AttendanceReader
    events: EventRepository
    requests: JoinRequestRepository
    withdrawal: RequestWithdrawal
    invitations: InvitationRepository
    tickets: TicketRepository
    places: WaitlistRepository
    offers: SeatOffers
    accounts: BankAccountRepository
    desk: TicketDesk
    cache: EventCache
    clock: Clock
    digest: KeyedDigest
    config: IdentityConfig

    async def __call__(self, *, member_id: int, otp_code: str) -> Erased:
        member = await self.access.load(member_id, Access.SELF, for_update=True)
        now = self.clock.now()
        await self._refuse_broken_commitments(member, now)  # before the code is used up
        await self._confirm(member, otp_code, now)
        cancelled = await self._leave_upcoming_events(member, now)
        places = await self._leave_waitlists(member, now)
        removed = await self._remove_hosted_events(member, now)
        for account in await self.accounts.of_host(member.id):
            account.remove(now)
            await self.accounts.save(account)
        pictures = member.erase(now)
        await self.members.save(member)
        traces = await self.personal.erase_traces(member.id, member.phone)
        if pictures:
            self.uow.enqueue(delete_files(pictures))
        self.uow.enqueue(end_sessions(member.id))
        self.uow.enqueue(analytics_event("account_deleted", member.id))
        self.uow.enqueue(
            audited_member(
                "erased",
                member.id,
                actor_id=member.id,
                at=now,
                tickets_cancelled=cancelled,
                events_removed=removed,
                waitlist_places_left=places,
                devices=traces.devices,
                notifications=traces.notifications,
                messages_blanked=traces.messages,
                host_leads=traces.host_leads,
                preferences=traces.preferences,
                campaign_deliveries=traces.campaign_deliveries,
                bank_accounts=traces.bank_accounts,
            )
        )
        self.uow.after_commit(self.cache.invalidate)
        await self.uow.commit()
        return Erased(member.id, cancelled, removed)

    async def _refuse_broken_commitments(self, member: Member, now: datetime) -> None:
        refusal = await self.commitments.broken_by_erasure(member, now)
        if refusal is not None:
            await self.uow.commit()
            raise refusal

    async def _confirm(self, member: Member, otp_code: str, now: datetime) -> None:
        policy = self.config.otp
        code = policy.read_code(otp_code)
        challenge = await self.otps.get_for_update(member.phone)
        if challenge is None or challenge.consumed_at is not None:  # a used code is the one they signed in with
            raise OtpNotRequested("Ask for a code first: it confirms that you want to delete your account.")
        outcome = challenge.attempt(code, now=now, policy=policy, digest=self.digest)
        await self.otps.put(challenge)
        if outcome is not OtpOutcome.VERIFIED:
            await self.uow.commit()  # the wrong try counts
            raise OtpRejected.for_outcome(outcome, challenge.attempts_left(policy))

    async def _leave_upcoming_events(self, member: Member, now: datetime) -> int:
        """Free tickets are given back (seats freed for others); open requests and invitations are closed. Each
        event is locked before its request, invitation or ticket, in the order the hosts' use cases lock them."""
        cancelled = 0
        for card in await self.attendance.member_tickets(member.id):
            if card.ticket.is_live and card.event.start_time > now and not card.ticket.has_attended:
                event = await self.events.get_for_update(card.event.id)
                ticket = await self.tickets.lock(card.event.id, member.id)
                if event is not None and ticket is not None and ticket.is_live:
                    await self.desk.take_back(event, ticket, member.id, now)
                    cancelled += 1
        for request_card in await self.attendance.member_requests(member.id):
            if request_card.request.status_at(now).is_open:
                event = await self.events.get_for_update(request_card.request.event_id)
                request = await self.requests.lock(request_card.request.event_id, member.id)
                if event is None or request is None or not request.status.is_open:
                    continue
                await self.withdrawal.withdraw(event, request, member.id, now)
        for invitation_card in await self.attendance.member_invitations(member.id):
            if invitation_card.invitation.status_at(now) is InvitationStatus.PENDING:
                await self.events.get_for_update(invitation_card.invitation.event_id)
                invitation = await self.invitations.lock(invitation_card.invitation.event_id, member.id)
                if invitation is not None and invitation.status_at(now) is InvitationStatus.PENDING:
                    invitation.answer(False, now, has_ticket=False)
                    await self.invitations.save(invitation)
                    self.uow.enqueue(attendance_jobs.audited_invitation("declined", invitation, member.id, now))
        return cancelled

    async def _leave_waitlists(self, member: Member, now: datetime) -> int:
        """Live places leave the line (audited); an offer's held seats go to the next in line, as when a member
        declines. The event is locked before the place, in the order the line's own use cases lock them."""
        left = 0
        for record in await self.personal.waitlist_places(member.id):
            if not record.place.status.is_live:
                continue
            event = await self.events.get_for_update(record.place.event_id)
            place = await self.places.lock_live(record.place.event_id, member.id)
            if event is None or place is None:
                continue
            await self.offers.leave(event, place, member.id, now)
            left += 1
        return left

    async def _remove_hosted_events(self, member: Member, now: datetime) -> int:
        """Drafts and upcoming events nobody holds a seat for are deleted; past events stay (guests' history)."""
        removed = 0
        for hosted in await self.personal.hosted_events(member.id):
            if hosted.deleted or (hosted.end_time <= now and hosted.status != EventStatus.DRAFT.value):
                continue
            event = await self.events.get_for_update(hosted.id)
            if event is None or event.is_deleted or event.has_guests:
                continue
            event.soft_delete(now)
            await self.events.save(event)
            self.uow.enqueue(event_jobs.audited("deleted", event, member.id, now, reason="host_erased"))
            removed += 1
        return removed


def end_sessions(member_id: int) -> Job:
    """Every token of the member stops working (the erased account no longer loads, either: belt and braces)."""
    return Job(END_SESSIONS, {"member_id": member_id}, key=f"end-sessions:{member_id}", attempts=10)


@dataclass(frozen=True, slots=True)
class EndMemberSessions:
    """Job handler; marking twice is harmless."""

    revocations: TokenRevocations
    clock: Clock
    config: IdentityConfig

    async def __call__(self, *, member_id: int) -> None:
        now = self.clock.now()
        await self.revocations.revoke_member(member_id, until=now + self.config.session_lifetime, now=now)
