"""Join requests: a member asks, the host answers (one by one or in bulk), the member may withdraw."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from loopin.domain.attendance.errors import (
    AlreadyConfirmed,
    AlreadyInvited,
    HostOnly,
    NoPendingRequests,
    RequestNotFound,
    SeatsUnavailable,
    TicketHeld,
)
from loopin.domain.attendance.invitation import InvitationStatus
from loopin.domain.attendance.request import JoinRequest, RequestStatus
from loopin.domain.attendance.rules import (
    HOST_MESSAGE_MAX,
    MESSAGE_MAX,
    answer_deadline,
    check_gender,
    check_plus_ones,
    check_seat_count,
    check_seats_left,
    check_text,
    require_guest,
    require_open,
)
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Access
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.attendance import jobs
from loopin.usecases.attendance.config import AttendanceConfig
from loopin.usecases.attendance.ports import (
    AttendanceReader,
    InvitationRepository,
    JoinRequestRepository,
    MemberCard,
    TicketRepository,
)
from loopin.usecases.attendance.views import BulkOutcome, InterestItem, RequesterProfile, RequestView
from loopin.usecases.events.access import EventAccess
from loopin.usecases.events.ports import EventCache, EventRepository
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.identity.ports import InterestRepository, MemberRepository
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.ports import Clock, JobQueue, UnitOfWork

ACCEPT_CODE = "CAPACITY_EXCEEDED"


def parse_request_status(raw: str | None) -> RequestStatus | None:
    if raw is None or not raw.strip():
        return None
    try:
        return RequestStatus.parse(raw)
    except ValueError:
        allowed = ", ".join(s.value for s in RequestStatus)
        raise InvalidInput.single("status_filter", f"status_filter must be one of: {allowed}") from None


@dataclass(frozen=True, slots=True)
class CreateJoinRequest:
    """Asks to join. Renews a withdrawn, expired or (after a wait) declined request on the same row."""

    access: MemberAccess
    event_access: EventAccess
    events: EventRepository
    requests: JoinRequestRepository
    invitations: InvitationRepository
    tickets: TicketRepository
    cache: EventCache
    storage: FileStorage
    jobs: JobQueue
    uow: UnitOfWork
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
        if ticket is not None and ticket.is_live:
            raise AlreadyConfirmed("You already hold a ticket for this event.")
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
        self.jobs.enqueue(jobs.audited_request(action, request, member.id, now))
        self.jobs.enqueue(jobs.new_request(request, event, member.profile.name))
        self.uow.after_commit(self.cache.invalidate)
        await self.uow.commit()
        return RequestView.of(
            request, now, event_title=event.title, requester=MemberCard.of(member), storage=self.storage
        )


@dataclass(frozen=True, slots=True)
class GetMyRequest:
    """The caller's request for one event: the app asks once per feed card, so two queries at most."""

    access: MemberAccess
    reader: AttendanceReader
    storage: FileStorage
    uow: UnitOfWork
    clock: Clock

    async def __call__(self, *, member_id: int, event_id: int) -> RequestView:
        member = await self.access.load(member_id, Access.MEMBER)
        card = await self.reader.request_card(event_id, member.id)
        await self.uow.commit()
        if card is None or card.event_deleted:
            raise RequestNotFound("You have not asked to join this event.")
        return RequestView.of(
            card.request,
            self.clock.now(),
            event_title=card.event_title,
            has_ticket=card.has_ticket,
            requester=MemberCard.of(member),
            storage=self.storage,
        )


@dataclass(frozen=True, slots=True)
class ListMyRequests:
    access: MemberAccess
    reader: AttendanceReader
    storage: FileStorage
    uow: UnitOfWork
    clock: Clock

    async def __call__(self, *, member_id: int, status: str | None = None) -> list[RequestView]:
        wanted = parse_request_status(status)
        member = await self.access.load(member_id, Access.MEMBER)
        cards = await self.reader.member_requests(member.id)
        await self.uow.commit()
        now, mine = self.clock.now(), MemberCard.of(member)
        views = [
            RequestView.of(
                c.request,
                now,
                event_title=c.event_title,
                has_ticket=c.has_ticket,
                requester=mine,
                storage=self.storage,
            )
            for c in cards
            if not c.event_deleted
        ]
        return [v for v in views if wanted is None or v.status == wanted.value]


@dataclass(frozen=True, slots=True)
class ListEventRequests:
    """The host's (or staff's) list, every status, newest first."""

    access: MemberAccess
    event_access: EventAccess
    reader: AttendanceReader
    storage: FileStorage
    uow: UnitOfWork
    clock: Clock

    async def __call__(self, *, member_id: int, event_id: int, status: str | None = None) -> list[RequestView]:
        wanted = parse_request_status(status)
        member = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.hosted(event_id, member, staff=True, refusal=HostOnly)
        rows = await self.reader.event_requests(event.id)
        await self.uow.commit()
        now = self.clock.now()
        views = [
            RequestView.of(r, now, event_title=event.title, requester=card, storage=self.storage)
            for r, card in rows
        ]
        return [v for v in views if wanted is None or v.status == wanted.value]


@dataclass(frozen=True, slots=True)
class GetRequesterProfile:
    """What the host sees of someone who asked: the profile, and the phone number only once accepted."""

    access: MemberAccess
    event_access: EventAccess
    requests: JoinRequestRepository
    members: MemberRepository
    interests: InterestRepository
    storage: FileStorage
    uow: UnitOfWork
    clock: Clock

    async def __call__(self, *, member_id: int, event_id: int, request_id: int) -> RequesterProfile:
        host = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.hosted(event_id, host, staff=True, refusal=HostOnly)
        request = await self.requests.get(request_id)
        if request is None or request.event_id != event.id:
            raise RequestNotFound()
        requester = await self.members.get(request.requester_id)
        if requester is None:
            raise RequestNotFound()
        interests = await self.interests.get_many(requester.profile.interest_ids)
        await self.uow.commit()
        p = requester.profile
        accepted = request.status_at(self.clock.now()) is RequestStatus.ACCEPTED
        return RequesterProfile(
            user_id=requester.id,
            name=p.name,
            phone_number=requester.phone.e164 if accepted else None,
            bio=p.bio,
            gender=p.gender.value if p.gender else "",
            location=p.location,
            picture_urls=tuple(self.storage.url_for(k) for k in p.picture_keys),
            interests=tuple(InterestItem(i.id, i.name) for i in interests if i.is_active)[:10],
            is_verified=requester.is_active,
        )


@dataclass(frozen=True, slots=True)
class _HostDecision:
    """Accept and decline share their loading, their locks and their side effects."""

    access: MemberAccess
    event_access: EventAccess
    events: EventRepository
    requests: JoinRequestRepository
    tickets: TicketRepository
    reader: AttendanceReader
    storage: FileStorage
    cache: EventCache
    jobs: JobQueue
    uow: UnitOfWork
    clock: Clock

    async def _load(self, member_id: int, event_id: int, request_id: int) -> tuple[int, Event, JoinRequest]:
        host = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.hosted(event_id, host, lock=True, refusal=HostOnly)
        request = await self.requests.lock_by_id(request_id)
        if request is None or request.event_id != event.id:
            raise RequestNotFound()
        return host.id, event, request

    async def _has_ticket(self, request: JoinRequest) -> bool:
        ticket = await self.tickets.find(request.event_id, request.requester_id)
        return ticket is not None and ticket.is_live

    async def _finish(self, event: Event, request: JoinRequest) -> RequestView:
        await self.uow.commit()
        cards = await self.reader.member_cards([request.requester_id])
        return RequestView.of(
            request,
            self.clock.now(),
            event_title=event.title,
            requester=cards.get(request.requester_id),
            has_ticket=await self._has_ticket(request),
            storage=self.storage,
        )


@dataclass(frozen=True, slots=True)
class AcceptJoinRequest(_HostDecision):
    """Accepting holds no seats (confirmations race for them under the event lock), but refuses a request
    that no longer fits in the seats left."""

    async def __call__(
        self, *, member_id: int, event_id: int, request_id: int, host_message: str | None
    ) -> RequestView:
        message = check_text(host_message, "host_message", HOST_MESSAGE_MAX)
        host_id, event, request = await self._load(member_id, event_id, request_id)
        now = self.clock.now()
        require_open(event, now)
        was_pending = request.is_pending
        if request.status_at(now) is not RequestStatus.ACCEPTED:
            check_seats_left(event, request.seats_requested, code=ACCEPT_CODE)
        deadline = answer_deadline(event.rsvp_expiry_policy, now, event.start_time)
        changed = request.accept(now, message, deadline)
        if changed:
            await self.requests.save(request)
            if was_pending:
                event.request_closed(now)
                await self.events.save(event)
            self.jobs.enqueue(jobs.audited_request("accepted", request, host_id, now))
            self.jobs.enqueue(jobs.request_accepted(request, event))
            self.uow.after_commit(self.cache.invalidate)
        return await self._finish(event, request)


@dataclass(frozen=True, slots=True)
class DeclineJoinRequest(_HostDecision):
    async def __call__(
        self, *, member_id: int, event_id: int, request_id: int, host_message: str | None
    ) -> RequestView:
        message = check_text(host_message, "host_message", HOST_MESSAGE_MAX)
        host_id, event, request = await self._load(member_id, event_id, request_id)
        now = self.clock.now()
        was_pending = request.is_pending
        changed = request.decline(now, message, has_ticket=await self._has_ticket(request))
        if changed:
            await self.requests.save(request)
            if was_pending:
                event.request_closed(now)
                await self.events.save(event)
            self.jobs.enqueue(jobs.audited_request("declined", request, host_id, now))
            self.jobs.enqueue(jobs.request_declined(request, event))
            self.uow.after_commit(self.cache.invalidate)
        return await self._finish(event, request)


@dataclass(frozen=True, slots=True)
class BulkRequestAction:
    """Accepts or declines many pending requests in one transaction. Ids that are not pending requests of the
    event are reported and left alone; a request that does not fit in the seats left is reported, not
    accepted (acceptance holds no seats, so each is checked against what is left now)."""

    access: MemberAccess
    event_access: EventAccess
    events: EventRepository
    requests: JoinRequestRepository
    cache: EventCache
    jobs: JobQueue
    uow: UnitOfWork
    clock: Clock
    config: AttendanceConfig

    async def __call__(
        self,
        *,
        member_id: int,
        event_id: int,
        request_ids: Sequence[int],
        action: str,
        host_message: str | None = None,
    ) -> BulkOutcome:
        ids = list(dict.fromkeys(request_ids))
        if not 1 <= len(ids) <= self.config.bulk_max_requests:
            raise InvalidInput.single(
                "request_ids", f"request_ids must hold 1 to {self.config.bulk_max_requests} ids"
            )
        action = action.strip().lower()
        if action not in ("accept", "decline"):
            raise InvalidInput.single("action", "action must be accept or decline")
        message = check_text(host_message, "host_message", HOST_MESSAGE_MAX)
        host = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.hosted(event_id, host, lock=True, refusal=HostOnly)
        now = self.clock.now()
        if action == "accept":
            require_open(event, now)
        found = {r.id: r for r in await self.requests.lock_many(event.id, ids)}
        errors: list[tuple[int, str]] = []
        pending: list[JoinRequest] = []
        for request_id in ids:
            request = found.get(request_id)
            if request is None:
                errors.append((request_id, "Request not found for this event."))
            elif not request.is_pending:
                errors.append((request_id, f"Request is {request.status_at(now).value}, not pending."))
            else:
                pending.append(request)
        if not pending:
            raise NoPendingRequests()
        accepted: list[int] = []
        declined: list[int] = []
        deadline = answer_deadline(event.rsvp_expiry_policy, now, event.start_time)
        for request in pending:
            if action == "accept":
                if not event.has_seats_for(request.seats_requested):
                    errors.append(
                        (request.id, SeatsUnavailable(request.seats_requested, event.seats_left).message)
                    )
                    continue
                request.accept(now, message, deadline)
                accepted.append(request.id)
                self.jobs.enqueue(jobs.audited_request("accepted", request, host.id, now, bulk=True))
                self.jobs.enqueue(jobs.request_accepted(request, event))
            else:
                request.decline(now, message, has_ticket=False)
                declined.append(request.id)
                self.jobs.enqueue(jobs.audited_request("declined", request, host.id, now, bulk=True))
                self.jobs.enqueue(jobs.request_declined(request, event))
            await self.requests.save(request)
            event.request_closed(now)
        if accepted or declined:
            await self.events.save(event)
            self.uow.after_commit(self.cache.invalidate)
        await self.uow.commit()
        return BulkOutcome(tuple(accepted), tuple(declined), tuple(errors))


@dataclass(frozen=True, slots=True)
class WithdrawJoinRequest:
    """The member takes back a pending or accepted request (a ticket holder cancels the attendance instead)."""

    access: MemberAccess
    event_access: EventAccess
    events: EventRepository
    requests: JoinRequestRepository
    tickets: TicketRepository
    cache: EventCache
    storage: FileStorage
    jobs: JobQueue
    uow: UnitOfWork
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
        if request.withdraw(now):
            event.request_closed(now)
            await self.events.save(event)
        await self.requests.save(request)
        self.jobs.enqueue(jobs.audited_request("withdrawn", request, member.id, now))
        self.uow.after_commit(self.cache.invalidate)
        await self.uow.commit()
        return RequestView.of(
            request, now, event_title=event.title, requester=MemberCard.of(member), storage=self.storage
        )
