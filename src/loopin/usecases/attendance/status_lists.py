"""Join requests and invitations listed by status: what the host (or staff) reads of one event, and what a member
reads of their own.

No ``from __future__ import annotations``, for the reason ``loopin.usecases.shared.use_case`` gives: the lists'
modules need not import the types of the fields declared here.
"""

from abc import abstractmethod
from datetime import datetime
from typing import ClassVar, Generic, TypeVar

from loopin.domain.attendance.errors import HostOnly
from loopin.domain.attendance.invitation import InvitationStatus
from loopin.domain.attendance.request import RequestStatus
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Access, Member
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


class MemberList(MemberUseCase, Generic[View]):
    """The caller's own rows (the requests they sent, the invitations they received), every status or the one
    asked for, as ``HostedEventList`` answers. Each list says only how it reads its rows."""

    statuses: ClassVar[type[RequestStatus] | type[InvitationStatus]]

    reader: AttendanceReader
    clock: Clock

    async def __call__(self, *, member_id: int, status: str | None = None) -> list[View]:
        wanted = status_filter(self.statuses, status)
        member = await self.access.load(member_id, Access.MEMBER)
        views = await self._views(member, self.clock.now())
        await self.uow.commit()
        return having_status(views, wanted)

    @abstractmethod
    async def _views(self, member: Member, now: datetime) -> list[View]:
        """The member's rows as of ``now``, newest first."""
