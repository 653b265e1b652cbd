"""Steps of the app's event screens, and the app's own rules for decoding event objects."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from litestar.testing import AsyncTestClient

from tests.api.flows import bearer, onboard, phone
from tests.support import Fakes, jpeg_bytes, png_bytes

IST = ZoneInfo("Asia/Kolkata")
HOST, GUEST, OTHER = phone(101), phone(102), phone(103)
_DART_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")


async def active_members(client: AsyncTestClient, fakes: Fakes, *phones: str) -> list[str]:
    """Onboards every phone, then lets the waitlist window pass: each token belongs to an active member.

    The clock goes back afterwards, so tokens issued later are not dated in the future of the real clock
    that checks them."""
    tokens = [await onboard(client, fakes, p) for p in phones]
    window = timedelta(minutes=241)
    fakes.clock.advance(window)
    for token in tokens:  # the member's next request promotes them
        response = await client.get("/api/auth/profile", headers=bearer(token))
        assert response.json()["is_active"] is True, response.text
    fakes.clock.advance(-window)
    return tokens


def app_start_time(fakes: Fakes, days: int = 3) -> str:
    """What the app sends: local midnight of the chosen day, in UTC with milliseconds and ``Z``."""
    day = (fakes.clock.now().astimezone(IST) + timedelta(days=days)).date()
    midnight = datetime(day.year, day.month, day.day, tzinfo=IST)
    return midnight.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def app_form(fakes: Fakes, **overrides: str) -> dict[str, str]:
    """Exactly the fields the app's review page posts (client-contract.md, POST /api/events)."""
    form = {
        "title": "Sunset Jam Session",
        "description": "Bring your guitar. We play till the sun goes down.",
        "start_time": app_start_time(fakes),
        "duration_hours": "3.0",
        "venue_name": "Carter Road Amphitheatre",
        "location_address": "Carter Road, Bandra West, Mumbai, Maharashtra 400050, India",
        "location_city": "Carter Road Amphitheatre",
        "location_latitude": "19.0658",
        "location_longitude": "72.8226",
        "location_place_id": "ChIJcarter-road-amphitheatre",
        "location_country_code": "IN",
        "max_capacity": "40",
        "is_paid": "false",
        "ticket_price": "0.0",
        "platform_fee": "0.0",
        "allow_plus_one": "true",
        "gst_number": "",
        "allowed_genders": "all",
        "status": "draft",
        "is_public": "true",
        "event_interest_ids": "[]",
    }
    form.update(overrides)
    return form


def multipart(
    form: dict[str, str], covers: list[tuple[str, bytes, str]] | None = None
) -> list[tuple[str, tuple[str | None, Any] | tuple[str, bytes, str]]]:
    """A multipart body like Dart's MultipartRequest (always multipart, even without files)."""
    parts: list[tuple[str, Any]] = [(name, (None, value)) for name, value in form.items()]
    parts += [("cover_images", cover) for cover in covers or []]
    return parts


def covers(count: int) -> list[tuple[str, bytes, str]]:
    return [
        (f"cover_{i}.{'png' if i % 2 == 0 else 'jpg'}", png_bytes() if i % 2 == 0 else jpeg_bytes(), "image/png")
        for i in range(count)
    ]


async def create_event(
    client: AsyncTestClient,
    fakes: Fakes,
    token: str,
    *,
    cover_files: list[tuple[str, bytes, str]] | None = None,
    **overrides: str,
) -> dict[str, Any]:
    response = await client.post(
        "/api/events", headers=bearer(token), files=multipart(app_form(fakes, **overrides), cover_files)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _int_like(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.isdigit())


def assert_app_event(event: Any) -> dict[str, Any]:
    """Decodes an event object with the app's rules (lib/core/models/event.dart), failing where the app would."""
    assert isinstance(event, dict), event
    assert "detail" not in event
    assert isinstance(event["id"], int)
    assert not isinstance(event["id"], bool)
    assert isinstance(event["uuid"], str)
    for key in ("title", "description"):
        assert isinstance(event[key], str)
    host = event["host"]
    assert isinstance(host, dict)
    assert isinstance(host["id"], int)
    assert isinstance(host["user_id"], int)  # REQUIRED: compared with the JWT user_id
    assert host["name"] is None or isinstance(host["name"], str)
    assert host["username"] is None or isinstance(host["username"], str)
    assert host["profile_image"] is None or isinstance(host["profile_image"], str)
    location = event["location"]
    if location is not None:
        assert isinstance(location, dict)
        assert isinstance(location["venue_name"], str)
        assert isinstance(location["name"], str)
        assert isinstance(location["address"], str)
        for coordinate in ("latitude", "longitude"):
            value = location[coordinate]
            assert value is None or (isinstance(value, int | float) and not isinstance(value, bool)), location
    for key in ("start_time", "end_time"):
        assert isinstance(event[key], str)
        assert _DART_ISO.match(event[key]), event[key]
    for key in ("max_capacity", "going_count", "requests_count"):
        assert _int_like(event[key])
    for key in ("is_paid", "allow_plus_one", "is_public", "is_active"):
        assert isinstance(event[key], bool), key
    assert isinstance(event["ticket_price"], str | int | float)
    assert isinstance(event["allowed_genders"], str)
    assert isinstance(event["cover_images"], list)
    assert all(isinstance(u, str) and (u.startswith(("/", "http"))) for u in event["cover_images"])
    assert isinstance(event["status"], str)
    for interest in event["event_interests"]:
        assert _int_like(interest["id"])
        assert isinstance(interest["name"], str)
    assert event["payout_status"] is None or isinstance(event["payout_status"], str)
    return event


def assert_app_feed(body: Any) -> list[dict[str, Any]]:
    assert isinstance(body, dict), body
    assert body.get("success") is not False
    assert "detail" not in body
    assert isinstance(body["data"], list)
    return [assert_app_event(e) for e in body["data"]]
