"""Audit entries leave a use case as a job (after its commit) and are written by the worker."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum

from loopin.domain.audit.chain import AuditChain
from loopin.domain.audit.entry import AuditEntry, JsonValue, plain_details
from loopin.usecases.audit.ports import AuditLog
from loopin.usecases.shared.ports import Clock, Job, JsonScalar
from loopin.usecases.shared.use_case import UseCase

RECORD_AUDIT_ENTRY = "audit.record_audit_entry"


def audit_entry(
    action: str,
    *,
    actor_id: int | None,
    target_type: str,
    target_id: int | None,
    at: datetime,
    details: Mapping[str, JsonValue] | None = None,
) -> Job:
    """The job that records one entry. Its ``entry_id`` is fixed now, so retries write the entry once."""
    entry_id = str(uuid.uuid4())
    payload: dict[str, JsonScalar] = {
        "entry_id": entry_id,
        "actor_id": actor_id,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "at": at.isoformat(),
        "details": json.dumps(dict(details or {}), sort_keys=True, default=str),
    }
    return Job(RECORD_AUDIT_ENTRY, payload, key=f"audit:{entry_id}", attempts=8, timeout_seconds=30)


def audited_change(
    kind: str,
    action: str,
    *,
    target_id: int | None,
    actor_id: int | None,
    at: datetime,
    facts: Mapping[str, JsonValue],
    target_type: str | None = None,
) -> Job:
    """The entry a change of one record leaves: named ``<kind>.<action>``, about the record (``target_type``,
    ``kind`` unless told)."""
    name, target = f"{kind}.{action}", target_type or kind
    return audit_entry(name, actor_id=actor_id, target_type=target, target_id=target_id, at=at, details=facts)


def facts_of(record: object, *names: str, **details: JsonValue) -> dict[str, JsonValue]:
    """The facts an entry keeps about ``record``: its attributes ``names`` (enums by value, times in ISO 8601,
    amounts as text), then ``details``."""
    return {**{name: _fact(getattr(record, name)) for name in names}, **details}


def _fact(value: object) -> JsonValue:
    if isinstance(value, Enum):
        return _fact(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"not an audit fact: {value!r}")


def entry_from_payload(payload: Mapping[str, JsonScalar]) -> AuditEntry:
    actor_id, target_id = payload.get("actor_id"), payload.get("target_id")
    details = json.loads(str(payload.get("details") or "{}"))
    if not isinstance(details, dict):
        raise TypeError("audit details are a JSON object")
    return AuditEntry(
        entry_id=uuid.UUID(str(payload["entry_id"])),
        actor_id=int(actor_id) if actor_id is not None else None,
        action=str(payload["action"]),
        target_type=str(payload["target_type"]),
        target_id=int(target_id) if target_id is not None else None,
        at=datetime.fromisoformat(str(payload["at"])),
        details=plain_details(details),
    )


class RecordAuditEntry(UseCase):
    """Job handler: appends the entry to the chain, once (a retried job finds it there).

    Appends take the chain's lock, so two workers recording at once queue instead of both linking to the same
    head: the chain never forks.
    """

    log: AuditLog
    chain: AuditChain
    clock: Clock

    async def __call__(self, *, payload: Mapping[str, JsonScalar]) -> bool:
        entry = entry_from_payload(payload)
        head = await self.log.lock_head()
        if await self.log.contains(entry.entry_id):
            await self.uow.commit()
            return False
        await self.log.append(self.chain.link(entry, after=head, recorded_at=self.clock.now()))
        await self.uow.commit()
        return True
