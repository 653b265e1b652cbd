"""Invitations through HTTP on PostgreSQL (client-contract.md, "Invitations: guest side" and "host side")."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from loopin.domain.identity.member import MemberStatus
from tests.api import attendance_rig
from tests.api.attendance_rig import Rig, app_array, app_error, app_object, check_types

rig = attendance_rig.rig  # fixture


async def test_search_then_invite_as_the_host_screen_does(rig: Rig) -> None:
    host, asha, ashok, bina = await rig.members(4, names=["Host Hari", "Asha Rao", "Ashok K", "Bina"])
    await rig.member(status=MemberStatus.WAITLISTED, names=["Asha Waiting"])
    event = await rig.event(host)
    search = await rig.client.get(
        "/api/events/users/search",
        params={"event_id": event.id, "offset": 0, "limit": 100, "search": "ash"},
        headers=host.headers,
    )
    page = app_object(search)
    check_types(page, {"total": int, "offset": int, "limit": int, "data": list})
    assert (page["total"], page["offset"], page["limit"]) == (2, 0, 100)
    for hit in page["data"]:
        check_types(
            hit,
            {
                "id": int,
                "full_name": str,
                "username": (str, None),
                "profile_picture_url": (str, None),
                "already_invited": bool,
            },
        )
        assert "+91" not in str(hit)  # never a phone number
    assert [(h["id"], h["already_invited"]) for h in page["data"]] == [(asha.id, False), (ashok.id, False)]
    sent = app_object(await rig.invite(host, event.id, [asha.id, ashok.id, host.id, 999999], "7d"), 200, 201)
    check_types(sent, {"created_count": int, "skipped_count": int, "errors": list, "invites": list})
    assert sent["success"] is True  # even with skipped members
    assert (sent["created_count"], sent["skipped_count"]) == (2, 2)
    for invite in sent["invites"]:
        check_types(
            invite,
            {
                "invite_id": int,
                "user_id": int,
                "user_name": str,
                "status": str,
                "message": str,
                "expires_at": "iso",
                "expiry_policy": str,
            },
        )
        assert (invite["status"], invite["expiry_policy"]) == ("pending", "7d")
    assert {e["user_id"] for e in sent["errors"]} == {host.id, 999999}
    again = app_object(
        await rig.client.get(
            "/api/events/users/search", params={"event_id": event.id, "search": "ash"}, headers=host.headers
        )
    )
    assert [h["already_invited"] for h in again["data"]] == [True, True]
    assert again["limit"] == 50
    listed = app_object(await rig.client.get(f"/api/events/{event.id}/invitations", headers=host.headers))
    assert len(listed["invitations"]) == 2
    for item in listed["invitations"]:
        check_types(
            item,
            {
                "invite_id": int,
                "user_id": int,
                "full_name": str,
                "profile_picture_url": (str, None),
                "status": str,
                "message": str,
                "expires_at": "iso",
                "expiry_policy": str,
            },
        )
    app_error(
        await rig.client.get(
            f"/api/events/{event.id}/invitations", params={"status_filter": "x"}, headers=host.headers
        ),
        422,
    )
    assert bina.id not in {i["user_id"] for i in listed["invitations"]}


async def test_the_invitee_lists_and_answers_going_for_a_free_event(rig: Rig) -> None:
    host, guest = await rig.members(2, names=["Host Hari", "Asha"])
    event = await rig.event(host)
    sent = app_object(await rig.invite(host, event.id, [guest.id]), 201)
    invite_id = sent["invites"][0]["invite_id"]
    mine = app_array(await rig.client.get("/api/events/my-invitations", headers=guest.headers))
    [item] = mine
    check_types(
        item,
        {
            "invite_id": int,
            "event_id": int,
            "event_title": str,
            "event_start_time": "wall",
            "host_name": str,
            "status": str,
            "message": str,
            "created_at": "iso",
        },
    )
    assert (item["invite_id"], item["event_id"], item["host_name"], item["status"]) == (
        invite_id,
        event.id,
        "Host Hari",
        "pending",
    )
    response = await rig.client.put(
        f"/api/events/invitations/{invite_id}/respond",
        json={"response": "going", "message": "I will attend this event!"},
        headers=guest.headers,
    )
    assert response.status_code in (200, 204)
    answer = response.json()
    check_types(answer, {"is_paid": bool, "requires_payment": bool, "requires_confirmation": bool})
    assert (answer["status"], answer["requires_payment"], answer["requires_confirmation"]) == (
        "accepted",
        False,
        True,
    )
    ticket = app_object(await rig.confirm(guest, event.id, 1))  # requires_confirmation -> POST confirm-attendance
    assert ticket["ticket_secret"]


async def test_declined_and_paid_answers(rig: Rig) -> None:
    host, a, b = await rig.members(3)
    free = await rig.event(host)
    paid = await rig.event(host, is_paid=True, ticket_price=Decimal("300.00"))
    ia = app_object(await rig.invite(host, free.id, [a.id]), 201)["invites"][0]["invite_id"]
    ib = app_object(await rig.invite(host, paid.id, [b.id]), 201)["invites"][0]["invite_id"]
    no = await rig.client.put(
        f"/api/events/invitations/{ia}/respond", json={"response": "declined"}, headers=a.headers
    )
    assert no.status_code == 200
    assert (no.json()["status"], no.json()["requires_confirmation"]) == ("declined", False)
    yes = await rig.client.put(
        f"/api/events/invitations/{ib}/respond", json={"response": "going"}, headers=b.headers
    )
    assert (yes.json()["is_paid"], yes.json()["requires_payment"], yes.json()["ticket_price"]) == (
        True,
        True,
        "300.00",
    )
    bad = await rig.client.put(
        f"/api/events/invitations/{ib}/respond", json={"response": "maybe"}, headers=b.headers
    )
    app_error(bad, 422)
    theirs = await rig.client.put(
        f"/api/events/invitations/{ib}/respond", json={"response": "going"}, headers=a.headers
    )
    app_error(theirs, 404, "INVITATION_NOT_FOUND")


async def test_an_expired_invitation(rig: Rig) -> None:
    host, guest = await rig.members(2)
    event = await rig.event(host, starts_in=timedelta(days=5))
    invite_id = app_object(await rig.invite(host, event.id, [guest.id], "48h"), 201)["invites"][0]["invite_id"]
    rig.fakes.clock.advance(timedelta(hours=48))
    [item] = app_array(await rig.client.get("/api/events/my-invitations", headers=guest.headers))
    assert item["status"] == "expired"  # the app's "Deadline has passed" badge
    late = await rig.client.put(
        f"/api/events/invitations/{invite_id}/respond", json={"response": "going"}, headers=guest.headers
    )
    app_error(late, 400, "INVITATION_EXPIRED")


async def test_invitation_input_is_validated(rig: Rig) -> None:
    host, guest = await rig.members(2)
    event = await rig.event(host)
    app_error(await rig.invite(host, event.id, []), 422)
    app_error(await rig.invite(host, event.id, [guest.id], "3d"), 422)
    app_error(await rig.invite(host, event.id, list(range(1, 52))), 422)
    app_error(
        await rig.client.post(
            f"/api/events/{event.id}/invitations", json={"user_ids": ["a"]}, headers=host.headers
        ),
        422,
    )
    app_error(await rig.client.get("/api/events/users/search", headers=host.headers), 422)  # event_id is required
    app_error(
        await rig.client.get(
            "/api/events/users/search", params={"event_id": event.id, "limit": 0}, headers=host.headers
        ),
        422,
    )
