"""What a confirmation reads before it decides, in one statement built once (``ConfirmationReader``).

The member's row, the event's, the member's ticket, join request and invitation for the event (each unique per
member and event, so the joins never multiply) and the venue's name, as one row of plain columns turned into
the same entities the repositories answer, by the same functions. No ORM loading, no identity map: a rush's
winner read these with five statements, each through the session, where one Core statement does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Column, Table, and_, bindparam, select

from loopin.adapters.persistence.attendance import invitation_from_row, request_from_row, ticket_from_row
from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.events import event_from_row
from loopin.adapters.persistence.identity import live_member_from_row
from loopin.adapters.persistence.orm import (
    EventRow,
    InvitationRow,
    JoinRequestRow,
    MemberRow,
    TicketRow,
    VenueRow,
    is_storable_id,
)
from loopin.usecases.attendance.ports import ConfirmationFacts, ConfirmationReader


def _table(row: type[Any]) -> Table:
    return cast(Table, row.__table__)


def _attributes(row: type[Any]) -> list[tuple[str, Column[Any]]]:
    """The mapped attribute names and their columns (an attribute may be named unlike its column)."""
    return [(a.key, a.columns[0]) for a in row.__mapper__.column_attrs]


class _Part:
    """One table's slice of the joined row, read as that table's row (``None`` when the outer join found none)."""

    def __init__(self, row: type[Any], mapper: Callable[[Any], Any], start: int) -> None:
        attributes = _attributes(row)
        self.names = [name for name, _ in attributes]
        self.columns = [column for _, column in attributes]
        self.start, self.end = start, start + len(attributes)
        self.id_at = start + self.names.index("id")
        self.mapper = mapper

    def read(self, values: Sequence[Any]) -> Any:
        if values[self.id_at] is None:
            return None
        return self.mapper(SimpleNamespace(**dict(zip(self.names, values[self.start : self.end], strict=True))))


def _parts() -> list[_Part]:
    parts: list[_Part] = []
    start = 0
    for row, mapper in (
        (MemberRow, live_member_from_row),
        (EventRow, event_from_row),
        (TicketRow, ticket_from_row),
        (JoinRequestRow, request_from_row),
        (InvitationRow, invitation_from_row),
    ):
        parts.append(_Part(row, mapper, start))
        start = parts[-1].end
    return parts


_MEMBER, _EVENT, _TICKET, _REQUEST, _INVITATION = _PARTS = _parts()
_VENUE_NAME_AT = _PARTS[-1].end
_M, _E, _T, _R, _I, _V = (
    _table(r) for r in (MemberRow, EventRow, TicketRow, JoinRequestRow, InvitationRow, VenueRow)
)
_FACTS = (
    select(*[c for part in _PARTS for c in part.columns], _V.c.name)
    .select_from(
        _M.outerjoin(_E, _E.c.id == bindparam("event_id"))
        .outerjoin(_T, and_(_T.c.event_id == _E.c.id, _T.c.member_id == _M.c.id))
        .outerjoin(_R, and_(_R.c.event_id == _E.c.id, _R.c.requester_id == _M.c.id))
        .outerjoin(_I, and_(_I.c.event_id == _E.c.id, _I.c.invitee_id == _M.c.id))
        .outerjoin(_V, _V.c.id == _E.c.venue_id)
    )
    .where(_M.c.id == bindparam("member_id"))
)


class SqlConfirmationReader(SqlAdapter, ConfirmationReader):
    async def facts(self, event_id: int, member_id: int) -> ConfirmationFacts:
        if not is_storable_id(member_id):
            return ConfirmationFacts(None)
        params = {"member_id": member_id, "event_id": event_id if is_storable_id(event_id) else None}
        values = (await self._run_core(_FACTS, params)).first()
        if values is None:
            return ConfirmationFacts(None)
        return ConfirmationFacts(
            _MEMBER.read(values),
            _EVENT.read(values),
            _TICKET.read(values),
            _REQUEST.read(values),
            _INVITATION.read(values),
            values[_VENUE_NAME_AT],
        )
