"""Side effects events use cases leave behind after commit: audit entries and pseudonymous analytics."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from loopin.domain.audit.entry import JsonValue
from loopin.domain.events.event import Event
from loopin.usecases.audit.record import audit_entry
from loopin.usecases.platform.analytics import analytics_event
from loopin.usecases.shared.ports import Job

TARGET = "event"
COMPLETE_ENDED = "events.complete_ended"


def audited(action: str, event: Event, actor_id: int | None, at: datetime, **details: JsonValue) -> Job:
    """``event.created``, ``event.updated``, ``event.cancelled``, ``event.deleted``; ``event.completed`` by the
    scheduled completion (no actor)."""
    facts: dict[str, JsonValue] = {"status": event.status.value, "host_id": event.host_id, **details}
    return audit_entry(
        f"event.{action}", actor_id=actor_id, target_type=TARGET, target_id=event.id, at=at, details=facts
    )


def tracked(name: str, event: Event, actor_id: int, changed: Sequence[str] = ()) -> Job:
    """No personal data: the actor's pseudonym (from the member id) and facts about the event."""
    props: dict[str, str | int | bool] = {
        "event_id": event.id,
        "is_paid": event.is_paid,
        "is_public": event.is_public,
        "status": event.status.value,
        "max_capacity": event.max_capacity,
        "cover_images": len(event.cover_image_keys),
        "interests": len(event.interest_ids),
        "as_host": actor_id == event.host_id,
    }
    if changed:
        props["changed"] = ",".join(changed)
    return analytics_event(name, actor_id, **props)
