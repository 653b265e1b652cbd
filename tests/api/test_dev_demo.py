"""``make run`` lets a newcomer walk payouts at once: the embedded development server seeds a demo host whose
paid event ended days ago (through the real use cases, on its own moved clock), so the host's money is settled
and available. Walked over HTTP as a newcomer would: the demo host signs in, adds a bank account, asks for a
payout; the development staff account approves it and marks it paid. A brand-new member's feed and inbox are
theirs alone. Other environments never seed."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from loopin.adapters.clock import ShiftedClock
from loopin.entrypoints.demo import DEMO_HOST_PHONE, PLAN
from loopin.entrypoints.di import make_container
from loopin.entrypoints.http.app import create_app
from loopin.entrypoints.settings import Environment, Settings
from loopin.usecases.shared.ports import Clock
from tests.api.attendance_rig import app_object
from tests.api.event_flows import app_form, multipart
from tests.api.payouts_rig import ACCOUNT
from tests.api.test_newcomer import join
from tests.support import Fakes, fakes_provider

STAFF_PHONE = "+919000000001"
NEWCOMER = "+919812345678"


@contextlib.asynccontextmanager
async def started(settings: Settings, fakes: Fakes) -> AsyncIterator[tuple[httpx.AsyncClient, Clock]]:
    """The app with its start-up hooks run, on the real clock of its composition (``fake_clock=False``)."""
    container = make_container(settings, fakes_provider(fakes, fake_clock=False))
    try:
        async with AsyncTestClient(create_app(settings, container)) as client:
            yield client, await container.get(Clock)
    finally:
        await container.close()


@pytest.fixture
async def development(
    memory_settings: Settings, fakes: Fakes, tmp_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, Clock]]:
    settings = msgspec.structs.replace(
        memory_settings, environment=Environment.DEVELOPMENT, media_root=str(tmp_path / "media")
    )
    assert settings.seeds_demo
    async with started(settings, fakes) as opened:
        yield opened


async def signed_in(client: httpx.AsyncClient, fakes: Fakes, phone: str) -> dict[str, str]:
    sent = await client.post("/api/auth/signup", json={"phone_number": phone})
    assert sent.status_code == 200, sent.text
    code = fakes.sms.last_code_for(phone)
    verified = await client.post("/api/auth/verify-otp", json={"phone_number": phone, "otp_code": code})
    assert verified.status_code == 200, verified.text
    return {"Authorization": f"Bearer {verified.json()['token']}"}


async def totals(client: httpx.AsyncClient, host: dict[str, str]) -> dict[str, Any]:
    summary: dict[str, Any] = app_object(await client.get("/api/payouts/summary", headers=host))["data"]
    return summary


async def test_the_demo_host_is_paid_out_through_the_console_staff(
    development: tuple[httpx.AsyncClient, Clock], fakes: Fakes
) -> None:
    client, clock = development
    assert isinstance(clock, ShiftedClock)
    assert abs(clock.now() - fakes.clock.now()) < timedelta(minutes=1)  # moved back to real time before serving

    host = await signed_in(client, fakes, DEMO_HOST_PHONE)
    profile = app_object(await client.get("/api/auth/profile", headers=host))
    assert (profile["name"], profile["is_active"]) == ("Demo Host", True)
    summary = await totals(client, host)
    assert Decimal(summary["totals"]["available"]) == PLAN.host_share > 0  # the banner's figure is the ledger's
    assert summary["totals"]["pending"] == "0.00"
    [event] = summary["events"]
    assert event["settled"] is True

    added = await client.post("/api/payouts/bank-accounts", json=ACCOUNT, headers=host)
    assert added.status_code == 201, added.text
    asked = await client.post("/api/payouts/requests", json={}, headers=host)
    assert asked.status_code == 201, asked.text
    payout = asked.json()["data"]
    assert Decimal(payout["amount"]) == PLAN.host_share

    staff = await signed_in(client, fakes, STAFF_PHONE)
    queue = app_object(await client.get("/api/staff/payouts?status=requested", headers=staff))
    assert [p["id"] for p in queue["data"]] == [payout["id"]]
    approved = await client.post(f"/api/staff/payouts/{payout['id']}/approve", headers=staff)
    assert approved.json()["data"]["status"] == "approved", approved.text
    paid = await client.post(
        f"/api/staff/payouts/{payout['id']}/mark-paid", json={"utr": "SBIN426123456789"}, headers=staff
    )
    assert paid.json()["data"]["status"] == "paid", paid.text

    after = (await totals(client, host))["totals"]
    assert Decimal(after["paid_out"]) == PLAN.host_share
    assert after["available"] == "0.00"


async def test_the_demo_event_sold_its_seats_and_is_over(
    development: tuple[httpx.AsyncClient, Clock], fakes: Fakes
) -> None:
    client, clock = development
    host = await signed_in(client, fakes, DEMO_HOST_PHONE)
    [event] = (await totals(client, host))["events"]
    assert datetime.fromisoformat(event["settles_at"]) < clock.now()
    door = app_object(await client.get(f"/api/events/{event['event_id']}/attendees", headers=host))
    assert door["going_count"] == sum(g.seats for g in PLAN.guests)
    assert door["checked_in_count"] == sum(1 for g in PLAN.guests if g.checked_in)
    assert {a["payment_status"] for a in door["attendees"]} == {"paid"}


async def first_minutes(settings: Settings) -> tuple[list[bool], list[str], int]:
    """What a brand-new member sees: whose events the feed shows (after creating one), their inbox, and how many
    events in all the feed offers."""
    fakes = Fakes()
    async with started(settings, fakes) as (client, _):
        newcomer = await join(client, fakes, NEWCOMER, "Asha Rao")
        form = app_form(fakes, status="published")
        created = await client.post("/api/events", headers=newcomer, files=multipart(form))
        assert created.status_code == 201, created.text
        feed = await client.get("/api/events", headers=newcomer)
        assert feed.status_code == 200, feed.text
        mine = [e["id"] == created.json()["id"] for e in feed.json()["data"]]
        inbox = app_object(await client.get("/api/notifications", headers=newcomer))
        return mine, [n["template"] for n in inbox["notifications"]], len(feed.json()["data"])


async def test_a_newcomer_sees_what_they_would_without_the_demo(memory_settings: Settings, tmp_path: Path) -> None:
    development = msgspec.structs.replace(
        memory_settings, environment=Environment.DEVELOPMENT, media_root=str(tmp_path / "media")
    )
    with_demo = await first_minutes(development)
    without = await first_minutes(msgspec.structs.replace(development, dev_demo=False))
    assert with_demo == without
    assert with_demo[0] == [True]  # the feed: their own upcoming event only (the demo's is over)


async def test_other_environments_seed_nothing(memory_settings: Settings) -> None:
    for settings in (
        memory_settings,  # test
        msgspec.structs.replace(memory_settings, dev_demo=True),  # asked for, still a test
        msgspec.structs.replace(memory_settings, environment=Environment.DEVELOPMENT, dev_demo=False),
    ):
        assert not settings.seeds_demo
        fakes = Fakes()
        async with started(settings, fakes) as (client, _):
            host = await signed_in(client, fakes, DEMO_HOST_PHONE)  # a new account: nobody was seeded
            assert app_object(await client.get("/api/auth/profile", headers=host))["name"] == ""
            assert fakes.sms.sent[0].to == DEMO_HOST_PHONE  # no demo member was signed up before
