"""A rush through HTTP on PostgreSQL: parallel confirmations never oversell, parallel scans check in once.

The requests really overlap: an httpx client on the test's loop calls the app in-process (``asyncio.gather``),
each request with its own session from the pool, so they queue on the event's row lock in PostgreSQL.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx

from loopin.domain.attendance.request import JoinRequest
from loopin.usecases.attendance.ports import JoinRequestRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.api import attendance_rig
from tests.api.attendance_rig import Guest, Rig, app_object
from tests.api.flows import sql

rig, memory_rig = attendance_rig.rig, attendance_rig.memory_rig  # fixtures

CAPACITY = 50
RUSH = 200


async def accepted_requests(rig: Rig, event_id: int, seats: dict[int, int]) -> None:
    """What a host's bulk accept would leave behind, written at once (the rush, not the setup, is under test)."""
    now = rig.fakes.clock.now()
    async with rig.container() as scope:
        repo = await scope.get(JoinRequestRepository)
        for member_id, wanted in seats.items():
            request = JoinRequest.open(event_id, member_id, wanted, "", now)
            request.accept(now, "", now + timedelta(days=2))
            await repo.add(request)
        await (await scope.get(UnitOfWork)).commit()


async def test_two_hundred_parallel_confirmations_sell_exactly_the_seats_there_are(rig: Rig) -> None:
    done = await rush(rig)
    [(held, tickets, holders)] = await sql(
        "SELECT COALESCE(SUM(seats), 0), COUNT(*), COUNT(DISTINCT member_id) FROM tickets "
        "WHERE event_id = :e AND status <> 'cancelled'",
        e=done.event_id,
    )
    assert (held, tickets, holders) == (CAPACITY, len(done.sold), len(done.sold))
    await seats_come_back(rig, done)


async def test_the_embedded_mode_holds_the_same_line(memory_rig: Rig) -> None:
    await seats_come_back(memory_rig, await rush(memory_rig))


@dataclass
class Rush:
    event_id: int
    seats: dict[int, int]
    sold: list[tuple[Guest, dict[str, Any]]]
    refused: list[Guest]


async def rush(rig: Rig) -> Rush:
    """RUSH guests with accepted requests for 1-3 seats confirm at once."""
    host = await rig.member()
    guests = await rig.members(RUSH)
    event = await rig.event(host, max_capacity=CAPACITY)
    rng = random.Random(2026)
    seats = {g.id: rng.randint(1, 3) for g in guests}
    await accepted_requests(rig, event.id, seats)

    responses: list[httpx.Response] = await asyncio.gather(
        *(rig.confirm(g, event.id, seats[g.id]) for g in guests)
    )

    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {200, 400}, statuses  # never a 5xx, never a conflict to retry
    sold = [(g, r.json()) for g, r in zip(guests, responses, strict=True) if r.status_code == 200]
    refused = [r.json() for r in responses if r.status_code == 400]
    assert all(body["error_code"] == "CAPACITY_FULL" and body["detail"] for body in refused), refused[:3]
    assert all(body["success"] is False for body in refused)
    assert all(body["seats"] == seats[g.id] for g, body in sold)
    assert sum(body["seats"] for _, body in sold) == CAPACITY  # every seat sold, none more
    assert len({body["ticket_secret"] for _, body in sold}) == len(sold)
    assert (await rig.stored_event(event.id)).seats_taken == CAPACITY
    detail = app_object(await rig.client.get(f"/api/events/{event.id}", headers=host.headers))
    assert detail["going_count"] == CAPACITY  # going_count is the seats held
    listed = app_object(await rig.client.get(f"/api/events/{event.id}/attendees", headers=host.headers))
    assert listed["going_count"] == sum(a["seats"] for a in listed["attendees"]) == CAPACITY
    assert len(listed["attendees"]) == len(sold)
    refused_guests = [g for g, r in zip(guests, responses, strict=True) if r.status_code == 400]
    return Rush(event.id, seats, sold, refused_guests)


async def seats_come_back(rig: Rig, done: Rush) -> None:
    """A refused guest keeps their accepted request: a cancellation frees seats they can then take."""
    lucky_guest, lucky_ticket = done.sold[0]
    cancel = await rig.client.post(f"/api/events/{done.event_id}/cancel-attendance", headers=lucky_guest.headers)
    assert app_object(cancel)["going_count"] == CAPACITY - lucky_ticket["seats"]
    waiting = next(g for g in done.refused if done.seats[g.id] == 1)
    assert (await rig.confirm(waiting, done.event_id, 1)).status_code == 200
    assert (await rig.stored_event(done.event_id)).seats_taken == CAPACITY - lucky_ticket["seats"] + 1


async def test_fifty_parallel_scans_of_one_ticket_record_one_check_in(rig: Rig) -> None:
    host, guest = await rig.members(2)
    event = await rig.event(host, starts_in=timedelta(days=1))
    ticket = await rig.ticket(host, guest, event.id, 2)
    rig.fakes.clock.advance(timedelta(hours=20))  # the door is open
    responses = await asyncio.gather(
        *(
            rig.client.post(
                f"/api/events/{event.id}/check-in",
                json={"ticket_secret": ticket["ticket_secret"]},
                headers=host.headers,
            )
            for _ in range(50)
        )
    )
    assert [r.status_code for r in responses] == [200] * 50
    firsts = [r.json() for r in responses if r.json()["already_checked_in"] is False]
    assert len(firsts) == 1
    [(status, checked_in_at)] = await sql(
        "SELECT status, checked_in_at FROM tickets WHERE id = :t", t=ticket["ticket_id"]
    )
    assert status == "checked_in"
    assert checked_in_at is not None


async def test_parallel_requests_from_one_member_make_one_request(rig: Rig) -> None:
    host, guest = await rig.members(2)
    event = await rig.event(host)
    responses = await asyncio.gather(*(rig.ask(guest, event.id) for _ in range(20)))
    codes = Counter(r.status_code for r in responses)
    assert codes == {201: 1, 400: 19}, codes
    assert {r.json()["error_code"] for r in responses if r.status_code == 400} == {"DUPLICATE_REQUEST"}
    assert (await rig.stored_event(event.id)).requests_count == 1
    [(count,)] = await sql("SELECT COUNT(*) FROM join_requests WHERE event_id = :e", e=event.id)
    assert count == 1


async def test_parallel_confirm_and_cancel_keep_the_counter_true(rig: Rig) -> None:
    host = await rig.member()
    guests: list[Guest] = await rig.members(30)
    event = await rig.event(host, max_capacity=20)
    await accepted_requests(rig, event.id, {g.id: 1 for g in guests})
    first = guests[:10]
    for g in first:
        assert (await rig.confirm(g, event.id)).status_code == 200
    cancels = [rig.client.post(f"/api/events/{event.id}/cancel-attendance", headers=g.headers) for g in first]
    confirms = [rig.confirm(g, event.id) for g in guests[10:]]
    results = await asyncio.gather(*cancels, *confirms)
    assert {r.status_code for r in results} <= {200, 400}
    [(held,)] = await sql(
        "SELECT COALESCE(SUM(seats), 0) FROM tickets WHERE event_id = :e AND status <> 'cancelled'", e=event.id
    )
    assert (await rig.stored_event(event.id)).seats_taken == held <= 20


async def test_host_decisions_during_confirmations_never_deadlock(rig: Rig) -> None:
    """A host declining accepted requests while their guests confirm: a decision locks the event, then the
    request; a confirmation must take its locks in the same order (one lock order), or PostgreSQL breaks the
    deadlock by failing one of them (a 503)."""
    host = await rig.member()
    guests: list[Guest] = await rig.members(40)
    event = await rig.event(host, max_capacity=100)
    await accepted_requests(rig, event.id, {g.id: 1 for g in guests})
    request_ids = dict(
        await sql("SELECT requester_id, id FROM join_requests WHERE event_id = :e", e=event.id)  # type: ignore[arg-type]
    )
    declines = [
        rig.client.put(
            f"/api/events/{event.id}/requests/{request_ids[g.id]}/decline",
            json={"host_message": ""},
            headers=host.headers,
        )
        for g in guests
    ]
    confirms = [rig.confirm(g, event.id) for g in guests]
    mixed = [call for pair in zip(confirms, declines, strict=True) for call in pair]
    results = await asyncio.gather(*mixed)
    statuses = Counter(r.status_code for r in results)
    assert set(statuses) <= {200, 400, 409}, [(r.status_code, r.text) for r in results if r.status_code >= 500][:3]
    [(held, tickets)] = await sql(
        "SELECT COALESCE(SUM(seats), 0), COUNT(*) FROM tickets WHERE event_id = :e AND status <> 'cancelled'",
        e=event.id,
    )
    assert (await rig.stored_event(event.id)).seats_taken == held == tickets
    confirmed = sum(1 for r in results[0::2] if r.status_code == 200)
    assert confirmed == tickets
