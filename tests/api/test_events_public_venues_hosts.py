"""Public pages (no sign-in), venues and host leads over HTTP."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from tests.api.event_flows import (
    GUEST,
    HOST,
    OTHER,
    active_members,
    app_start_time,
    assert_app_event,
    create_event,
)
from tests.api.flows import assert_error, assert_invalid, bearer, sql
from tests.support import Fakes


async def test_a_public_event_by_its_canonical_id_needs_no_sign_in(api: AsyncTestClient, fakes: Fakes) -> None:
    (host,) = await active_members(api, fakes, HOST)
    event = await create_event(api, fakes, host)
    private = await create_event(api, fakes, host, title="Private supper", is_public="false")
    for path in (f"/api/public/events/{event['canonical_id']}", f"/api/events/canonical/{event['canonical_id']}"):
        for headers in ({}, {"Authorization": "Bearer junk"}):  # a token is not even looked at
            response = await api.get(path, headers=headers)
            assert response.status_code == 200, response.text
            assert assert_app_event(response.json())["id"] == event["id"]
            assert response.json()["host"]["username"] is None
    for path in (f"/api/public/events/{private['canonical_id']}", "/api/public/events/zzzzzzzz"):
        assert_error(await api.get(path), 404, "EVENT_NOT_FOUND")


async def test_seo_metadata_and_stale_links(api: AsyncTestClient, fakes: Fakes) -> None:
    (host,) = await active_members(api, fakes, HOST)
    event = await create_event(api, fakes, host, cover_files=None)
    cid = event["canonical_id"]
    for path in (f"/api/public/events/{cid}/seo", f"/api/events/seo/canonical/{cid}/metadata"):
        response = await api.get(path)
        assert response.status_code == 200
        body = response.json()
        assert body["seo"]["title"] == "Sunset Jam Session in Mumbai | Loopin"
        assert body["seo"]["canonical_url"] == event["canonical_url"]
        assert body["schema"]["event"]["@type"] == "Event"
        assert body["schema"]["event"]["location"]["geo"]["latitude"] == 19.0658
        assert body["schema"]["breadcrumb"]["itemListElement"][-1]["item"] == event["canonical_url"]
        assert assert_app_event(body["event"])["id"] == event["id"]
    current = await api.get(f"/api/public/events/{cid}/seo", params={"url_city_slug": "mumbai"})
    assert current.status_code == 200
    stale = await api.get(
        f"/api/public/events/{cid}/seo", params={"url_event_slug": "old-title"}, follow_redirects=False
    )
    assert stale.status_code == 301
    assert stale.headers["location"] == event["canonical_url"]


async def test_a_citys_upcoming_events(api: AsyncTestClient, fakes: Fakes) -> None:
    (host,) = await active_members(api, fakes, HOST)
    for day in (3, 2):
        await create_event(api, fakes, host, title=f"Day {day}", start_time=app_start_time(fakes, day))
    await create_event(api, fakes, host, title="Hidden", is_public="false")
    for path in ("/api/public/cities/in/mumbai/events", "/api/events/seo/cities/in/mumbai/events"):
        response = await api.get(path, params={"limit": "1"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert [e["title"] for e in body["events"]] == ["Day 2"]
        assert (body["pagination"]["total"], body["pagination"]["has_next"]) == (2, True)
        assert body["pagination"]["next_url"] == "/in/mumbai/events?page=2"
        assert body["seo"]["h1"] == "Events in Mumbai"
        assert body["schema"]["city_page"]["@type"] == "CollectionPage"
        assert body["interest"] is None
    music = (await api.get("/api/public/cities/in/mumbai/events", params={"event_interest_slug": "music"})).json()
    assert music["interest"]["slug"] == "music"
    assert music["events"] == []
    assert_error(
        await api.get("/api/public/cities/in/mumbai/events", params={"event_interest_slug": "knitting"}),
        404,
        "INTEREST_NOT_FOUND",
    )
    assert_error(await api.get("/api/public/cities/in/mumbai/events", params={"page": "0"}), 422)
    assert_error(await api.get("/api/public/cities/india/mumbai/events"), 422)
    assert (await api.get("/api/public/cities/in/pune/events")).json()["events"] == []
    for path in (f"/api/public/cities/IN/{'a' * 3000}/events", "/api/events/seo/cities/in/%21%21%21/events"):
        assert_error(await api.get(path), 404, "CITY_NOT_FOUND")


async def test_venues(api: AsyncTestClient, fakes: Fakes) -> None:
    (member,) = await active_members(api, fakes, GUEST)
    body = {
        "name": "Toit",
        "address": "298 100 Feet Rd, Indiranagar, Bengaluru, Karnataka 560038, India",
        "city": "Bengaluru",
        "latitude": 12.979,
        "longitude": 77.6408,
        "place_id": "g-toit",
        "venue_type": "indoor",
    }
    created = await api.post("/api/events/venues", headers=bearer(member), json=body)
    assert created.status_code == 201, created.text
    venue = created.json()
    assert isinstance(venue["id"], int)
    assert (venue["latitude"], venue["longitude"], venue["city_slug"]) == (12.979, 77.6408, "bangalore")
    again = await api.post("/api/events/venues", headers=bearer(member), json={**body, "name": "TOIT"})
    assert again.status_code == 200
    assert again.json()["id"] == venue["id"]
    one = await api.get(f"/api/events/venues/{venue['id']}", headers=bearer(member))
    assert one.json() == venue
    listed = (await api.get("/api/events/venues", headers=bearer(member), params={"city": "benga"})).json()
    assert (listed["total"], [v["id"] for v in listed["data"]]) == (1, [venue["id"]])
    assert_error(await api.get("/api/events/venues/999", headers=bearer(member)), 404, "VENUE_NOT_FOUND")
    assert_invalid(
        await api.post("/api/events/venues", headers=bearer(member), json={**body, "latitude": 99}), "latitude"
    )
    assert_error(await api.post("/api/events/venues", headers=bearer(member), json={"address": "x"}), 422)
    assert_invalid(
        await api.post("/api/events/venues", headers=bearer(member), json={**body, "name": " "}), "name"
    )
    for capacity in (-1, 2**31):  # named as sent: "capacity" (max_capacity is the event form's field)
        too_big = await api.post("/api/events/venues", headers=bearer(member), json={**body, "capacity": capacity})
        assert_invalid(too_big, "capacity", "INVALID_CAPACITY")
    assert_error(await api.get("/api/events/venues"), 401)


def lead(**overrides: str) -> dict[str, str]:
    body = {"first_name": "Asha", "last_name": "Rao", "phone_number": "+91 98123 45678", "message": "Book club"}
    body.update(overrides)
    return body


async def test_become_a_host_without_signing_in(api: AsyncTestClient) -> None:
    first = await api.post("/api/hosts/become-a-host", json=lead())
    assert first.status_code == 200, first.text
    data = first.json()["data"]
    assert first.json()["success"] is True
    assert (data["phone_number"], isinstance(data["id"], int)) == ("+919812345678", True)
    again = await api.post("/api/hosts/become-a-host", json=lead(phone_number="09812345678", first_name="Other"))
    assert again.status_code == 200
    assert again.json()["data"]["id"] == data["id"]
    assert again.json()["data"]["first_name"] == "Asha"
    assert "already" in again.json()["message"]
    assert [r[0] for r in await sql("SELECT phone_number FROM host_leads")] == ["+919812345678"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (lead(first_name=""), "first_name"),
        (lead(last_name="x" * 101), "last_name"),
        (lead(phone_number="12345"), "phone_number"),
        (lead(message="m" * 1001), "message"),
        (lead(first_name="<script>"), "first_name"),
        (lead(message="hi\x00"), "message"),
    ],
)
async def test_bad_host_leads_are_422(api: AsyncTestClient, body: dict[str, str], field: str) -> None:
    assert_invalid(await api.post("/api/hosts/become-a-host", json=body), field)
    assert await sql("SELECT id FROM host_leads") == []


async def test_host_leads_are_rate_limited_per_address(api: AsyncTestClient) -> None:
    for n in range(10):
        assert (
            await api.post("/api/hosts/become-a-host", json=lead(phone_number=f"+9198123{n:05d}"))
        ).status_code == 200
    response = await api.post("/api/hosts/become-a-host", json=lead(phone_number="+919812399999"))
    assert_error(response, 429, "HOST_LEAD_RATE_LIMITED")
    assert int(response.headers["retry-after"]) > 0


async def test_only_staff_list_host_leads(api: AsyncTestClient, fakes: Fakes) -> None:
    member, staff = await active_members(api, fakes, GUEST, OTHER)
    await sql("UPDATE members SET role = 'staff' WHERE phone_number = :p", p=OTHER)
    await api.post("/api/hosts/become-a-host", json=lead())
    assert_error(await api.get("/api/hosts/host-leads", headers=bearer(member)), 403, "STAFF_ONLY")
    assert_error(await api.get("/api/hosts/host-leads"), 401)
    response = await api.get("/api/hosts/host-leads", headers=bearer(staff))
    assert response.status_code == 200
    assert response.json()["data"]["total"] == 1
    assert response.json()["data"]["leads"][0]["phone_number"] == "+919812345678"
