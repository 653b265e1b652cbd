"""POST /api/events as the app sends it (multipart, text values), on PostgreSQL and Redis."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from loopin.entrypoints.settings import Settings
from tests.api.event_flows import (
    GUEST,
    HOST,
    active_members,
    app_form,
    assert_app_event,
    covers,
    create_event,
    multipart,
)
from tests.api.flows import assert_error, assert_invalid, bearer, onboard, sql, stored_files
from tests.support import Fakes, jpeg_bytes, png_bytes


async def event_count() -> int:
    return int((await sql("SELECT count(*) FROM events"))[0][0])


async def test_go_live_answers_201_with_the_event_the_app_reads(api: AsyncTestClient, fakes: Fakes) -> None:
    (host,) = await active_members(api, fakes, HOST)
    body = await create_event(api, fakes, host, cover_files=covers(3))
    event = assert_app_event(body)
    assert isinstance(body["id"], int)  # the share screen reads the top-level id
    assert event["status"] == "published"  # the app sends status=draft on "Go live"
    assert event["title"] == "Sunset Jam Session"
    assert event["host"]["user_id"] == event["host"]["id"]
    assert event["host"]["username"] == HOST  # the host's own number, shown back only to them
    assert event["location"]["venue_name"] == "Carter Road Amphitheatre"
    assert event["location"]["latitude"] == 19.0658
    assert event["location"]["longitude"] == 72.8226
    assert event["location"]["city"] == "Mumbai"
    assert event["start_time"].endswith("T00:00:00")  # local midnight, as the host picked it
    assert event["end_time"].endswith("T03:00:00")
    assert event["start_time_utc"].endswith("T18:30:00Z")
    assert event["timezone"] == "Asia/Kolkata"
    assert (event["max_capacity"], event["going_count"], event["requests_count"]) == (40, 0, 0)
    assert (event["is_paid"], event["ticket_price"]) == (False, "0.00")
    assert len(event["cover_images"]) == 3
    for url in event["cover_images"]:
        image = await api.get(url)  # fetched without a token, like the app does
        assert image.status_code == 200
    rows = await sql("SELECT status, host_id, title FROM events")
    assert [tuple(r) for r in rows] == [("published", event["host"]["id"], "Sunset Jam Session")]
    audit = await sql("SELECT action, actor_id, target_id FROM audit_entries WHERE action LIKE 'event.%'")
    assert [tuple(r) for r in audit] == [("event.created", event["host"]["id"], event["id"])]


async def test_a_paid_event(api: AsyncTestClient, fakes: Fakes) -> None:
    (host,) = await active_members(api, fakes, HOST)
    event = await create_event(api, fakes, host, is_paid="true", ticket_price="500.0", platform_fee="50.0")
    assert (event["is_paid"], event["ticket_price"], event["currency"]) == (True, "500.00", "INR")


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"title": ""}, "title", "TITLE_REQUIRED"),
        ({"title": "  "}, "title", "TITLE_REQUIRED"),
        ({"venue_name": ""}, "venue_name", "VENUE_NAME_REQUIRED"),
        ({"duration_hours": "0"}, "duration_hours", "INVALID_DURATION"),
        ({"duration_hours": "-2"}, "duration_hours", "INVALID_DURATION"),
        ({"duration_hours": "abc"}, "duration_hours", "INVALID_DURATION"),
        ({"start_time": "2020-01-01T00:00:00.000Z"}, "start_time", "START_TIME_IN_PAST"),
        ({"start_time": "not a date"}, "start_time", "INVALID_DATETIME_FORMAT"),
        ({"start_time": ""}, "start_time", "INVALID_DATETIME_FORMAT"),
    ],
)
async def test_the_error_codes_the_app_maps(
    api: AsyncTestClient, fakes: Fakes, overrides: dict[str, str], field: str, code: str
) -> None:
    (host,) = await active_members(api, fakes, HOST)
    response = await api.post("/api/events", headers=bearer(host), files=multipart(app_form(fakes, **overrides)))
    assert_invalid(response, field, code)
    assert code in response.text  # the app searches the whole error body for its codes
    assert await event_count() == 0


async def test_missing_fields_are_named_not_a_500(api: AsyncTestClient, fakes: Fakes) -> None:
    (host,) = await active_members(api, fakes, HOST)
    response = await api.post("/api/events", headers=bearer(host), files=multipart({"description": "only this"}))
    body = assert_error(response, 422, "TITLE_REQUIRED")
    fields = {item["loc"][-1] for item in body["detail"]}
    assert {"title", "venue_name", "duration_hours", "start_time"} <= fields
    assert await event_count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"title": "ab"}, "title"),
        ({"title": "Jam\x00night"}, "title"),
        ({"description": "nul\x00byte"}, "description"),
        ({"venue_name": "Cafe\x00"}, "venue_name"),
        ({"location_address": "Road\x00"}, "location_address"),
        ({"timezone": "Asia/Kol\x00kata"}, "timezone"),
        ({"description": "x" * 20_001}, "description"),
        ({"venue_name": "v" * 151}, "venue_name"),
        ({"location_address": "a" * 501}, "location_address"),
        ({"location_latitude": "91"}, "location_latitude"),
        ({"location_longitude": "east"}, "location_longitude"),
        ({"location_country_code": "IND"}, "location_country_code"),
        ({"location_place_id": "has spaces in it"}, "location_place_id"),
        ({"max_capacity": "-1"}, "max_capacity"),
        ({"max_capacity": "forty"}, "max_capacity"),
        ({"max_capacity": "100001"}, "max_capacity"),
        ({"is_paid": "perhaps"}, "is_paid"),
        ({"is_paid": "true", "ticket_price": "0.0"}, "ticket_price"),
        ({"is_paid": "false", "ticket_price": "10"}, "ticket_price"),
        ({"is_paid": "true", "ticket_price": "-5"}, "ticket_price"),
        ({"is_paid": "true", "ticket_price": "ten"}, "ticket_price"),
        ({"is_paid": "true", "ticket_price": "100000000"}, "ticket_price"),
        ({"allow_plus_one": "sometimes"}, "allow_plus_one"),
        ({"gst_number": "not-a-gstin"}, "gst_number"),
        ({"allowed_genders": "aliens"}, "allowed_genders"),
        ({"status": "cancelled"}, "status"),
        ({"status": "Bogus"}, "status"),
        ({"is_public": "nope"}, "is_public"),
        ({"event_interest_ids": "1,2"}, "event_interest_ids"),
        ({"event_interest_ids": "[1, 999]"}, "event_interest_ids"),
        ({"event_interest_ids": "[99999999999999999999]"}, "event_interest_ids"),
        ({"rsvp_expiry_policy": "forever"}, "rsvp_expiry_policy"),
        ({"timezone": "Mars/Base"}, "timezone"),
        ({"venue_id": "abc"}, "venue_id"),
    ],
)
async def test_bad_input_of_every_field_is_a_422_and_stores_nothing(
    api: AsyncTestClient, fakes: Fakes, service_settings: Settings, overrides: dict[str, str], field: str
) -> None:
    (host,) = await active_members(api, fakes, HOST)
    before = stored_files(service_settings.media_root)
    response = await api.post(
        "/api/events", headers=bearer(host), files=multipart(app_form(fakes, **overrides), covers(1))
    )
    assert_invalid(response, field)
    assert await event_count() == 0
    assert int((await sql("SELECT count(*) FROM venues"))[0][0]) == 0
    assert stored_files(service_settings.media_root) == before


async def test_an_unknown_venue_id_is_a_404(api: AsyncTestClient, fakes: Fakes) -> None:
    (host,) = await active_members(api, fakes, HOST)
    response = await api.post(
        "/api/events", headers=bearer(host), files=multipart(app_form(fakes, venue_id="999", venue_name=""))
    )
    assert_error(response, 404, "VENUE_NOT_FOUND")
    assert await event_count() == 0


@pytest.mark.parametrize(
    ("files", "code"),
    [
        (covers(4), "TOO_MANY_COVER_IMAGES"),
        ([("evil.png", b"<script>alert(1)</script>" + b" " * 300, "image/png")], "INVALID_COVER_IMAGE"),
        ([("tiny.png", png_bytes()[:40], "image/png")], "INVALID_COVER_IMAGE"),
        ([("big.jpg", jpeg_bytes(5 * 1024 * 1024), "image/jpeg")], "INVALID_COVER_IMAGE"),
        ([("ok.png", png_bytes(), "image/png"), ("doc.pdf", b"%PDF-1.4" + b"x" * 300, "image/png")], None),
    ],
)
async def test_cover_images_are_checked_by_their_bytes(
    api: AsyncTestClient,
    fakes: Fakes,
    service_settings: Settings,
    files: list[tuple[str, bytes, str]],
    code: str | None,
) -> None:
    (host,) = await active_members(api, fakes, HOST)
    before = stored_files(service_settings.media_root)
    response = await api.post("/api/events", headers=bearer(host), files=multipart(app_form(fakes), files))
    assert_invalid(response, "cover_images", code or "INVALID_COVER_IMAGE")
    assert await event_count() == 0
    assert stored_files(service_settings.media_root) == before  # nothing written, nothing left behind


async def test_covers_are_optional_and_named_by_the_server(
    api: AsyncTestClient, fakes: Fakes, service_settings: Settings
) -> None:
    (host,) = await active_members(api, fakes, HOST)
    none = await create_event(api, fakes, host)
    assert none["cover_images"] == []
    named = await create_event(
        api, fakes, host, title="Named", cover_files=[("../../etc/passwd.png", png_bytes(), "image/png")]
    )
    (url,) = named["cover_images"]
    assert "passwd" not in url
    assert url.startswith(f"/api/media/events/{named['host']['id']}/")
    assert all(Path(service_settings.media_root) in p.parents for p in stored_files(service_settings.media_root))


async def test_a_retried_go_live_does_not_make_a_second_event(api: AsyncTestClient, fakes: Fakes) -> None:
    (host,) = await active_members(api, fakes, HOST)
    form = app_form(fakes)
    first = await api.post("/api/events", headers=bearer(host), files=multipart(form, covers(1)))
    again = await api.post("/api/events", headers=bearer(host), files=multipart(form, covers(1)))
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert await event_count() == 1


async def test_publish_false_creates_a_draft_only_the_host_sees(api: AsyncTestClient, fakes: Fakes) -> None:
    host, guest = await active_members(api, fakes, HOST, GUEST)
    draft = await create_event(api, fakes, host, publish="false")
    assert draft["status"] == "draft"
    assert (await api.get(f"/api/events/{draft['id']}", headers=bearer(guest))).status_code == 404
    assert (await api.get(f"/api/events/{draft['id']}", headers=bearer(host))).status_code == 200


async def test_who_may_create(api: AsyncTestClient, fakes: Fakes) -> None:
    response = await api.post("/api/events", files=multipart(app_form(fakes)))
    assert_error(response, 401)
    waiting = await onboard(api, fakes, GUEST)  # profile completed, still on the waitlist
    response = await api.post("/api/events", headers=bearer(waiting), files=multipart(app_form(fakes)))
    assert_error(response, 403, "WAITLISTED")
    assert await event_count() == 0


async def test_a_json_body_is_refused_in_the_envelope(api: AsyncTestClient, fakes: Fakes) -> None:
    (host,) = await active_members(api, fakes, HOST)
    response = await api.post("/api/events", headers=bearer(host), json=app_form(fakes))
    body: dict[str, Any] = response.json()
    assert 400 <= response.status_code < 500
    assert body["success"] is False
    assert await event_count() == 0
