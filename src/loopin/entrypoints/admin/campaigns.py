"""Campaigns and their templates: the list (newest first, paged on the server), compose from a template with
audience rules, the draft's preview (audience count and the message as members will read it), send behind a
fresh code, cancel. Every action goes through the staff campaign use cases, like ``/api/staff/campaigns``."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import get, post
from litestar.response import Redirect, Template

from loopin.domain.notifications.campaign import Audience, CampaignStatus
from loopin.domain.notifications.templates import Template as MessageTemplate
from loopin.domain.shared.errors import FieldProblem, InvalidInput
from loopin.entrypoints.admin.rendering import PAGE_SIZE, AnyRequest, back_to, counted, notify, page
from loopin.entrypoints.admin.screen import Choice, ConsoleController, Form, done, staff_id
from loopin.entrypoints.admin.session import fresh_step_up
from loopin.entrypoints.http.params import OptionalQueryId, PathId
from loopin.usecases.staff.campaigns import (
    CancelCampaign,
    ComposeCampaign,
    GetCampaign,
    ListCampaigns,
    ListCampaignTemplates,
    PreviewCampaign,
    SendCampaign,
)


class CampaignForm(msgspec.Struct):
    """The compose form as the browser posts it: every field text, read and checked here and in the domain.
    Template variables arrive as ``v_<name>``."""

    name: str = ""
    template: str = ""
    city: str = ""
    interest_ids: str = ""
    hosts: str = ""
    attended_event_id: str = ""
    inactive_days: str = ""
    v_headline: str = ""
    v_message: str = ""
    v_city: str = ""


def _whole(field: str, raw: str, problems: list[FieldProblem]) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        problems.append(FieldProblem(field, "A whole number"))
        return None
    return int(raw)


def audience_of(form: CampaignForm) -> Audience:
    problems: list[FieldProblem] = []
    interests: list[int] = []
    for part in form.interest_ids.replace(",", " ").split():
        value = _whole("audience.interest_ids", part, problems)
        if value is not None:
            interests.append(value)
    event_id = _whole("audience.attended_event_id", form.attended_event_id, problems)
    inactive = _whole("audience.inactive_days", form.inactive_days, problems)
    if problems:
        raise InvalidInput(problems)
    return Audience.checked(
        city=form.city.strip() or None,
        interest_ids=tuple(interests),
        hosts=bool(form.hosts),
        attended_event_id=event_id,
        inactive_days=inactive,
    )


def values_of(form: CampaignForm, spec: MessageTemplate | None) -> dict[str, object]:
    if spec is None:
        return {}
    return {name: str(getattr(form, f"v_{name}", "")) for name in spec.variables}


class CampaignAdminController(ConsoleController):
    path = "/admin/campaigns"

    @get("/")
    async def campaigns(
        self, request: AnyRequest, read: FromDishka[ListCampaigns], before_id: OptionalQueryId = None
    ) -> Template:
        found = await read(member_id=staff_id(request), before_id=before_id, limit=PAGE_SIZE)
        older = f"/admin/campaigns?before_id={found.next_before_id}" if found.next_before_id else None
        return page(
            request,
            "campaigns.html",
            nav="campaigns",
            campaigns=found.campaigns,
            older=older,
            paged=before_id is not None,
        )

    @get("/templates")
    async def templates(self, request: AnyRequest, read: FromDishka[ListCampaignTemplates]) -> Template:
        found = await read(member_id=staff_id(request))
        return page(request, "campaign_templates.html", nav="campaigns", templates=found)

    @get("/new")
    async def new(
        self, request: AnyRequest, read: FromDishka[ListCampaignTemplates], template: Choice = None
    ) -> Template:
        found = await read(member_id=staff_id(request))
        return _compose_page(request, found, CampaignForm(template=template or found[0].key), [])

    @post("/new")
    async def compose(
        self,
        request: AnyRequest,
        data: Annotated[CampaignForm, Form],
        read: FromDishka[ListCampaignTemplates],
        compose: FromDishka[ComposeCampaign],
    ) -> Template | Redirect:
        found = await read(member_id=staff_id(request))
        spec = next((t for t in found if t.key == data.template), None)
        try:
            view = await compose(
                member_id=staff_id(request),
                name=data.name.strip(),
                template=data.template,
                values=values_of(data, spec),
                audience=audience_of(data),
            )
        except InvalidInput as exc:
            return _compose_page(request, found, data, list(exc.problems), status_code=422)
        notify(request, f"Campaign #{view.campaign.id} is a draft: check the audience and the message, then send.")
        return back_to(f"/admin/campaigns/{view.campaign.id}")

    @get("/{campaign_id:int}")
    async def campaign(
        self,
        request: AnyRequest,
        campaign_id: PathId,
        read: FromDishka[GetCampaign],
        preview: FromDishka[PreviewCampaign],
    ) -> Template:
        view = await read(member_id=staff_id(request), campaign_id=campaign_id)
        draft = view.campaign.status is CampaignStatus.DRAFT
        shown = await preview(member_id=staff_id(request), campaign_id=campaign_id) if draft else None
        return page(request, "campaign.html", nav="campaigns", view=view, c=view.campaign, preview=shown)

    @post("/{campaign_id:int}/send", guards=[fresh_step_up])
    async def send(self, request: AnyRequest, campaign_id: PathId, send: FromDishka[SendCampaign]) -> Redirect:
        action = send(member_id=staff_id(request), campaign_id=campaign_id)
        return await done(
            request,
            action,
            lambda v: f"Campaign #{v.campaign.id} is sending to {counted(v.campaign.recipients, 'member')}.",
        )

    @post("/{campaign_id:int}/cancel")
    async def cancel(
        self, request: AnyRequest, campaign_id: PathId, cancel: FromDishka[CancelCampaign]
    ) -> Redirect:
        action = cancel(member_id=staff_id(request), campaign_id=campaign_id)
        return await done(
            request,
            action,
            lambda v: f"Campaign #{v.campaign.id} is cancelled; {counted(v.results.sent, 'member')} had it.",
        )


def _compose_page(
    request: AnyRequest,
    templates: list[MessageTemplate],
    form: CampaignForm,
    problems: list[FieldProblem],
    *,
    status_code: int = 200,
) -> Template:
    chosen = next((t for t in templates if t.key == form.template), templates[0])
    errors: dict[str, Any] = {}
    for p in problems:
        errors.setdefault(p.field, []).append(p.message)
    return page(
        request,
        "campaign_new.html",
        status_code=status_code,
        nav="campaigns",
        templates=templates,
        chosen=chosen,
        form=form,
        errors=errors,
        problems=problems,
    )
