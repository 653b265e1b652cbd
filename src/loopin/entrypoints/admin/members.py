"""The dashboard, and the members: search, profile, let in off the waitlist, deactivate (step-up) and
reactivate."""

from __future__ import annotations

from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template

from loopin.domain.shared.errors import DomainError
from loopin.entrypoints.admin.rendering import AnyRequest, Table, back_to, notify, page
from loopin.entrypoints.admin.session import fresh_step_up, safe_next, session_of, signed_in_staff, step_up_fresh
from loopin.entrypoints.admin.sign_in import Form, PhoneIn
from loopin.entrypoints.http.params import PathId
from loopin.usecases.identity.moderation import DeactivateMember, ReactivateMember
from loopin.usecases.identity.waitlist import AdmitMember
from loopin.usecases.shared.ports import Clock
from loopin.usecases.staff.console import MEMBER_STATUSES, ReadDashboard, SearchMembers, ViewMember
from loopin.usecases.staff.ports import MEMBER_SORTS

Text = Annotated[str | None, Parameter(max_length=100)]
Choice = Annotated[str | None, Parameter(max_length=20)]
Offset = Annotated[int, Parameter(ge=0, le=1_000_000)]


class Confirmed(msgspec.Struct):
    """A form with nothing but its CSRF token."""


def staff_id(request: AnyRequest) -> int:
    member_id: int = session_of(request)["member_id"]
    return member_id


class DashboardController(Controller):
    path = "/admin"
    include_in_schema = False
    guards = [signed_in_staff]

    @get("/")
    @inject
    async def dashboard(self, request: AnyRequest, read: FromDishka[ReadDashboard]) -> Template:
        return page(request, "dashboard.html", board=await read(staff_id=staff_id(request)), nav="dashboard")


class MemberController(Controller):
    path = "/admin/members"
    include_in_schema = False
    guards = [signed_in_staff]

    @get("/")
    @inject
    async def search(
        self,
        request: AnyRequest,
        search: FromDishka[SearchMembers],
        q: Text = None,
        status: Choice = None,
        sort: Choice = None,
        order: Choice = None,
        offset: Offset = 0,
    ) -> Template:
        table = Table.of("/admin/members", {"q": q, "status": status}, sort, order, offset)
        sort_key = table.sort if table.sort in MEMBER_SORTS else MEMBER_SORTS[0]
        found = await search(staff_id=staff_id(request), text=q or "", status=status or None, page=table.request)
        return page(
            request,
            "members.html",
            nav="members",
            rows=found.rows,
            table=table.counted(found.total, sort_key),
            q=q or "",
            status=status or "",
            statuses=MEMBER_STATUSES,
        )

    @get("/{member_id:int}")
    @inject
    async def profile(
        self, request: AnyRequest, member_id: PathId, view: FromDishka[ViewMember], clock: FromDishka[Clock]
    ) -> Template:
        found = await view(staff_id=staff_id(request), member_id=member_id)
        session = session_of(request)
        return page(
            request,
            "member.html",
            nav="members",
            member=found.member,
            activity=found.activity,
            stepped_up=step_up_fresh(session, clock.now().timestamp()),
            me=found.member.id == session["member_id"],
        )

    @post("/admit")
    @inject
    async def admit(
        self, request: AnyRequest, data: Annotated[PhoneIn, Form], admit: FromDishka[AdmitMember]
    ) -> Redirect:
        """By phone number, like ``loopin members promote``: the profile page posts the member's own."""
        try:
            member = await admit(phone_number=data.phone_number, staff_id=staff_id(request))
        except DomainError as exc:
            notify(request, exc.message, "error")
            return back_to(safe_next(data.next))
        notify(request, f"{member.profile.name or member.phone.masked()} is {member.status.value}.")
        return back_to(f"/admin/members/{member.id}")

    @post("/{member_id:int}/deactivate", guards=[fresh_step_up])
    @inject
    async def deactivate(
        self,
        request: AnyRequest,
        member_id: PathId,
        data: Annotated[Confirmed, Form],
        deactivate: FromDishka[DeactivateMember],
    ) -> Redirect:
        try:
            await deactivate(staff_id=staff_id(request), member_id=member_id)
        except DomainError as exc:
            notify(request, exc.message, "error")
        else:
            notify(request, "The account is deactivated and its app sessions are ended.")
        return back_to(f"/admin/members/{member_id}")

    @post("/{member_id:int}/reactivate")
    @inject
    async def reactivate(
        self,
        request: AnyRequest,
        member_id: PathId,
        data: Annotated[Confirmed, Form],
        reactivate: FromDishka[ReactivateMember],
    ) -> Redirect:
        try:
            member = await reactivate(staff_id=staff_id(request), member_id=member_id)
        except DomainError as exc:
            notify(request, exc.message, "error")
        else:
            notify(request, f"The account is {member.status.value} again.")
        return back_to(f"/admin/members/{member_id}")
