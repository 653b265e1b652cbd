"""Push device registration: open to waitlisted members; an active subscription stays with its member."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.api.flows import bearer, onboard, sign_in
from tests.support import Fakes

OTHER = "+919812345600"


async def test_waitlisted_member_registers_and_deactivates_a_device(api: AsyncTestClient, fakes: Fakes) -> None:
    token = await onboard(api, fakes)
    body = {"onesignal_player_id": "player-1", "platform": "ios"}
    first = await api.post("/api/notifications/devices/register", headers=bearer(token), json=body)
    assert first.status_code == 201, first.text
    assert first.json()["success"] is True
    assert isinstance(first.json()["device_id"], int)
    again = await api.post("/api/notifications/devices/register", headers=bearer(token), json=body)
    assert again.json()["device_id"] == first.json()["device_id"]

    gone = await api.delete("/api/notifications/devices/player-1", headers=bearer(token))
    assert gone.status_code == 200
    assert gone.json()["is_active"] is False


async def test_a_device_moves_only_once_its_member_retired_it(api: AsyncTestClient, fakes: Fakes) -> None:
    first = str((await sign_in(api, fakes))["token"])
    second = str((await sign_in(api, fakes, OTHER))["token"])
    body = {"onesignal_player_id": "shared-phone", "platform": "android"}
    await api.post("/api/notifications/devices/register", headers=bearer(first), json=body)
    taken = await api.post("/api/notifications/devices/register", headers=bearer(second), json=body)
    assert taken.status_code == 409, taken.text
    assert taken.json()["error_code"] == "DEVICE_REGISTERED_TO_ANOTHER_ACCOUNT"
    assert (await api.delete("/api/notifications/devices/shared-phone", headers=bearer(first))).status_code == 200
    moved = await api.post("/api/notifications/devices/register", headers=bearer(second), json=body)
    assert moved.status_code == 201
    refused = await api.delete("/api/notifications/devices/shared-phone", headers=bearer(first))
    assert refused.status_code == 404
    assert refused.json()["error_code"] == "DEVICE_NOT_FOUND"


async def test_bad_device_input_is_a_422(api: AsyncTestClient, fakes: Fakes) -> None:
    token = str((await sign_in(api, fakes))["token"])
    for body in (
        {"onesignal_player_id": "p", "platform": "windows"},
        {"onesignal_player_id": " ", "platform": "ios"},
        {"platform": "ios"},
    ):
        response = await api.post("/api/notifications/devices/register", headers=bearer(token), json=body)
        assert response.status_code == 422, response.text
        assert response.json()["success"] is False
    assert (await api.post("/api/notifications/devices/register", json={})).status_code == 401
