"""``/api/staff/campaigns`` on PostgreSQL: compose, preview, send (jobs run inline), results, cancel; staff only;
hostile input is a 4xx."""

from __future__ import annotations

from loopin.domain.identity.member import Role
from tests.api import attendance_rig
from tests.api.attendance_rig import Rig, app_error, app_object

inline_rig = attendance_rig.inline_rig  # fixture

DRAFT = {
    "name": "Pune launch",
    "template": "events_in_city",
    "values": {"city": "Pune", "message": "Ten new events this week."},
    "audience": {"interest_ids": [1]},
}


async def test_staff_compose_preview_send_and_read_the_results(inline_rig: Rig) -> None:
    rig = inline_rig
    [staff] = await rig.members(1, role=Role.STAFF)
    members = await rig.members(4)
    templates = app_object(await rig.client.get("/api/staff/campaign-templates", headers=staff.headers))
    assert {t["key"] for t in templates["templates"]} == {"announcement", "promotion", "events_in_city"}

    created = await rig.client.post("/api/staff/campaigns", json=DRAFT, headers=staff.headers)
    assert created.status_code == 201, created.text
    campaign = created.json()["campaign"]
    assert (campaign["status"], campaign["audience"]["interest_ids"]) == ("draft", [1])
    preview = app_object(
        await rig.client.post(f"/api/staff/campaigns/{campaign['id']}/preview", headers=staff.headers)
    )
    assert preview["audience_count"] == 5  # rig members all like interest 1
    assert preview["sample"]["title"] == "New in Pune"
    sent = await rig.client.post(f"/api/staff/campaigns/{campaign['id']}/send", headers=staff.headers)
    assert sent.status_code == 202, sent.text
    done = app_object(await rig.client.get(f"/api/staff/campaigns/{campaign['id']}", headers=staff.headers))
    assert done["campaign"]["status"] == "sent"
    assert done["campaign"]["results"] == {"recipients": 5, "sent": 5, "pending": 0, "cancelled": 0}
    for m in members:
        inbox = app_object(await rig.client.get("/api/notifications", headers=m.headers))
        assert [n["title"] for n in inbox["notifications"]] == ["New in Pune"]
    again = await rig.client.post(f"/api/staff/campaigns/{campaign['id']}/send", headers=staff.headers)
    app_error(again, 409)
    listed = app_object(await rig.client.get("/api/staff/campaigns", headers=staff.headers))
    assert [c["id"] for c in listed["campaigns"]] == [campaign["id"]]

    nowhere = {**DRAFT, "audience": {"city": "Nowhere"}}
    empty = (await rig.client.post("/api/staff/campaigns", json=nowhere, headers=staff.headers)).json()["campaign"]
    refused = app_error(
        await rig.client.post(f"/api/staff/campaigns/{empty['id']}/send", headers=staff.headers), 422
    )
    assert "No member matches this audience" in refused["detail"][0]["msg"]

    # members are not staff
    app_error(await rig.client.get("/api/staff/campaigns", headers=members[0].headers), 403)
    app_error(await rig.client.post("/api/staff/campaigns", json=DRAFT, headers=members[0].headers), 403)


async def test_hostile_campaign_input_is_a_4xx(inline_rig: Rig) -> None:
    rig = inline_rig
    [staff] = await rig.members(1, role=Role.STAFF)
    h = staff.headers
    bad_bodies = [
        {**DRAFT, "template": "request_declined"},
        {**DRAFT, "values": {"city": "Pune"}},
        {**DRAFT, "values": {"city": "Pune", "message": "x" * 1001}},
        {**DRAFT, "values": {"city": "Pune\x00", "message": "m"}},
        {**DRAFT, "name": ""},
        {**DRAFT, "audience": {"interest_ids": [2**63]}},
        {**DRAFT, "audience": {"inactive_days": 10**12}},
        {**DRAFT, "audience": {"city": ""}},
        {**DRAFT, "audience": {"everyone_in_india": True}},  # an unknown rule is refused, never ignored
        {**DRAFT, "audience": {"attended_event_id": -1}},
        {"name": "x"},
    ]
    for body in bad_bodies:
        response = await rig.client.post("/api/staff/campaigns", json=body, headers=h)
        assert response.status_code == 422, (body, response.text)
    for path in ("/api/staff/campaigns/9223372036854775808", "/api/staff/campaigns/424242"):
        assert (await rig.client.get(path, headers=h)).status_code == 404
    assert (await rig.client.post("/api/staff/campaigns/0/send", headers=h)).status_code == 404
    assert (await rig.client.get("/api/staff/campaigns?limit=1000", headers=h)).status_code in (400, 422)
