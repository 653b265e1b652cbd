"""``/api/auth/me``: a member downloads their data and deletes their account, on PostgreSQL and Redis, as the app
would call it: every session of the deleted account stops working, the number signs up again as someone new."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from tests.api.flows import PHONE, assert_error, assert_invalid, bearer, onboard, other_code, sign_in, sql
from tests.support import Fakes


async def deletion_code(api: AsyncTestClient, fakes: Fakes, token: str) -> str:
    sent = await api.post("/api/auth/me/deletion-code", headers=bearer(token))
    assert sent.status_code == 200, sent.text
    assert sent.json()["data"]["phone_number"] == PHONE
    assert sent.json()["message"] == "We sent a 4-digit code to your phone. Enter it to delete your account."
    return fakes.sms.last_code_for(PHONE)


async def erase(api: AsyncTestClient, token: str, code: str) -> Any:
    return await api.request("DELETE", "/api/auth/me", headers=bearer(token), json={"otp_code": code})


async def test_a_member_downloads_their_data(api: AsyncTestClient, fakes: Fakes) -> None:
    token = await onboard(api, fakes)  # signed up, profile completed (waitlisted members may export too)
    await api.post(
        "/api/notifications/devices/register",
        headers=bearer(token),
        json={"onesignal_player_id": "player-1", "platform": "ios"},
    )
    response = await api.get("/api/auth/me/export", headers=bearer(token))
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith('attachment; filename="loopin-data-')
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert set(data) == {
        "generated_at", "profile", "devices", "hosted_events", "requests", "invitations", "tickets",
        "payment_orders", "waitlist_places", "bank_accounts", "payouts", "notifications",
        "notification_settings", "host_lead", "activity", "shared_with",
    }  # fmt: skip
    assert data["payment_orders"] == []
    assert (data["waitlist_places"], data["bank_accounts"], data["payouts"]) == ([], [], [])
    assert data["notification_settings"] == {"muted": [], "updated_at": None}
    assert (data["profile"]["phone_number"], data["profile"]["name"]) == (PHONE, "Asha Rao")
    assert data["profile"]["interests"]
    assert data["profile"]["pictures"][0].startswith("/api/media/")
    assert [d["push_id"] for d in data["devices"]] == ["player-1"]
    assert {"member.signed_in", "member.profile_completed"} <= {a["action"] for a in data["activity"]}
    assert {p["name"] for p in data["shared_with"]} == {"Twilio", "OneSignal", "PostHog", "PayU"}


async def test_deleting_the_account_ends_every_session_and_frees_the_number(
    api: AsyncTestClient, fakes: Fakes
) -> None:
    token = await onboard(api, fakes)
    fakes.clock.advance(timedelta(seconds=31))
    second_device = str((await sign_in(api, fakes))["token"])  # a second phone, signed in too
    member_id = (await api.get("/api/auth/profile", headers=bearer(token))).json()["user_id"]
    fakes.clock.advance(timedelta(seconds=31))
    code = await deletion_code(api, fakes, token)

    assert_error(await erase(api, token, other_code(code)), 400, "OTP_INVALID")
    deleted = await erase(api, token, code)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["success"] is True

    for old in (token, second_device):
        # logout loads no member: only the revocation of every session can refuse it
        for method, path in (("GET", "/api/auth/profile"), ("GET", "/api/events"), ("POST", "/api/auth/logout")):
            assert (await api.request(method, path, headers=bearer(old))).status_code == 401, (method, path)
    [(phone, name, status)] = await sql(
        "SELECT phone_number, name, status FROM members WHERE id = :id", id=member_id
    )
    assert (phone, name, status) == (None, "Former member", "erased")
    assert await sql("SELECT 1 FROM devices WHERE member_id = :id", id=member_id) == []
    assert await sql("SELECT 1 FROM otp_challenges WHERE phone_number = :p", p=PHONE) == []
    [(erased,)] = await sql("SELECT count(*) FROM audit_entries WHERE action = 'member.erased'")
    assert erased == 1

    fakes.clock.advance(timedelta(minutes=1))
    again = await sign_in(api, fakes)  # the same number, as someone new
    assert again["data"]["is_new_user"] is True
    assert again["data"]["user_id"] != member_id
    assert again["needs_profile_completion"] is True


async def test_two_deletions_at_once_with_one_code_delete_once(api: AsyncTestClient, fakes: Fakes) -> None:
    token = str((await sign_in(api, fakes))["token"])
    fakes.clock.advance(timedelta(seconds=31))
    code = await deletion_code(api, fakes, token)
    answers = await asyncio.gather(*(erase(api, token, code) for _ in range(4)))
    assert sorted(a.status_code for a in answers)[0] == 200
    assert [a.status_code for a in answers].count(200) == 1
    assert all(a.status_code in (200, 400, 401) for a in answers), [a.text for a in answers]
    [(erased,)] = await sql("SELECT count(*) FROM audit_entries WHERE action = 'member.erased'")
    assert erased == 1


async def test_a_bad_confirmation_is_a_clear_4xx(api: AsyncTestClient, fakes: Fakes) -> None:
    token = str((await sign_in(api, fakes))["token"])
    no_code = assert_error(await erase(api, token, "0000"), 404, "OTP_NOT_FOUND")  # the sign-in code's is used
    assert no_code["detail"] == "Ask for a code first: it confirms that you want to delete your account."
    for body in ({}, {"otp_code": 1234}, {"otp_code": None}):
        response = await api.request("DELETE", "/api/auth/me", headers=bearer(token), json=body)
        assert response.status_code in (400, 422), response.text
    assert_invalid(await erase(api, token, "12\x0034"), "otp_code")
    assert_invalid(await erase(api, token, "9" * 500), "otp_code")
    assert (await api.request("DELETE", "/api/auth/me", json={"otp_code": "1234"})).status_code == 401
    assert (await api.get("/api/auth/me/export")).status_code == 401
    profile = await api.get("/api/auth/profile", headers=bearer(token))
    assert profile.status_code == 200  # nothing happened
