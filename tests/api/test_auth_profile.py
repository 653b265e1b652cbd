"""GET/PUT /api/auth/profile and GET /api/auth/event-interests, on PostgreSQL and Redis."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from loopin.entrypoints.settings import Settings
from tests.api.flows import (
    PHONE,
    assert_error,
    assert_invalid,
    bearer,
    member_row,
    onboard,
    pictures,
    profile_form,
    sign_in,
    stored_files,
)
from tests.support import TEST_REDIS_URL, Fakes

PROFILE, INTERESTS = "/api/auth/profile", "/api/auth/event-interests"
PROFILE_KEYS = {
    "success",
    "id",
    "user_id",
    "name",
    "phone_number",
    "gender",
    "bio",
    "location",
    "birth_date",
    "event_interests",
    "profile_pictures",
    "is_verified",
    "is_active",
    "status",
    "role",
    "profile_complete",
    "waitlist_promote_at",
    "created_at",
    "updated_at",
}
INTEREST_KEYS = {"id", "name", "slug", "is_active", "created_at", "updated_at"}


def assert_profile_shape(body: dict[str, Any]) -> None:
    """The unwrapped profile object the app parses (no ``data`` key, so it reads the top level)."""
    assert set(body) == PROFILE_KEYS
    assert body["success"] is True
    assert type(body["id"]) is int
    assert body["user_id"] == body["id"]
    for key in ("name", "phone_number", "gender", "bio", "location", "status", "role"):
        assert isinstance(body[key], str), key
    for key in ("is_verified", "is_active", "profile_complete"):
        assert type(body[key]) is bool, key
    assert body["is_verified"] is body["is_active"]
    assert body["birth_date"] is None or date.fromisoformat(body["birth_date"])
    assert all(isinstance(url, str) and url.startswith("/api/media/") for url in body["profile_pictures"])
    for interest in body["event_interests"]:
        assert set(interest) == INTEREST_KEYS
        assert type(interest["id"]) is int
        assert interest["is_active"] is True
    names = [i["name"] for i in body["event_interests"]]
    assert names == sorted(names)
    datetime.fromisoformat(body["created_at"])
    datetime.fromisoformat(body["updated_at"])


@pytest.fixture
async def onboarding(api: AsyncTestClient, fakes: Fakes) -> dict[str, str]:
    return bearer((await sign_in(api, fakes))["token"])


@pytest.fixture
async def waitlisted(api: AsyncTestClient, fakes: Fakes) -> dict[str, str]:
    return bearer(await onboard(api, fakes))


async def test_profile_of_a_member_who_has_only_verified_their_phone(
    api: AsyncTestClient, onboarding: dict[str, str]
) -> None:
    response = await api.get(PROFILE, headers=onboarding)
    assert response.status_code == 200, response.text
    body = response.json()
    assert_profile_shape(body)
    assert body["id"] == (await member_row()).id
    assert {k: v for k, v in body.items() if k not in ("id", "user_id", "created_at", "updated_at")} == {
        "success": True,
        "name": "",
        "phone_number": PHONE,
        "gender": "",
        "bio": "",
        "location": "",
        "birth_date": None,
        "event_interests": [],
        "profile_pictures": [],
        "is_verified": False,
        "is_active": False,
        "status": "onboarding",
        "role": "member",
        "profile_complete": False,
        "waitlist_promote_at": None,
    }


async def test_profile_of_a_waitlisted_member_then_promoted_on_request(
    api: AsyncTestClient, fakes: Fakes, waitlisted: dict[str, str]
) -> None:
    body = (await api.get(PROFILE, headers=waitlisted)).json()
    assert_profile_shape(body)
    assert (body["status"], body["is_active"], body["is_verified"], body["profile_complete"]) == (
        "waitlisted",
        False,
        False,
        True,
    )
    assert (body["name"], body["gender"], body["birth_date"]) == ("Asha Rao", "female", "2000-01-05")
    assert sorted(i["id"] for i in body["event_interests"]) == [1, 4, 7]
    promote_at = datetime.fromisoformat(body["waitlist_promote_at"])

    fakes.clock.advance(promote_at - fakes.clock.now() - timedelta(seconds=1))
    assert (await api.get(PROFILE, headers=waitlisted)).json()["status"] == "waitlisted"
    fakes.clock.advance(timedelta(seconds=1))
    promoted = (await api.get(PROFILE, headers=waitlisted)).json()
    assert_profile_shape(promoted)
    assert (promoted["status"], promoted["is_active"], promoted["is_verified"]) == ("active", True, True)
    assert promoted["waitlist_promote_at"] is None
    assert (await member_row()).status == "active"


async def test_put_changes_only_the_keys_sent(
    api: AsyncTestClient, fakes: Fakes, waitlisted: dict[str, str]
) -> None:
    before = (await api.get(PROFILE, headers=waitlisted)).json()
    fakes.clock.advance(timedelta(minutes=1))
    response = await api.put(PROFILE, headers=waitlisted, json={"bio": "  Loves live music  ", "location": "Pune"})
    assert response.status_code == 200, response.text
    after = response.json()
    assert_profile_shape(after)
    assert (after["bio"], after["location"]) == ("Loves live music", "Pune")
    unchanged = PROFILE_KEYS - {"bio", "location", "updated_at"}
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    assert datetime.fromisoformat(after["updated_at"]) > datetime.fromisoformat(before["updated_at"])
    assert (await api.get(PROFILE, headers=waitlisted)).json() == after


async def test_put_edits_every_field(api: AsyncTestClient, waitlisted: dict[str, str]) -> None:
    changes = {
        "name": "Asha  Rao-Iyer",
        "birth_date": "1999-12-31",
        "gender": "Prefer not to say",
        "event_interests": [2, 5],
    }
    body = (await api.put(PROFILE, headers=waitlisted, json=changes)).json()
    assert_profile_shape(body)
    assert (body["name"], body["birth_date"], body["gender"]) == (
        "Asha Rao-Iyer",
        "1999-12-31",
        "prefer_not_to_say",
    )
    assert sorted(i["id"] for i in body["event_interests"]) == [2, 5]
    row = await member_row()
    assert (row.name, row.gender, row.interest_ids) == ("Asha Rao-Iyer", "prefer_not_to_say", [2, 5])


async def test_put_with_explicit_nulls_clears_the_optional_fields(
    api: AsyncTestClient, waitlisted: dict[str, str]
) -> None:
    await api.put(PROFILE, headers=waitlisted, json={"bio": "Hi", "location": "Goa"})
    nulls = {"bio": None, "location": None, "birth_date": None, "gender": None}
    body = (await api.put(PROFILE, headers=waitlisted, json=nulls)).json()
    assert (body["bio"], body["location"], body["birth_date"], body["gender"]) == ("", "", None, "")
    assert body["name"] == "Asha Rao"
    assert body["status"] == "waitlisted"


async def test_put_with_an_empty_object_changes_nothing(api: AsyncTestClient, waitlisted: dict[str, str]) -> None:
    before = (await api.get(PROFILE, headers=waitlisted)).json()
    after = (await api.put(PROFILE, headers=waitlisted, json={})).json()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


async def test_put_bad_values_are_422_and_change_nothing(
    api: AsyncTestClient, fakes: Fakes, waitlisted: dict[str, str], subtests: pytest.Subtests
) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"name": None}, "name"),
        ({"event_interests": None}, "event_interests"),
        ({"profile_pictures": None}, "profile_pictures"),
        ({"name": "A"}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "R2D2"}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": 42}, "name"),
        ({"bio": "x" * 501}, "bio"),
        ({"bio": 5}, "bio"),
        ({"location": "x" * 101}, "location"),
        ({"birth_date": "2020-01-01"}, "birth_date"),
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"birth_date": "05/01/2000"}, "birth_date"),
        ({"birth_date": 20000105}, "birth_date"),
        ({"gender": "robot"}, "gender"),
        ({"gender": True}, "gender"),
        ({"event_interests": []}, "event_interests"),
        ({"event_interests": [1, 2, 3, 4, 5, 6]}, "event_interests"),
        ({"event_interests": [9999]}, "event_interests"),
        ({"event_interests": [1, "two"]}, "event_interests"),
        ({"event_interests": "[1,2]"}, "event_interests"),
        ({"profile_pictures": []}, "profile_pictures"),
        ({"profile_pictures": ["https://elsewhere.example/me.png"]}, "profile_pictures"),
        ({"profile_pictures": ["/api/media/profiles/999/someone-else.png"]}, "profile_pictures"),
        ({"profile_pictures": "/api/media/x.png"}, "profile_pictures"),
    ]
    before = (await api.get(PROFILE, headers=waitlisted)).json()
    for body, field in cases:
        with subtests.test(body=body):
            fakes.clock.advance(timedelta(minutes=1))
            with_a_good_change = {"location": "Pune", **body}
            response = await api.put(PROFILE, headers=waitlisted, json=with_a_good_change)
            assert_invalid(response, field)
            assert (await api.get(PROFILE, headers=waitlisted)).json() == before  # all or nothing


async def test_put_a_numeric_string_for_an_interest_id_is_a_422(
    api: AsyncTestClient, waitlisted: dict[str, str]
) -> None:
    """JSON is read strictly (docs/decisions.md, "Tolerant reader"): "2" is not 2, and a word is a 422 too."""
    before = (await api.get(PROFILE, headers=waitlisted)).json()
    for interests in ([1, "2"], [1, "two"]):
        response = await api.put(PROFILE, headers=waitlisted, json={"event_interests": interests})
        assert_invalid(response, "event_interests")
    assert (await api.get(PROFILE, headers=waitlisted)).json() == before


async def test_put_an_interest_id_out_of_range_is_a_422(api: AsyncTestClient, waitlisted: dict[str, str]) -> None:
    response = await api.put(PROFILE, headers=waitlisted, json={"event_interests": [9223372036854775808]})
    assert_invalid(response, "event_interests")


async def test_put_a_body_that_is_not_an_object_is_a_422(api: AsyncTestClient, waitlisted: dict[str, str]) -> None:
    assert_error(await api.put(PROFILE, headers=waitlisted, json=[{"name": "Asha"}]), 422, "VALIDATION_ERROR")


async def test_put_can_reorder_and_remove_own_pictures(
    api: AsyncTestClient, waitlisted: dict[str, str], service_settings: Settings
) -> None:
    completed = await api.post(
        "/api/auth/complete-profile", headers=waitlisted, data=profile_form(), files=pictures(3)
    )
    assert completed.status_code == 200, completed.text
    first, second, third = (await api.get(PROFILE, headers=waitlisted)).json()["profile_pictures"]

    reordered = await api.put(PROFILE, headers=waitlisted, json={"profile_pictures": [third, first, second]})
    assert reordered.json()["profile_pictures"] == [third, first, second]

    # the app strips a trailing '?' and spaces from URLs; they name the same pictures
    kept = await api.put(PROFILE, headers=waitlisted, json={"profile_pictures": [f" {first}?", second]})
    assert kept.status_code == 200, kept.text
    assert kept.json()["profile_pictures"] == [first, second]
    assert (await api.get(third)).status_code == 404  # the removed file was deleted after the commit
    assert len(stored_files(Path(service_settings.media_root))) == 2
    assert kept.json()["status"] == "waitlisted"


async def test_put_never_admits_anyone(api: AsyncTestClient, fakes: Fakes, onboarding: dict[str, str]) -> None:
    sneaky = {
        "name": "Asha Rao",
        "status": "active",
        "is_active": True,
        "is_verified": True,
        "role": "superuser",
        "waitlist_promote_at": None,
    }
    response = await api.put(PROFILE, headers=onboarding, json=sneaky)
    assert response.status_code == 200, response.text  # unknown keys are ignored, not applied
    body = response.json()
    assert (body["name"], body["status"], body["is_active"], body["role"]) == (
        "Asha Rao",
        "onboarding",
        False,
        "member",
    )
    assert body["profile_complete"] is False  # pictures only come through the upload
    pictures_elsewhere = await api.put(
        PROFILE, headers=onboarding, json={"profile_pictures": ["https://cdn.example/me.jpg"]}
    )
    assert_invalid(pictures_elsewhere, "profile_pictures")
    row = await member_row()
    assert (row.status, row.role, row.picture_keys) == ("onboarding", "member", [])

    fakes.clock.advance(timedelta(seconds=30))
    again = await sign_in(api, fakes)
    assert again["needs_profile_completion"] is True


async def test_put_promotes_a_member_whose_wait_is_over(
    api: AsyncTestClient, fakes: Fakes, waitlisted: dict[str, str]
) -> None:
    fakes.clock.advance(timedelta(minutes=240))
    body = (await api.put(PROFILE, headers=waitlisted, json={"bio": "here"})).json()
    assert (body["status"], body["is_active"], body["bio"]) == ("active", True, "here")


async def test_event_interests_answer_the_contract(api: AsyncTestClient, onboarding: dict[str, str]) -> None:
    response = await api.get(INTERESTS, headers=onboarding)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"success", "message", "data"}
    assert body["success"] is True
    assert isinstance(body["message"], str)
    items = body["data"]
    assert len(items) == 20
    for item in items:
        assert set(item) == INTEREST_KEYS
        assert type(item["id"]) is int
        assert isinstance(item["name"], str)
        assert item["name"]
        assert item["is_active"] is True
    assert len({i["id"] for i in items}) == 20
    names = [i["name"] for i in items]
    assert names == sorted(names)
    assert {"Music", "Sports", "Food & Drink"} <= set(names)


async def test_event_interests_are_open_to_waitlisted_members(
    api: AsyncTestClient, waitlisted: dict[str, str]
) -> None:
    assert (await api.get(INTERESTS, headers=waitlisted)).json()["success"] is True


@pytest.mark.parametrize(("method", "path"), [("GET", PROFILE), ("PUT", PROFILE), ("GET", INTERESTS)])
async def test_profile_routes_need_a_session(api: AsyncTestClient, method: str, path: str) -> None:
    response = await api.request(method, path, json={"name": "Asha Rao"} if method == "PUT" else None)
    assert_error(response, 401, "NOT_AUTHENTICATED")


async def test_an_active_members_kept_profile_follows_every_change(
    api: AsyncTestClient, fakes: Fakes, waitlisted: dict[str, str]
) -> None:
    """Active members' profiles are answered from the cache; a save forgets them at once (any use case's:
    tests/unit/usecases/test_profile.py)."""
    fakes.clock.advance(timedelta(minutes=240))
    first = (await api.get(PROFILE, headers=waitlisted)).json()  # let in on this read: not kept yet
    assert first["status"] == "active"
    kept = (await api.get(PROFILE, headers=waitlisted)).json()
    assert kept == first
    redis = Redis.from_url(TEST_REDIS_URL)
    try:
        assert await redis.exists(f"loopin:profile:{first['id']}")
    finally:
        await redis.aclose()

    changed = (await api.put(PROFILE, headers=waitlisted, json={"bio": "kept, then changed"})).json()
    assert (await api.get(PROFILE, headers=waitlisted)).json()["bio"] == "kept, then changed"
    assert changed["bio"] == "kept, then changed"


async def test_a_kept_profile_is_refused_to_a_session_that_ended(
    api: AsyncTestClient, fakes: Fakes, waitlisted: dict[str, str]
) -> None:
    fakes.clock.advance(timedelta(minutes=240))
    assert (await api.get(PROFILE, headers=waitlisted)).status_code == 200
    assert (await api.get(PROFILE, headers=waitlisted)).status_code == 200  # kept
    assert (await api.post("/api/auth/logout", headers=waitlisted)).status_code == 200
    refused = await api.get(PROFILE, headers=waitlisted)
    assert "logged out" in assert_error(refused, 401, "NOT_AUTHENTICATED")["detail"]
