"""One audit entry: who did what to which record, when, with the facts worth keeping."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """``entry_id`` makes recording idempotent: a retried job writes the entry once."""

    entry_id: uuid.UUID
    actor_id: int | None  # None: the system (a scheduled job)
    action: str  # "event.created", "event.updated", "event.cancelled", "event.deleted", ...
    target_type: str
    target_id: int | None
    at: datetime
    details: Mapping[str, JsonValue] = field(default_factory=dict)
    id: int = 0
