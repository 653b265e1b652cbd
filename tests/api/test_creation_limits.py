"""Per-member limits on what a member can create (everyone sees venues and events), and files of deleted events
leave the disk. On PostgreSQL and Redis."""

from __future__ import annotations

from datetime import timedelta

from tests.api.attendance_rig import Rig, app_error
from tests.api.attendance_rig import inline_rig as inline_rig  # fixture
from tests.api.attendance_rig import rig as rig  # fixture
from tests.api.event_flows import app_form, covers, multipart
from tests.api.flows import stored_files


async def test_a_member_creates_at_most_ten_venues_an_hour(rig: Rig) -> None:
    member, other = await rig.members(2)
    for n in range(10):
        body = {"name": f"Hall {n}", "city": "Mumbai"}
        created = await rig.client.post("/api/events/venues", headers=member.headers, json=body)
        assert created.status_code == 201, created.text
    refused = await rig.client.post("/api/events/venues", headers=member.headers, json={"name": "Hall X"})
    body = app_error(refused, 429, "CREATION_LIMITED")
    assert 0 < int(refused.headers["retry-after"]) <= 3600
    assert "venues" in body["detail"]
    allowed = await rig.client.post("/api/events/venues", headers=other.headers, json={"name": "Hall Y"})
    assert allowed.status_code == 201, allowed.text  # counted per member
    rig.fakes.clock.advance(timedelta(hours=1))
    again = await rig.client.post("/api/events/venues", headers=member.headers, json={"name": "Hall Z"})
    assert again.status_code == 201, again.text


async def test_a_member_creates_at_most_twenty_events_a_day(rig: Rig) -> None:
    host = await rig.member()
    for n in range(20):
        form = app_form(rig.fakes, title=f"Jam night {n}", venue_name="Carter Road")
        created = await rig.client.post("/api/events", headers=host.headers, files=multipart(form))
        assert created.status_code == 201, created.text
    form = app_form(rig.fakes, title="One too many", venue_name="Carter Road")
    refused = await rig.client.post("/api/events", headers=host.headers, files=multipart(form))
    app_error(refused, 429, "CREATION_LIMITED")
    assert 0 < int(refused.headers["retry-after"]) <= 24 * 3600
    retried = await rig.client.post(
        "/api/events", headers=host.headers, files=multipart(app_form(rig.fakes, title="Jam night 3"))
    )
    assert retried.status_code == 201, retried.text  # a retried create answers with the stored event


async def test_deleting_an_event_removes_its_cover_files(inline_rig: Rig) -> None:
    rig = inline_rig
    host = await rig.member()
    created = await rig.client.post(
        "/api/events", headers=host.headers, files=multipart(app_form(rig.fakes), covers(2))
    )
    assert created.status_code == 201, created.text
    assert len(stored_files(rig.settings.media_root)) == 2
    deleted = await rig.client.delete(f"/api/events/{created.json()['id']}", headers=host.headers)
    assert deleted.status_code == 200, deleted.text
    assert stored_files(rig.settings.media_root) == []
    for url in created.json()["cover_images"]:
        assert (await rig.client.get(url)).status_code == 404
