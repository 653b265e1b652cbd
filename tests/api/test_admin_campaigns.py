"""The console's campaigns screen over HTTP on PostgreSQL: compose from a template with audience rules, the
draft's preview, send behind the CSRF token and a fresh code, the results, cancel, the templates; bad input
comes back as the form with its errors, never a 500. Jobs run inline, so a sent campaign is delivered at once."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from loopin.entrypoints.admin.campaigns import CampaignForm
from loopin.entrypoints.admin.session import STEP_UP_VALID
from loopin.usecases.staff.campaigns import ListCampaignTemplates
from tests.api import admin_console
from tests.api.admin_console import STAFF_PHONE, appoint, post_form, sign_in
from tests.api.attendance_rig import Rig
from tests.api.flows import sql

console = admin_console.console  # fixture

DRAFT = {
    "template": "announcement",
    "name": "Monsoon hello",
    "v_headline": "Monsoon meetups",
    "v_message": "Rainy-day events are live.",
    "interest_ids": "1",
}


async def campaign_rows() -> list[tuple[int, str]]:
    return [(int(i), str(s)) for i, s in await sql("SELECT id, status FROM campaigns ORDER BY id")]


async def step_up_for(console: Rig, here: str) -> None:
    api, fakes = console.client, console.fakes
    fakes.clock.advance(timedelta(seconds=31))
    await post_form(api, "/admin/step-up/send", f"/admin/step-up?next={here}", next=here)
    code = fakes.sms.last_code_for(STAFF_PHONE)
    confirmed = await post_form(api, "/admin/step-up/", f"/admin/step-up?next={here}", otp_code=code, next=here)
    assert confirmed.headers["location"] == here


async def test_compose_preview_send_and_see_the_results(console: Rig) -> None:
    api, fakes = console.client, console.fakes
    await console.members(3)  # interested in interest 1
    await appoint(console.container)
    await sign_in(api, fakes)
    fakes.clock.advance(STEP_UP_VALID + timedelta(seconds=1))  # the sign-in's own code lapses

    templates = await api.get("/admin/campaigns/templates")
    assert templates.status_code == 200
    for key in ("announcement", "promotion", "events_in_city"):
        assert key in templates.text
    form = await api.get("/admin/campaigns/new?template=events_in_city")
    assert 'name="v_city"' in form.text
    assert 'name="v_headline"' not in form.text

    forged = await api.post("/admin/campaigns/new", data=DRAFT, follow_redirects=False)
    assert forged.status_code == 403
    assert await campaign_rows() == []

    composed = await post_form(api, "/admin/campaigns/new", "/admin/campaigns/new", **DRAFT)
    assert composed.status_code == 303, composed.text
    [(campaign_id, status)] = await campaign_rows()
    assert status == "draft"
    here = f"/admin/campaigns/{campaign_id}"
    assert composed.headers["location"] == here
    draft = (await api.get(here)).text
    assert '<strong data-testid="audience-count">3</strong>' in draft
    assert "Monsoon meetups" in draft
    assert "Rainy-day events are live." in draft
    assert 'data-testid="send"' not in draft  # waits for a fresh code
    listed = (await api.get("/admin/campaigns")).text
    assert f'href="{here}"' in listed
    assert "Monsoon hello" in listed

    forged = await api.post(f"{here}/send", data={}, follow_redirects=False)
    assert forged.status_code == 403
    refused = await post_form(api, f"{here}/send", here)
    assert refused.headers["location"] == f"/admin/step-up?next={here}"
    assert await campaign_rows() == [(campaign_id, "draft")]

    await step_up_for(console, here)
    sent = await post_form(api, f"{here}/send", here)
    assert sent.headers["location"] == here
    shown = (await api.get(here)).text
    assert "is sending to 3 members" in shown
    assert '<dd data-testid="result-sent">3</dd>' in shown
    assert await campaign_rows() == [(campaign_id, "sent")]
    [(delivered,)] = await sql("SELECT count(*) FROM notifications WHERE template = 'announcement'")
    assert delivered == 3
    again = await post_form(api, f"{here}/send", here)  # sent once only
    assert again.headers["location"] == here
    assert "only a draft can be sent" in (await api.get(here)).text
    [(delivered,)] = await sql("SELECT count(*) FROM notifications WHERE template = 'announcement'")
    assert delivered == 3
    late = await post_form(api, f"{here}/cancel", here)
    assert late.headers["location"] == here
    assert await campaign_rows() == [(campaign_id, "sent")]
    actions = {a for (a,) in await sql("SELECT action FROM audit_entries WHERE target_type = 'campaign'")}
    assert {"campaign.created", "campaign.sent"} <= actions


async def test_a_campaign_that_reaches_no_one_offers_no_send(console: Rig) -> None:
    api, fakes = console.client, console.fakes
    await appoint(console.container)
    await sign_in(api, fakes)
    composed = await post_form(api, "/admin/campaigns/new", "/admin/campaigns/new", **DRAFT, city="Nowhere")
    here = composed.headers["location"]
    draft = (await api.get(here)).text  # the sign-in's code is fresh: a sendable draft would offer the send
    assert '<strong data-testid="audience-count">0</strong> members' in draft
    assert 'data-testid="send"' not in draft
    assert "Send to 0" not in draft
    assert "No member matches this audience now" in draft
    refused = await post_form(api, f"{here}/send", here)  # a page left open while the audience emptied
    assert refused.headers["location"] == here
    assert "No member matches this audience now" in (await api.get(here)).text
    assert [s for _, s in await campaign_rows()] == ["draft"]


async def test_the_form_notice_names_each_field_it_refuses(console: Rig) -> None:
    """The notice above the form is read on its own: 'Nothing is saved yet. A whole number' did not say where."""
    api, fakes = console.client, console.fakes
    await appoint(console.container)
    await sign_in(api, fakes)
    new = "/admin/campaigns/new"
    for fields, notice in (
        (
            {**DRAFT, "attended_event_id": "x", "inactive_days": "soon"},
            "Nothing is saved yet. Ticket holders of event id: a whole number; "
            "Inactive for at least (days): a whole number",
        ),
        ({**DRAFT, "name": ""}, "Nothing is saved yet. Campaign name: a name of 1 to 120 printable characters"),
        ({**DRAFT, "v_headline": " "}, "Nothing is saved yet. Headline: "),
    ):
        answered = await post_form(api, new, new, **fields)
        assert answered.status_code == 422, (fields, answered.status_code)
        shown = re.search(r'data-testid="form-error">(.*?)</p>', answered.text, re.S)
        assert shown is not None, answered.text
        assert html.unescape(shown.group(1)).startswith(notice), shown.group(1)
        assert '<label for="inactive_days">Inactive for at least (days)</label>' in answered.text
    assert await campaign_rows() == []


async def test_bad_input_is_the_form_with_its_errors_and_a_draft_can_be_cancelled(console: Rig) -> None:
    api, fakes = console.client, console.fakes
    await appoint(console.container)
    await sign_in(api, fakes)
    new = "/admin/campaigns/new"
    for fields, error in (
        ({**DRAFT, "inactive_days": "soon"}, "A whole number"),
        ({**DRAFT, "inactive_days": "0"}, "Between 1 and"),
        ({**DRAFT, "attended_event_id": str(2**64)}, "A whole number"),
        ({**DRAFT, "v_message": "   "}, "1 to"),
        ({**DRAFT, "template": "ticket_confirmed"}, "Campaigns use one of these templates"),
        ({**DRAFT, "name": ""}, "A name of 1 to"),
        ({**DRAFT, "city": "Pu\u200bne\u0007"}, "A city is 1 to"),
    ):
        answered = await post_form(api, new, new, **fields)
        assert answered.status_code == 422, (fields, answered.status_code)
        assert error in answered.text
        assert 'data-testid="form-error"' in answered.text
        assert 'name="v_headline" value="Monsoon meetups"' in answered.text  # what was typed is kept
    nul = await post_form(api, new, new, **{**DRAFT, "city": "Pune\x00"})
    assert nul.status_code == 400  # refused before any handler, like every NUL byte
    assert await campaign_rows() == []

    composed = await post_form(api, new, new, **{**DRAFT, "hosts": "1", "city": " Pune "})
    [(campaign_id, _)] = await campaign_rows()
    here = f"/admin/campaigns/{campaign_id}"
    assert composed.headers["location"] == here
    draft = (await api.get(here)).text
    assert "in Pune" in draft
    assert "who hosted an event" in draft
    assert '<strong data-testid="audience-count">0</strong>' in draft
    forged = await api.post(f"{here}/cancel", data={}, follow_redirects=False)
    assert forged.status_code == 403
    cancelled = await post_form(api, f"{here}/cancel", here)
    assert cancelled.headers["location"] == here
    assert await campaign_rows() == [(campaign_id, "cancelled")]
    assert (await api.get(f"/admin/campaigns/{2**63}")).status_code == 404
    assert (await api.get("/admin/campaigns/424242")).status_code == 404
    assert (await api.get("/admin/campaigns?before_id=-1")).status_code == 400
    assert (await api.get("/admin/campaigns?before_id=1")).status_code == 200


async def test_the_form_carries_every_campaign_templates_variables(console: Rig) -> None:
    await appoint(console.container)
    staff_id = (await sql("SELECT id FROM members WHERE phone_number = :p", p=STAFF_PHONE))[0][0]
    async with console.container() as scope:
        found = await (await scope.get(ListCampaignTemplates))(member_id=int(staff_id))
    fields = set(CampaignForm.__struct_fields__)
    assert found
    for template in found:
        assert {f"v_{name}" for name in template.variables} <= fields, template.key
