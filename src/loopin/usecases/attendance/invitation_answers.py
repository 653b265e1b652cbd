"""Invitations, the invitee's side: the invitations one received, and answering them."""

from __future__ import annotations

from datetime import datetime

from loopin.domain.attendance.errors import InvitationExpired, InvitationNotFound
from loopin.domain.attendance.invitation import InvitationStatus
from loopin.domain.attendance.rules import (
    check_seats_left,
    require_open,
)
from loopin.domain.identity.member import Access, Member
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.attendance import jobs
from loopin.usecases.attendance.ports import (
    EventBrief,
    InvitationRepository,
    TicketRepository,
)
from loopin.usecases.attendance.status_lists import MemberList
from loopin.usecases.attendance.views import (
    InvitationAnswer,
    InvitationView,
)
from loopin.usecases.events.access import EventAccess
from loopin.usecases.events.ports import EventCache
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.shared.ports import Clock


class ListMyInvitations(MemberList[InvitationView]):
    statuses = InvitationStatus

    async def _views(self, member: Member, now: datetime) -> list[InvitationView]:
        cards = await self.reader.member_invitations(member.id)
        return [InvitationView.of(c.invitation, now, c.event, host_name=c.host_name) for c in cards]


def parse_response(raw: str) -> bool:
    value = raw.strip().lower()
    if value == "going":
        return True
    if value in ("declined", "not_going"):
        return False
    raise InvalidInput.single("response", "response must be going or declined")


class RespondToInvitation(MemberUseCase):
    """``going`` accepts (no seats yet: free events then confirm, paid events pay); ``declined`` declines. An
    answer after the deadline records the expiry and answers ``INVITATION_EXPIRED``."""

    event_access: EventAccess
    invitations: InvitationRepository
    tickets: TicketRepository
    cache: EventCache
    clock: Clock

    async def __call__(
        self, *, member_id: int, invitation_id: int, response: str, message: str | None = None
    ) -> InvitationAnswer:
        going = parse_response(response)
        member = await self.access.load(member_id, Access.MEMBER)
        found = await self.invitations.get(invitation_id)
        if found is None or found.invitee_id != member.id:
            raise InvitationNotFound()
        event = await self.event_access.existing(found.event_id, lock=True)  # the event first: one lock order
        invitation = await self.invitations.lock_by_id(invitation_id)
        if invitation is None:
            raise InvitationNotFound()
        now = self.clock.now()
        if invitation.expire(now):
            await self.invitations.save(invitation)
            self.uow.enqueue(jobs.audited_invitation("expired", invitation, None, now))
            self.uow.after_commit(self.cache.invalidate)
            await self.uow.commit()
            raise InvitationExpired()
        ticket = await self.tickets.find(event.id, member.id)
        has_ticket = ticket is not None and ticket.is_live
        if going and invitation.status is not InvitationStatus.ACCEPTED:
            require_open(event, now)
            check_seats_left(event, 1, code="CAPACITY_FULL")
        changed = invitation.answer(going, now, has_ticket=has_ticket)
        if changed:
            await self.invitations.save(invitation)
            self.uow.enqueue(
                jobs.audited_invitation("accepted" if going else "declined", invitation, member.id, now)
            )
            self.uow.enqueue(jobs.invitation_answered(invitation, event, member.profile.name))
            self.uow.after_commit(self.cache.invalidate)
        await self.uow.commit()
        return InvitationAnswer(
            invitation=InvitationView.of(invitation, now, EventBrief.of(event)),
            is_paid=event.is_paid,
            ticket_price=event.ticket_price,
            requires_payment=going and event.is_paid and not has_ticket,
            requires_confirmation=going and not event.is_paid and not has_ticket,
        )
