"""Every attendance call of the client contract, read from ``client-contract.json`` itself: each is made as the
app makes it, answers one of its success statuses, and every field the app reads has the type it expects
(required fields present, optional ones absent, null or of the right type), with the app's envelope rules."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api import attendance_rig
from tests.api.attendance_rig import Guest, Rig, app_object

rig = attendance_rig.rig  # fixture

# The attendance calls of spec/client-contract.json, copied verbatim (refresh with the spec).
CONTRACT = Path(
    os.environ.get("CLIENT_CONTRACT", Path(__file__).with_name("data") / "client-contract-attendance.json")
)
AREAS = ("requests.", "tickets.", "invites.", "checkin.")
RAW_ARRAYS = {"tickets.mine_all", "invites.mine"}  # raw-http readers: exactly 200 and a top-level array


def contract_calls() -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = json.loads(CONTRACT.read_text(encoding="utf-8"))
    return [c for c in calls if c["id"].startswith(AREAS)]


def type_ok(kind: str, value: Any) -> bool:
    kind = kind.strip().lower()
    if kind.startswith("int | numeric string"):
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and value.isdigit()
        )
    if kind.startswith("int"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind.startswith("string"):
        return isinstance(value, str)
    if kind.startswith("bool"):
        return isinstance(value, bool)
    if kind.startswith("list"):
        return isinstance(value, list)
    if kind.startswith("object"):
        return isinstance(value, dict)
    if kind.startswith(("any", "top-level json array")):
        return True
    raise AssertionError(f"unknown contract type {kind!r}")


def optional(kind: str) -> bool:
    """``string?``, ``any?``, ``int | numeric string?``, ``string? ISO-8601`` may be absent or null."""
    head = kind.split("(")[0].strip()
    return head.endswith("?") or head.split()[0].endswith("?")


def values_at(body: Any, path: str) -> list[tuple[bool, Any]]:
    """(present, value) for every place ``path`` (``a``, ``a[].b``, ``[]``, ``[].b``) points at."""
    if path == "[]":
        return [(True, body)]
    parts = path.split(".")
    current: list[Any] = [body]
    for i, part in enumerate(parts):
        many = part.endswith("[]")
        key = part[:-2] if many else part
        found: list[Any] = []
        for item in current:
            container = item if key == "" else (item.get(key) if isinstance(item, dict) else None)
            if key and (not isinstance(item, dict) or key not in item):
                return [(False, None)]
            if many:
                assert isinstance(container, list), f"{path}: {key or 'body'} is not a list"
                if i == len(parts) - 1:
                    return [(True, v) for v in container]
                found.extend(container)
            else:
                found.append(container)
        current = found
    return [(True, v) for v in current]


def check_fields(call: dict[str, Any], body: Any) -> None:
    for path, kind in call["response_fields_read"].items():
        for present, value in values_at(body, path):
            if not present or value is None:
                assert optional(kind), f"{call['id']}: {path} ({kind}) is missing in {body}"
                continue
            assert type_ok(kind, value), f"{call['id']}: {path}={value!r} is not {kind}"


async def scene(rig: Rig) -> dict[str, Any]:
    host, guest, asker, invitee = await rig.members(4, names=["Host Hari", "Asha", "Bina", "Chitra"])
    event = await rig.event(host, starts_in=timedelta(hours=3), cover_image_keys=("events/c.png",))
    ticket = await rig.ticket(host, guest, event.id)
    asked = app_object(await rig.ask(asker, event.id), 201)
    invited = app_object(await rig.invite(host, event.id, [invitee.id]), 201)
    return {
        "host": host,
        "guest": guest,
        "asker": asker,
        "invitee": invitee,
        "event_id": event.id,
        "request_id": asked["id"],
        "invite_id": invited["invites"][0]["invite_id"],
        "ticket": ticket,
    }


async def make(rig: Rig, call: dict[str, Any], s: dict[str, Any]) -> httpx.Response:
    """The call as the app sends it (bodies from the contract's own examples)."""
    e = s["event_id"]
    host: Guest = s["host"]
    plan: dict[str, tuple[Guest, str, dict[str, Any] | None, dict[str, Any] | None]] = {
        "requests.create": (
            s["invitee"],  # invited members are blocked client-side; use a fresh member instead
            "",
            {"message": "I would love to attend this event!", "seats_requested": 1},
            None,
        ),
        "requests.mine_for_event": (s["asker"], "", None, None),
        "requests.list_for_event": (host, "", None, None),
        "requests.requester_profile": (host, "", None, None),
        "requests.accept": (host, "", {"host_message": ""}, None),
        "requests.mine_all": (s["asker"], "", None, None),
        "tickets.confirm_attendance": (s["guest"], "", {"seats": 1}, None),
        "tickets.mine_for_event": (s["guest"], "", None, None),
        "tickets.mine_all": (s["guest"], "", None, None),
        "invites.mine": (s["invitee"], "", None, None),
        "invites.respond": (s["invitee"], "", {"response": "going", "message": "I will attend this event!"}, None),
        "invites.search_users": (host, "", None, {"event_id": e, "offset": 0, "limit": 100}),
        "invites.create": (host, "", {"user_ids": [s["asker"].id, s["guest"].id], "expiry_policy": "48h"}, None),
        "invites.list_for_event": (host, "", None, None),
        "checkin.attendees": (host, "", None, None),
        "checkin.by_ticket_secret": (host, "", {"ticket_secret": s["ticket"]["ticket_secret"]}, None),
        "checkin.by_user": (host, "", {}, None),
        "checkin.status": (host, "", None, None),
    }
    who, _, body, params = plan[call["id"]]
    if call["id"] == "requests.create":
        who = (await rig.members(1))[0]
    path = (
        call["path"]
        .replace("{event_id}", str(e))
        .replace("{request_id}", str(s["request_id"]))
        .replace("{invite_id}", str(s["invite_id"]))
        .replace("{user_id}", str(s["guest"].id))
    )
    headers = dict(who.headers)
    if call["content_type"] == "json" or call["client"] == "ApiClient":
        headers["Content-Type"] = "application/json"
    if body is None and call["client"] == "ApiClient" and call["method"] != "GET":
        body = {}  # ApiClient sends {} on a POST without a body
    return await rig.client.request(call["method"], path, json=body, params=params, headers=headers)


@pytest.mark.parametrize("call", contract_calls(), ids=lambda c: c["id"])
async def test_the_call_answers_as_the_app_expects(rig: Rig, call: dict[str, Any]) -> None:
    s = await scene(rig)
    response = await make(rig, call, s)
    assert response.status_code in call["success_statuses"], (call["id"], response.text)
    body = response.json() if response.content else None
    if call["id"] in RAW_ARRAYS:
        assert response.status_code == 200
        assert isinstance(body, list), body
        assert body, f"{call['id']}: the scene should give a non-empty list"
    elif call["client"] == "ApiClient":
        assert isinstance(body, dict), body  # the ApiClient fails on anything but an object
        assert body.get("success") is not False, body
    check_fields(call, body)
    if call["id"] == "tickets.confirm_attendance":
        assert body["ticket_secret"]
    if call["id"] == "checkin.by_user":
        assert body["success"] is True


def test_the_checker_catches_wrong_shapes() -> None:
    [call] = [c for c in contract_calls() if c["id"] == "checkin.attendees"]
    check_fields(call, {"attendees": [{"user_id": 1, "checked_in": True, "full_name": None}]})
    for bad in (
        {"attendees": [{"user_id": "1"}]},  # a numeric string where the app casts strictly
        {"attendees": [{"full_name": "x"}]},  # a required field missing
        {"attendees": [{"user_id": 1, "checked_in": "true"}]},  # a string where a JSON boolean is needed
        {"attendees": [{"user_id": True}]},  # a boolean is not an int
    ):
        with pytest.raises(AssertionError):
            check_fields(call, bad)
    with pytest.raises(AssertionError):
        check_fields(call, {"attendees": {"user_id": 1}})


def test_the_contract_file_lists_every_attendance_call() -> None:
    ids = {c["id"] for c in contract_calls()}
    assert len(ids) == 18
    assert {"tickets.mine_all", "invites.mine", "checkin.by_user", "requests.requester_profile"} <= ids
