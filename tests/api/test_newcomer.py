"""A newcomer's first minutes, as the README walks them: development settings (nothing configured but the
services), sign-up, profile, and at once the whole free-event flow: create, request, accept, confirm (with no
body at all), ticket, check-in. On PostgreSQL and Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from loopin.entrypoints.di import make_container
from loopin.entrypoints.http.app import create_app
from loopin.entrypoints.settings import Environment, Settings
from tests.api.event_flows import app_form, multipart
from tests.api.flows import pictures, profile_form
from tests.support import Fakes, fakes_provider

HOST, GUEST = "+919812345678", "+919812345679"


@pytest.fixture
async def newcomer(
    service_settings: Settings, fakes: Fakes, clean_services: None, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    settings = msgspec.structs.replace(
        service_settings, environment=Environment.DEVELOPMENT, media_root=str(tmp_path / "media")
    )
    container = make_container(settings, fakes_provider(fakes))
    transport = httpx.ASGITransport(app=create_app(settings, container), client=("203.0.113.9", 40000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://loopin.test") as client:
            yield client
    finally:
        await container.close()


async def join(client: httpx.AsyncClient, fakes: Fakes, phone: str, name: str) -> dict[str, str]:
    sent = await client.post("/api/auth/signup", json={"phone_number": phone})
    assert sent.status_code == 200, sent.text
    code = fakes.sms.last_code_for(phone)
    verified = await client.post("/api/auth/verify-otp", json={"phone_number": phone, "otp_code": code})
    assert verified.status_code == 200, verified.text
    headers = {"Authorization": f"Bearer {verified.json()['token']}"}
    done = await client.post(
        "/api/auth/complete-profile", headers=headers, data=profile_form(phone, name=name), files=pictures()
    )
    assert done.status_code == 200, done.text
    body: dict[str, Any] = done.json()
    assert body["data"]["is_active"] is True, body
    assert body["data"]["status"] == "active"
    assert "hours" not in body["message"], body["message"]
    assert "welcome" in body["message"].lower(), body["message"]
    return headers


async def test_the_whole_free_event_flow_works_at_once(newcomer: httpx.AsyncClient, fakes: Fakes) -> None:
    host = await join(newcomer, fakes, HOST, "Asha Rao")
    guest = await join(newcomer, fakes, GUEST, "Ravi Kumar")

    soon = (fakes.clock.now() + timedelta(hours=2)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    form = app_form(fakes, status="published", start_time=soon)  # check-in opens 12 hours before the start
    created = await newcomer.post("/api/events", headers=host, files=multipart(form))
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]

    asked = await newcomer.post(f"/api/events/{event_id}/requests", headers=guest, json={"message": "Hi!"})
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]
    accepted = await newcomer.put(f"/api/events/{event_id}/requests/{request_id}/accept", headers=host)
    assert accepted.status_code == 200, accepted.text

    confirmed = await newcomer.post(f"/api/events/{event_id}/confirm-attendance", headers=guest)  # no body
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["seats"] == 1
    ticket = await newcomer.get(f"/api/events/{event_id}/my-ticket", headers=guest)
    assert ticket.status_code == 200, ticket.text
    secret = ticket.json()["ticket_secret"]

    checked = await newcomer.post(f"/api/events/{event_id}/check-in", headers=host, json={"ticket_secret": secret})
    assert checked.status_code == 200, checked.text
    assert checked.json()["attendance"]["checked_in"] is True


async def test_confirm_attendance_with_an_empty_json_body_means_one_seat(
    newcomer: httpx.AsyncClient, fakes: Fakes
) -> None:
    host = await join(newcomer, fakes, HOST, "Asha Rao")
    guest = await join(newcomer, fakes, GUEST, "Ravi Kumar")
    created = await newcomer.post(
        "/api/events", headers=host, files=multipart(app_form(fakes, status="published"))
    )
    event_id = created.json()["id"]
    asked = await newcomer.post(f"/api/events/{event_id}/requests", headers=guest, json={})
    await newcomer.put(f"/api/events/{event_id}/requests/{asked.json()['id']}/accept", headers=host)
    confirmed = await newcomer.post(
        f"/api/events/{event_id}/confirm-attendance",
        headers=guest | {"Content-Type": "application/json"},
        content=b"",
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["seats"] == 1
