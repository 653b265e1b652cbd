"""``/api/staff/audit``: staff read the log by target, actor, action and time window, newest first and paged,
and its daily summaries; members cannot; hostile filters are clear 4xx answers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from loopin.domain.identity.member import Role
from loopin.usecases.audit.summaries import SummarizeAuditDays
from tests.api import attendance_rig
from tests.api.attendance_rig import Guest, Rig, app_error

inline_rig = attendance_rig.inline_rig  # fixture


async def entries(rig: Rig, staff: Guest, **params: Any) -> dict[str, Any]:
    response = await rig.client.get("/api/staff/audit/entries", params=params, headers=staff.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["success"] is True
    return body["data"]


async def a_night_at_the_event(rig: Rig) -> tuple[Guest, list[Guest], int]:
    host, *guests = await rig.members(3)
    event = await rig.event(host, max_capacity=10)
    for guest in guests:
        await rig.ticket(host, guest, event.id)
    return host, guests, event.id


async def test_staff_read_the_log_by_target_actor_action_and_time(inline_rig: Rig) -> None:
    host, guests, event_id = await a_night_at_the_event(inline_rig)
    staff = await inline_rig.member(role=Role.STAFF)

    everything = await entries(inline_rig, staff)
    seqs = [e["seq"] for e in everything["entries"]]
    assert seqs == sorted(seqs, reverse=True)  # newest first
    first = everything["entries"][-1]
    fields = "seq entry_id action actor_id target_type target_id at recorded_at details digest"
    assert set(first) == set(fields.split())

    mine = await entries(inline_rig, staff, actor_id=guests[0].id)
    assert {e["action"] for e in mine["entries"]} == {"join_request.created", "ticket.issued"}
    decided = await entries(inline_rig, staff, actor_id=host.id, action="join_request.accepted")
    assert len(decided["entries"]) == 2
    tickets = await entries(inline_rig, staff, action="ticket.")
    assert {e["details"]["event_id"] for e in tickets["entries"]} == {event_id}
    (issued,) = tickets["entries"][-1:]
    by_target = await entries(inline_rig, staff, target_type="ticket", target_id=issued["target_id"])
    assert [e["entry_id"] for e in by_target["entries"]] == [issued["entry_id"]]
    later = (inline_rig.fakes.clock.now() + timedelta(minutes=1)).isoformat()
    assert (await entries(inline_rig, staff, since=later))["entries"] == []
    before_later = await entries(inline_rig, staff, action="ticket.", until=later)
    assert len(before_later["entries"]) == len(tickets["entries"])


async def test_pages_follow_each_other_without_gaps(inline_rig: Rig) -> None:
    await a_night_at_the_event(inline_rig)
    staff = await inline_rig.member(role=Role.STAFF)
    whole = [e["seq"] for e in (await entries(inline_rig, staff, action="join_request.", limit=100))["entries"]]
    seen: list[int] = []
    cursor: int | None = None
    while True:
        params: dict[str, Any] = {"action": "join_request.", "limit": 3}
        if cursor is not None:
            params["before_seq"] = cursor
        page = await entries(inline_rig, staff, **params)
        seen += [e["seq"] for e in page["entries"]]
        cursor = page["next_before_seq"]
        if cursor is None:
            break
    assert seen == whole
    assert len(whole) == 4


async def test_each_read_is_recorded(inline_rig: Rig) -> None:
    staff = await inline_rig.member(role=Role.STAFF)
    await entries(inline_rig, staff, action="ticket.", target_type="ticket")
    reads = await entries(inline_rig, staff, action="audit.read")
    assert reads["entries"][-1]["actor_id"] == staff.id
    assert reads["entries"][-1]["details"] == {"action": "ticket.", "target_type": "ticket"}


async def test_members_and_strangers_cannot_read_the_log(inline_rig: Rig) -> None:
    member = await inline_rig.member()
    for path in ("/api/staff/audit/entries", "/api/staff/audit/days?from=2026-01-01&to=2026-01-02"):
        app_error(await inline_rig.client.get(path, headers=member.headers), 403, "STAFF_ONLY")
        assert (await inline_rig.client.get(path)).status_code == 401


@pytest.mark.parametrize(
    "params",
    [
        {"target_id": str(2**63)},
        {"actor_id": "0"},
        {"before_seq": "-1"},
        {"limit": "0"},
        {"limit": "101"},
        {"action": "x" * 65},
        {"since": "yesterday"},
        {"target_id": "12abc"},
        {"action": ""},
    ],
)
async def test_hostile_filters_are_refused_clearly(inline_rig: Rig, params: dict[str, str]) -> None:
    staff = await inline_rig.member(role=Role.STAFF)
    response = await inline_rig.client.get("/api/staff/audit/entries", params=params, headers=staff.headers)
    assert response.status_code in (400, 422), response.text
    assert response.json()["success"] is False


async def test_a_window_that_ends_before_it_starts_is_refused(inline_rig: Rig) -> None:
    staff = await inline_rig.member(role=Role.STAFF)
    params = {"since": "2026-03-02T10:00:00Z", "until": "2026-03-02T09:00:00Z"}
    response = await inline_rig.client.get("/api/staff/audit/entries", params=params, headers=staff.headers)
    app_error(response, 422)


async def test_daily_summaries_per_action(inline_rig: Rig) -> None:
    await a_night_at_the_event(inline_rig)
    staff = await inline_rig.member(role=Role.STAFF)
    day = inline_rig.fakes.clock.now().astimezone(ZoneInfo(inline_rig.settings.platform_timezone)).date()
    inline_rig.fakes.clock.advance(timedelta(days=1))
    async with inline_rig.container() as scope:
        assert await (await scope.get(SummarizeAuditDays))() == [day]
    query = {"from": day.isoformat(), "to": (day + timedelta(days=5)).isoformat()}
    response = await inline_rig.client.get("/api/staff/audit/days", params=query, headers=staff.headers)
    assert response.status_code == 200, response.text
    (summary,) = response.json()["data"]
    counts = {a["action"]: (a["entries"], a["actors"]) for a in summary["actions"]}
    assert counts["ticket.issued"] == (2, 2)
    assert counts["join_request.accepted"] == (2, 1)
    assert summary["entries"] == sum(n for n, _ in counts.values())
    assert summary["head_seq"] == summary["entries"]
    for bad in ({"from": "2026-03-05", "to": "2026-03-01"}, {"from": "2024-01-01", "to": "2026-01-01"}):
        app_error(await inline_rig.client.get("/api/staff/audit/days", params=bad, headers=staff.headers), 422)
