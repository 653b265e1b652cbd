"""``/api/hosts``: people asking to become hosts (no sign-in), and the staff list of them."""

from __future__ import annotations

from datetime import datetime

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import get, post
from litestar.params import JSONBody

from loopin.entrypoints.http.auth import PUBLIC, AnyRequest, Caller
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import Offset, PageSize, PhoneNumberText
from loopin.entrypoints.http.wire import client_address, to_wire
from loopin.usecases.events.hosts import BecomeAHost, ListHostLeads
from loopin.usecases.events.views import HostLeadView


class HostLeadOut(msgspec.Struct):
    id: int
    first_name: str
    last_name: str
    phone_number: str
    message: str
    submitted_at: datetime | None


class HostLeadSubmittedOut(msgspec.Struct):
    success: bool
    message: str
    data: HostLeadOut


class HostLeadAdminOut(msgspec.Struct):
    id: int
    first_name: str
    last_name: str
    phone_number: str
    message: str
    is_contacted: bool
    is_converted: bool
    created_at: datetime | None
    updated_at: datetime | None


class HostLeadListData(msgspec.Struct):
    leads: list[HostLeadAdminOut]
    total: int


class HostLeadListOut(msgspec.Struct):
    success: bool
    message: str
    data: HostLeadListData


class HostLeadIn(msgspec.Struct):
    first_name: str
    last_name: str
    phone_number: PhoneNumberText
    message: str = ""


def _lead_out(lead: HostLeadView) -> HostLeadAdminOut:
    return to_wire(HostLeadAdminOut, lead, created_at=lead.submitted_at)


class HostController(LoopinController):
    path = "/api/hosts"
    tags = ["hosts"]

    @post("/become-a-host", status_code=200, opt=PUBLIC, summary="Ask to become a host (no sign-in)")
    async def become_a_host(
        self, request: AnyRequest, data: JSONBody[HostLeadIn], become: FromDishka[BecomeAHost]
    ) -> HostLeadSubmittedOut:
        done = await become(
            first_name=data.first_name,
            last_name=data.last_name,
            phone_number=data.phone_number,
            message=data.message,
            client_address=client_address(request),
        )
        lead = done.lead
        message = (
            "Thank you! Our team will contact you soon about hosting on Loopin."
            if done.created
            else "We already have your information; our team will contact you soon."
        )
        return HostLeadSubmittedOut(True, message, to_wire(HostLeadOut, lead))

    @get("/host-leads", summary="Host leads, newest first (staff)")
    async def host_leads(
        self,
        caller: Caller,
        list_leads: FromDishka[ListHostLeads],
        offset: Offset = 0,
        limit: PageSize = 50,
    ) -> HostLeadListOut:
        leads = await list_leads(member_id=caller, offset=offset, limit=limit)
        return HostLeadListOut(
            True,
            f"Retrieved {len(leads.rows)} host leads",
            HostLeadListData([_lead_out(x) for x in leads.rows], leads.total),
        )
