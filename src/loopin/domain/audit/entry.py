"""One audit entry: who did what to which record, when, with the facts worth keeping."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """``entry_id`` makes recording idempotent: a retried job writes the entry once.

    Once appended to the log an entry has its place in the chain (``seq``, from 1), the time it was appended
    (``recorded_at``), and its ``digest``, which covers its content and the digest of the entry before it
    (``previous_digest``); see ``domain.audit.chain``.
    """

    entry_id: uuid.UUID
    actor_id: int | None  # None: the system (a scheduled job)
    action: str  # "event.created", "ticket.issued", "member.signed_in", "payment_order.paid", ...
    target_type: str
    target_id: int | None
    at: datetime  # when the change happened (its transaction's clock)
    details: Mapping[str, JsonValue] = field(default_factory=dict)
    seq: int = 0
    recorded_at: datetime | None = None
    previous_digest: str | None = None
    digest: str | None = None  # None only for entries recorded before the log was chained


def plain_details(details: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
    """Details as a JSON column returns them, so a digest taken now matches the one recomputed from the database:
    no floats (their text is kept instead: ``1e16`` would come back as an integer), no NUL characters and no lone
    surrogates (a JSON column refuses both)."""
    return {_text(k): _plain(v) for k, v in details.items()}


def _plain(value: JsonValue) -> JsonValue:
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return {_text(k): _plain(v) for k, v in value.items()}


def _text(value: str) -> str:
    return value.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")
