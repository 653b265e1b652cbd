"""The platform fee (current, history, change with a fresh code), the audit log (filters, paging back, the
chain's verification on demand) and the host leads (contacted, converted)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template

from loopin.domain.shared.errors import DomainError
from loopin.entrypoints.admin.members import Offset, staff_id
from loopin.entrypoints.admin.rendering import PAGE_SIZE, AnyRequest, Table, back_to, notify, page
from loopin.entrypoints.admin.session import fresh_step_up, session_of, signed_in_staff, step_up_fresh
from loopin.entrypoints.admin.sign_in import Form
from loopin.entrypoints.http.params import OptionalQueryId, PathId
from loopin.usecases.audit.ports import AuditQuery
from loopin.usecases.events.hosts import ListHostLeads, MarkHostLead
from loopin.usecases.payments.fees import ChangePlatformFee
from loopin.usecases.shared.ports import Clock
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


class FeeAdminController(Controller):
    path = "/admin/fee"
    include_in_schema = False
    guards = [signed_in_staff]

    @get("/")
    @inject
    async def current(
        self, request: AnyRequest, read: FromDishka[ReadFeeHistory], clock: FromDishka[Clock]
    ) -> Template:
        history = await read(staff_id=staff_id(request))
        return page(
            request,
            "fee.html",
            nav="fee",
            history=history,
            stepped_up=step_up_fresh(session_of(request), clock.now().timestamp()),
        )

    @post("/change", guards=[fresh_step_up])
    @inject
    async def change(
        self, request: AnyRequest, data: Annotated[FeeIn, Form], change: FromDishka[ChangePlatformFee]
    ) -> Redirect:
        try:
            fee = await change(
                member_id=staff_id(request),
                percentage=data.percentage.strip(),
                description=data.description or None,
            )
        except DomainError as exc:
            notify(request, exc.message, "error")
        else:
            notify(request, f"The platform fee is {fee.percentage}% for every order from now on.")
        return back_to("/admin/fee")


class AuditAdminController(Controller):
    path = "/admin/audit"
    include_in_schema = False
    guards = [signed_in_staff]

    @get("/")
    @inject
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
    @inject
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


class LeadAdminController(Controller):
    path = "/admin/leads"
    include_in_schema = False
    guards = [signed_in_staff]

    @get("/")
    @inject
    async def leads(self, request: AnyRequest, read: FromDishka[ListHostLeads], offset: Offset = 0) -> Template:
        table = Table.of("/admin/leads", {}, "submitted_at", "desc", offset)
        total, leads = await read(member_id=staff_id(request), offset=table.offset, limit=table.limit)
        return page(request, "leads.html", nav="leads", leads=leads, table=table.counted(total, "submitted_at"))

    @post("/{lead_id:int}/mark")
    @inject
    async def mark(
        self, request: AnyRequest, lead_id: PathId, data: Annotated[LeadIn, Form], mark: FromDishka[MarkHostLead]
    ) -> Redirect:
        try:
            lead = await mark(
                staff_id=staff_id(request),
                lead_id=lead_id,
                contacted=_flag(data.contacted),
                converted=_flag(data.converted),
            )
        except DomainError as exc:
            notify(request, exc.message, "error")
        else:
            state = "converted" if lead.is_converted else "contacted" if lead.is_contacted else "new"
            notify(request, f"{lead.first_name} {lead.last_name} is {state}.")
        return back_to("/admin/leads")
