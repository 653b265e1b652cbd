"""Who is calling, which event they mean, and whether they may act on it.

An event a member may not see answers 404 (its existence is not revealed); an event they see but do not
host answers 403 for host-only actions. Staff may read an event's guest lists and work its door, but
only the host decides who comes (accepts, declines, invites).
"""

from __future__ import annotations

from loopin.domain.attendance.errors import NotEventHost
from loopin.domain.events.event import Event, EventNotFound
from loopin.domain.events.visibility import Viewer, can_view
from loopin.domain.identity.member import Access, Member
from loopin.usecases.events.ports import EventAccessGrants, EventRepository
from loopin.usecases.identity.access import MemberAccess


class AttendanceGate:
    def __init__(self, access: MemberAccess, events: EventRepository, grants: EventAccessGrants) -> None:
        self._access = access
        self._events = events
        self._grants = grants

    async def member(self, member_id: int) -> Member:
        """Active members only: onboarding and waitlisted members get 403."""
        return await self._access.load(member_id, Access.MEMBER)

    async def event(self, event_id: int, member: Member, *, lock: bool = False) -> Event:
        """The event as ``member`` may see it; ``lock`` takes its row lock (every attendance write does)."""
        event = await (self._events.get_for_update if lock else self._events.get)(event_id)
        if event is None or event.is_deleted:
            raise EventNotFound()
        viewer = Viewer(member.id, member.is_staff)
        if viewer.needs_grants(event):
            viewer = Viewer(member.id, member.is_staff, await self._grants.granted_event_ids(member.id))
        if not can_view(event, viewer):
            raise EventNotFound()
        return event

    async def hosted(self, event_id: int, member: Member, *, lock: bool = False, staff: bool = False) -> Event:
        """The event if ``member`` hosts it (or, with ``staff``, is staff); 403 otherwise."""
        event = await self.event(event_id, member, lock=lock)
        if event.host_id != member.id and not (staff and member.is_staff):
            raise NotEventHost()
        return event
