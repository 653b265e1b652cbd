"""The platform fee (current, history, change by a superuser with a fresh code), the audit log (filters, paging
back, the chain's verification on demand) and the host leads (contacted, converted)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template

from loopin.entrypoints.admin.rendering import PAGE_SIZE, AnyRequest, Table, back_to, page
from loopin.entrypoints.admin.screen import ConsoleController, Form, done, staff_id
from loopin.entrypoints.admin.session import confirmed_at, fresh_step_up, session_of
from loopin.entrypoints.http.params import Offset, OptionalQueryId, PathId
from loopin.usecases.audit.ports import AuditQuery
from loopin.usecases.events.hosts import ListHostLeads, MarkHostLead
from loopin.usecases.events.views import HostLeadView
from loopin.usecases.payments.fees import ChangePlatformFee
from loopin.usecases.staff.audit_log import ReadAuditLog
from loopin.usecases.staff.catalog import CheckAuditChain, ReadFeeHistory

AuditFilter = Annotated[str | None, Parameter(max_length=64)]


class FeeIn(msgspec.Struct):
    percentage: str = ""
    description: str = ""


class LeadIn(msgspec.Struct):
    contacted: str = ""  # "yes" / "no" / "" (unchanged)
    converted: str = ""


def _flag(raw: str) -> bool | None:
    return {"yes": True, "no": False}.get(raw)


class FeeAdminController(ConsoleController):
    path = "/admin/fee"

    @get("/")
    async def current(self, request: AnyRequest, read: FromDishka[ReadFeeHistory]) -> Template:
        return page(request, "fee.html", nav="fee", history=await read(staff_id=staff_id(request)))

    @post("/change", guards=[fresh_step_up])
    async def change(
        self, request: AnyRequest, data: Annotated[FeeIn, Form], change: FromDishka[ChangePlatformFee]
    ) -> Redirect:
        percentage, description = data.percentage.strip(), data.description or None
        confirmed = confirmed_at(session_of(request))  # the guard sent a stale session to the step-up already
        action = change(
            member_id=staff_id(request), percentage=percentage, confirmed_at=confirmed, description=description
        )
        return await done(
            request, action, lambda fee: f"The platform fee is {fee.percentage}% for every order from now on."
        )


class AuditAdminController(ConsoleController):
    path = "/admin/audit"

    @get("/")
    async def entries(
        self,
        request: AnyRequest,
        read: FromDishka[ReadAuditLog],
        action: AuditFilter = None,
        target_type: AuditFilter = None,
        target_id: OptionalQueryId = None,
        actor_id: OptionalQueryId = None,
        before_seq: OptionalQueryId = None,
    ) -> Template:
        query = AuditQuery(
            target_type=target_type or None,
            target_id=target_id,
            actor_id=actor_id,
            action=action or None,
            before_seq=before_seq,
            limit=PAGE_SIZE,
        )
        found = await read(member_id=staff_id(request), query=query)
        filters: dict[str, Any] = {
            "action": action or "",
            "target_type": target_type or "",
            "target_id": target_id or "",
            "actor_id": actor_id or "",
        }
        kept = {k: v for k, v in filters.items() if v}
        older = Table("/admin/audit", {k: str(v) for k, v in kept.items()}, "", True, 0, PAGE_SIZE)
        session = session_of(request)
        return page(
            request,
            "audit.html",
            nav="audit",
            entries=found.entries,
            filters=filters,
            older=older.link(before_seq=found.next_before_seq) if found.next_before_seq else None,
            newest=older.link() if before_seq else None,
            chain=session.pop("chain_report", None),
        )

    @post("/verify")
    async def verify(self, request: AnyRequest, check: FromDishka[CheckAuditChain]) -> Redirect:
        report = await check(staff_id=staff_id(request))
        broken = report.broken
        session_of(request)["chain_report"] = {
            "intact": report.intact,
            "checked": report.checked,
            "anchors": report.anchors,
            "unsealed": report.unsealed,
            "head": report.head.seq if report.head else None,
            "broken_at": broken.seq if broken else None,
            "reason": broken.reason if broken else "",
        }
        return back_to("/admin/audit")


class LeadAdminController(ConsoleController):
    path = "/admin/leads"

    @get("/")
    async def leads(self, request: AnyRequest, read: FromDishka[ListHostLeads], offset: Offset = 0) -> Template:
        table = Table.of("/admin/leads", {}, "submitted_at", "desc", offset)
        found = await read(member_id=staff_id(request), offset=table.offset, limit=table.limit)
        listed = table.counted(found.total, ("submitted_at",))
        return page(request, "leads.html", nav="leads", leads=found.rows, table=listed)

    @post("/{lead_id:int}/mark")
    async def mark(
        self, request: AnyRequest, lead_id: PathId, data: Annotated[LeadIn, Form], mark: FromDishka[MarkHostLead]
    ) -> Redirect:
        contacted, converted = _flag(data.contacted), _flag(data.converted)
        action = mark(staff_id=staff_id(request), lead_id=lead_id, contacted=contacted, converted=converted)
        return await done(request, action, _stage, back="/admin/leads")


def _stage(lead: HostLeadView) -> str:
    state = "converted" if lead.is_converted else "contacted" if lead.is_contacted else "new"
    return f"{lead.first_name} {lead.last_name} is {state}."
