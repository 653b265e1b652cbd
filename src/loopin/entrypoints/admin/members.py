"""The dashboard, and the members: search, profile, let in off the waitlist, deactivate (step-up) and
reactivate."""

from __future__ import annotations

from typing import Annotated

from dishka.integrations.litestar import FromDishka
from litestar import get, post
from litestar.response import Redirect, Template

from loopin.domain.shared.errors import DomainError
from loopin.entrypoints.admin.rendering import AnyRequest, back_to, notify, page
from loopin.entrypoints.admin.screen import ConsoleController, Form, SearchScreen, done, staff_id
from loopin.entrypoints.admin.session import fresh_step_up, safe_next
from loopin.entrypoints.admin.sign_in import PhoneIn
from loopin.entrypoints.http.params import PathId
from loopin.usecases.identity.moderation import DeactivateMember, ReactivateMember
from loopin.usecases.identity.waitlist import AdmitMember
from loopin.usecases.staff.console import ReadDashboard, SearchMembers, ViewMember


class DashboardController(ConsoleController):
    path = "/admin"

    @get("/")
    async def dashboard(self, request: AnyRequest, read: FromDishka[ReadDashboard]) -> Template:
        return page(request, "dashboard.html", board=await read(staff_id=staff_id(request)), nav="dashboard")


class MemberController(SearchScreen):
    path = "/admin/members"
    search_with = SearchMembers
    screen = "members"

    @get("/{member_id:int}")
    async def profile(self, request: AnyRequest, member_id: PathId, view: FromDishka[ViewMember]) -> Template:
        found = await view(staff_id=staff_id(request), member_id=member_id)
        me = found.member.id == staff_id(request)
        return page(request, "member.html", nav="members", member=found.member, activity=found.activity, me=me)

    @post("/admit")
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
    async def deactivate(
        self, request: AnyRequest, member_id: PathId, deactivate: FromDishka[DeactivateMember]
    ) -> Redirect:
        action = deactivate(staff_id=staff_id(request), member_id=member_id)
        return await done(request, action, "The account is deactivated and its app sessions are ended.")

    @post("/{member_id:int}/reactivate")
    async def reactivate(
        self, request: AnyRequest, member_id: PathId, reactivate: FromDishka[ReactivateMember]
    ) -> Redirect:
        action = reactivate(staff_id=staff_id(request), member_id=member_id)
        return await done(request, action, lambda member: f"The account is {member.status.value} again.")
