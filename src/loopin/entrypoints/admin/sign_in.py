"""Signing in (phone, then the SMS code), signing out, and the step-up code before sensitive actions."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.shared.errors import DomainError, ErrorKind
from loopin.entrypoints.admin.rendering import AnyRequest, back_to, notify, page
from loopin.entrypoints.admin.screen import Form
from loopin.entrypoints.admin.session import (
    rotate_session_id,
    safe_next,
    session_of,
    signed_in_staff,
    step_up_fresh,
)
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.wire import client_address
from loopin.usecases.identity.request_otp import RequestOtp
from loopin.usecases.shared.ports import Clock
from loopin.usecases.staff.sign_in import RequestStepUpCode, StaffSignIn, StaffStepUp

NextParam = Annotated[str | None, QueryParameter(name="next", max_length=500)]


class PhoneIn(msgspec.Struct):
    phone_number: str = ""
    next: str = ""


class CodeIn(msgspec.Struct):
    otp_code: str = ""
    next: str = ""


def _masked(phone: str) -> str:
    try:
        return PhoneNumber.parse(phone).masked()
    except DomainError:
        return "your phone"


class SignInController(LoopinController):
    path = "/admin"
    include_in_schema = False

    @get("/login")
    async def login_page(self, request: AnyRequest, next_path: NextParam = None) -> Template:
        return page(request, "login.html", step="phone", next=safe_next(next_path), phone="")

    @post("/login")
    async def send_code(
        self,
        request: AnyRequest,
        data: Annotated[PhoneIn, Form],
        send: FromDishka[RequestOtp],
    ) -> Template | Redirect:
        target = safe_next(data.next)
        try:
            sent = await send(phone_number=data.phone_number, client_address=client_address(request))
        except DomainError as exc:
            error = exc.message
            return page(request, "login.html", step="phone", next=target, phone=data.phone_number, error=error)
        request.scope["session"] = {"pending_phone": sent.phone_number, "next": target}
        return back_to("/admin/login/code")

    @get("/login/code")
    async def code_page(self, request: AnyRequest) -> Template | Redirect:
        pending = session_of(request).get("pending_phone")
        if not isinstance(pending, str):
            return back_to("/admin/login")
        return page(request, "login.html", step="code", masked_phone=_masked(pending))

    @post("/login/code")
    async def verify_code(
        self,
        request: AnyRequest,
        data: Annotated[CodeIn, Form],
        sign_in: FromDishka[StaffSignIn],
        clock: FromDishka[Clock],
    ) -> Template | Redirect:
        session = session_of(request)
        pending = session.get("pending_phone")
        if not isinstance(pending, str):
            return back_to("/admin/login")
        try:
            staff = await sign_in(
                phone_number=pending, otp_code=data.otp_code, client_address=client_address(request)
            )
        except DomainError as exc:
            if exc.kind is ErrorKind.FORBIDDEN or exc.kind is ErrorKind.NOT_FOUND:
                request.scope["session"] = {}
                return page(request, "denied.html", status_code=403, reason=exc.message)
            return page(request, "login.html", step="code", masked_phone=_masked(pending), error=exc.message)
        now = clock.now().timestamp()
        rotate_session_id(request)
        request.scope["session"] = {
            "member_id": staff.member_id,
            "phone": staff.phone_number,
            "name": staff.name or staff.phone_number,
            "auth_at": now,
            "seen_at": now,
        }
        return back_to(safe_next(session.get("next")))

    @post("/logout")
    async def logout(self, request: AnyRequest) -> Redirect:
        request.clear_session()
        return back_to("/admin/login")


class StepUpController(LoopinController):
    """The fresh code: sent to the staff member's own phone, typed in here, good for five minutes."""

    path = "/admin/step-up"
    include_in_schema = False
    guards = [signed_in_staff]

    @get("/")
    async def step_up_page(self, request: AnyRequest, next_path: NextParam = None) -> Template | Redirect:
        session: dict[str, Any] = session_of(request)
        target = safe_next(next_path)
        if step_up_fresh(session):  # signed in or confirmed minutes ago: nothing to confirm yet
            return back_to(target)
        return page(
            request,
            "step_up.html",
            next=target,
            masked_phone=_masked(str(session.get("phone", ""))),
            sent=bool(session.get("step_up_sent")),
        )

    @post("/send")
    async def send(
        self, request: AnyRequest, data: Annotated[CodeIn, Form], send: FromDishka[RequestStepUpCode]
    ) -> Redirect:
        session = session_of(request)
        target = safe_next(data.next)
        try:
            await send(staff_id=session["member_id"], client_address=client_address(request))
        except DomainError as exc:
            notify(request, exc.message, "error")
        else:
            session["step_up_sent"] = True
            notify(request, "We sent a code to your phone.")
        return back_to(step_up_url(target))

    @post("/")
    async def confirm(
        self,
        request: AnyRequest,
        data: Annotated[CodeIn, Form],
        step_up: FromDishka[StaffStepUp],
        clock: FromDishka[Clock],
    ) -> Redirect:
        session = session_of(request)
        target = safe_next(data.next)
        try:
            await step_up(
                staff_id=session["member_id"],
                otp_code=data.otp_code,
                purpose=target,
                client_address=client_address(request),
            )
        except DomainError as exc:
            notify(request, exc.message, "error")
            return back_to(step_up_url(target))
        rotate_session_id(request)
        session["step_up_at"] = clock.now().timestamp()
        session.pop("step_up_sent", None)
        notify(request, "Confirmed. Sensitive actions are open for the next five minutes.")
        return back_to(target)


def step_up_url(next_path: str) -> str:
    return f"/admin/step-up?next={quote(next_path, safe='/')}"
