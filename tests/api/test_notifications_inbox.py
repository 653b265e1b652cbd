"""``/api/notifications`` on PostgreSQL: the inbox a member's requests fill, read marks, preferences; only the
owner sees a notification; hostile input is a 4xx."""

from __future__ import annotations

from datetime import timedelta

from tests.api import attendance_rig
from tests.api.attendance_rig import Rig, app_error, app_object, check_types

inline_rig = attendance_rig.inline_rig  # fixture

NOTIFICATION_FIELDS = {
    "id": int,
    "type": str,
    "template": str,
    "title": str,
    "body": str,
    "data": dict,
    "sender_id": (int, None),
    "is_read": bool,
    "created_at": "iso",
    "read_at": ("iso", None),
}


async def test_a_guests_inbox_fills_pages_and_is_marked_read(inline_rig: Rig) -> None:
    rig = inline_rig
    host, guest, other = await rig.members(3, names=["Host", "Asha", "Bina"])
    event = await rig.event(host, title="Sunday Jam", starts_in=timedelta(days=2))
    await rig.ticket(host, guest, event.id)
    inbox = app_object(await rig.client.get("/api/notifications", headers=guest.headers))
    assert [n["template"] for n in inbox["notifications"]] == ["ticket_confirmed", "request_approved"]
    assert inbox["unread_count"] == 2
    assert inbox["next_before_id"] is None
    for item in inbox["notifications"]:
        check_types(item, NOTIFICATION_FIELDS)
    newest = inbox["notifications"][0]
    assert newest["data"]["event_id"] == str(event.id)
    assert newest["data"]["route"] == "ticket_detail"

    page = app_object(await rig.client.get("/api/notifications?limit=1", headers=guest.headers))
    assert [n["id"] for n in page["notifications"]] == [newest["id"]]
    assert page["next_before_id"] == newest["id"]
    older = app_object(
        await rig.client.get(f"/api/notifications?limit=1&before_id={newest['id']}", headers=guest.headers)
    )
    assert [n["template"] for n in older["notifications"]] == ["request_approved"]

    # someone else's notification is not there for them
    app_error(await rig.client.post(f"/api/notifications/{newest['id']}/read", headers=other.headers), 404)
    read = app_object(await rig.client.post(f"/api/notifications/{newest['id']}/read", headers=guest.headers))
    assert read["notification"]["is_read"] is True
    count = app_object(await rig.client.get("/api/notifications/unread-count", headers=guest.headers))
    assert count["unread_count"] == 1
    unread = app_object(await rig.client.get("/api/notifications?unread=true", headers=guest.headers))
    assert [n["template"] for n in unread["notifications"]] == ["request_approved"]

    done = app_object(
        await rig.client.post(
            "/api/notifications/read-all", json={"up_to_id": newest["id"]}, headers=guest.headers
        )
    )
    assert (done["marked"], done["up_to_id"], done["unread_count"]) == (1, newest["id"], 0)
    nothing = app_object(await rig.client.post("/api/notifications/read-all", headers=other.headers))
    assert (nothing["marked"], nothing["up_to_id"]) == (0, None)
    assert (await rig.client.get("/api/notifications")).status_code == 401


async def test_preferences_mute_and_refuse_what_cannot_be(inline_rig: Rig) -> None:
    rig = inline_rig
    [me] = await rig.members(1)
    shown = app_object(await rig.client.get("/api/notifications/preferences", headers=me.headers))
    assert shown["muted"] == []
    assert shown["quiet_hours"] == {
        "start": "22:00",
        "end": "08:00",
        "timezone": "Asia/Kolkata",
    }
    kinds = {k["type"]: k for k in shown["types"]}
    assert kinds["payment_refund"]["can_mute"] is False
    assert kinds["reminder"]["can_mute"] is True
    changed = app_object(
        await rig.client.put(
            "/api/notifications/preferences", json={"muted": ["reminder", "promotional"]}, headers=me.headers
        )
    )
    assert changed["muted"] == ["promotional", "reminder"]
    for body in ({"muted": ["payment_failed"]}, {"muted": ["nope"]}, {"muted": "reminder"}, {}, {"muted": [1]}):
        response = await rig.client.put("/api/notifications/preferences", json=body, headers=me.headers)
        assert response.status_code == 422, (body, response.text)
    kept = app_object(await rig.client.get("/api/notifications/preferences", headers=me.headers))
    assert kept["muted"] == ["promotional", "reminder"]


async def test_hostile_inbox_input_is_a_4xx(inline_rig: Rig) -> None:
    rig = inline_rig
    [me] = await rig.members(1)
    h = me.headers
    for path in (
        "/api/notifications?before_id=9223372036854775808",
        "/api/notifications?before_id=-1",
        "/api/notifications?limit=0",
        "/api/notifications?limit=101",
        "/api/notifications?unread=maybe",
        "/api/notifications?before_id=1%00",
    ):
        response = await rig.client.get(path, headers=h)
        assert response.status_code in (400, 422), (path, response.text)
    for path in ("/api/notifications/9223372036854775808/read", "/api/notifications/0/read"):
        assert (await rig.client.post(path, headers=h)).status_code == 404
    for body in (
        {"up_to_id": 2**63},
        {"up_to_id": "x"},
        {"up_to_id": -5},
        {"up_to_id": 1e308},
    ):
        response = await rig.client.post("/api/notifications/read-all", json=body, headers=h)
        assert response.status_code == 422, (body, response.text)
    deep = "[" * 5000 + "]" * 5000
    response = await rig.client.put(
        "/api/notifications/preferences", content=deep, headers={**h, "Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500


async def test_still_coming_no_releases_the_seat_in_one_call(inline_rig: Rig) -> None:
    rig = inline_rig
    host, guest, other = await rig.members(3, names=["Host", "Asha", "Bina"])
    event = await rig.event(host, title="Sunday Jam", starts_in=timedelta(hours=5), max_capacity=1)
    await rig.ticket(host, guest, event.id)
    app_error(await rig.client.post(f"/api/events/{event.id}/release-seat", headers=other.headers), 404)
    released = app_object(await rig.client.post(f"/api/events/{event.id}/release-seat", headers=guest.headers))
    assert (released["seats_released"], released["going_count"], released["status"]) == (1, 0, "cancelled")
    assert released["refund_amount"] is None  # a free ticket
    app_error(await rig.client.post(f"/api/events/{event.id}/release-seat", headers=guest.headers), 404)
    assert (await rig.stored_event(event.id)).seats_taken == 0
    host_inbox = app_object(await rig.client.get("/api/notifications", headers=host.headers))
    assert host_inbox["notifications"][0]["template"] == "ticket_cancelled"
    for path in ("/api/events/9223372036854775808/release-seat", "/api/events/0/release-seat"):
        assert (await rig.client.post(path, headers=guest.headers)).status_code == 404
