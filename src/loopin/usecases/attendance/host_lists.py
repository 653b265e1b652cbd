"""What the host (or staff) reads of one event by status: its join requests, its invitations."""

from __future__ import annotations

from abc import abstractmethod
from datetime import datetime
from typing import ClassVar, Generic, TypeVar

from loopin.domain.attendance.errors import HostOnly
from loopin.domain.attendance.invitation import InvitationStatus
from loopin.domain.attendance.request import RequestStatus
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Access
from loopin.usecases.attendance.ports import AttendanceReader
from loopin.usecases.attendance.views import HasStatus, having_status, status_filter
from loopin.usecases.events.access import EventAccess
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.ports import Clock

View = TypeVar("View", bound=HasStatus)


class HostedEventList(MemberUseCase, Generic[View]):
    """Every status, or the one asked for (``status_filter``, 422 for an unknown one). Each list says only how
    it reads its rows."""

    statuses: ClassVar[type[RequestStatus] | type[InvitationStatus]]

    event_access: EventAccess
    reader: AttendanceReader
    storage: FileStorage
    clock: Clock

    async def __call__(self, *, member_id: int, event_id: int, status: str | None = None) -> list[View]:
        wanted = status_filter(self.statuses, status)
        member = await self.access.load(member_id, Access.MEMBER)
        event = await self.event_access.hosted(event_id, member, staff=True, refusal=HostOnly)
        views = await self._views(event, self.clock.now())
        await self.uow.commit()
        return having_status(views, wanted)

    @abstractmethod
    async def _views(self, event: Event, now: datetime) -> list[View]:
        """The event's rows as of ``now``, newest first."""
