"""The event waitlist through HTTP: a walk through every call, hostile input, and the rush on PostgreSQL —
50 seats freed while 200 waiting members race for them: 50 offers, no oversell, nobody offered twice, first in
line first served, and offers not taken pass on to the next 50."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import timedelta

import httpx

from loopin.usecases.attendance.waitlist import PassOnSeatOffers
from tests.api import attendance_rig
from tests.api.attendance_rig import Guest, Rig, app_error, app_object
from tests.api.flows import sql
from tests.api.test_attendance_parallel import accepted_requests

rig, inline_rig = attendance_rig.rig, attendance_rig.inline_rig  # fixtures

CAPACITY = 50
WAITING = 200
IN_FLIGHT = 36  # requests at once: below the test pool's 40 connections


async def join(rig: Rig, guest: Guest, event_id: int, body: object = None) -> httpx.Response:
    return await rig.client.post(f"/api/events/{event_id}/waitlist", json=body, headers=guest.headers)


async def mine(rig: Rig, guest: Guest, event_id: int) -> httpx.Response:
    return await rig.client.get(f"/api/events/{event_id}/waitlist/me", headers=guest.headers)


async def take(rig: Rig, guest: Guest, event_id: int, body: object = None) -> httpx.Response:
    return await rig.client.post(f"/api/events/{event_id}/waitlist/offer/accept", json=body, headers=guest.headers)


async def cancel(rig: Rig, guest: Guest, event_id: int) -> httpx.Response:
    return await rig.client.post(f"/api/events/{event_id}/cancel-attendance", headers=guest.headers)


async def pass_on(rig: Rig) -> int:
    async with rig.container() as scope:
        return await (await scope.get(PassOnSeatOffers))()


async def full_event(rig: Rig, capacity: int, waiting: int) -> tuple[Guest, int, list[Guest], list[Guest]]:
    """A free event whose seats are all taken, and ``waiting`` more members whose requests were accepted."""
    host = await rig.member()
    holders, waiters = await rig.members(capacity), await rig.members(waiting)
    event = await rig.event(host, max_capacity=capacity)
    await accepted_requests(rig, event.id, {g.id: 1 for g in holders + waiters})
    for g in holders:
        assert (await rig.confirm(g, event.id)).status_code == 200
    return host, event.id, holders, waiters


async def test_a_walk_through_the_waitlist(inline_rig: Rig) -> None:
    rig = inline_rig
    host, event_id, holders, (a, b, late) = await full_event(rig, 1, 3)
    refused = app_error(await rig.confirm(a, event_id), 400, "CAPACITY_FULL")  # the app's call answers as today
    assert refused["success"] is False
    joined = app_object(await join(rig, a, event_id), 201)
    assert (joined["status"], joined["position"], joined["seats"], joined["event_id"]) == (
        "waiting",
        1,
        1,
        event_id,
    )
    assert app_object(await join(rig, b, event_id, {"seats": 1}), 201)["position"] == 2
    assert app_object(await join(rig, a, event_id), 201)["waitlist_id"] == joined["waitlist_id"]  # a retry
    line = app_object(await rig.client.get(f"/api/events/{event_id}/waitlist", headers=host.headers))
    assert [(e["user_id"], e["position"]) for e in line["waitlist"]] == [(a.id, 1), (b.id, 2)]
    assert line["total"] == 2
    assert all(e["full_name"] for e in line["waitlist"])
    not_host = app_error(
        await rig.client.get(f"/api/events/{event_id}/waitlist", headers=a.headers), 403, "NOT_HOST"
    )
    assert not_host["detail"] == "Only the host of this event can do this."  # a read's words, as the guest list's
    app_error(await take(rig, a, event_id), 404, "NO_SEAT_OFFER")

    app_object(await cancel(rig, holders[0], event_id))
    offered = app_object(await mine(rig, a, event_id))
    assert (offered["status"], offered["position"]) == ("offered", None)
    assert offered["offer_expires_at"]
    app_error(await rig.confirm(late, event_id), 400, "CAPACITY_FULL")  # the held seat is not for the taking
    ticket = app_object(await take(rig, a, event_id))
    assert (ticket["seats"], ticket["status"], len(ticket["ticket_secret"])) == (1, "going", 32)
    assert app_object(await mine(rig, a, event_id))["status"] == "accepted"
    stored = await rig.stored_event(event_id)
    assert (stored.seats_taken, stored.seats_held) == (1, 0)

    left = app_object(await rig.client.delete(f"/api/events/{event_id}/waitlist/me", headers=b.headers))
    assert left["status"] == "left"
    app_error(
        await rig.client.delete(f"/api/events/{event_id}/waitlist/me", headers=b.headers), 404, "NOT_ON_WAITLIST"
    )
    [(templates,)] = await sql("SELECT array_agg(template) FROM notifications WHERE recipient_id = :m", m=a.id)
    assert "waitlist_offer" in templates
    [(actions,)] = await sql("SELECT array_agg(action) FROM audit_entries WHERE target_type = 'waitlist_place'")
    assert {"waitlist.joined", "waitlist.offered", "waitlist.accepted", "waitlist.left"} <= set(actions)


async def test_hostile_input_gets_a_clear_4xx(rig: Rig) -> None:
    host, event_id, _, (a,) = await full_event(rig, 1, 1)
    for body in (
        {"seats": 0},
        {"seats": 11},
        {"seats": "two"},
        {"seats": 2**70},
        [1, 2],
        {"seats": None, "x": "\x00"},
    ):
        response = await join(rig, a, event_id, body)
        assert 400 <= response.status_code < 500 or response.status_code == 201, (body, response.text)
    for path in (f"/api/events/{2**63}/waitlist", "/api/events/0/waitlist/me", "/api/events/-1/waitlist"):
        assert 400 <= (await rig.client.get(path, headers=host.headers)).status_code < 500
    assert (await take(rig, a, event_id, {"seats": -5})).status_code == 422
    assert (
        await rig.client.post(f"/api/events/{event_id}/waitlist", content=b"{" * 5000, headers=a.headers)
    ).status_code < 500
    assert (await rig.client.get(f"/api/events/{event_id}/waitlist/me")).status_code == 401
    document = (await rig.client.get("/api/docs/openapi.json")).json()
    for path in ("/api/events/{event_id}/waitlist", "/api/events/{event_id}/waitlist/me"):
        assert path in document["paths"]
    assert "post" in document["paths"]["/api/events/{event_id}/waitlist/offer/accept"]


async def test_fifty_freed_seats_and_two_hundred_waiting_members_racing(rig: Rig) -> None:
    _, event_id, holders, waiters = await full_event(rig, CAPACITY, WAITING)
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def joined(guest: Guest) -> httpx.Response:
        async with gate:
            return await join(rig, guest, event_id)

    joins = await asyncio.gather(*(joined(g) for g in waiters))
    assert Counter(r.status_code for r in joins) == {201: WAITING}
    assert sorted(r.json()["position"] for r in joins) == list(range(1, WAITING + 1))
    by_place = sorted((r.json()["waitlist_id"], g.id) for r, g in zip(joins, waiters, strict=True))
    line = [member_id for _, member_id in by_place]  # the order they joined in

    # the rush: 50 tickets cancelled while all 200 waiting members try to confirm and read their place, in a
    # shuffled order, at most as many at once as the pool has connections (beyond that the pool's wait answers
    # 503, which is overload, not the race under test)
    calls = [
        *(("cancel", h) for h in holders),
        *(("confirm", g) for g in waiters),
        *(("read", g) for g in waiters),
    ]
    order = list(range(len(calls)))
    random.Random(13).shuffle(order)

    async def call(kind: str, guest: Guest) -> httpx.Response:
        async with gate:
            if kind == "cancel":
                return await cancel(rig, guest, event_id)
            return await (rig.confirm(guest, event_id) if kind == "confirm" else mine(rig, guest, event_id))

    shuffled = await asyncio.gather(*(call(*calls[i]) for i in order))
    results = [httpx.Response(0)] * len(calls)
    for i, response in zip(order, shuffled, strict=True):
        results[i] = response
    assert all(r.status_code < 500 for r in results), [r.text for r in results if r.status_code >= 500][:3]
    confirms = results[CAPACITY : CAPACITY + WAITING]
    assert {r.status_code for r in confirms} <= {200, 400}
    assert {r.json()["error_code"] for r in confirms if r.status_code == 400} <= {"CAPACITY_FULL"}

    rows = await sql("SELECT member_id, status FROM waitlist_places WHERE event_id = :e ORDER BY id", e=event_id)
    served = [m for m, s in rows if s in ("offered", "accepted")]
    assert len(served) == CAPACITY == len(set(served))  # 50 offers, nobody twice
    assert served == line[:CAPACITY]  # first in line, first served
    [(taken, held)] = await sql("SELECT seats_taken, seats_held FROM events WHERE id = :e", e=event_id)
    assert taken + held == CAPACITY  # never oversold
    [(live_seats,)] = await sql(
        "SELECT COALESCE(SUM(seats), 0) FROM tickets WHERE event_id = :e AND status <> 'cancelled'", e=event_id
    )
    assert live_seats == taken
    ticketed = {g.id for g, r in zip(waiters, confirms, strict=True) if r.status_code == 200}
    assert ticketed == {m for m, s in rows if s == "accepted"}  # a confirmation took the member's own offer

    # offers not taken in time pass on: to the next members in line, never to someone served before
    rig.fakes.clock.advance(timedelta(hours=2, seconds=1))
    assert await pass_on(rig) == 1
    rows = await sql("SELECT member_id, status FROM waitlist_places WHERE event_id = :e ORDER BY id", e=event_id)
    expired = [m for m, s in rows if s == "expired"]
    offered = [m for m, s in rows if s == "offered"]
    assert len(expired) == len(offered) == CAPACITY - len(ticketed)
    assert offered == line[CAPACITY : CAPACITY + len(offered)]
    assert not set(offered) & set(served)
    taken_now = await asyncio.gather(*(take(rig, g, event_id) for g in waiters if g.id in set(offered)))
    assert [r.status_code for r in taken_now] == [200] * len(offered)
    [(taken, held)] = await sql("SELECT seats_taken, seats_held FROM events WHERE id = :e", e=event_id)
    assert (taken, held) == (CAPACITY, 0)
