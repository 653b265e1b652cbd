"""Who may see an event. One rule for detail, share links, feeds and search, in memory and in SQL.

- A deleted event is gone for everyone.
- Its host and staff see it in every status.
- Anyone else never sees a draft. They see a public event by id in any other status, and find it in
  feeds and search while it is published or postponed. A private event is seen only by its host, staff and
  the members it was opened to (invited, asked and accepted, holding a ticket: ``granted``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from loopin.domain.events.event import LISTED_STATUSES, EventStatus


class Shown(Protocol):
    """What the rule reads: an ``Event``, or a view of one (a cached detail is checked the same way)."""

    @property
    def id(self) -> int: ...

    @property
    def host_id(self) -> int: ...

    @property
    def status(self) -> EventStatus: ...

    @property
    def is_public(self) -> bool: ...

    @property
    def is_deleted(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Viewer:
    member_id: int | None  # None: someone not signed in (public pages)
    is_staff: bool = False
    granted: frozenset[int] = field(default_factory=frozenset)  # private events opened to this member

    @classmethod
    def anonymous(cls) -> Viewer:
        return cls(None)

    def owns(self, event: Shown) -> bool:
        return self.member_id is not None and event.host_id == self.member_id

    def sees_everything(self, event: Shown) -> bool:
        return self.owns(event) or self.is_staff

    def needs_grants(self, event: Shown) -> bool:
        """Whether ``can_view`` depends on ``granted`` (so callers fetch grants only then)."""
        return not event.is_public and not event.is_deleted and not self.sees_everything(event)


def can_view(event: Shown, viewer: Viewer) -> bool:
    """Detail and share link."""
    if event.is_deleted:
        return False
    if viewer.sees_everything(event):
        return True
    if event.status is EventStatus.DRAFT:
        return False
    return event.is_public or event.id in viewer.granted


def is_listed(event: Shown, viewer: Viewer) -> bool:
    """Feeds and search."""
    if event.is_deleted:
        return False
    if viewer.sees_everything(event):
        return True
    if event.status not in LISTED_STATUSES:
        return False
    return event.is_public or event.id in viewer.granted
