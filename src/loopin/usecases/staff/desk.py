"""What every staff use case does around its own work, written once: it asks ``Access.STAFF`` again on every
call (a member whose staff role or account is switched off loses the console at their next click), records
what staff look at and do with them as the actor, and commits its one transaction.

The console's use cases extend ``StaffDesk`` (its fields come first in theirs), so each states only what it
needs besides. This module does not postpone its annotations: the fields' types are classes here, and dishka
reads them from every subclass's generated ``__init__`` whatever that module imports.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar, Generic, Protocol, TypeVar

from loopin.domain.audit.entry import JsonValue
from loopin.domain.identity.member import Access, Member
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.audit.record import audit_entry
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.shared.paging import SEARCH_MAX, Page, page_offset, page_size, search_terms
from loopin.usecases.shared.ports import Clock, UnitOfWork
from loopin.usecases.staff.ports import PageRequest

L = TypeVar("L")


class StaffDesk(MemberUseCase):
    clock: Clock

    async def staff(self, member_id: int) -> Member:
        return await self.access.load(member_id, Access.STAFF)

    def record(
        self,
        action: str,
        staff: Member,
        target_type: str,
        target_id: int | None,
        details: Mapping[str, JsonValue] | None = None,
    ) -> None:
        """An audit entry (a job, written with the commit) of what ``staff`` looked at or did."""
        entry = audit_entry(
            action,
            actor_id=staff.id,
            target_type=target_type,
            target_id=target_id,
            at=self.clock.now(),
            details=details,
        )
        self.uow.enqueue(entry)


def checked_page(page: PageRequest, sorts: tuple[str, ...]) -> PageRequest:
    """The page as asked, or a 422 naming what is wrong; an unknown sort key falls back to the first one."""
    page_size(page.limit)
    page_offset(page.offset)
    sort = page.sort if page.sort in sorts else sorts[0]
    return PageRequest(page.offset, page.limit, sort, page.descending)


def checked_text(text: str, field: str = "q", limit: int = SEARCH_MAX) -> str:
    cleaned = search_terms(text)
    if len(cleaned) > limit:
        raise InvalidInput.single(field, f"Search for at most {limit} characters")
    return cleaned


def checked_status(status: str | None, statuses: tuple[str, ...]) -> str | None:
    if status is not None and status not in statuses:
        raise InvalidInput.single("status", f"The status is one of {', '.join(statuses)}")
    return status


class TextDirectory(Protocol[L]):
    async def search(self, *, text: str, status: str | None, page: PageRequest) -> Page[L]: ...


class TextSearch(Generic[L]):
    """A directory searched by text and status, a page at a time (members, events). A use case is a
    ``StaffDesk`` with this behaviour: it names its ``directory`` and the statuses and sort keys it knows."""

    __slots__ = ()
    statuses: ClassVar[tuple[str, ...]]
    sorts: ClassVar[tuple[str, ...]]
    if TYPE_CHECKING:  # given by the StaffDesk dataclass it is mixed into
        directory: TextDirectory[L]
        uow: UnitOfWork

        async def staff(self, member_id: int) -> Member: ...

    async def __call__(
        self, *, staff_id: int, text: str = "", status: str | None = None, page: PageRequest
    ) -> Page[L]:
        await self.staff(staff_id)
        found = await self.directory.search(
            status=checked_status(status, self.statuses),
            text=checked_text(text),
            page=checked_page(page, self.sorts),
        )
        await self.uow.commit()
        return found
