"""The app's onboarding flow end to end, on PostgreSQL and Redis."""

from __future__ import annotations

from datetime import timedelta

from litestar.testing import AsyncTestClient

from tests.api.flows import PHONE, bearer, onboard, pictures, profile_form, sign_in
from tests.support import Fakes


async def test_signup_to_waitlist_to_member(api: AsyncTestClient, fakes: Fakes) -> None:
    session = await sign_in(api, fakes)
    assert session["success"] is True
    assert session["needs_profile_completion"] is True
    assert session["is_verified"] is False
    assert isinstance(session["data"]["user_id"], int)
    headers = bearer(session["token"])

    interests = (await api.get("/api/auth/event-interests", headers=headers)).json()
    assert interests["success"] is True
    assert len(interests["data"]) == 20
    ids = [i["id"] for i in interests["data"][:3]]

    done = await api.post(
        "/api/auth/complete-profile",
        headers=headers,
        data=profile_form(event_interests=str(ids)),
        files=pictures(2),
    )
    assert done.status_code == 200, done.text
    assert done.json()["success"] is True
    assert "detail" not in done.json()

    profile = (await api.get("/api/auth/profile", headers=headers)).json()
    assert profile["is_active"] is False
    assert profile["status"] == "waitlisted"
    assert profile["name"] == "Asha Rao"
    assert sorted(i["id"] for i in profile["event_interests"]) == sorted(ids)
    assert len(profile["profile_pictures"]) == 2
    picture = await api.get(profile["profile_pictures"][0])
    assert picture.status_code == 200
    assert picture.content.startswith(b"\x89PNG")

    fakes.clock.advance(timedelta(minutes=241))
    profile = (await api.get("/api/auth/profile", headers=headers)).json()
    assert profile["is_active"] is True
    assert profile["status"] == "active"

    again = await sign_in(api, fakes)
    assert again["needs_profile_completion"] is False
    assert again["is_verified"] is True
    assert again["data"]["user_id"] == session["data"]["user_id"]
    assert any(e.event == "member_promoted" for e in fakes.analytics.events)


async def test_waitlisted_member_cannot_leave_profile_area(api: AsyncTestClient, fakes: Fakes) -> None:
    token = await onboard(api, fakes, PHONE)
    response = await api.get("/api/auth/profile", headers=bearer(token))
    assert response.json()["is_active"] is False
    assert (await api.get("/api/auth/event-interests", headers=bearer(token))).status_code == 200
