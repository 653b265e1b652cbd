"""Join requests, the host's side: the list, a requester's profile, accept and decline (one by one or in bulk)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from loopin.domain.attendance.errors import (
    HostOnly,
    NoPendingRequests,
    RequestNotFound,
    SeatsUnavailable,
)
from loopin.domain.attendance.request import JoinRequest, RequestStatus
from loopin.domain.attendance.rules import (
    HOST_MESSAGE_MAX,
    answer_deadline,
    check_seats_left,
    check_text,
    require_open,
)
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Access
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.attendance import jobs
from loopin.usecases.attendance.config import AttendanceConfig
from loopin.usecases.attendance.ports import (
    AttendanceReader,
    JoinRequestRepository,
    TicketRepository,
)
from loopin.usecases.attendance.requests import ACCEPT_CODE
from loopin.usecases.attendance.status_lists import HostedEventList
from loopin.usecases.attendance.views import (
    BulkOutcome,
    RequesterProfile,
    RequestView,
    distinct_ids,
)
from loopin.usecases.events.access import EventAccess
from loopin.usecases.events.ports import EventCache, EventRepository
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.identity.ports import InterestRepository, MemberRepository
from loopin.usecases.identity.views import InterestView
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.ports import Clock


class ListEventRequests(HostedEventList[RequestView]):
    statuses = RequestStatus

    async def _views(self, event: Event, now: datetime) -> list[RequestView]:
        rows = await self.reader.event_requests(event.id)
        return [
            RequestView.of(r, now, event_title=event.title, requester=c, storage=self.storage) for r, c in rows
        ]


class GetRequesterProfile(MemberUseCase):
    """What the host sees of someone who asked: the profile, and the phone number only once accepted."""

    event_access: EventAccess
    requests: JoinRequestRepository
    members: MemberRepository
    interests: InterestRepository
    storage: FileStorage
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
            interests=tuple(InterestView.of(i) for i in interests if i.is_active)[:10],
            is_verified=requester.is_active,
        )


class _HostDecision(MemberUseCase):
    """Accept and decline share their loading, their locks, their side effects and their answer; each says
    only how it changes the request (``_decide``)."""

    action: ClassVar[str]

    event_access: EventAccess
    events: EventRepository
    requests: JoinRequestRepository
    tickets: TicketRepository
    reader: AttendanceReader
    storage: FileStorage
    cache: EventCache
    clock: Clock

    async def __call__(
        self, *, member_id: int, event_id: int, request_id: int, host_message: str | None
    ) -> RequestView:
        message = check_text(host_message, "host_message", HOST_MESSAGE_MAX)
        host_id, event, request = await self._load(member_id, event_id, request_id)
        now = self.clock.now()
        was_pending = request.is_pending
        if await self._decide(event, request, now, message):
            await self._record(event, request, host_id, now, was_pending=was_pending)
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

    @abstractmethod
    async def _decide(self, event: Event, request: JoinRequest, now: datetime, message: str) -> bool:
        """Applies the host's answer to the request; whether it changed."""

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

    async def _record(
        self, event: Event, request: JoinRequest, host_id: int, now: datetime, *, was_pending: bool
    ) -> None:
        """A decision that changed the request: saved, out of the event's pending count, audited, and the
        member told."""
        await self.requests.save(request)
        if was_pending:
            event.request_closed(now)
            await self.events.save(event)
        self.uow.enqueue(jobs.audited_request(self.action, request, host_id, now))
        self.uow.enqueue(jobs.request_answered(request, event))
        self.uow.after_commit(self.cache.invalidate)


class AcceptJoinRequest(_HostDecision):
    """Accepting holds no seats (confirmations race for them under the event lock), but refuses a request
    that no longer fits in the seats left."""

    action = "accepted"

    async def _decide(self, event: Event, request: JoinRequest, now: datetime, message: str) -> bool:
        require_open(event, now)
        if request.status_at(now) is not RequestStatus.ACCEPTED:
            check_seats_left(event, request.seats_requested, code=ACCEPT_CODE)
        return request.accept(now, message, answer_deadline(event.rsvp_expiry_policy, now, event.start_time))


class DeclineJoinRequest(_HostDecision):
    action = "declined"

    async def _decide(self, event: Event, request: JoinRequest, now: datetime, message: str) -> bool:
        return request.decline(now, message, has_ticket=await self._has_ticket(request))


class BulkRequestAction(MemberUseCase):
    """Accepts or declines many pending requests in one transaction. Ids that are not pending requests of the
    event are reported and left alone; a request that does not fit in the seats left is reported, not
    accepted (acceptance holds no seats, so each is checked against what is left now)."""

    event_access: EventAccess
    events: EventRepository
    requests: JoinRequestRepository
    cache: EventCache
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
        ids = distinct_ids(request_ids, "request_ids", self.config.bulk_max_requests)
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
            else:
                request.decline(now, message, has_ticket=False)
                declined.append(request.id)
            await self.requests.save(request)
            event.request_closed(now)
            self.uow.enqueue(jobs.audited_request(request.status.value, request, host.id, now, bulk=True))
            self.uow.enqueue(jobs.request_answered(request, event))
        if accepted or declined:
            await self.events.save(event)
            self.uow.after_commit(self.cache.invalidate)
        await self.uow.commit()
        return BulkOutcome(tuple(accepted), tuple(declined), tuple(errors))
