"""An event completed by the scheduled job, through HTTP on PostgreSQL: the door stays open until then, and
afterwards the event is final, its detail and tickets still there; a host completes one only once it ended."""

from __future__ import annotations

from datetime import timedelta

import httpx

from loopin.domain.events.event import CHECK_IN_AFTER_END
from loopin.usecases.events.completion import CompleteEndedEvents
from tests.api import attendance_rig
from tests.api.attendance_rig import Guest, Rig, app_error, app_object
from tests.api.flows import sql

rig, inline_rig = attendance_rig.rig, attendance_rig.inline_rig  # fixtures


async def completed_now(rig: Rig) -> int:
    async with rig.container() as scope:
        done: int = await (await scope.get(CompleteEndedEvents))()
    return done


async def scan(rig: Rig, host: Guest, event_id: int, secret: str) -> httpx.Response:
    return await rig.client.post(
        f"/api/events/{event_id}/check-in", json={"ticket_secret": secret}, headers=host.headers
    )


async def test_the_door_stays_open_until_the_event_completes_then_it_is_final(inline_rig: Rig) -> None:
    rig = inline_rig  # audit entries stored as they are committed
    host, guest, late = await rig.members(3, names=["Host", "Asha", "Bina"])
    event = await rig.event(host, starts_in=timedelta(hours=2))
    ticket = await rig.ticket(host, guest, event.id)
    rig.fakes.clock.advance(event.end_time + CHECK_IN_AFTER_END - rig.fakes.clock.now())
    assert await completed_now(rig) == 0  # the door's last moment
    assert app_object(await scan(rig, host, event.id, ticket["ticket_secret"]))["already_checked_in"] is False
    rig.fakes.clock.advance(timedelta(seconds=1))
    assert await completed_now(rig) == 1
    assert await completed_now(rig) == 0
    url = f"/api/events/{event.id}"
    for who in (host, guest, late):
        assert app_object(await rig.client.get(url, headers=who.headers))["status"] == "completed"
    mine = app_object(await rig.client.get(f"{url}/my-ticket", headers=guest.headers))
    assert mine["ticket_secret"] == ticket["ticket_secret"]
    app_error(await scan(rig, host, event.id, ticket["ticket_secret"]), 409, "CHECK_IN_CLOSED")
    app_error(
        await rig.client.put(url, json={"status": "cancelled"}, headers=host.headers), 409, "EVENT_NOT_EDITABLE"
    )
    app_error(await rig.ask(late, event.id), 400, "EVENT_NOT_OPEN")
    kept = app_error(await rig.client.delete(url, headers=host.headers), 409, "EVENT_HAS_GUESTS")
    assert kept["message"] == "Guests attended this event: it stays, as their record of it."
    [(status, updated)] = await sql("SELECT status, updated_at FROM events WHERE id = :e", e=event.id)
    assert (status, updated) == ("completed", rig.fakes.clock.now())
    [(actor, details)] = await sql(
        "SELECT actor_id, details FROM audit_entries WHERE action = 'event.completed' AND target_id = :e",
        e=event.id,
    )
    assert actor is None
    assert details["status"] == "completed"


async def test_a_host_marks_an_event_completed_only_once_it_has_ended(rig: Rig) -> None:
    host = await rig.member()
    event = await rig.event(host, starts_in=timedelta(hours=2))
    url = f"/api/events/{event.id}"
    refused = await rig.client.put(url, json={"status": "completed"}, headers=host.headers)
    app_error(refused, 409, "INVALID_STATUS_TRANSITION")
    assert (await rig.stored_event(event.id)).status.value == "published"
    rig.fakes.clock.advance(event.end_time - rig.fakes.clock.now())
    done = app_object(await rig.client.put(url, json={"status": "completed"}, headers=host.headers))
    assert done["data"]["status"] == "completed"
