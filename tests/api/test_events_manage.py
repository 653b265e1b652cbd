"""PUT and DELETE /api/events/{id}: the app's RSVP deadline, partial edits, who may, what is refused."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.api.event_flows import GUEST, HOST, OTHER, active_members, assert_app_event, covers, create_event
from tests.api.flows import assert_error, assert_invalid, bearer, onboard, sql
from tests.support import Fakes


async def stored(event_id: int) -> Any:
    (row,) = await sql("SELECT * FROM events WHERE id = :id", id=event_id)
    return row


async def test_the_apps_rsvp_deadline(api: AsyncTestClient, fakes: Fakes) -> None:
    (host,) = await active_members(api, fakes, HOST)
    event = await create_event(api, fakes, host)
    for policy in ("48h", "7d", "day_before_event", "event_start"):
        response = await api.put(
            f"/api/events/{event['id']}", headers=bearer(host), json={"rsvp_expiry_policy": policy}
        )
        assert response.status_code == 200
        body = response.json()
        assert body["success"] is True
        assert "detail" not in body
        assert assert_app_event(body["data"])["rsvp_expiry_policy"] == policy
        assert (await stored(event["id"])).rsvp_expiry_policy == policy
    actions = [r[0] for r in await sql("SELECT action FROM audit_entries WHERE action LIKE 'event.%' ORDER BY id")]
    assert actions == ["event.created"] + ["event.updated"] * 4


async def test_partial_edits_keep_the_rest(api: AsyncTestClient, fakes: Fakes) -> None:
    (host,) = await active_members(api, fakes, HOST)
    event = await create_event(api, fakes, host, cover_files=covers(2))
    response = await api.put(
        f"/api/events/{event['id']}",
        headers=bearer(host),
        json={
            "title": "Moonrise Jam",
            "max_capacity": 0,
            "is_paid": True,
            "ticket_price": "350",
            "cover_images": [event["cover_images"][1]],
            "event_interest_ids": [4],
            "going_count": 999,  # not editable: ignored
            "host_id": 12345,
        },
    )
    assert response.status_code == 200, response.text
    data = assert_app_event(response.json()["data"])
    assert (data["title"], data["max_capacity"], data["ticket_price"]) == ("Moonrise Jam", 0, "350.00")
    assert data["cover_images"] == [event["cover_images"][1]]
    assert (await api.get(event["cover_images"][0])).status_code == 404  # the removed cover is gone
    assert [i["id"] for i in data["event_interests"]] == [4]
    assert (data["going_count"], data["host"]["id"]) == (0, event["host"]["id"])
    assert (data["description"], data["start_time"], data["location"]) == (
        event["description"],
        event["start_time"],
        event["location"],
    )


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"title": ""}, "title", "TITLE_REQUIRED"),
        ({"title": None}, "title", None),
        ({"title": "Jam\u0000"}, "title", "VALIDATION_ERROR"),  # refused at the edge, like every NUL
        ({"description": "\u0000"}, "description", "VALIDATION_ERROR"),
        ({"max_capacity": -1}, "max_capacity", "INVALID_CAPACITY"),
        ({"max_capacity": "ten"}, "max_capacity", None),
        ({"is_paid": "yes"}, "is_paid", None),
        ({"ticket_price": "-1", "is_paid": True}, "ticket_price", "INVALID_TICKET_PRICE"),
        ({"allowed_genders": "aliens"}, "allowed_genders", "INVALID_ALLOWED_GENDERS"),
        ({"rsvp_expiry_policy": "1y"}, "rsvp_expiry_policy", "INVALID_RSVP_EXPIRY_POLICY"),
        ({"rsvp_expiry_policy": None}, "rsvp_expiry_policy", None),
        ({"status": "bogus"}, "status", "INVALID_STATUS"),
        ({"start_time": "2001-01-01T00:00:00Z"}, "start_time", "START_TIME_IN_PAST"),
        ({"start_time": "someday"}, "start_time", "INVALID_DATETIME_FORMAT"),
        ({"duration_hours": 0}, "duration_hours", "INVALID_DURATION"),
        ({"event_interest_ids": [1, 999]}, "event_interest_ids", "INVALID_EVENT_INTERESTS"),
        ({"event_interest_ids": "[1]"}, "event_interest_ids", None),
        ({"cover_images": ["https://evil.example/x.png"]}, "cover_images", "INVALID_COVER_IMAGE"),
        ({"gst_number": "123"}, "gst_number", "INVALID_GST_NUMBER"),
        ({"venue_name": "", "location_address": "x"}, "venue_name", "VENUE_NAME_REQUIRED"),
        ({"location_latitude": 95, "venue_name": "Somewhere"}, "location_latitude", "INVALID_COORDINATES"),
    ],
)
async def test_bad_input_of_every_field_is_a_422_and_changes_nothing(
    api: AsyncTestClient, fakes: Fakes, body: dict[str, Any], field: str, code: str | None
) -> None:
    (host,) = await active_members(api, fakes, HOST)
    event = await create_event(api, fakes, host)
    before = await stored(event["id"])
    response = await api.put(f"/api/events/{event['id']}", headers=bearer(host), json=body)
    if code is None:  # a type the JSON decoder refuses
        assert_error(response, 422)
    else:
        assert_invalid(response, field, code)
    assert await stored(event["id"]) == before


async def test_status_lifecycle(api: AsyncTestClient, fakes: Fakes) -> None:
    (host,) = await active_members(api, fakes, HOST)
    event = await create_event(api, fakes, host)
    url = f"/api/events/{event['id']}"
    assert_error(
        await api.put(url, headers=bearer(host), json={"status": "draft"}), 409, "INVALID_STATUS_TRANSITION"
    )
    assert (await api.put(url, headers=bearer(host), json={"status": "postponed"})).status_code == 200
    assert (await api.put(url, headers=bearer(host), json={"status": "cancelled"})).status_code == 200
    assert_error(await api.put(url, headers=bearer(host), json={"status": "published"}), 409, "EVENT_NOT_EDITABLE")
    assert_error(await api.put(url, headers=bearer(host), json={"title": "Back on"}), 409, "EVENT_NOT_EDITABLE")
    actions = [r[0] for r in await sql("SELECT action FROM audit_entries WHERE action LIKE 'event.%' ORDER BY id")]
    assert actions == ["event.created", "event.updated", "event.cancelled"]


async def test_only_the_host_or_staff_edit_or_delete(api: AsyncTestClient, fakes: Fakes) -> None:
    host, guest, staff = await active_members(api, fakes, HOST, GUEST, OTHER)
    await sql("UPDATE members SET role = 'staff' WHERE phone_number = :p", p=OTHER)
    public = await create_event(api, fakes, host)
    private = await create_event(api, fakes, host, title="Private supper", is_public="false")
    url = f"/api/events/{public['id']}"
    assert_error(await api.put(url, headers=bearer(guest), json={"title": "Hijacked"}), 403, "NOT_EVENT_HOST")
    assert_error(await api.delete(url, headers=bearer(guest)), 403, "NOT_EVENT_HOST")
    private_url = f"/api/events/{private['id']}"
    assert_error(await api.put(private_url, headers=bearer(guest), json={"title": "x"}), 404, "EVENT_NOT_FOUND")
    assert_error(await api.delete(private_url, headers=bearer(guest)), 404, "EVENT_NOT_FOUND")
    assert (await stored(public["id"])).title == "Sunset Jam Session"
    response = await api.put(private_url, headers=bearer(staff), json={"title": "Checked by staff"})
    assert response.status_code == 200
    assert (await api.delete(url, headers=bearer(staff))).status_code == 200
    audit = await sql(
        "SELECT action, actor_id FROM audit_entries "
        "WHERE action LIKE 'event.%' AND action <> 'event.created' ORDER BY id"
    )
    staff_id = (await sql("SELECT id FROM members WHERE phone_number = :p", p=OTHER))[0][0]
    assert [tuple(r) for r in audit] == [("event.updated", staff_id), ("event.deleted", staff_id)]


async def test_waitlisted_and_anonymous_callers(api: AsyncTestClient, fakes: Fakes) -> None:
    (host,) = await active_members(api, fakes, HOST)
    event = await create_event(api, fakes, host)
    waiting = await onboard(api, fakes, GUEST)
    url = f"/api/events/{event['id']}"
    assert_error(await api.put(url, headers=bearer(waiting), json={"title": "x"}), 403, "WAITLISTED")
    assert_error(await api.delete(url, headers=bearer(waiting)), 403, "WAITLISTED")
    assert_error(await api.put(url, json={"title": "x"}), 401)
    assert_error(await api.delete(url), 401)


async def test_delete_is_soft_and_answers_json(api: AsyncTestClient, fakes: Fakes) -> None:
    host, guest = await active_members(api, fakes, HOST, GUEST)
    event = await create_event(api, fakes, host)
    response = await api.delete(f"/api/events/{event['id']}", headers=bearer(host))
    assert response.status_code == 200
    assert response.json() == {"success": True, "message": "Event deleted"}
    assert (await stored(event["id"])).deleted_at is not None  # kept for the record
    for who in (host, guest):
        assert_error(await api.get(f"/api/events/{event['id']}", headers=bearer(who)), 404)
    assert_error(await api.delete(f"/api/events/{event['id']}", headers=bearer(host)), 404)
    assert (await api.get("/api/events", headers=bearer(guest))).json()["data"] == []


async def test_an_event_with_guests_is_cancelled_before_it_is_deleted(api: AsyncTestClient, fakes: Fakes) -> None:
    (host,) = await active_members(api, fakes, HOST)
    event = await create_event(api, fakes, host)
    await sql("UPDATE events SET seats_taken = 2 WHERE id = :id", id=event["id"])
    refused = assert_error(
        await api.delete(f"/api/events/{event['id']}", headers=bearer(host)), 409, "EVENT_HAS_GUESTS"
    )
    assert (
        refused["message"] == "Guests hold seats for this event. Cancel it first, so they are told and refunded."
    )
    assert_error(
        await api.put(f"/api/events/{event['id']}", headers=bearer(host), json={"max_capacity": 1}),
        409,
        "CAPACITY_BELOW_SEATS_TAKEN",
    )
