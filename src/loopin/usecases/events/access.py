"""The one event-access policy: may this member see this event, may they run it. Every context asks here.

An event a member may not see answers 404 (its existence is not revealed); an event they see but do not host
answers 403 for host-only actions. Staff see every event; whether staff may also act as its host is the
caller's decision (they read guest lists and work the door, but only the host decides who comes). Who sees
what is ``domain.events.visibility``; this service loads the event and the member's grants to apply it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from loopin.domain.events.event import Event, EventNotFound, NotEventHost
from loopin.domain.events.visibility import Shown, Viewer, can_view
from loopin.domain.identity.member import Member
from loopin.usecases.events.ports import EventAccessGrants, EventRepository

S = TypeVar("S", bound=Shown)


@dataclass(frozen=True, slots=True)
class EventAccess:
    events: EventRepository
    grants: EventAccessGrants

    async def existing(self, event_id: int, *, lock: bool = False) -> Event:
        """The event unless it is deleted (404), whoever asks; ``lock`` takes its row lock (every write does)."""
        if lock:
            event = await self.events.get_for_update(event_id)
        else:
            event = await self.events.get(event_id)
        return self.found(event)

    @staticmethod
    def found(event: Event | None) -> Event:
        """The event read elsewhere (``ConfirmationReader``) unless it is missing or deleted (404)."""
        if event is None or event.is_deleted:
            raise EventNotFound()
        return event

    async def visible(self, event_id: int, member: Member, *, lock: bool = False) -> Event:
        """The event as ``member`` may see it, else 404."""
        return await self.require_visible(await self.existing(event_id, lock=lock), member)

    async def hosted(
        self,
        event_id: int,
        member: Member,
        *,
        lock: bool = False,
        refusal: type[NotEventHost],
        staff: bool = False,
    ) -> Event:
        """The event if ``member`` hosts it (or, with ``staff``, is staff): 404 when they may not even see it,
        else ``refusal`` (403, with the code and words the caller's clients know). No default: a default once
        gave the waitlist's read the words of a change (``NOT_EVENT_HOST`` "…can change it."), where every
        host-only read answers ``NOT_HOST`` "…can do this."."""
        event = await self.visible(event_id, member, lock=lock)
        if event.host_id != member.id and not (staff and member.is_staff):
            raise refusal()
        return event

    async def require_visible(self, event: S | None, member: Member | None) -> S:
        """``event`` (an entity, or a cached view of one) if ``member`` may see it (without one: anyone), else
        404. Grants are read only when the answer depends on them."""
        if event is None:
            raise EventNotFound()
        viewer = Viewer.anonymous() if member is None else Viewer(member.id, member.is_staff)
        if member is not None and viewer.needs_grants(event):
            viewer = await self.viewer(member)
        if not can_view(event, viewer):
            raise EventNotFound()
        return event

    async def viewer(self, member: Member) -> Viewer:
        """The member with every private event opened to them (staff need none), for feeds and search."""
        granted = frozenset() if member.is_staff else await self.grants.granted_event_ids(member.id)
        return Viewer(member.id, member.is_staff, granted)
