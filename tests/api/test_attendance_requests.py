"""Join requests through HTTP on PostgreSQL: the contract's shapes, types and status codes, decoded the way
the app decodes them (client-contract.md, "Join requests")."""

from __future__ import annotations

from datetime import timedelta

from loopin.domain.events.event import AllowedGenders, EventStatus
from loopin.domain.identity.member import MemberStatus
from loopin.domain.identity.profile import Gender
from tests.api import attendance_rig
from tests.api.attendance_rig import Rig, app_error, app_object, check_types
from tests.api.flows import sql

rig, inline_rig = attendance_rig.rig, attendance_rig.inline_rig  # fixtures

REQUEST_FIELDS = {
    "id": int,
    "request_id": int,
    "uuid": str,
    "event_id": int,
    "event_title": str,
    "requester_id": int,
    "status": str,
    "message": str,
    "host_message": str,
    "seats_requested": int,
    "can_confirm": bool,
    "created_at": "iso",
    "updated_at": "iso",
}


async def test_ask_then_read_my_request_as_the_app_does(rig: Rig) -> None:
    host, guest = await rig.members(2)
    event = await rig.event(host)
    none_yet = await rig.client.get(f"/api/events/{event.id}/my-request", headers=guest.headers)
    app_error(none_yet, 404, "REQUEST_NOT_FOUND")  # the app reads 404 as "no request yet"
    created = app_object(await rig.ask(guest, event.id, 1), 201)
    check_types(created, REQUEST_FIELDS)
    assert (created["status"], created["seats_requested"], created["requester_id"]) == ("pending", 1, guest.id)
    assert created["message"] == "I would love to attend this event!"
    mine = app_object(await rig.client.get(f"/api/events/{event.id}/my-request", headers=guest.headers))
    check_types(mine, REQUEST_FIELDS)
    assert (mine["request_id"], mine["event_id"], mine["event_title"]) == (created["id"], event.id, event.title)
    assert (mine["status"], mine["can_confirm"]) == ("pending", False)
    stored = await rig.stored_event(event.id)
    assert stored.requests_count == 1
    detail = app_object(await rig.client.get(f"/api/events/{event.id}", headers=guest.headers))
    assert detail["requests_count"] == 1


async def test_the_requester_sees_their_own_name_and_picture_as_the_host_does(rig: Rig) -> None:
    host, guest = await rig.members(2, names=["Host", "Asha Rao"])
    event = await rig.event(host)
    created = app_object(await rig.ask(guest, event.id), 201)
    mine = app_object(await rig.client.get(f"/api/events/{event.id}/my-request", headers=guest.headers))
    listed = app_object(await rig.client.get("/api/events/my-requests", headers=guest.headers))["requests"][0]
    hosts_view = app_object(await rig.client.get(f"/api/events/{event.id}/requests", headers=host.headers))
    withdrawn = app_object(await rig.client.delete(f"/api/events/{event.id}/my-request", headers=guest.headers))
    host_sees = hosts_view["requests"][0]
    assert host_sees["full_name"] == "Asha Rao"
    assert str(host_sees["profile_picture_url"]).endswith(".png")
    for view in (created, mine, listed, withdrawn):
        assert (view["full_name"], view["requester_name"]) == ("Asha Rao", "Asha Rao"), view
        assert view["profile_picture_url"] == host_sees["profile_picture_url"], view


async def test_the_host_lists_views_and_accepts(rig: Rig) -> None:
    host, guest = await rig.members(2, names=["Host Hari", "Asha Rao"])
    event = await rig.event(host)
    created = app_object(await rig.ask(guest, event.id, 2), 201)
    listed = app_object(await rig.client.get(f"/api/events/{event.id}/requests", headers=host.headers))
    assert isinstance(listed["requests"], list)
    [item] = listed["requests"]
    check_types(item, {**REQUEST_FIELDS, "full_name": str, "profile_picture_url": (str, None)})
    assert (item["id"], item["full_name"], item["requester_id"]) == (created["id"], "Asha Rao", guest.id)
    assert item["profile_picture_url"].startswith("/api/media/")
    profile = app_object(
        await rig.client.get(f"/api/events/{event.id}/requests/{created['id']}/profile", headers=host.headers)
    )
    check_types(
        profile,
        {
            "user_id": int,
            "name": str,
            "phone_number": None,  # not before the host accepts
            "bio": str,
            "gender": str,
            "location": str,
            "profile_pictures": list,
            "event_interests": list,
            "is_verified": bool,
        },
    )
    assert all(isinstance(i["id"], int) and isinstance(i["name"], str) for i in profile["event_interests"])
    assert profile["profile_pictures"]
    accepted = app_object(await rig.accept(host, event.id, created["id"]))
    assert (accepted["status"], accepted["can_confirm"]) == ("accepted", True)
    mine = app_object(await rig.client.get(f"/api/events/{event.id}/my-request", headers=guest.headers))
    assert (mine["status"], mine["can_confirm"]) == ("accepted", True)
    profile = app_object(
        await rig.client.get(f"/api/events/{event.id}/requests/{created['id']}/profile", headers=host.headers)
    )
    assert profile["phone_number"] == guest.member.phone.e164
    again = await rig.accept(host, event.id, created["id"])  # a double tap changes nothing
    assert app_object(again)["status"] == "accepted"
    assert (await rig.stored_event(event.id)).requests_count == 0


async def test_accept_with_no_body_and_decline(rig: Rig) -> None:
    host, a, b = await rig.members(3)
    event = await rig.event(host)
    ra = app_object(await rig.ask(a, event.id), 201)
    rb = app_object(await rig.ask(b, event.id), 201)
    bare = await rig.client.put(f"/api/events/{event.id}/requests/{ra['id']}/accept", headers=host.headers)
    assert app_object(bare)["status"] == "accepted"
    declined = await rig.client.put(
        f"/api/events/{event.id}/requests/{rb['id']}/decline", json={"host_message": "Full"}, headers=host.headers
    )
    body = app_object(declined)
    assert (body["status"], body["host_message"], body["can_confirm"]) == ("declined", "Full", False)
    app_error(await rig.ask(b, event.id), 400, "REQUEST_DECLINED")
    rig.fakes.clock.advance(timedelta(hours=24))
    assert app_object(await rig.ask(b, event.id), 201)["id"] == rb["id"]


async def test_my_requests_is_an_object_with_requests(rig: Rig) -> None:
    host, guest = await rig.members(2)
    first, second = await rig.event(host, title="One"), await rig.event(host, title="Two")
    await rig.ask(guest, first.id)
    await rig.ask(guest, second.id)
    body = app_object(await rig.client.get("/api/events/my-requests", headers=guest.headers))
    assert sorted(r["event_title"] for r in body["requests"]) == ["One", "Two"]
    for item in body["requests"]:
        check_types(item, REQUEST_FIELDS)
    filtered = app_object(
        await rig.client.get(
            "/api/events/my-requests", params={"status_filter": "accepted"}, headers=guest.headers
        )
    )
    assert filtered["requests"] == []
    bad = await rig.client.get("/api/events/my-requests", params={"status_filter": "x"}, headers=guest.headers)
    app_error(bad, 422)


async def test_withdraw_and_ask_again(rig: Rig) -> None:
    host, guest = await rig.members(2)
    event = await rig.event(host)
    created = app_object(await rig.ask(guest, event.id), 201)
    withdrawn = app_object(await rig.client.delete(f"/api/events/{event.id}/my-request", headers=guest.headers))
    assert withdrawn["status"] == "cancelled"
    app_error(await rig.client.delete(f"/api/events/{event.id}/my-request", headers=guest.headers), 409)
    again = app_object(await rig.ask(guest, event.id), 201)
    assert (again["id"], again["status"]) == (created["id"], "pending")


async def test_refusals_are_clear_4xx(rig: Rig) -> None:
    host, guest = await rig.members(2)
    man = await rig.member(gender=Gender.MALE)
    event = await rig.event(host, max_capacity=2, allow_plus_one=False)
    app_error(await rig.ask(host, event.id), 400, "HOST_CANNOT_JOIN")
    app_error(await rig.ask(guest, event.id, 2), 400, "PLUS_ONES_NOT_ALLOWED")
    for seats in (0, 11):
        body = app_error(await rig.ask(guest, event.id, seats), 422, "VALIDATION_ERROR")
        assert isinstance(body["detail"], list)
        assert body["detail"][0]["msg"]
    wrong_type = await rig.client.post(
        f"/api/events/{event.id}/requests", json={"seats_requested": "two"}, headers=guest.headers
    )
    app_error(wrong_type, 422)
    women = await rig.event(host, allowed_genders=AllowedGenders.FEMALE)
    assert "women only" in app_error(await rig.ask(man, women.id), 400, "GENDER_NOT_ALLOWED")["detail"]
    cancelled = await rig.event(host, status=EventStatus.CANCELLED)
    app_error(await rig.ask(guest, cancelled.id), 400, "EVENT_NOT_OPEN")
    app_error(await rig.ask(guest, 999999), 404, "EVENT_NOT_FOUND")
    small = await rig.event(host, max_capacity=1)
    app_error(await rig.ask(guest, small.id, 2), 400, "CAPACITY_EXCEEDED")
    app_object(await rig.ask(guest, event.id), 201)
    app_error(await rig.ask(guest, event.id), 400, "DUPLICATE_REQUEST")
    waiting = await rig.member(status=MemberStatus.WAITLISTED)
    app_error(await rig.ask(waiting, event.id), 403, "WAITLISTED")
    app_error(
        await rig.client.get(f"/api/events/{event.id}/my-request", headers=waiting.headers), 403, "WAITLISTED"
    )


async def test_bulk_action(rig: Rig) -> None:
    host, *guests = await rig.members(4)
    event = await rig.event(host)
    ids = [app_object(await rig.ask(g, event.id), 201)["id"] for g in guests]
    response = await rig.client.post(
        f"/api/events/{event.id}/requests/bulk-action",
        json={"request_ids": [*ids[:2], 424242], "action": "accept", "host_message": "Welcome"},
        headers=host.headers,
    )
    body = app_object(response)
    check_types(
        body,
        {"success": bool, "processed_count": int, "accepted_count": int, "declined_count": int, "errors": list},
    )
    assert (body["processed_count"], body["accepted_count"], body["declined_count"]) == (2, 2, 0)
    assert body["errors"] == [{"request_id": 424242, "error": "Request not found for this event."}]
    nothing = await rig.client.post(
        f"/api/events/{event.id}/requests/bulk-action",
        json={"request_ids": ids[:2], "action": "decline"},
        headers=host.headers,
    )
    app_error(nothing, 400, "NO_PENDING_REQUESTS")
    app_error(
        await rig.client.post(
            f"/api/events/{event.id}/requests/bulk-action",
            json={"request_ids": [], "action": "accept"},
            headers=host.headers,
        ),
        422,
    )


async def test_accepting_notifies_and_audits(inline_rig: Rig) -> None:
    rig_ = inline_rig
    host, guest = await rig_.members(2)
    event = await rig_.event(host)
    created = app_object(await rig_.ask(guest, event.id), 201)
    app_object(await rig_.accept(host, event.id, created["id"]))
    notes = await sql("SELECT template, recipient_id, data FROM notifications ORDER BY id")
    assert [(n[0], n[1]) for n in notes] == [("new_join_request", host.id), ("request_approved", guest.id)]
    assert notes[1][2]["request_id"] == str(created["id"])
    actions = await sql("SELECT action FROM audit_entries WHERE target_type = 'join_request' ORDER BY id")
    assert [a[0] for a in actions] == ["join_request.created", "join_request.accepted"]


async def test_my_request_costs_two_statements(rig: Rig) -> None:
    """The app calls it once per feed card: the caller, then the request with its event and ticket, joined."""
    from sqlalchemy import event as sa_event
    from sqlalchemy.ext.asyncio import AsyncEngine

    from loopin.adapters.jobs.relay import OutboxRelay

    host, guest = await rig.members(2)
    event = await rig.event(host)
    await rig.ask(guest, event.id)
    await (await rig.container.get(OutboxRelay)).settle()  # the ask's delivered jobs are removed before counting
    engine = await rig.container.get(AsyncEngine)
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    sa_event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        for _ in range(3):
            statements.clear()
            app_object(await rig.client.get(f"/api/events/{event.id}/my-request", headers=guest.headers))
            assert 1 <= len(statements) <= 2, statements
    finally:
        sa_event.remove(engine.sync_engine, "before_cursor_execute", count)
