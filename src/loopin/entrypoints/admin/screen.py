"""What every console screen shares besides its page: the staff-only controller, the query string's filters
and paging, the form body, and the one path a form's action takes (its outcome, or the refusal, as a notice on
the page the action belongs to)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, ClassVar, NamedTuple, TypeVar

from litestar import get
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from loopin.domain.shared.errors import DomainError
from loopin.entrypoints.admin.rendering import AnyRequest, Table, back_to, notify, page
from loopin.entrypoints.admin.session import here, session_of, signed_in_staff
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import Offset
from loopin.usecases.shared.paging import Page
from loopin.usecases.staff.desk import TextSearch

T = TypeVar("T")
Form = Body(media_type=RequestEncodingType.URL_ENCODED)
Text = Annotated[str | None, Parameter(max_length=100)]
Choice = Annotated[str | None, Parameter(max_length=20)]


class Paging(NamedTuple):
    """How a table's links ask for a page: the sort key, its direction and the first row."""

    sort: str | None
    order: str | None
    offset: int


async def paging(sort: Choice = None, order: Choice = None, offset: Offset = 0) -> Paging:
    return Paging(sort, order, offset)


class ConsoleController(LoopinController):
    """A console screen: signed-in staff only (each use case asks ``Access.STAFF`` again), never in the API's
    schema; its tables read their paging from the query string."""

    include_in_schema = False
    guards = [signed_in_staff]
    dependencies = {"paging": Provide(paging)}


def staff_id(request: AnyRequest) -> int:
    member_id: int = session_of(request)["member_id"]
    return member_id


async def searched(
    request: AnyRequest, paging: NamedDependency[Paging], q: Text = None, status: Choice = None
) -> Table:
    """The table of a screen searched by text and status (members, events), as its query string asks."""
    return Table.of(request.url.path.rstrip("/"), {"q": q, "status": status}, *paging)


def listing(
    request: AnyRequest, template: str, table: Table, found: Page[Any], sorts: tuple[str, ...], **context: Any
) -> Template:
    """A list screen: one page of rows, and the table (sorted by what the use case applied) that links the rest."""
    return page(request, template, rows=found.rows, table=table.counted(found.total, sorts), **context)


class SearchScreen(ConsoleController):
    """A directory searched by text and status, sorted and paged on the server (members, events): one screen
    over the search it names, showing the statuses and sort keys that search knows."""

    search_with: ClassVar[type[TextSearch[Any]]]
    screen: ClassVar[str]  # the navigation's key, and the template's name

    @get("/", dependencies={"table": Provide(searched)})
    async def search(self, request: AnyRequest, table: NamedDependency[Table]) -> Template:
        search = await request.state.dishka_container.get(self.search_with)
        filters = table.filters
        found = await search(
            staff_id=staff_id(request), text=filters.get("q", ""), status=filters.get("status"), page=table.request
        )
        context = {"nav": self.screen, "statuses": search.statuses}
        return listing(request, f"{self.screen}.html", table, found, search.sorts, **context)


async def done(
    request: AnyRequest, action: Awaitable[T], said: str | Callable[[T], str], *, back: str | None = None
) -> Redirect:
    """A form's action: its outcome, or the use case's refusal, as a notice on the page it belongs to (``back``,
    by default the action's ``<page>``), reached with a 303 so a reload does not post again."""
    try:
        outcome = await action
    except DomainError as exc:
        notify(request, exc.message, "error")
    else:
        notify(request, said if isinstance(said, str) else said(outcome))
    return back_to(back or here(request))
