"""An in-app notification: stored for the member to read, and pushed to their phones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class Notification:
    """``key`` makes delivery idempotent: a retried job stores (and pushes) one notification. ``push_due_at``
    is when its push may go (later than ``created_at`` in the quiet hours; None: never pushed — muted)."""

    id: int
    key: str
    recipient_id: int
    kind: str  # event_request, event_invite, reminder, ... (the app's notification types)
    template: str  # request_approved, request_declined, event_invite, ticket_confirmed, ...
    title: str
    body: str
    data: Mapping[str, str] = field(default_factory=dict)  # the push's additionalData (route, event_id, ...)
    sender_id: int | None = None
    created_at: datetime | None = None
    pushed_at: datetime | None = None
    read_at: datetime | None = None
    urgent: bool = False
    push_due_at: datetime | None = None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def awaits_push(self) -> bool:
        return self.pushed_at is None and self.push_due_at is not None

    def is_push_due(self, now: datetime) -> bool:
        """Awaits its push and the quiet hours it was held for are over: push it now."""
        return self.awaits_push and self.push_due_at is not None and self.push_due_at <= now
