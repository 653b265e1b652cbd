"""Join requests, the member's side: ask to join, read one's requests, withdraw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loopin.domain.attendance.errors import (
    AlreadyInvited,
    RequestNotFound,
    TicketHeld,
)
from loopin.domain.attendance.invitation import InvitationStatus
from loopin.domain.attendance.request import JoinRequest, RequestStatus
from loopin.domain.attendance.rules import (
    MESSAGE_MAX,
    check_gender,
    check_plus_ones,
    check_seat_count,
    check_seats_left,
    check_text,
    require_guest,
    require_no_ticket,
    require_open,
)
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Access, Member
from loopin.usecases.attendance import jobs
from loopin.usecases.attendance.ports import (
    AttendanceReader,
    InvitationRepository,
    JoinRequestRepository,
    MemberCard,
    TicketRepository,
)
from loopin.usecases.attendance.status_lists import MemberList
from loopin.usecases.attendance.views import (
    RequestView,
)
from loopin.usecases.events.access import EventAccess
from loopin.usecases.events.ports import EventCache, EventRepository
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.ports import Clock, UnitOfWork

ACCEPT_CODE = "CAPACITY_EXCEEDED"


@dataclass(frozen=True, slots=True)
class RequestWithdrawal:
    """A request taken back, by its member or by the erasure of their account: audited, and an accepted one
    gives its place on the event back. ``event`` is locked before ``request``, as the hosts' use cases lock."""

    events: EventRepository
    requests: JoinRequestRepository
    uow: UnitOfWork

    async def withdraw(self, event: Event, request: JoinRequest, by: int, now: datetime) -> None:
        if request.withdraw(now):
            event.request_closed(now)
            await self.events.save(event)
        await self.requests.save(request)
        self.uow.enqueue(jobs.audited_request("withdrawn", request, by, now))


class CreateJoinRequest(MemberUseCase):
    """Asks to join. Renews a withdrawn, expired or (after a wait) declined request on the same row."""

    event_access: EventAccess
    events: EventRepository
    requests: JoinRequestRepository
    invitations: InvitationRepository
    tickets: TicketRepository
    cache: EventCache
    storage: FileStorage
    clock: Clock

    async def __call__(
        self, *, member_id: int, event_id: int, seats_requested: int = 1, message: str | None = None
    ) -> RequestView:
        seats = check_seat_count(seats_requested, "seats_requested")
        message = check_text(message, "message", MESSAGE_MAX)
        member = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.visible(event_id, member, lock=True)
        now = self.clock.now()
        require_guest(event, member.id)
        require_open(event, now)
        check_gender(event, member.profile.gender)
        check_plus_ones(event, seats)
        ticket = await self.tickets.find(event.id, member.id)
        require_no_ticket(ticket)
        invitation = await self.invitations.lock(event.id, member.id)
        if invitation is not None and invitation.status_at(now) in (
            InvitationStatus.PENDING,
            InvitationStatus.ACCEPTED,
        ):
            raise AlreadyInvited()
        request = await self.requests.lock(event.id, member.id)
        if request is None:
            request = JoinRequest.open(event.id, member.id, seats, message, now)
            action = "created"
        else:
            request.renew(seats, message, now)  # raises for a live request, or a decline too recent
            action = "renewed"
        check_seats_left(event, seats, code=ACCEPT_CODE)
        if request.id:
            await self.requests.save(request)
        else:
            request = await self.requests.add(request)
        event.request_opened(now)
        await self.events.save(event)
        self.uow.enqueue(jobs.audited_request(action, request, member.id, now))
        self.uow.enqueue(jobs.new_request(request, event, member.profile.name))
        self.uow.after_commit(self.cache.invalidate)
        await self.uow.commit()
        return RequestView.of(
            request, now, event_title=event.title, requester=MemberCard.of(member), storage=self.storage
        )


class GetMyRequest(MemberUseCase):
    """The caller's request for one event: the app asks once per feed card, so two queries at most."""

    reader: AttendanceReader
    storage: FileStorage
    clock: Clock

    async def __call__(self, *, member_id: int, event_id: int) -> RequestView:
        member = await self.access.load(member_id, Access.MEMBER)
        card = await self.reader.request_card(event_id, member.id)
        await self.uow.commit()
        if card is None or card.event_deleted:
            raise RequestNotFound("You have not asked to join this event.")
        return RequestView.of_card(card, self.clock.now(), MemberCard.of(member), self.storage)


class ListMyRequests(MemberList[RequestView]):
    statuses = RequestStatus

    storage: FileStorage

    async def _views(self, member: Member, now: datetime) -> list[RequestView]:
        mine = MemberCard.of(member)
        cards = await self.reader.member_requests(member.id)
        return [RequestView.of_card(c, now, mine, self.storage) for c in cards if not c.event_deleted]


class WithdrawJoinRequest(MemberUseCase):
    """The member takes back a pending or accepted request (a ticket holder cancels the attendance instead)."""

    event_access: EventAccess
    requests: JoinRequestRepository
    withdrawal: RequestWithdrawal
    tickets: TicketRepository
    cache: EventCache
    storage: FileStorage
    clock: Clock

    async def __call__(self, *, member_id: int, event_id: int) -> RequestView:
        member = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.visible(event_id, member, lock=True)
        request = await self.requests.lock(event.id, member.id)
        if request is None:
            raise RequestNotFound("You have not asked to join this event.")
        ticket = await self.tickets.find(event.id, member.id)
        if ticket is not None and ticket.is_live:
            raise TicketHeld()
        now = self.clock.now()
        await self.withdrawal.withdraw(event, request, member.id, now)
        self.uow.after_commit(self.cache.invalidate)
        await self.uow.commit()
        return RequestView.of(
            request, now, event_title=event.title, requester=MemberCard.of(member), storage=self.storage
        )
