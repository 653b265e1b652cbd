"""What every console page shares: the template response with the signed-in staff member, one-time notices
(kept in the session until shown), and the table helpers (sort links, pager) that keep paging on the server."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.response import Redirect, Template

from loopin.entrypoints.admin.session import step_up_fresh
from loopin.usecases.staff.ports import PageRequest

PAGE_SIZE = 25
SCREENS = (  # the navigation: (key, path, label)
    ("dashboard", "/admin", "Dashboard"),
    ("members", "/admin/members", "Members"),
    ("events", "/admin/events", "Events"),
    ("orders", "/admin/orders", "Orders"),
    ("payouts", "/admin/payouts", "Payouts"),
    ("campaigns", "/admin/campaigns", "Campaigns"),
    ("fee", "/admin/fee", "Platform fee"),
    ("audit", "/admin/audit", "Audit log"),
    ("leads", "/admin/leads", "Host leads"),
)
AnyRequest = Request[Any, Any, Any]


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """The noun for ``count`` of it: ``order`` for 1, ``orders`` otherwise (``nouns`` when not just an ``s``)."""
    return noun if count == 1 else nouns or f"{noun}s"


def counted(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 order``, ``2 orders``, ``1,200 members``: every count the console shows with its noun."""
    return f"{count:,} {plural(count, noun, nouns)}"


def inr(amount: Decimal | int | None) -> str:
    """Rupees as every console page and notice shows them: ``₹1,500.00``."""
    return "—" if amount is None else f"₹{Decimal(amount):,.2f}"


def notify(request: AnyRequest, text: str, kind: str = "ok") -> None:
    """A notice for the next page this browser shows (after a redirect)."""
    session = request.scope.get("session")
    if isinstance(session, dict) and session:
        session.setdefault("notices", []).append([kind, text[:300]])


def page(request: AnyRequest, template: str, *, status_code: int = 200, **context: Any) -> Template:
    """The page with what the layout needs, and whether sensitive actions are open (their forms are shown only
    then; otherwise a link to the step-up)."""
    session = request.scope.get("session")
    session = session if isinstance(session, dict) else {}
    notices = session.pop("notices", []) if session else []
    return Template(
        template_name=f"admin/{template}",
        context={
            "staff_name": session.get("name", ""),
            "signed_in": "member_id" in session,
            "notices": notices,
            "path": request.url.path,
            "screens": SCREENS,
            "stepped_up": step_up_fresh(session),
            **context,
        },
        status_code=status_code,
    )


def back_to(path: str) -> Redirect:
    """After a form: to a page (303, so the browser GETs it and a reload does not post again)."""
    return Redirect(path, status_code=303)


@dataclass(frozen=True, slots=True)
class Table:
    """The state of a paged, sorted table as the query string carries it; builds its own links."""

    base: str
    filters: dict[str, str]
    sort: str
    descending: bool
    offset: int
    limit: int
    total: int = 0

    @classmethod
    def of(
        cls, base: str, filters: dict[str, str | None], sort: str | None, order: str | None, offset: int
    ) -> Table:
        kept = {k: v for k, v in filters.items() if v}
        return cls(base, kept, sort or "", order != "asc", max(offset, 0), PAGE_SIZE)

    @property
    def request(self) -> PageRequest:
        return PageRequest(self.offset, self.limit, self.sort, self.descending)

    def counted(self, total: int, sorts: tuple[str, ...]) -> Table:
        """With the total, sorted as the use case did: the asked key when ``sorts`` has it, else the first."""
        sort = self.sort if self.sort in sorts else sorts[0]
        return Table(self.base, self.filters, sort, self.descending, self.offset, self.limit, total)

    def link(self, **changes: Any) -> str:
        query: dict[str, Any] = {**self.filters, "sort": self.sort, "order": "desc" if self.descending else "asc"}
        query["offset"] = self.offset
        query.update(dict(changes.items()))
        if not query.get("offset"):
            query.pop("offset", None)
        return f"{self.base}?{urlencode({k: v for k, v in query.items() if v not in (None, '')})}"

    def sort_link(self, key: str) -> str:
        descending = not self.descending if key == self.sort else True
        return self.link(sort=key, order="desc" if descending else "asc", offset=0)

    def arrow(self, key: str) -> str:
        return ("▼" if self.descending else "▲") if key == self.sort else ""

    @property
    def previous(self) -> str | None:
        """The page before; from past the end (an old link, an edited address), the last page."""
        if self.offset <= 0:
            return None
        if self.total and self.offset >= self.total:
            return self.link(offset=(self.total - 1) // self.limit * self.limit)
        return self.link(offset=max(self.offset - self.limit, 0))

    @property
    def next(self) -> str | None:
        return self.link(offset=self.offset + self.limit) if self.offset + self.limit < self.total else None

    @property
    def showing(self) -> str:
        """Which rows are shown; nothing for an empty list, whose table row already says so."""
        if not self.total:
            return ""
        if self.offset >= self.total:
            return f"Nothing after row {self.total}"
        last = min(self.offset + self.limit, self.total)
        return f"{self.offset + 1}–{last} of {self.total}"
