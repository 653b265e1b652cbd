"""GET /api/events, GET /api/events/{id} and the share link, decoded with the app's rules."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from litestar.testing import AsyncTestClient

from tests.api.event_flows import (
    GUEST,
    HOST,
    IST,
    OTHER,
    active_members,
    app_start_time,
    assert_app_event,
    assert_app_feed,
    create_event,
)
from tests.api.flows import assert_error, bearer, onboard, phone, sql
from tests.support import Fakes


async def test_the_apps_feed_shows_every_members_upcoming_events(api: AsyncTestClient, fakes: Fakes) -> None:
    host, guest = await active_members(api, fakes, HOST, GUEST)
    later = await create_event(api, fakes, host, title="Later jam", start_time=app_start_time(fakes, 6))
    sooner = await create_event(api, fakes, host, title="Sooner jam", start_time=app_start_time(fakes, 2))
    response = await api.get("/api/events", headers=bearer(guest))  # no parameters, like the app
    assert response.status_code == 200
    body = response.json()
    events = assert_app_feed(body)
    assert [e["id"] for e in events] == [sooner["id"], later["id"]]  # soonest first
    assert (body["total"], body["offset"], body["limit"]) == (2, 0, 50)
    assert all(e["host"]["username"] is None for e in events)  # no one else's phone number
    mine = assert_app_feed((await api.get("/api/events", headers=bearer(host))).json())
    assert {e["host"]["username"] for e in mine} == {HOST}  # the app's fallback "my event" match


async def test_detail_is_the_same_object_unwrapped(api: AsyncTestClient, fakes: Fakes) -> None:
    host, guest = await active_members(api, fakes, HOST, GUEST)
    created = await create_event(
        api, fakes, host, is_paid="true", ticket_price="750.0", event_interest_ids="[1,4]"
    )
    response = await api.get(f"/api/events/{created['id']}", headers=bearer(guest))
    assert response.status_code == 200
    event = assert_app_event(response.json())
    assert (event["id"], event["is_paid"], event["ticket_price"]) == (created["id"], True, "750.00")
    assert sorted(i["id"] for i in event["event_interests"]) == [1, 4]
    assert "data" not in event


async def test_what_members_may_not_see_is_404_by_id_and_absent_from_feed_and_search(
    api: AsyncTestClient, fakes: Fakes
) -> None:
    host, guest = await active_members(api, fakes, HOST, GUEST)
    private = await create_event(api, fakes, host, title="Secret supper", is_public="false")
    draft = await create_event(api, fakes, host, title="Secret draft", publish="false")
    public = await create_event(api, fakes, host, title="Open jam")
    deleted = await create_event(api, fakes, host, title="Secret gone")
    assert (await api.delete(f"/api/events/{deleted['id']}", headers=bearer(host))).status_code == 200
    for hidden in (private, draft, deleted):
        response = await api.get(f"/api/events/{hidden['id']}", headers=bearer(guest))
        assert_error(response, 404, "EVENT_NOT_FOUND")
        response = await api.get(f"/api/events/{hidden['id']}/share-url", headers=bearer(guest))
        assert_error(response, 404, "EVENT_NOT_FOUND")
    for params in ({}, {"search": "secret"}, {"host_id": "1", "limit": "100"}, {"is_public": "false"}):
        listed = assert_app_feed((await api.get("/api/events", headers=bearer(guest), params=params)).json())
        assert all("Secret" not in e["title"] for e in listed), params
    assert [e["id"] for e in assert_app_feed((await api.get("/api/events", headers=bearer(guest))).json())] == [
        public["id"]
    ]
    own = assert_app_feed((await api.get("/api/events", headers=bearer(host))).json())
    assert {e["title"] for e in own} == {"Secret supper", "Secret draft", "Open jam"}


async def test_staff_see_private_events(api: AsyncTestClient, fakes: Fakes) -> None:
    host, staff = await active_members(api, fakes, HOST, OTHER)
    await sql("UPDATE members SET role = 'staff' WHERE phone_number = :p", p=OTHER)
    private = await create_event(api, fakes, host, title="Private supper", is_public="false")
    assert (await api.get(f"/api/events/{private['id']}", headers=bearer(staff))).status_code == 200


async def test_waitlisted_members_get_403_and_strangers_401(api: AsyncTestClient, fakes: Fakes) -> None:
    (host,) = await active_members(api, fakes, HOST)
    event = await create_event(api, fakes, host)
    waiting = await onboard(api, fakes, GUEST)
    for path in ("/api/events", f"/api/events/{event['id']}", f"/api/events/{event['id']}/share-url"):
        body = assert_error(await api.get(path, headers=bearer(waiting)), 403, "WAITLISTED")
        assert "waitlist" in body["detail"]
    assert_error(await api.get("/api/events"), 401)
    assert_error(await api.get(f"/api/events/{event['id']}"), 401)
    assert_error(await api.get("/api/events", headers=bearer("not.a.token")), 401)


async def test_share_links(api: AsyncTestClient, fakes: Fakes) -> None:
    host, guest = await active_members(api, fakes, HOST, GUEST)
    event = await create_event(api, fakes, host)
    for headers in ({}, bearer(guest), bearer(host)):
        response = await api.get(f"/api/events/{event['id']}/share-url", headers=headers)
        assert response.status_code == 200
        body = response.json()
        assert all(isinstance(body[k], str) for k in ("canonical_id", "canonical_url", "canonical_path", "slug"))
        assert body["canonical_url"] == f"https://loopinsocial.in{body['canonical_path']}"
        assert body["canonical_path"] == f"/in/mumbai/events/sunset-jam-session--{event['canonical_id']}"
    assert_error(await api.get(f"/api/events/{event['id']}/share-url", headers=bearer("junk")), 401)
    private = await create_event(api, fakes, host, title="Private supper", is_public="false")
    assert_error(await api.get(f"/api/events/{private['id']}/share-url"), 404, "EVENT_NOT_FOUND")
    assert (await api.get(f"/api/events/{private['id']}/share-url", headers=bearer(host))).status_code == 200


async def test_feed_filters_and_paging_for_other_clients(api: AsyncTestClient, fakes: Fakes) -> None:
    host, guest = await active_members(api, fakes, HOST, GUEST)
    for day in (2, 3, 4):
        await create_event(api, fakes, host, title=f"Day {day}", start_time=app_start_time(fakes, day))
    await create_event(
        api,
        fakes,
        host,
        title="Pune run",
        venue_name="Vetal Hill",
        location_city="Vetal Hill",
        location_address="Vetal Tekdi, Pune, Maharashtra 411004, India",
        location_place_id="place-vetal",
        event_interest_ids="[7]",
        start_time=app_start_time(fakes, 5),
    )

    async def titles(**params: str) -> list[str]:
        response = await api.get("/api/events", headers=bearer(guest), params=params)
        assert response.status_code == 200, response.text
        return [e["title"] for e in assert_app_feed(response.json())]

    assert await titles(limit="2") == ["Day 2", "Day 3"]
    assert await titles(offset="2", limit="2") == ["Day 4", "Pune run"]
    assert await titles(city="pune") == ["Pune run"]
    assert await titles(interest_id="7") == ["Pune run"]
    assert await titles(event_interest_id="7") == ["Pune run"]
    assert await titles(search="day 3") == ["Day 3"]
    assert await titles(status="published", limit="1") == ["Day 2"]
    assert await titles(status="draft") == []
    assert await titles(is_upcoming="false", limit="100") == ["Day 2", "Day 3", "Day 4", "Pune run"]
    day_3 = (fakes.clock.now().astimezone(IST) + timedelta(days=3)).date()
    fakes.clock.advance(datetime(day_3.year, day_3.month, day_3.day, 6, tzinfo=IST) - fakes.clock.now())
    assert await titles(limit="10") == ["Day 4", "Pune run"]  # 06:00 of day 3: the first two are over


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "many"},
        {"offset": "-1"},
        {"host_id": "me"},
        {"is_public": "perhaps"},
        {"status": "bogus"},
        {"search": "x" * 101},
        {"search": "jam\x00"},
        {"city": "pu\x00ne"},
        {"city": "pu\x01ne"},
        {"search": "jam\x01"},
        {"country_code": "abc"},
    ],
)
async def test_bad_feed_parameters_are_422(api: AsyncTestClient, fakes: Fakes, params: dict[str, str]) -> None:
    (guest,) = await active_members(api, fakes, GUEST)
    response = await api.get("/api/events", headers=bearer(guest), params=params)
    body = assert_error(response, 422)
    # Located where the value came from, whether Litestar or the use case refused it (the app shows ``detail``).
    (name,) = params
    assert all(item["loc"] in (["query"], ["query", name]) for item in body["detail"]), body


async def test_unknown_or_malformed_ids(api: AsyncTestClient, fakes: Fakes) -> None:
    (guest,) = await active_members(api, fakes, GUEST)
    assert_error(await api.get("/api/events/999999", headers=bearer(guest)), 404, "EVENT_NOT_FOUND")
    assert_error(await api.get("/api/events/abc", headers=bearer(guest)), 404)
    huge = "99999999999999999999"  # beyond bigint: not an id, never a database error
    for path in (f"/api/events/{huge}", f"/api/events/{huge}/share-url", f"/api/events/venues/{huge}"):
        assert_error(await api.get(path, headers=bearer(guest)), 404)
    assert_error(await api.put(f"/api/events/{huge}", headers=bearer(guest), json={"title": "Jam"}), 404)
    assert_error(await api.delete(f"/api/events/{huge}", headers=bearer(guest)), 404)
    for params in ({"host_id": huge}, {"interest_id": huge}, {"offset": huge}):  # out-of-range numbers
        assert_error(await api.get("/api/events", headers=bearer(guest), params=params), 422)
    for params in ({"host_id": "999999"}, {"interest_id": "999999"}):  # ids of nothing match nothing
        response = await api.get("/api/events", headers=bearer(guest), params=params)
        assert response.status_code == 200
        assert response.json()["data"] == []


async def test_the_apps_page_pins_the_hosts_own_later_events(api: AsyncTestClient, fakes: Fakes) -> None:
    host, *busy = await active_members(api, fakes, HOST, *[phone(200 + n) for n in range(3)])
    for n in range(51):  # three busy hosts: one member may create 20 events a day
        await create_event(api, fakes, busy[n % 3], title=f"Busy {n}", start_time=app_start_time(fakes, 2))
    mine = await create_event(api, fakes, host, title="Mine", start_time=app_start_time(fakes, 40))
    page = assert_app_feed((await api.get("/api/events", headers=bearer(host))).json())
    assert page[-1]["id"] == mine["id"]
    assert len(page) == 51


async def test_counters_and_changes_show_at_once_despite_the_cache(api: AsyncTestClient, fakes: Fakes) -> None:
    host, guest = await active_members(api, fakes, HOST, GUEST)
    event = await create_event(api, fakes, host)
    first = assert_app_feed((await api.get("/api/events", headers=bearer(guest))).json())
    assert first[0]["title"] == "Sunset Jam Session"
    response = await api.put(f"/api/events/{event['id']}", headers=bearer(host), json={"title": "Moonrise Jam"})
    assert response.status_code == 200
    again = assert_app_feed((await api.get("/api/events", headers=bearer(guest))).json())
    assert again[0]["title"] == "Moonrise Jam"
    detail = assert_app_event((await api.get(f"/api/events/{event['id']}", headers=bearer(guest))).json())
    assert detail["title"] == "Moonrise Jam"
