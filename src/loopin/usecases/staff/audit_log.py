"""Staff read the audit log: by target, actor, action and time window, newest first, a page at a time.

The staff admin (issue 14) calls these same use cases. Reading the log is itself an action worth keeping:
each read is recorded (who looked, with which filters). They live here, not in the audit context: the log ranks
below identity (every context, identity too, writes to it), so it cannot ask identity who is staff.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from loopin.domain.audit.entry import AuditEntry, JsonValue
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.audit.ports import AuditDay, AuditDays, AuditLog, AuditQuery
from loopin.usecases.shared.paging import older_than, page_size
from loopin.usecases.staff.desk import StaffDesk

MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: list[AuditEntry]
    next_before_seq: int | None  # pass as ``before_seq`` for the next (older) page; None: no older entries


class ReadAuditLog(StaffDesk):
    log: AuditLog

    async def __call__(self, *, member_id: int, query: AuditQuery) -> AuditPage:
        staff = await self.staff(member_id)
        page_size(query.limit)
        if query.since is not None and query.until is not None and query.since >= query.until:
            raise InvalidInput.single("until", "The end of the window must come after its start")
        found = await self.log.search(replace(query, limit=query.limit + 1))
        page, last = older_than(found, query.limit)
        self.record("audit.read", staff, "audit_log", None, _filters(query))
        await self.uow.commit()
        return AuditPage(page, last.seq if last else None)


def _filters(query: AuditQuery) -> dict[str, JsonValue]:
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in (
            ("target_type", query.target_type),
            ("target_id", query.target_id),
            ("actor_id", query.actor_id),
            ("action", query.action),
            ("since", query.since),
            ("until", query.until),
            ("before_seq", query.before_seq),
        )
        if value is not None
    }


class ReadAuditDays(StaffDesk):
    """Daily summaries per action (oldest first) over at most a year."""

    days: AuditDays

    async def __call__(self, *, member_id: int, first: date, last: date) -> list[AuditDay]:
        await self.staff(member_id)
        if last < first:
            raise InvalidInput.single("to", "The last day comes on or after the first")
        if last - first > timedelta(days=MAX_DAYS):
            raise InvalidInput.single("to", f"At most {MAX_DAYS} days at a time")
        found = await self.days.between(first, last)
        await self.uow.commit()
        return found
