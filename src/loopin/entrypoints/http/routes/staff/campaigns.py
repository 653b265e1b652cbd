"""``/api/staff/campaigns``: staff compose a campaign from a campaign template, preview its audience and a
rendered sample, send it (batched through jobs), follow its results and cancel it. Staff only."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import Response, get, post
from litestar.params import JSONBody

from loopin.domain.notifications.campaign import Audience, Campaign
from loopin.entrypoints.http.auth import Caller
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import Id, OptionalQueryId, PageSize, PathId
from loopin.entrypoints.http.wire import to_wire
from loopin.usecases.staff.campaigns import (
    CampaignView,
    CancelCampaign,
    ComposeCampaign,
    GetCampaign,
    ListCampaigns,
    ListCampaignTemplates,
    PreviewCampaign,
    SendCampaign,
)

Text = Annotated[str, msgspec.Meta(max_length=1000)]


class AudienceIn(msgspec.Struct, forbid_unknown_fields=True):
    city: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    interest_ids: Annotated[list[Id], msgspec.Meta(max_length=50)] = []
    hosts: bool = False
    attended_event_id: Id | None = None
    inactive_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = None


class CampaignIn(msgspec.Struct):
    name: Annotated[str, msgspec.Meta(max_length=120)]
    template: Annotated[str, msgspec.Meta(max_length=48)]
    values: Annotated[dict[Annotated[str, msgspec.Meta(max_length=48)], Text | int], msgspec.Meta(max_length=20)]
    audience: AudienceIn = msgspec.field(default_factory=AudienceIn)


class AudienceOut(msgspec.Struct):
    city: str | None
    interest_ids: list[int]
    hosts: bool
    attended_event_id: int | None
    inactive_days: int | None
    description: str


class ResultsOut(msgspec.Struct):
    recipients: int
    sent: int
    pending: int
    cancelled: int


class CampaignOut(msgspec.Struct):
    id: int
    name: str
    template: str
    values: dict[str, str | int]
    audience: AudienceOut
    status: str
    created_by: int
    sent_by: int | None
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    cancelled_at: datetime | None
    results: ResultsOut | None = None


class CampaignAnswer(msgspec.Struct):
    success: bool
    campaign: CampaignOut


class CampaignListOut(msgspec.Struct):
    success: bool
    campaigns: list[CampaignOut]


class SampleOut(msgspec.Struct):
    type: str
    title: str
    body: str
    route: str


class PreviewOut(msgspec.Struct):
    success: bool
    campaign_id: int
    audience_count: int
    audience: str
    sample: SampleOut
    sample_member_ids: list[int]


class VariableOut(msgspec.Struct):
    name: str
    type: str


class TemplateOut(msgspec.Struct):
    key: str
    type: str
    title: str
    body: str
    variables: list[VariableOut]


class TemplatesOut(msgspec.Struct):
    success: bool
    templates: list[TemplateOut]


def campaign_out(c: Campaign, view: CampaignView | None = None) -> CampaignOut:
    a = c.audience
    results = None
    if view is not None:
        r = view.results
        results = ResultsOut(c.recipients, r.sent, r.pending, r.cancelled)
    audience = AudienceOut(
        a.city, list(a.interest_ids), a.hosts, a.attended_event_id, a.inactive_days, a.describe()
    )
    return to_wire(
        CampaignOut, c, values=dict(c.values), audience=audience, status=c.status.value, results=results
    )


def answer(view: CampaignView) -> CampaignAnswer:
    return CampaignAnswer(True, campaign_out(view.campaign, view))


class StaffCampaignController(LoopinController):
    path = "/api/staff"
    tags = ["staff"]

    @get("/campaign-templates", summary="The templates a campaign can be composed from, with their variables")
    async def templates(self, caller: Caller, read: FromDishka[ListCampaignTemplates]) -> TemplatesOut:
        found = await read(member_id=caller)
        return TemplatesOut(
            True,
            [
                TemplateOut(
                    t.key,
                    t.kind.value,
                    t.title,
                    t.body,
                    [VariableOut(n, k.__name__) for n, k in t.variables.items()],
                )
                for t in found
            ],
        )

    @post("/campaigns", summary="Compose a campaign (a draft): name, template, its values, audience rules")
    async def compose(
        self, caller: Caller, data: JSONBody[CampaignIn], compose: FromDishka[ComposeCampaign]
    ) -> Response[CampaignAnswer]:
        a = data.audience
        audience = Audience.checked(
            city=a.city,
            interest_ids=tuple(a.interest_ids),
            hosts=a.hosts,
            attended_event_id=a.attended_event_id,
            inactive_days=a.inactive_days,
        )
        view = await compose(
            member_id=caller,
            name=data.name,
            template=data.template,
            values=data.values,
            audience=audience,
        )
        return Response(answer(view), status_code=201)

    @get("/campaigns", summary="Campaigns, newest first; page back with before_id")
    async def campaigns(
        self,
        caller: Caller,
        read: FromDishka[ListCampaigns],
        before_id: OptionalQueryId = None,
        limit: PageSize = 50,
    ) -> CampaignListOut:
        found = await read(member_id=caller, before_id=before_id, limit=limit)
        return CampaignListOut(True, [campaign_out(c) for c in found.campaigns])

    @get("/campaigns/{campaign_id:int}", summary="A campaign and its results per recipient status")
    async def campaign(self, caller: Caller, campaign_id: PathId, read: FromDishka[GetCampaign]) -> CampaignAnswer:
        return answer(await read(member_id=caller, campaign_id=campaign_id))

    @post("/campaigns/{campaign_id:int}/preview", status_code=200, summary="Audience count and a rendered sample")
    async def preview(
        self, caller: Caller, campaign_id: PathId, preview: FromDishka[PreviewCampaign]
    ) -> PreviewOut:
        p = await preview(member_id=caller, campaign_id=campaign_id)
        sample = SampleOut(p.sample.kind.value, p.sample.title, p.sample.body, p.sample.route)
        return PreviewOut(True, p.campaign.id, p.count, p.audience, sample, p.sample_member_ids)

    @post(
        "/campaigns/{campaign_id:int}/send",
        status_code=202,
        summary="Send a draft: its audience is enrolled now and reached in batches (each member once)",
    )
    async def send(self, caller: Caller, campaign_id: PathId, send: FromDishka[SendCampaign]) -> CampaignAnswer:
        return answer(await send(member_id=caller, campaign_id=campaign_id))

    @post("/campaigns/{campaign_id:int}/cancel", status_code=200, summary="Cancel: the batches not yet sent stop")
    async def cancel(
        self, caller: Caller, campaign_id: PathId, cancel: FromDishka[CancelCampaign]
    ) -> CampaignAnswer:
        return answer(await cancel(member_id=caller, campaign_id=campaign_id))
